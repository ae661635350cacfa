"""The SKM report of a survey round (PermenPAN-RB 14/2017) and the unit's follow-up plan.

Figures come from the surveys app's running tallies (`campaign_results`, `profile_breakdown`)
with its small-group rule: under k counted respondents the elements' NRR and the IKM are
withheld, as on the round's results page. An element's NRR is the mean of its answers
(1-4); its converted value NRR x 25 reads on the IKM's 25-100 scale. The weakest elements
are the lowest NRR (how many: `ZONA_SKM_WEAK_ELEMENTS`); the unit writes one follow-up line
(action, who, by when) per element it chooses, the weakest offered first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zona.accounts.models import Unit, User
from zona.audit.services import audit_record
from zona.core.errors import Problem, ValidationFailed
from zona.insight.models_documents import SkmFollowUp
from zona.surveys.indices import rounded
from zona.surveys.models import Campaign
from zona.surveys.reporting import ProfileBreakdown, figures_from_k, profile_breakdown
from zona.surveys.selectors import IndexResult, campaign_results

DEFAULT_WEAK_ELEMENTS = 3
# The IKM grades' meaning (mutu pelayanan) as the regulation names them.
GRADE_MEANING = {
    "A": gettext_lazy("Very good"),
    "B": gettext_lazy("Good"),
    "C": gettext_lazy("Not good enough"),
    "D": gettext_lazy("Poor"),
}


def weak_count() -> int:
    return max(1, int(getattr(settings, "ZONA_SKM_WEAK_ELEMENTS", DEFAULT_WEAK_ELEMENTS)))


@dataclass(frozen=True)
class Element:
    position: int
    code: str
    text: str
    answered: int
    nrr: Decimal | None
    weak: bool

    @property
    def converted(self) -> Decimal | None:
        return None if self.nrr is None else rounded(self.nrr * 25, 2)

    @property
    def nrr_shown(self) -> Decimal | None:
        return None if self.nrr is None else rounded(self.nrr, 3)


@dataclass(frozen=True)
class PlanLine:
    element: str
    element_text: str
    action: str
    owner: str
    deadline: dt.date | None


@dataclass(frozen=True)
class SkmReport:
    campaign: Campaign
    instrument: str
    respondents: int
    withheld: bool
    ikm: Decimal | None
    grade: str | None
    elements: list[Element]
    profile: list[ProfileBreakdown]
    plan: list[PlanLine]

    @property
    def grade_meaning(self) -> str:
        return str(GRADE_MEANING.get(self.grade or "", ""))

    @property
    def weakest(self) -> list[Element]:
        return sorted((e for e in self.elements if e.weak), key=lambda e: (e.nrr, e.position))

    @property
    def has_ikm(self) -> bool:
        return bool(self.instrument)


def rounds_of(unit: Unit, *, limit: int = 12) -> list[Campaign]:
    """The unit's latest survey rounds, newest first (the documents page lists them)."""
    return list(Campaign.objects.filter(unit=unit).order_by("-year", "-opens_on")[:limit])


def _ikm_result(campaign: Campaign, language: str) -> IndexResult | None:
    results = figures_from_k(campaign_results(campaign, language=language))
    return next((r for r in results if r.is_ikm), None)


def ikm_elements(campaign: Campaign, language: str | None = None) -> list[Element]:
    language = (language or get_language() or "id")[:2]
    result = _ikm_result(campaign, language)
    return _elements(result) if result is not None else []


def _elements(result: IndexResult) -> list[Element]:
    means = [(i.mean, i.position) for i in result.items if i.mean is not None]
    weakest = {position for _mean, position in sorted(means)[: weak_count()]}
    return [
        Element(
            position=i.position,
            code=i.code,
            text=i.text,
            answered=i.stat.answered,
            nrr=i.mean,
            weak=i.position in weakest,
        )
        for i in result.items
    ]


def skm_report(campaign: Campaign) -> SkmReport:
    language = (get_language() or "id")[:2]
    result = _ikm_result(campaign, language)
    elements = _elements(result) if result is not None else []
    texts = {e.code: e.text for e in elements}
    lines = SkmFollowUp.objects.filter(campaign=campaign)
    order = {e.code: (0 if e.weak else 1, e.position) for e in elements}
    plan = sorted(
        (
            PlanLine(
                line.element,
                texts.get(line.element, line.element),
                line.action,
                line.owner,
                line.deadline,
            )
            for line in lines
        ),
        key=lambda p: order.get(p.element, (2, 0)),
    )
    return SkmReport(
        campaign=campaign,
        instrument=result.title if result is not None else "",
        respondents=result.respondents if result is not None else 0,
        withheld=result.withheld if result is not None else False,
        ikm=result.shown if result is not None else None,
        grade=result.grade if result is not None else None,
        elements=elements,
        profile=profile_breakdown(campaign, language=language),
        plan=plan,
    )


@dataclass(frozen=True)
class PlanInput:
    element: str
    action: str
    owner: str
    deadline: str


def skm_followup_save(*, actor: User, campaign: Campaign, lines: Sequence[PlanInput]) -> int:
    """Replace the round's follow-up plan with `lines` (an all-blank line is dropped, and
    drops that element's line). Every line names an element of the round's IKM, an action,
    who does it and a date; bad input changes nothing. Returns the lines kept."""
    known = {e.code for e in ikm_elements(campaign)}
    problems: list[Problem] = []
    cleaned: dict[str, tuple[str, str, dt.date]] = {}
    for index, line in enumerate(lines):
        action, owner, deadline = line.action.strip(), line.owner.strip(), line.deadline.strip()
        if not (action or owner or deadline):
            continue
        if line.element not in known:
            message = _("Choose one of the round's IKM elements.")
            problems.append(Problem("unknown_element", message, f"element-{index}"))
            continue
        if line.element in cleaned:
            message = _("%(element)s has two lines: keep one.") % {"element": line.element}
            problems.append(Problem("duplicate_element", message, f"element-{index}"))
            continue
        if not action or not owner or not deadline:
            message = _("%(element)s: enter the action, who does it and the deadline.") % {
                "element": line.element
            }
            problems.append(Problem("incomplete_line", message, f"action-{index}"))
            continue
        try:
            day = dt.date.fromisoformat(deadline)
        except ValueError:
            message = _("%(element)s: the deadline is not a date.") % {"element": line.element}
            problems.append(Problem("invalid_deadline", message, f"deadline-{index}"))
            continue
        cleaned[line.element] = (action[:2000], owner[:200], day)
    if problems:
        raise ValidationFailed(problems[0].message, problems=problems)
    with transaction.atomic():
        SkmFollowUp.objects.select_for_update().filter(campaign=campaign).exclude(
            element__in=list(cleaned)
        ).delete()
        for element, (action, owner, day) in cleaned.items():
            SkmFollowUp.objects.update_or_create(
                campaign=campaign,
                element=element,
                defaults={"action": action, "owner": owner, "deadline": day, "updated_by": actor},
            )
        audit_record(
            actor=actor,
            action="skm_followup.saved",
            target=campaign,
            unit=campaign.unit,
            details={
                "lines": [
                    {"element": e, "action": a, "owner": o, "deadline": d.isoformat()}
                    for e, (a, o, d) in cleaned.items()
                ]
            },
        )
    return len(cleaned)
