"""Revoking a predicate (issue 11 §4): the grounds, the source, the TPN's confirmation with
the TPI and the decision date; the unit is blocked from a new proposal until the decision
date + NationalSettings.revocation_block_months (`revocation_block`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.models import Role, RoleAssignment
from zona.core.errors import Problem, ValidationFailed
from zona.national.models import (
    MonitoringOutcome,
    MonitoringRound,
    Predicate,
    RevocationSource,
)
from zona.national.selectors.predicates import revocation_grounds
from zona.national.services.register import rescore_unit
from zona.national.tables.predicate import PREDICATE
from zona.notifications.services import notify
from zona.workflow.engine import apply

MAX_NOTE = 5000
MAX_REF = 300
MAX_NAME = 200


@dataclass(frozen=True)
class RevocationInput:
    grounds: str
    source: str
    decided_on: dt.date | None
    confirmed_by: str
    confirmed_on: dt.date | None
    grounds_note: str = ""
    source_reference: str = ""
    monitoring_round: MonitoringRound | None = None


def _problems(predicate: Predicate, data: RevocationInput, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    if data.grounds not in dict(revocation_grounds()):
        problems.append(
            Problem("grounds_required", _("Choose the grounds of the revocation."), field="grounds")
        )
    if data.source not in RevocationSource.values:
        problems.append(
            Problem("source_required", _("Choose where the case came from."), field="source")
        )
    if len(data.grounds_note) > MAX_NOTE:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_NOTE}, "grounds_note")
        )
    if len(data.source_reference) > MAX_REF:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_REF}, "source_reference")
        )
    if data.source in (RevocationSource.MEDIA, RevocationSource.PUBLIC_REPORT) and not (
        data.source_reference.strip()
    ):
        problems.append(
            Problem(
                "reference_required",
                _("Give the reference of the report (the article, the complaint number)."),
                field="source_reference",
            )
        )
    if data.source == RevocationSource.MONITORING:
        rnd = data.monitoring_round
        if rnd is None or rnd.predicate_id != predicate.pk:
            problems.append(
                Problem(
                    "round_required",
                    _("Choose the monitoring round of this predicate that found it."),
                    field="monitoring_round",
                )
            )
        elif rnd.outcome != MonitoringOutcome.RECOMMEND_REVOCATION:
            problems.append(
                Problem(
                    "round_not_recommending",
                    _("That monitoring round did not recommend revocation."),
                    field="monitoring_round",
                )
            )
    name = data.confirmed_by.strip()
    if not name:
        problems.append(
            Problem(
                "confirmation_required",
                _("Name who at the TPI confirmed the case."),
                field="confirmed_by",
            )
        )
    elif len(name) > MAX_NAME:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_NAME}, "confirmed_by")
        )
    if data.confirmed_on is None:
        problems.append(
            Problem("date_required", _("Give the date of the confirmation."), "confirmed_on")
        )
    elif data.confirmed_on > today:
        problems.append(
            Problem("date_in_future", _("The date cannot be in the future."), "confirmed_on")
        )
    if data.decided_on is None:
        problems.append(
            Problem("date_required", _("Give the date of the decision."), field="decided_on")
        )
    elif data.decided_on > today:
        problems.append(
            Problem("date_in_future", _("The date cannot be in the future."), field="decided_on")
        )
    elif data.decided_on < predicate.decree_date:
        problems.append(
            Problem(
                "decision_before_decree",
                _("The decision cannot come before the decree of %(date)s.")
                % {"date": predicate.decree_date.isoformat()},
                field="decided_on",
            )
        )
    elif data.confirmed_on is not None and data.confirmed_on > data.decided_on:
        problems.append(
            Problem(
                "confirmation_after_decision",
                _("The TPI's confirmation comes before the decision."),
                field="confirmed_on",
            )
        )
    return problems


def predicate_revoke(
    *,
    actor: Any,
    predicate: Predicate,
    data: RevocationInput,
    now: dt.datetime | None = None,
) -> Predicate:
    """Revoke a held predicate (the TPN or the system administrator). Bad input is refused
    with a problem per field and changes nothing; a predicate already revoked is a
    StateError. The unit's sheets are rescored (the WBBM verdict needs a held WBK)."""
    now = now or timezone.now()
    problems = _problems(predicate, data, timezone.localdate(now))
    if problems:
        raise ValidationFailed(_("The predicate was not revoked."), problems=problems)
    assert data.decided_on is not None
    assert data.confirmed_on is not None
    with transaction.atomic():
        revoked = apply(
            PREDICATE,
            predicate,
            "revoke",
            actor,
            now=now,
            reason=data.grounds_note,
            data={
                "grounds": data.grounds,
                "grounds_note": data.grounds_note.strip(),
                "source": data.source,
                "source_reference": data.source_reference.strip(),
                "monitoring_round": data.monitoring_round
                if data.source == RevocationSource.MONITORING
                else None,
                "confirmed_by": data.confirmed_by.strip(),
                "confirmed_on": data.confirmed_on,
                "decided_on": data.decided_on,
            },
        )
        rescore_unit(revoked.unit)
        _tell_the_unit(revoked, actor)
    return revoked


def _tell_the_unit(predicate: Predicate, actor: Any) -> None:
    unit = predicate.unit
    agency_path = unit.agency_path
    people = {
        ra.user_id: ra.user
        for ra in RoleAssignment.objects.filter(
            unit=unit, role__in=[Role.UNIT_HEAD, Role.UNIT_OPERATOR]
        ).select_related("user")
    }
    for ra in RoleAssignment.objects.filter(
        role=Role.AGENCY_ADMIN, unit__path=agency_path
    ).select_related("user"):
        people[ra.user_id] = ra.user
    notify(
        recipients=list(people.values()),
        kind="predicate.revoked",
        params={
            "unit": unit.name,
            "kind": predicate.kind,
            "year": predicate.year,
            "blocked_until": predicate.blocked_until.isoformat() if predicate.blocked_until else "",
        },
        url=reverse("national:unit_history", args=[unit.pk]),
        actor=actor,
        key=f"predicate.revoked:{predicate.pk}",
    )
