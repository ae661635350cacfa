"""Reads of loaded frameworks, and the compiled form that scoring uses."""

from __future__ import annotations

from zona.frameworks.models import Framework
from zona.frameworks.schema import FrameworkDoc
from zona.frameworks.scoring import CompiledFramework, compile_framework

# Compiling takes milliseconds but scoring a list of units calls this per row. A loaded version
# never changes content (the loader refuses), and the hash in the key covers a replaced draft.
_compiled: dict[tuple[int, str], CompiledFramework] = {}


def compiled_framework(framework: Framework) -> CompiledFramework:
    cache_key = (framework.pk, framework.content_hash)
    compiled = _compiled.get(cache_key)
    if compiled is None:
        doc = FrameworkDoc.model_validate(framework.document)
        compiled = compile_framework(doc, content_hash=framework.content_hash)
        _compiled[cache_key] = compiled
    return compiled


def framework_document(framework: Framework) -> FrameworkDoc:
    return FrameworkDoc.model_validate(framework.document)


def latest_framework(key: str) -> Framework | None:
    """The highest loaded version of a framework key, or None."""
    return Framework.objects.filter(key=key).order_by("-version").first()


def framework_by_version(key: str, version: int) -> Framework | None:
    return Framework.objects.filter(key=key, version=version).first()
