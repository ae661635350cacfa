"""Opening periods and creating their assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.accounts.access import Perm
from zona.accounts.models import Unit, User
from zona.assessments.models import (
    AnswerLayer,
    Assessment,
    Period,
    PeriodDeadline,
    PeriodStatus,
    Target,
)
from zona.assessments.ports import chain_windows
from zona.assessments.services._common import require_perm
from zona.audit.services import audit_record
from zona.core.errors import Problem, StateError, ValidationFailed
from zona.frameworks.models import Framework


@dataclass(frozen=True)
class DeadlineInput:
    level: int
    fill_deadline: dt.date
    review_deadline: dt.date | None = None
    revision_deadline: dt.date | None = None


class StoredDates(NamedTuple):
    """A period's closing date and deadlines by (level, kind), as stored."""

    closes_on: dt.date
    deadlines: Mapping[tuple[int, str], dt.date]


def _check_period(
    *,
    year: int,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    deadlines: Sequence[DeadlineInput],
    was: StoredDates | None = None,
) -> list[Problem]:
    """`was`: the changed period as stored (None for a new one), for its deadlines left as
    they were (see `_after_close`)."""
    problems: list[Problem] = []
    if not title.strip():
        problems.append(Problem("required", _("Give the period a title."), "title"))
    if not 2000 <= year <= 2100:
        problems.append(Problem("invalid", _("The year must be between 2000 and 2100."), "year"))
    if closes_on < opens_on:
        problems.append(
            Problem("invalid", _("The period cannot close before it opens."), "closes_on")
        )
    levels: set[int] = set()
    for d in deadlines:
        where = f"deadlines.{d.level}"
        if d.level < 1:
            problems.append(Problem("invalid", _("A tree level starts at 1."), where))
        if d.level in levels:
            problems.append(
                Problem(
                    "duplicate", _("Level %(level)s is given twice.") % {"level": d.level}, where
                )
            )
        levels.add(d.level)
        if d.fill_deadline < opens_on:
            problems.append(
                Problem(
                    "invalid",
                    _("Level %(level)s: the self-assessment deadline is before the period opens.")
                    % {"level": d.level},
                    where,
                )
            )
        if d.review_deadline and d.review_deadline < d.fill_deadline:
            problems.append(
                Problem(
                    "invalid",
                    _(
                        "Level %(level)s: the review deadline is before the self-assessment "
                        "deadline."
                    )
                    % {"level": d.level},
                    where,
                )
            )
        if d.revision_deadline and d.revision_deadline < d.fill_deadline:
            problems.append(
                Problem(
                    "invalid",
                    _(
                        "Level %(level)s: the revision deadline is before the self-assessment "
                        "deadline."
                    )
                    % {"level": d.level},
                    where,
                )
            )
        if closes_on >= opens_on:  # else already refused, and every deadline would be "after"
            problems.extend(_after_close(d, closes_on, was))
    return problems


def _after_close(d: DeadlineInput, closes_on: dt.date, was: StoredDates | None) -> list[Problem]:
    """A level's deadlines past the period's closing date could never be used (the closing
    locks every layer): each is refused, naming the level and the dates. A deadline left as
    stored is checked again only when the closing date moves earlier (a period saved before
    the rule keeps working: its title or status can still change); then, if it lay inside
    the period, the new closing date is named as refused."""
    problems: list[Problem] = []
    for kind, date in (
        ("fill", d.fill_deadline),
        ("review", d.review_deadline),
        ("revision", d.revision_deadline),
    ):
        if date is None or date <= closes_on:
            continue
        shortened = False
        if was is not None and was.deadlines.get((d.level, kind)) == date:  # left as stored
            if closes_on >= was.closes_on:
                continue
            shortened = date <= was.closes_on
        values = {"level": d.level, "date": date_format(date), "closes": date_format(closes_on)}
        message = (_SHORTENED if shortened else _AFTER_CLOSE)[kind] % values
        field = "closes_on" if shortened else f"deadlines.{d.level}"
        problems.append(Problem("deadline_after_close", message, field))
    return problems


