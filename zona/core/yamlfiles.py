"""Versioned content files (frameworks, survey instruments): finding them on disk and the
canonical form of their validated documents.

Both kinds are YAML files loaded by an idempotent loader that compares content hashes, so
they must hash the same way; one definition keeps them from drifting apart.

Importable without Django settings (the schemas, the benchmark and the command line use it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def yaml_files(paths: Sequence[str], default: Path) -> list[Path]:
    """The files named on a command line: a folder stands for its *.yaml files (sorted, so
    the load order is stable); no paths at all means the default folder."""
    files: list[Path] = []
    for raw in paths or [str(default)]:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
        else:
            files.append(path)
    return files


def canonical_json(doc: BaseModel) -> str:
    """The document as sorted, compact JSON: the basis of the content hash.

    Defaults are left out so that adding an optional field to the schema later does not
    change the hash of files already loaded.
    """
    data = doc.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(doc: BaseModel) -> str:
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def document_json(doc: BaseModel) -> dict[str, Any]:
    """What the database stores; the schema's `model_validate` reads it back unchanged."""
    result: dict[str, Any] = json.loads(canonical_json(doc))
    return result
