"""The workflow API's choice fields declare their labels, so the OpenAPI enums say what
each value means (a `ChoiceField(choices=X.values)` listed bare values)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator


def _schema() -> dict[str, Any]:
    with translation.override("en"):
        schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def _enum_of(schema: dict[str, Any], path: str, method: str, field: str) -> dict[str, Any]:
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    components = schema["components"]["schemas"]
    prop = components[body["$ref"].rsplit("/", 1)[1]]["properties"][field]
    refs = [prop, *(prop.get("oneOf") or prop.get("allOf") or [])]
    ref = next(r["$ref"] for r in refs if "$ref" in r)
    return components[ref.rsplit("/", 1)[1]]


@pytest.mark.sqlite_pass_only
def test_koefisien_mode_and_tpi_gate_source_carry_their_labels() -> None:
    schema = _schema()
    mode = _enum_of(schema, "/api/v1/agencies/{unit_id}/koefisien/kinds/", "post", "mode")
    assert mode["enum"] == ["factor", "points"]
    assert "`factor` - Factor" in mode["description"]
    source = _enum_of(schema, "/api/v1/agencies/{unit_id}/tpi/gates/", "post", "source")
    assert "`hasil` - The Hasil conditions" in source["description"]
