"""The chokepoints through which views and the API fetch survey objects.

Missing and forbidden give the same 404. The permission asked decides what the caller may
do: SURVEY_VIEW to look, SURVEY_MANAGE to change a campaign (for_change=True), and
SURVEY_VALIDATE for assessors' work (flagged responses, contacts, validation calls).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q
from django.http import Http404

from zona.accounts.access import Perm, has_perm_anywhere, units_where, user_can
from zona.accounts.models import Unit
from zona.core.api.params import int_or_none
from zona.surveys.models import (
    Campaign,
    CodeBatch,
    InstrumentVersion,
    Kiosk,
    Response,
    Suggestion,
    ValidationCall,
    ValidationDraw,
)
from zona.surveys.selectors import campaign_with_details


def _perm(for_change: bool, perm: Perm | None) -> Perm:
    if perm is not None:
        return perm
    return Perm.SURVEY_MANAGE if for_change else Perm.SURVEY_VIEW


def access_campaign_by_id(
    user: Any, campaign_id: Any, *, for_change: bool = False, perm: Perm | None = None
) -> Campaign:
    try:
        campaign = campaign_with_details(int(campaign_id))
    except (ValueError, TypeError):
        raise Http404 from None
    if campaign is None or not user_can(user, _perm(for_change, perm), campaign.unit):
        raise Http404
    return campaign


_Child = TypeVar("_Child", Response, ValidationDraw, Kiosk, CodeBatch, Suggestion)


def _child_of_campaign(
    model: type[_Child], user: Any, campaign: Campaign, child_id: Any, perm: Perm
) -> _Child:
    """A row that belongs to an already-authorised campaign, for holders of `perm` on its unit.

    The id is read with the bounded parser, so `²` or a 20-digit id is a 404, not a 500.
    """
    pk = int_or_none(child_id)
    if pk is None or not user_can(user, perm, campaign.unit):
        raise Http404
    child = model._default_manager.filter(pk=pk, campaign=campaign).first()
    if child is None:
        raise Http404
    child.campaign = campaign
    return child


def access_response_by_id(user: Any, campaign: Campaign, response_id: Any) -> Response:
    """A response of `campaign`, for assessors (SURVEY_VALIDATE on the campaign's unit)."""
    return _child_of_campaign(Response, user, campaign, response_id, Perm.SURVEY_VALIDATE)


def access_draw_by_id(user: Any, campaign: Campaign, draw_id: Any) -> ValidationDraw:
    return _child_of_campaign(ValidationDraw, user, campaign, draw_id, Perm.SURVEY_VALIDATE)


def access_kiosk_by_id(user: Any, campaign: Campaign, kiosk_id: Any) -> Kiosk:
    """A kiosk of `campaign` for its managers (SURVEY_MANAGE on the campaign's unit)."""
    return _child_of_campaign(Kiosk, user, campaign, kiosk_id, Perm.SURVEY_MANAGE)


def access_code_batch_by_id(user: Any, campaign: Campaign, batch_id: Any) -> CodeBatch:
    """A batch of one-time codes of `campaign`, for its managers (SURVEY_MANAGE)."""
    return _child_of_campaign(CodeBatch, user, campaign, batch_id, Perm.SURVEY_MANAGE)


def access_suggestion_by_id(user: Any, campaign: Campaign, suggestion_id: Any) -> Suggestion:
    """A suggestion of `campaign`, for its managers (SURVEY_MANAGE), who moderate it."""
    return _child_of_campaign(Suggestion, user, campaign, suggestion_id, Perm.SURVEY_MANAGE)


def access_call_by_id(user: Any, draw: ValidationDraw, call_id: Any) -> ValidationCall:
    pk = int_or_none(call_id)
    if pk is None or not user_can(user, Perm.SURVEY_VALIDATE, draw.campaign.unit):
        raise Http404
    call = ValidationCall.objects.select_related("contact").filter(pk=pk, draw=draw).first()
    if call is None:
        raise Http404
    call.draw = draw
    return call


def instrument_versions_visible_to(user: Any) -> list[InstrumentVersion]:
    """Zona's own instruments, and those of agencies where the user sees some unit."""
    if not has_perm_anywhere(user, Perm.SURVEY_VIEW):
        return []
    versions = InstrumentVersion.objects.select_related(
        "instrument", "instrument__agency"
    ).order_by("instrument__key", "-version")
    if not (user.is_authenticated and user.is_superuser):
        agency_paths = {
            path[: Unit.steplen]
            for path in units_where(user, Perm.SURVEY_VIEW).values_list("path", flat=True)[:5000]
        }
        versions = versions.filter(
            Q(instrument__agency__isnull=True) | Q(instrument__agency__path__in=agency_paths)
        )
    return list(versions)


def access_instrument_version_by_id(user: Any, version_id: Any) -> InstrumentVersion:
    try:
        wanted = int(version_id)
    except (TypeError, ValueError):
        raise Http404 from None
    for version in instrument_versions_visible_to(user):
        if version.pk == wanted:
            return version
    raise Http404
