"""What every assessments API view shares: the acting account and the `?layer=` parameter."""

from __future__ import annotations

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from zona.accounts.models import User


def actor(request: Request) -> User:
    """The authenticated account (the API requires authentication for every view)."""
    return cast(User, request.user)


LAYER_PARAM = OpenApiParameter(
    "layer",
    OpenApiTypes.STR,
    description="`unit` (default) or the code of a review tier, e.g. `tpi`",
)