_AFTER_CLOSE = {
    "fill": gettext_lazy(
        "Level %(level)s: the self-assessment deadline (%(date)s) is after the period closes "
        "(%(closes)s)."
    ),
    "review": gettext_lazy(
        "Level %(level)s: the review deadline (%(date)s) is after the period closes (%(closes)s)."
    ),
    "revision": gettext_lazy(
        "Level %(level)s: the revision deadline (%(date)s) is after the period closes (%(closes)s)."
    ),
}
_SHORTENED = {
    "fill": gettext_lazy(
        "The period cannot close on %(closes)s: level %(level)s's self-assessment deadline is "
        "%(date)s. Move the deadline to the closing date or earlier."
    ),
    "review": gettext_lazy(
        "The period cannot close on %(closes)s: level %(level)s's review deadline is "
        "%(date)s. Move the deadline to the closing date or earlier."
    ),
    "revision": gettext_lazy(
        "The period cannot close on %(closes)s: level %(level)s's revision deadline is "
        "%(date)s. Move the deadline to the closing date or earlier."
    ),
}


def period_create(
    *,
    actor: User,
    agency: Unit,
    year: int,
    title: str,
    framework: Framework,
    opens_on: dt.date,
    closes_on: dt.date,
    deadlines: Sequence[DeadlineInput] = (),
    require_complete: bool = False,
) -> Period:
    require_perm(actor, Perm.PERIOD_MANAGE, agency)
    problems = _check_period(
        year=year, title=title, opens_on=opens_on, closes_on=closes_on, deadlines=deadlines
    )
    if not agency.is_agency:
        problems.append(
            Problem("invalid", _("Periods belong to an agency (a root unit)."), "agency")
        )
    if Period.objects.filter(agency=agency, year=year, title=title.strip()).exists():
        problems.append(
            Problem(
                "duplicate",
                _("This agency already has a period with this title and year."),
                "title",
            )
        )
    if problems:
        raise ValidationFailed(_("The period was not saved."), problems=problems)
    with transaction.atomic():
        period = Period.objects.create(
            agency=agency,
            year=year,
            title=title.strip(),
            framework=framework,
            opens_on=opens_on,
            closes_on=closes_on,
            require_complete=require_complete,
            created_by=actor,
        )
        _save_deadlines(period, deadlines)
        audit_record(
            actor=actor,
            action="assessment.period_created",
            target=period,
            unit=agency,
            details={
                "year": year,
                "framework": f"{framework.key} v{framework.version}",
                "opens_on": opens_on,
                "closes_on": closes_on,
                "require_complete": require_complete,
                "deadlines": [d.__dict__ for d in deadlines],
            },
        )
    return period


def _chain_problems(period: Period, opens_on: dt.date, closes_on: dt.date) -> list[Problem]:
    """The review chain's windows must stay inside the period (the period's closing locks
    every layer): new dates that would leave a step's window outside are refused, naming
    the steps. Called with the period locked, as chain edits lock it too."""
    if closes_on < opens_on:
        return []  # already refused, and every window would be "outside"
    outside = chain_windows().outside(period, opens_on, closes_on)
    if not outside:
        return []
    steps = "; ".join(
        _("%(tier)s (%(start)s to %(end)s)")
        % {"tier": tier, "start": date_format(start), "end": date_format(end)}
        for tier, start, end in outside
    )
    message = _(
        "The review windows of these chain steps would fall outside the period: %(steps)s. "
        "Move their windows inside the new dates on the review chain page first."
    ) % {"steps": steps}
    field = "opens_on" if any(start < opens_on for _tier, start, _end in outside) else "closes_on"
    return [Problem("chain_window_outside", message, field)]


