"""Kiosks: tablets a manager registers at a named place, each with its own link."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm
from zona.audit.services import audit_record
from zona.core.errors import Problem, StateError, ValidationFailed
from zona.surveys.models import Campaign, Kiosk
from zona.surveys.services.common import check_perm


def kiosk_open(*, actor: Any, campaign: Campaign, name: str, location: str) -> Kiosk:
    """Register a tablet at a place; its link is shown to the managers of the unit only."""
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    name, location = name.strip(), location.strip()
    problems = []
    if not name:
        problems.append(Problem("required", _("Name the device, e.g. Tablet 1."), "name"))
    if not location:
        problems.append(
            Problem("required", _("Say where it stands, e.g. passport counter."), "location")
        )
    if len(name) > 80 or len(location) > 160:
        problems.append(Problem("invalid", _("The name or the place is too long."), "name"))
    if problems:
        raise ValidationFailed(_("The kiosk has problems."), problems=problems)
    with transaction.atomic():
        kiosk = Kiosk.objects.create(
            campaign=campaign, name=name, location=location, opened_by=actor
        )
        audit_record(
            actor=actor,
            action="survey.kiosk_opened",
            target=campaign,
            unit=campaign.unit,
            details={"kiosk": kiosk.pk, "name": name, "location": location},
        )
    return kiosk


def kiosk_close(*, actor: Any, kiosk: Kiosk) -> Kiosk:
    """Retire a kiosk's link (a lost tablet, the end of the round). Its count stays."""
    campaign = kiosk.campaign
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    with transaction.atomic():
        kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        if not kiosk.is_open:
            raise StateError(_("This kiosk is already closed."))
        kiosk.closed_at = timezone.now()
        kiosk.closed_by = actor
        kiosk.save(update_fields=["closed_at", "closed_by"])
        audit_record(
            actor=actor,
            action="survey.kiosk_closed",
            target=campaign,
            unit=campaign.unit,
            details={"kiosk": kiosk.pk, "name": kiosk.name, "responses": kiosk.responses},
        )
    return kiosk
