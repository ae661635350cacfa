"""Check real API responses against the OpenAPI schema drf-spectacular generates.

drf-spectacular writes OpenAPI 3.0, whose `nullable` is no JSON Schema keyword; the schema is
turned into JSON Schema (draft 2020-12) first, so `jsonschema` can judge each response body.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@cache
def openapi_document() -> dict[str, Any]:
    return as_json_schema(SchemaGenerator().get_schema(request=None, public=True))


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` as JSON Schema's null type, everywhere in `node`."""
    if isinstance(node, list):
        return [as_json_schema(child) for child in node]
    if not isinstance(node, dict):
        return node
    out = {key: as_json_schema(value) for key, value in node.items()}
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def response_schema(path: str, method: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of a documented response (None: documented without a body)."""
    document = openapi_document()
    operation = document["paths"][path][method.lower()]
    response = operation["responses"][str(status)]
    content = response.get("content")
    if content is None:
        return None
    return content["application/json"]["schema"]


def assert_matches_schema(path: str, method: str, response: Any) -> None:
    """The response's status is documented for the operation and its body fits the schema.

    `path` is the schema's path template, e.g. `/api/v1/assessments/{id}/`.
    """
    schema = response_schema(path, method, response.status_code)
    if schema is None:
        assert not response.content, f"{method} {path}: undocumented body"
        return
    document = openapi_document()
    validator = jsonschema.Draft202012Validator({**schema, "components": document["components"]})
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method} {path} {response.status_code}: " + "; ".join(
        f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors[:5]
    )
