"""Numbers from query strings and forms, parsed one way everywhere.

`str.isdigit()` is True for `'²'` and for Arabic-Indic digits, and `int()` then fails or
reads a number the user never typed; an id of 20 digits passes both and overflows the
database's integer. These helpers accept only ASCII digits (an optional leading minus
where negatives are allowed) within bounds, and refuse anything else with a
`ValidationFailed` naming the field, which the API turns into a 400 and pages into a
form error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from zona.core.errors import Problem, ValidationFailed

# The largest value a database id (BigAutoField, signed 64 bits) can hold.
MAX_ID = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")


def parse_int(raw: object, *, field: str, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """`raw` as an int in [minimum, maximum], or ValidationFailed (code `invalid_number`)."""
    text = raw.strip() if isinstance(raw, str) else str(raw) if isinstance(raw, int) else ""
    value = int(text) if _INTEGER.fullmatch(text) else None
    if value is None or not minimum <= value <= maximum:
        message = _("%(field)s must be a whole number from %(min)s to %(max)s.") % {
            "field": field,
            "min": minimum,
            "max": maximum,
        }
        raise ValidationFailed(message, problems=[Problem("invalid_number", message, field)])
    return value


def int_or_none(raw: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """Lenient reading for filters that ignore what they cannot use: None for anything bad."""
    try:
        return parse_int(raw, field="", minimum=minimum, maximum=maximum)
    except ValidationFailed:
        return None


def query_int(
    params: Mapping[str, Any], name: str, *, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """The parameter as a bounded int; None when absent or empty; ValidationFailed if bad."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    return parse_int(raw, field=name, minimum=minimum, maximum=maximum)


def query_id(params: Mapping[str, Any], name: str) -> int | None:
    """An object id from the query string (1 .. MAX_ID), None when absent."""
    return query_int(params, name, minimum=1, maximum=MAX_ID)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset, but a bad or out-of-range `limit`/`offset` is a 400.

    DRF ignores a malformed limit and passes any size through to SQL (a limit of 20 digits
    overflowed the database). `limit` runs from 1 to ZONA_API_MAX_LIMIT.
    """

    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return int(settings.ZONA_API_MAX_LIMIT)

    def get_limit(self, request: Request) -> int:
        limit = query_int(
            request.query_params, self.limit_query_param, minimum=1, maximum=self.max_limit
        )
        return int(self.default_limit or 0) if limit is None else limit

    def get_offset(self, request: Request) -> int:
        offset = query_int(request.query_params, self.offset_query_param, maximum=MAX_ID // 2)
        return offset or 0