def period_update(
    *,
    actor: User,
    period: Period,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    deadlines: Sequence[DeadlineInput],
    status: str | None = None,
    require_complete: bool | None = None,
) -> Period:
    """Change a period; `status` and `require_complete` stay as they are when None."""
    require_perm(actor, Perm.PERIOD_MANAGE, period.agency)
    problems = _check_period(
        year=period.year,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        deadlines=deadlines,
        was=_stored_dates(period),
    )
    if status is not None and status not in PeriodStatus.values:
        problems.append(Problem("invalid", _("Unknown status."), "status"))
    if (
        Period.objects.filter(agency=period.agency, year=period.year, title=title.strip())
        .exclude(pk=period.pk)
        .exists()
    ):
        problems.append(
            Problem(
                "duplicate",
                _("This agency already has a period with this title and year."),
                "title",
            )
        )
    if problems:
        raise ValidationFailed(_("The period was not saved."), problems=problems)
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        chain = _chain_problems(locked, opens_on, closes_on)
        if chain:
            raise ValidationFailed(_("The period was not saved."), problems=chain)
        before = {
            "title": locked.title,
            "opens_on": locked.opens_on,
            "closes_on": locked.closes_on,
            "status": locked.status,
            "require_complete": locked.require_complete,
            "deadlines": list(
                locked.deadlines.values(
                    "level", "fill_deadline", "review_deadline", "revision_deadline"
                )
            ),
        }
        locked.title = title.strip()
        locked.opens_on = opens_on
        locked.closes_on = closes_on
        if status is not None:
            locked.status = status
        if require_complete is not None:
            locked.require_complete = require_complete
        locked.save()
        locked.deadlines.all().delete()
        _save_deadlines(locked, deadlines)
        audit_record(
            actor=actor,
            action="assessment.period_updated",
            target=locked,
            unit=locked.agency,
            details={
                "before": before,
                "after": {
                    "title": locked.title,
                    "opens_on": opens_on,
                    "closes_on": closes_on,
                    "status": locked.status,
                    "require_complete": locked.require_complete,
                    "deadlines": [d.__dict__ for d in deadlines],
                },
            },
        )
    return locked


def _stored_dates(period: Period) -> StoredDates:
    deadlines: dict[tuple[int, str], dt.date] = {}
    for row in period.deadlines.all():
        for kind, date in (
            ("fill", row.fill_deadline),
            ("review", row.review_deadline),
            ("revision", row.revision_deadline),
        ):
            if date is not None:
                deadlines[(row.level, kind)] = date
    return StoredDates(period.closes_on, deadlines)


def _save_deadlines(period: Period, deadlines: Sequence[DeadlineInput]) -> None:
    PeriodDeadline.objects.bulk_create(
        PeriodDeadline(
            period=period,
            level=d.level,
            fill_deadline=d.fill_deadline,
            review_deadline=d.review_deadline,
            revision_deadline=d.revision_deadline,
        )
        for d in deadlines
    )


@dataclass(frozen=True)
class BulkCreated:
    created: list[Assessment]
    existing: list[Unit]
    carried: int


def assessment_create_many(
    *,
    actor: User,
    period: Period,
    targets: Mapping[Unit, str],
    carry_forward: bool = False,
) -> BulkCreated:
    """Create the assessments of several units at once; units that have one are skipped.

    With `carry_forward`, each new sheet starts from the unit's previous assessment
    (answers as suggestions, evidence links kept).
    """
    require_perm(actor, Perm.PERIOD_MANAGE, period.agency)
    problems: list[Problem] = []
    if period.status != PeriodStatus.OPEN:
        raise StateError(_("The period is closed; no assessments can be added."))
    for unit, target in targets.items():
        if not period.agency.contains(unit) or unit.pk == period.agency.pk:
            problems.append(
                Problem(
                    "invalid",
                    _("%(unit)s is not a unit of %(agency)s.")
                    % {"unit": unit.name, "agency": period.agency.name},
                    str(unit.pk),
                )
            )
        if target not in Target.values:
            problems.append(
                Problem(
                    "invalid",
                    _("Unknown target predicate “%(target)s”.") % {"target": target},
                    str(unit.pk),
                )
            )
    if not targets:
        problems.append(Problem("required", _("Choose at least one unit."), "units"))
    if problems:
        raise ValidationFailed(_("No assessment was created."), problems=problems)

    from zona.assessments.services.carry import carry_forward_into

    created: list[Assessment] = []
    existing: list[Unit] = []
    carried = 0
    with transaction.atomic():
        have = set(
            Assessment.objects.filter(period=period, unit__in=list(targets)).values_list(
                "unit_id", flat=True
            )
        )
        for unit, target in targets.items():
            if unit.pk in have:
                existing.append(unit)
                continue
            try:
                with transaction.atomic():
                    assessment = Assessment.objects.create(
                        period=period, unit=unit, target=target, created_by=actor
                    )
            except IntegrityError:
                # Created meanwhile by another admin: treat as existing.
                existing.append(unit)
                continue
            AnswerLayer.objects.create(assessment=assessment, tier=None)
            audit_record(
                actor=actor,
                action="assessment.created",
                target=assessment,
                unit=unit,
                details={"period": period.pk, "target": target},
            )
            if carry_forward and carry_forward_into(actor=actor, assessment=assessment):
                carried += 1
            created.append(assessment)
    return BulkCreated(created=created, existing=existing, carried=carried)
