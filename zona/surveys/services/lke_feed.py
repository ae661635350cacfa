"""Which campaign feeds the LKE (B.I.a IPAK, B.II.a IPKP) of a unit and year, and when that
choice is frozen.

A choice is frozen while the unit's sheet for the year is submitted (the assessments app pins
it in the submission's transaction and unpins it when a return reopens B.I.a/B.II.a) and once
reviewers validated the feeding campaign (recorded an outcome of a validation call). Every
switch, pin and unpin is an audit event the campaign and validation pages show.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.models import Unit
from zona.audit.services import audit_record
from zona.core.errors import StateError
from zona.surveys.models import CallOutcome, Campaign, LkeFeedPin, Measure, ValidationCall
from zona.surveys.selectors import lke_source_campaign

# The indices a campaign gives the LKE (B.I.a and B.II.a).
MEASURES = (str(Measure.IPAK), str(Measure.IPKP))

FEED_ACTIONS = (
    "survey.lke_source_switched",
    "survey.lke_source_pinned",
    "survey.lke_source_unpinned",
)


def survey_feed_pin(*, unit: Unit, year: int, actor: Any) -> None:
    """Freeze which campaign feeds the unit's LKE of `year` (idempotent).

    Call inside the sheet's submission transaction; the caller has checked the actor's right
    to submit. The pin is written and audited in that same transaction.
    """
    with transaction.atomic():
        if LkeFeedPin.objects.filter(unit=unit, year=year).exists():
            return
        sources = {measure: lke_source_campaign(unit, year, measure) for measure in MEASURES}
        LkeFeedPin.objects.create(
            unit=unit,
            year=year,
            sources={m: (c.pk if c is not None else None) for m, c in sources.items()},
            pinned_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        labels = {m: _label(c) for m, c in sources.items()}
        audit_record(
            actor=actor,
            action="survey.lke_source_pinned",
            target=unit,
            unit=unit,
            details={"year": year, "campaign": _sources_label(labels), "sources": labels},
        )


def survey_feed_unpin(*, unit: Unit, year: int, actor: Any) -> None:
    """Let the unit choose another feeding campaign again (a return reopened B.I.a/B.II.a).

    Idempotent. A campaign the reviewers validated stays frozen regardless.
    """
    with transaction.atomic():
        pin = LkeFeedPin.objects.select_for_update().filter(unit=unit, year=year).first()
        if pin is None:
            return
        labels = {
            m: _label(Campaign.objects.filter(pk=pk).first() if pk else None)
            for m, pk in pin.sources.items()
        }
        pin.delete()
        audit_record(
            actor=actor,
            action="survey.lke_source_unpinned",
            target=unit,
            unit=unit,
            details={"year": year, "campaign": _sources_label(labels), "sources": labels},
        )


def feeding_campaign(*, unit: Unit, year: int) -> Campaign | None:
    return Campaign.objects.filter(unit=unit, year=year, feeds_lke=True).first()


def is_validated(campaign: Campaign) -> bool:
    """Reviewers validated a campaign once they recorded the outcome of one of its calls."""
    return (
        ValidationCall.objects.filter(draw__campaign=campaign)
        .exclude(outcome=CallOutcome.PENDING)
        .exists()
    )


def feed_lock_reason(*, unit: Unit, year: int) -> str:
    """Why the campaign feeding the unit's LKE of `year` cannot change now ('' if it can)."""
    if LkeFeedPin.objects.filter(unit=unit, year=year).exists():
        return _(
            "The %(year)s self-assessment of this unit is submitted with this survey's "
            "figures; the round feeding the LKE can change only after reviewers return the "
            "sheet for B.I.a or B.II.a."
        ) % {"year": year}
    for measure in MEASURES:
        current = lke_source_campaign(unit, year, measure)
        if current is not None and is_validated(current):
            return _(
                "Reviewers have validated %(period)s, the round feeding the %(year)s LKE; it "
                "can no longer be switched."
            ) % {"period": current.period_label, "year": year}
    return ""


def check_feed_change(
    *,
    unit: Unit,
    campaign: Campaign | None,
    year: int,
    feeds_lke: bool,
) -> list[tuple[int, Campaign | None, bool]]:
    """Refuse (StateError) a campaign change that switches a frozen LKE source.

    `campaign` is the campaign before the change (None when creating it), `year`/`feeds_lke`
    its values after. Returns the (year, feeding campaign before, feeds after) switches the
    change makes, for `record_feed_switches` once the campaign is saved.
    """
    switches: list[tuple[int, Campaign | None, bool]] = []
    was_feeding = campaign is not None and campaign.feeds_lke
    if was_feeding and campaign is not None and (not feeds_lke or campaign.year != year):
        switches.append((campaign.year, campaign, False))
    if feeds_lke and not (was_feeding and campaign is not None and campaign.year == year):
        switches.append((year, feeding_campaign(unit=unit, year=year), True))
    for switch_year, _before, _after in switches:
        reason = feed_lock_reason(unit=unit, year=switch_year)
        if reason:
            raise StateError(reason)
    return switches


def record_feed_switches(
    *, actor: Any, campaign: Campaign, switches: list[tuple[int, Campaign | None, bool]]
) -> None:
    for year, before, feeds in switches:
        audit_record(
            actor=actor,
            action="survey.lke_source_switched",
            target=campaign,
            unit=campaign.unit,
            details={
                "year": year,
                "from": _label(before),
                "to": _label(campaign) if feeds else None,
            },
        )


def _label(campaign: Campaign | None) -> str | None:
    return None if campaign is None else f"{campaign.year} {campaign.period_label}"


def _sources_label(labels: dict[str, str | None]) -> str | None:
    """One label when both indices come from the same round, else "IPAK: …; IPKP: …"."""
    found = {label for label in labels.values() if label}
    if not found:
        return None
    if len(found) == 1:
        return found.pop()
    return "; ".join(f"{m.upper()}: {label or '-'}" for m, label in labels.items())
