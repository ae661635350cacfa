"""The OpenAPI schema generates without a warning or an error, and validates.

drf-spectacular reports what it could not document well (an enum name collision, a field
whose type it guessed, a view without a serializer) through `GENERATOR_STATS` and still
writes a schema; a client generated from it then gets names like `Status44eEnum`. Enum
collisions are settled in `SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import _load_enum_name_overrides
from drf_spectacular.settings import patched_settings
from drf_spectacular.validation import validate_schema


def _generate(language: str) -> tuple[dict[str, Any], list[str], list[str]]:
    reset_generator_stats()
    with GENERATOR_STATS.silence(), translation.override(language):
        generator = SchemaGenerator()  # type: ignore[no-untyped-call]
        schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    warnings = list(GENERATOR_STATS._warn_cache)
    errors = list(GENERATOR_STATS._error_cache)
    reset_generator_stats()
    return schema, warnings, errors


# The enum hashes take the choices' labels in the active language: both languages are clean.
@pytest.mark.sqlite_pass_only
@pytest.mark.parametrize("language", ["id", "en"])
def test_schema_has_no_warnings_or_errors(language: str) -> None:
    schema, warnings, errors = _generate(language)
    assert warnings == []
    assert errors == []
    validate_schema(schema)  # type: ignore[no-untyped-call]
    enums = {name for name in schema["components"]["schemas"] if name.endswith("Enum")}
    # The shared choice sets carry their override's name, never a hash suffix.
    assert {"TpiPanelStatusEnum", "CommentKindEnum", "ReportVerdictEnum"} <= enums


@pytest.mark.sqlite_pass_only
def test_the_check_sees_a_collision() -> None:
    # Without the overrides the shared "status" and "kind" choice sets collide: the check
    # above would fail, so it does catch what it is meant to.
    _load_enum_name_overrides.cache_clear()
    try:
        with patched_settings({"ENUM_NAME_OVERRIDES": {}}):
            _schema, warnings, _errors = _generate("id")
    finally:
        _load_enum_name_overrides.cache_clear()
    assert any("enum naming encountered" in w for w in warnings)
