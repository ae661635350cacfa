"""Recording a predicate in the register (the TPN's determination, or an earlier year's
decree an administrator enters). Revocation is the predicate's lifecycle
(tables/predicate.py); this is the one way a predicate is created."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.assessments.models import Assessment
from zona.assessments.services.scores import scores_refresh_many
from zona.audit.services import audit_record
from zona.core.errors import Problem, ValidationFailed
from zona.national.models import Nomination, Predicate, PredicateKind

MAX_DECREE = 120


def predicate_grant(
    *,
    actor: Any,
    unit: Any,
    kind: str,
    year: int,
    decree_number: str,
    decree_date: dt.date | None,
    nomination: Nomination | None = None,
    now: dt.datetime | None = None,
) -> Predicate:
    """Record that `unit` holds `kind` from `year`, by the decree. Refused with a clear
    problem per field: no decree number, no or a future decree date, a decree dated before
    its year, an unknown kind, or a second predicate of the same kind and year. The unit's
    open sheets are rescored (the WBBM verdict reads whether the unit holds WBK)."""
    now = now or timezone.now()
    number = (decree_number or "").strip()
    problems: list[Problem] = []
    if kind not in PredicateKind.values:
        problems.append(Problem("kind", _("Choose WBK or WBBM."), field="kind"))
    if not number:
        problems.append(
            Problem("decree_number_required", _("Give the decree number."), field="decree_number")
        )
    elif len(number) > MAX_DECREE:
        problems.append(
            Problem(
                "too_long",
                _("At most %(n)s characters.") % {"n": MAX_DECREE},
                field="decree_number",
            )
        )
    if decree_date is None:
        problems.append(
            Problem("decree_date_required", _("Give the decree date."), field="decree_date")
        )
    elif decree_date > timezone.localdate(now):
        problems.append(
            Problem(
                "decree_in_future",
                _("The decree date cannot be in the future."),
                field="decree_date",
            )
        )
    elif decree_date.year < year:
        problems.append(
            Problem(
                "decree_before_year",
                _("A decree for %(year)s cannot be dated before that year.") % {"year": year},
                field="decree_date",
            )
        )
    if not problems and Predicate.objects.filter(unit=unit, kind=kind, year=year).exists():
        problems.append(_exists(unit, kind, year))
    if problems or decree_date is None:
        raise ValidationFailed(_("The predicate was not recorded."), problems=problems)
    try:
        with transaction.atomic():
            predicate = Predicate.objects.create(
                unit=unit,
                kind=kind,
                year=year,
                decree_number=number,
                decree_date=decree_date,
                nomination=nomination,
                granted_by=actor if getattr(actor, "is_authenticated", False) else None,
                granted_at=now,
            )
            audit_record(
                actor=actor,
                action="predicate.granted",
                target=predicate,
                unit=unit,
                details={
                    "kind": kind,
                    "year": year,
                    "decree_number": number,
                    "decree_date": decree_date.isoformat() if decree_date else None,
                },
            )
            rescore_unit(unit)
    except IntegrityError:
        # Recorded by someone else between the check and the insert.
        raise ValidationFailed(
            _("The predicate was not recorded."), problems=[_exists(unit, kind, year)]
        ) from None
    return predicate


def _exists(unit: Any, kind: str, year: int) -> Problem:
    return Problem(
        "predicate_exists",
        _("%(unit)s already has a %(kind)s predicate for %(year)s.")
        % {"unit": unit.name, "kind": kind, "year": year},
        field="kind",
    )


def rescore_unit(unit: Any) -> int:
    """Refresh the stored scores of the unit's sheets (a predicate granted or revoked changes
    the WBBM verdict; `check_scores` judges every sheet by what the unit holds today)."""
    sheets = Assessment.objects.select_related("period__framework", "unit").filter(unit=unit)
    return scores_refresh_many(sheets)
