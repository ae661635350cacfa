"""Pydantic models of one import row: types, normal forms and the rules of a single cell.

Rules across rows and against the database live in `units.py` and `users.py`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TypeVar

from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from zona.accounts.areas import area_problem, split_areas
from zona.accounts.models import Role, UnitKind
from zona.core.errors import Problem

TRUE_WORDS = frozenset({"ya", "y", "yes", "true", "1", "benar"})
FALSE_WORDS = frozenset({"tidak", "no", "n", "false", "0", "salah"})
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
SERVICE_CODE_RE = re.compile(r"^[A-Z0-9_-]+$")
MAX_SERVICE_CODE = 64
MAX_SERVICE_NAME = 255


def _error(code: str, message: str) -> PydanticCustomError:
    # Braces would be read as placeholders by pydantic; messages here never need them.
    return PydanticCustomError(code, message.replace("{", "(").replace("}", ")"))


def parse_bool(value: str, *, default: bool) -> bool:
    word = value.strip().lower()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _error("invalid_bool", _("Write “ya” or “tidak”."))


def parse_service_types(value: str) -> tuple[tuple[str, str], ...]:
    """`PASPOR=Penerbitan Paspor; ITAS=Izin Tinggal Terbatas` → ((code, name), ...)."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        code, sep, name = part.partition("=")
        code, name = code.strip().upper(), name.strip()
        if not sep or not code:
            raise _error(
                "invalid_service_type",
                _("Write service types as CODE=Name separated by semicolons; “%(part)s” is not.")
                % {"part": part},
            )
        if len(code) > MAX_SERVICE_CODE or not SERVICE_CODE_RE.match(code):
            raise _error(
                "invalid_service_code",
                _(
                    "The service type code “%(code)s” may only hold letters, digits, dashes "
                    "and underscores (up to 64)."
                )
                % {"code": code},
            )
        if not name:
            raise _error("required", _("The service type %(code)s has no name.") % {"code": code})
        if len(name) > MAX_SERVICE_NAME:
            raise _error(
                "invalid_service_name",
                _("The name of the service type %(code)s is longer than 255 characters.")
                % {"code": code},
            )
        if code in seen:
            raise _error(
                "duplicate_service_code",
                _("The service type code %(code)s appears twice in this cell.") % {"code": code},
            )
        seen.add(code)
        pairs.append((code, name))
    return tuple(pairs)


@cache
def _labels(choices: tuple[tuple[str, str], ...], lang: str) -> dict[str, str]:
    with translation.override(lang):
        return {str(label).lower(): key for key, label in choices}


def _choice(value: str, choices: type[UnitKind] | type[Role]) -> str | None:
    """Accept the key (e.g. `satker`) or the label in Indonesian or English."""
    word = value.strip().lower()
    if word in choices.values:
        return word
    pairs = tuple((str(k), str(v)) for k, v in choices.choices)
    for lang in ("id", "en"):
        key = _labels(pairs, lang).get(word)
        if key:
            return key
    return None


class _Row(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)

    row: int


class UnitRow(_Row):
    code: str = ""
    name: str = ""
    short_name: str = ""
    parent_code: str = ""
    kind: str = ""
    echelon: int | None = None
    region: str = ""
    service_types: tuple[tuple[str, str], ...] = ()

    @field_validator("code", "parent_code", mode="before")
    @classmethod
    def _upper(cls, v: str) -> str:
        return str(v).strip().upper()

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: str) -> str:
        if not str(v).strip():
            raise _error("required", _("Enter the kind of unit."))
        kind = _choice(str(v), UnitKind)
        if kind is None:
            raise _error(
                "invalid_kind",
                _("Unknown kind “%(value)s”. Use one of: %(choices)s.")
                % {"value": v, "choices": ", ".join(UnitKind.values)},
            )
        return kind

    @field_validator("echelon", mode="before")
    @classmethod
    def _echelon(cls, v: str) -> int | None:
        text = str(v).strip().upper()
        if not text:
            return None
        if text in ROMAN:
            return ROMAN[text]
        if text.isdigit() and 1 <= int(text) <= 5:
            return int(text)
        raise _error("invalid_echelon", _("The echelon level is 1 to 5 (or I to V)."))

    @field_validator("service_types", mode="before")
    @classmethod
    def _service_types(cls, v: str) -> tuple[tuple[str, str], ...]:
        return parse_service_types(str(v))


class UserRow(_Row):
    username: str = ""
    email: str = ""
    full_name: str = ""
    nip: str = ""
    home_unit_code: str = ""
    active: bool = True
    role: str = ""
    role_unit_code: str = ""
    covers_subtree: bool = False
    review_tier: str = ""
    lke_areas: tuple[str, ...] = ()

    @field_validator("username", "email", "review_tier", mode="before")
    @classmethod
    def _lower(cls, v: str) -> str:
        return str(v).strip().lower()

    @field_validator("home_unit_code", "role_unit_code", mode="before")
    @classmethod
    def _upper(cls, v: str) -> str:
        return str(v).strip().upper()

    @field_validator("active", mode="before")
    @classmethod
    def _active(cls, v: str) -> bool:
        return parse_bool(str(v), default=True)

    @field_validator("covers_subtree", mode="before")
    @classmethod
    def _covers(cls, v: str) -> bool:
        return parse_bool(str(v), default=False)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, v: str) -> str:
        if not str(v).strip():
            return ""
        role = _choice(str(v), Role)
        if role is None:
            raise _error(
                "invalid_role",
                _("Unknown role “%(value)s”. Use one of: %(choices)s.")
                % {"value": v, "choices": ", ".join(Role.values)},
            )
        return role

    @field_validator("lke_areas", mode="before")
    @classmethod
    def _areas(cls, v: str) -> tuple[str, ...]:
        known, bad = split_areas(p for p in re.split(r"[\s,;]+", str(v)) if p)
        if bad:
            raise _error("invalid_areas", area_problem(bad) or "")
        return tuple(known)


RowT = TypeVar("RowT", bound=_Row)


def parse_row(
    model: type[RowT], row: int, values: dict[str, str]
) -> tuple[RowT | None, list[Problem]]:
    """Build the row model; on failure return one problem per bad cell."""
    try:
        return model.model_validate({"row": row, **values}), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            column = str(err["loc"][0]) if err["loc"] else ""
            problems.append(Problem(code=err["type"], message=err["msg"], field=column, row=row))
        return None, problems
