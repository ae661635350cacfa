"""Reads of loaded frameworks, and the compiled form that scoring uses."""

from __future__ import annotations

from pydantic import TypeAdapter

from zona.frameworks.models import Framework
from zona.frameworks.schema import AreaDoc, FrameworkDoc
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


_areas: dict[str, tuple[AreaDoc, ...]] = {}
_AREA_LIST = TypeAdapter(list[AreaDoc])


def working_group_areas() -> tuple[AreaDoc, ...]:
    """The areas a working-group role may name: those declared by the newest loaded version
    of each framework key (by key, then in the file's order; a key shared by two frameworks
    is listed once). A role is not tied to one period, so the newest versions stand for the
    frameworks in use; an assessment validates against its own framework's areas."""
    latest: dict[str, tuple[int, int, str]] = {}
    for pk, key, version, digest in Framework.objects.values_list(
        "pk", "key", "version", "content_hash"
    ):
        if key not in latest or version > latest[key][1]:
            latest[key] = (pk, version, digest)
    missing = [pk for pk, _, digest in latest.values() if digest not in _areas]
    for digest, raw in Framework.objects.filter(pk__in=missing).values_list(
        "content_hash", "document__areas"
    ):
        # A version never changes content, so its areas are cached by content hash.
        _areas[digest] = tuple(_AREA_LIST.validate_python(raw or []))
    found: dict[str, AreaDoc] = {}
    for key in sorted(latest):
        for area in _areas[latest[key][2]]:
            found.setdefault(area.key, area)
    return tuple(found.values())
