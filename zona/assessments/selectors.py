"""Reads with meaning: a sheet's state in a fixed number of queries, its scores, its window.

Everything returned here is plain data (dataclasses and dicts), so templates, the API and
the Excel export never touch the ORM per item.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import lke_areas_for, review_tiers_for
from zona.accounts.models import ReviewTier, User
from zona.assessments.models import (
    Answer,
    AnswerChange,
    AnswerLayer,
    AnswerSource,
    Assessment,
    AssessmentStatus,
    EvidenceLink,
    Period,
    PeriodDeadline,
    PeriodStatus,
    Target,
)
from zona.assessments.sheet import (
    SheetSpec,
    is_incomplete,
    links_surveys,
    score_value,
    sheet_spec,
    survey_index_answer,
)
from zona.audit.models import AuditEvent
from zona.frameworks.scoring import Scorecard, score, score_layers
from zona.surveys.selectors import survey_indices_for

PREVIEWABLE_TYPES = frozenset(
    {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}
)


@dataclass(frozen=True)
class LayerInfo:
    id: int
    tier_id: int | None
    code: str
    name: str
    rank: int

    @property
    def is_unit(self) -> bool:
        return self.tier_id is None

    @property
    def key(self) -> str:
        """What scores and comparisons are keyed by: the tier itself, never its code (a
        code names a tier only within its agency or the national scope)."""
        return UNIT_KEY if self.tier_id is None else f"tier:{self.tier_id}"


# The unit layer's key in `SheetScores.layers`.
UNIT_KEY = "unit"


@dataclass
class SheetState:
    """All answers of all layers and all active evidence links of one assessment."""

    assessment: Assessment
    spec: SheetSpec
    layers: list[LayerInfo]
    # layer id -> item code -> answer row (a dict of plain values)
    answers: dict[int, dict[str, dict[str, Any]]]
    # item code -> evidence rows, in link order
    links: dict[str, list[dict[str, Any]]]
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def unit_layer(self) -> LayerInfo:
        return self.layers[0]

    @property
    def unit_answers(self) -> dict[str, dict[str, Any]]:
        return self.answers.get(self.unit_layer.id, {})

    @property
    def review_layers(self) -> list[LayerInfo]:
        return self.layers[1:]

    def layer_values(self, layer: LayerInfo) -> dict[str, Any]:
        """Scoreable answers of one layer (incomplete PCT counts count as unanswered)."""
        rows = self.answers.get(layer.id, {})
        values: dict[str, Any] = {}
        for code, row in rows.items():
            item = self.spec.items.get(code)
            if item is None:
                continue
            answer = score_value(item, row["value"])
            if answer is not None:
                values[code] = answer
        return values


def load_sheet_state(assessment: Assessment) -> SheetState:
    """Three queries whatever the number of items, layers and files."""
    spec = sheet_spec(assessment.period.framework)
    layers: list[LayerInfo] = []
    for layer in AnswerLayer.objects.filter(assessment=assessment).select_related("tier"):
        if layer.tier is None:
            layers.append(LayerInfo(layer.pk, None, "unit", _("Unit"), -1))
        else:
            tier = layer.tier
            layers.append(LayerInfo(layer.pk, tier.pk, tier.code, tier.name, tier.rank))
    layers.sort(key=lambda info: info.rank)
    if not layers or not layers[0].is_unit:
        # Every assessment gets its unit layer when created; a missing one means none yet.
        layers.insert(0, LayerInfo(0, None, "unit", _("Unit"), -1))

    answers: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    rows = Answer.objects.filter(layer__assessment=assessment).values(
        "layer_id",
        "item_code",
        "value",
        "note",
        "revision",
        "source",
        "suggested_value",
        "suggested_note",
        "updated_at",
        "updated_by__full_name",
        "updated_by__username",
    )
    for values in rows:
        row: dict[str, Any] = dict(values)
        full_name = row.pop("updated_by__full_name")
        username = row.pop("updated_by__username")
        row["updated_by"] = full_name or username
        answers[row["layer_id"]][row["item_code"]] = row

    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    link_rows = (
        EvidenceLink.objects.filter(assessment=assessment, unlinked_at__isnull=True)
        .order_by("linked_at", "id")
        .values(
            "id",
            "item_code",
            "evidence_id",
            "evidence__title",
            "evidence__kind",
            "evidence__archived",
            "pinned_title",
            "pinned_revision_id",
            "evidence__current_revision_id",
            *(f"{prefix}__{name}" for prefix in _REVISIONS for name in _REVISION_FIELDS),
        )
    )
    today = timezone.localdate()
    for link in link_rows:
        links[link["item_code"]].append(_link_row(link, today))
    return SheetState(
        assessment=assessment,
        spec=spec,
        layers=layers,
        answers=dict(answers),
        links=dict(links),
        today=today,
    )


_REVISIONS = ("evidence__current_revision", "pinned_revision")
_REVISION_FIELDS = (
    "number",
    "url",
    "original_name",
    "content_type",
    "size",
    "effective_date",
    "expires_on",
)


def _link_row(row: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """One attached document as the sheet shows it.

    Once the sheet was submitted the link is pinned: it shows the revision and title of that
    moment, whatever happened in the library since, and `changed` says what did (a newer
    revision, a new title, archiving); that enters the sheet at the next submission.
    """
    pinned = row["pinned_revision_id"] is not None
    prefix = "pinned_revision__" if pinned else "evidence__current_revision__"
    content_type = row[prefix + "content_type"] or ""
    expires = row[prefix + "expires_on"]
    title = row["pinned_title"] if pinned and row["pinned_title"] else row["evidence__title"]
    changed: list[str] = []
    if pinned:
        if row["evidence__current_revision_id"] != row["pinned_revision_id"]:
            changed.append(
                _("new version v%(number)s") % {"number": row["evidence__current_revision__number"]}
            )
        if row["evidence__title"] != title:
            changed.append(_("renamed to “%(title)s”") % {"title": row["evidence__title"]})
        if row["evidence__archived"]:
            changed.append(_("archived"))
    return {
        "link_id": row["id"],
        "evidence_id": row["evidence_id"],
        "title": title,
        "kind": row["evidence__kind"],
        "revision_id": row["pinned_revision_id"]
        if pinned
        else row["evidence__current_revision_id"],
        "number": row[prefix + "number"],
        "url": row[prefix + "url"],
        "original_name": row[prefix + "original_name"],
        "content_type": content_type,
        "size": row[prefix + "size"],
        "effective_date": row[prefix + "effective_date"],
        "expires_on": expires,
        "expired": expires is not None and expires < today,
        "previewable": content_type in PREVIEWABLE_TYPES,
        "is_image": content_type.startswith("image/"),
        "pinned": pinned,
        "changed": changed,
        "current_revision_id": row["evidence__current_revision_id"],
    }


# --- scores ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetScores:
    unit: Scorecard
    layers: dict[str, Scorecard]
    effective: Scorecard
    target: str


def held_predicates(assessment: Assessment) -> frozenset[str]:
    # A unit is only proposed for WBBM once it holds WBK, so a WBBM sheet is judged as
    # already holding it; the predicate register (workflow) will replace this assumption.
    return frozenset({Target.WBK}) if assessment.target == Target.WBBM else frozenset()


def sheet_scores(state: SheetState) -> SheetScores:
    fw = state.spec.compiled
    held = held_predicates(state.assessment)
    layered = score_layers(
        fw,
        [(layer.key, state.layer_values(layer)) for layer in state.layers],
        held_predicates=held,
    )
    return SheetScores(
        unit=layered.layers[UNIT_KEY],
        layers=layered.layers,
        effective=layered.effective,
        target=state.assessment.target,
    )


def unit_score(state: SheetState) -> Scorecard:
    return score(
        state.spec.compiled,
        state.layer_values(state.unit_layer),
        held_predicates=held_predicates(state.assessment),
    )


# --- progress --------------------------------------------------------------------------------


@dataclass
class Progress:
    total: int = 0
    answered: int = 0
    with_evidence: int = 0
    incomplete: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress_by_section(state: SheetState) -> dict[str, Progress]:
    """Items answered and items with evidence, per worksheet section and overall ("")."""
    result: dict[str, Progress] = defaultdict(Progress)
    answers = state.unit_answers
    for code, item in state.spec.items.items():
        row = answers.get(code)
        value = row["value"] if row else None
        for key in (item.section, ""):
            progress = result[key]
            progress.total += 1
            if value is not None and not is_incomplete(item, value):
                progress.answered += 1
            elif value is not None:
                progress.incomplete += 1
            if state.links.get(code):
                progress.with_evidence += 1
    return dict(result)


# --- submission window -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens_on: dt.date
    closes_on: dt.date
    kind: str  # "fill" or "revision"

    def contains(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


def deadline_for(period: Period, level: int) -> PeriodDeadline | None:
    for deadline in period.deadlines.all():
        if deadline.level == level:
            return deadline
    return None


def submission_window(assessment: Assessment) -> Window:
    """The days on which the unit may submit (in the server's time zone, Asia/Jakarta)."""
    period = assessment.period
    deadline = deadline_for(period, assessment.unit.depth)
    if assessment.status == AssessmentStatus.RETURNED:
        closes = (deadline.revision_deadline if deadline else None) or period.closes_on
        return Window(period.opens_on, closes, "revision")
    closes = deadline.fill_deadline if deadline else period.closes_on
    return Window(period.opens_on, closes, "fill")


def submission_refusal(assessment: Assessment, *, now: dt.datetime | None = None) -> str | None:
    """Why the unit cannot submit now, or None."""
    if assessment.period.status == PeriodStatus.CLOSED:
        return _("The period is closed.")
    if assessment.status == AssessmentStatus.SUBMITTED:
        return _("The sheet was already submitted.")
    today = timezone.localdate(now) if now else timezone.localdate()
    window = submission_window(assessment)
    if today < window.opens_on:
        return _("Submission opens on %(date)s.") % {"date": _date(window.opens_on)}
    if today > window.closes_on:
        if window.kind == "revision":
            return _("The revision deadline was %(date)s; ask the reviewer for more time.") % {
                "date": _date(window.closes_on)
            }
        return _("The deadline for this level was %(date)s; ask your agency administrator.") % {
            "date": _date(window.closes_on)
        }
    return None


@dataclass(frozen=True)
class SubmissionCounts:
    """What the unit head confirms when submitting (and what the submission records).

    Index items the unit left empty count as answered when the unit's surveys give their
    index: submission takes it (`services.answers_fill_from_surveys`).
    """

    unanswered: int
    no_evidence: int
    failing: int
    # Items the submission will fill from the unit's surveys.
    from_surveys: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, int]:
        return {
            "unanswered": self.unanswered,
            "no_evidence": self.no_evidence,
            "failing": self.failing,
        }

    def matches(self, confirmed: Mapping[str, Any]) -> bool:
        """Whether `confirmed` (e.g. posted form fields) states exactly these counts."""
        for key, value in self.as_dict().items():
            given = confirmed.get(key)
            if isinstance(given, str) and given.isascii() and given.isdigit():
                given = int(given)
            if isinstance(given, bool) or given != value:
                return False
        return True


def submission_counts(
    state: SheetState, indices: Mapping[str, Any] | None = None
) -> SubmissionCounts:
    """Unanswered items, items without evidence and failing conditions of the unit layer."""
    spec = state.spec
    assessment = state.assessment
    values = state.layer_values(state.unit_layer)
    from_surveys: list[str] = []
    if assessment.status != AssessmentStatus.SUBMITTED:
        for code, item in spec.items.items():
            if code in values or not assessment.item_reopened(code):
                continue
            index = survey_index_answer(item, indices)
            scored = score_value(item, index) if index is not None else None
            if scored is not None:
                values[code] = scored
                from_surveys.append(code)
    card = score(spec.compiled, values, held_predicates=held_predicates(assessment))
    verdict = card.verdicts.get(assessment.target)
    return SubmissionCounts(
        unanswered=sum(1 for code in spec.items if card.items.get(code) is None),
        no_evidence=sum(1 for code in spec.items if not state.links.get(code)),
        failing=sum(1 for c in verdict.conditions if not c.passed) if verdict else 0,
        from_surveys=tuple(from_surveys),
    )


def completeness_refusal(counts: SubmissionCounts, period: Period) -> str | None:
    """Why a period that requires complete sheets refuses this one, or None."""
    if not period.require_complete or (counts.unanswered == 0 and counts.no_evidence == 0):
        return None
    return _(
        "This period accepts complete sheets only: %(unanswered)d items are unanswered and "
        "%(no_evidence)d items have no evidence."
    ) % {"unanswered": counts.unanswered, "no_evidence": counts.no_evidence}


def _date(value: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "j F Y")


# --- history and activity --------------------------------------------------------------------


def item_history(assessment: Assessment, item_code: str) -> list[AnswerChange]:
    return list(
        AnswerChange.objects.filter(assessment=assessment, item_code=item_code)
        .select_related("changed_by", "layer__tier")
        .order_by("-changed_at", "-id")
    )


def activity_by_user(assessment: Assessment) -> list[dict[str, Any]]:
    """Who changed what: per user and LKE area, the number of changes and the last one."""
    from zona.assessments.sheet import item_area

    rows = (
        AnswerChange.objects.filter(assessment=assessment, layer__tier__isnull=True)
        .values("changed_by_id", "changed_by__full_name", "changed_by__username", "item_code")
        .annotate(n=Count("id"), last=Max("changed_at"))
    )
    people: dict[int | None, dict[str, Any]] = {}
    for row in rows:
        person = people.setdefault(
            row["changed_by_id"],
            {
                "name": row["changed_by__full_name"] or row["changed_by__username"] or "—",
                "areas": defaultdict(int),
                "items": set(),
                "changes": 0,
                "last": None,
            },
        )
        person["areas"][item_area(row["item_code"])] += row["n"]
        person["items"].add(row["item_code"])
        person["changes"] += row["n"]
        if person["last"] is None or row["last"] > person["last"]:
            person["last"] = row["last"]
    result = []
    for person in people.values():
        person["areas"] = dict(sorted(person["areas"].items()))
        person["items"] = len(person["items"])
        result.append(person)
    return sorted(result, key=lambda p: p["last"] or timezone.now(), reverse=True)


def survey_indices(assessment: Assessment) -> dict[str, Any] | None:
    """What the unit's surveys of the period's year give the sheet, or None when the
    framework takes nothing from surveys. A few indexed queries (zona.surveys)."""
    if not links_surveys(sheet_spec(assessment.period.framework)):
        return None
    return survey_indices_for(assessment.unit, assessment.period.year)


def survey_filled_codes(state: SheetState) -> frozenset[str]:
    return frozenset(
        code for code, row in state.unit_answers.items() if row["source"] == AnswerSource.SURVEY
    )


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The unit's most recent assessment in an earlier period (for carry-forward)."""
    return (
        Assessment.objects.filter(
            unit_id=assessment.unit_id, period__year__lte=assessment.period.year
        )
        .exclude(pk=assessment.pk)
        .filter(created_at__lt=assessment.created_at)
        .select_related("period")
        .order_by("-period__year", "-created_at")
        .first()
    )


def assessments_with_progress(assessments: Iterable[Assessment]) -> list[dict[str, Any]]:
    """Rows for assessment lists: answered counts and unit totals, in three queries."""
    assessments = list(assessments)
    ids = [a.pk for a in assessments]
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in Answer.objects.filter(layer__assessment_id__in=ids, layer__tier__isnull=True).values(
        "layer__assessment_id", "item_code", "value"
    ):
        values[row["layer__assessment_id"]][row["item_code"]] = row["value"]
    evidence: dict[int, set[str]] = defaultdict(set)
    for assessment_id, item_code in EvidenceLink.objects.filter(
        assessment_id__in=ids, unlinked_at__isnull=True
    ).values_list("assessment_id", "item_code"):
        evidence[assessment_id].add(item_code)
    result = []
    for assessment in assessments:
        spec = sheet_spec(assessment.period.framework)
        sheet = values.get(assessment.pk, {})
        answers = {}
        for code, value in sheet.items():
            item = spec.items.get(code)
            if item is not None:
                scored = score_value(item, value)
                if scored is not None:
                    answers[code] = scored
        card = score(spec.compiled, answers, held_predicates=held_predicates(assessment))
        total_items = len(spec.items)
        verdict = card.verdicts.get(assessment.target)
        result.append(
            {
                "assessment": assessment,
                "answered": len(answers),
                "answered_codes": frozenset(answers),
                "with_evidence": len(evidence.get(assessment.pk, set()) & set(spec.items)),
                "items": total_items,
                "percent": round(100 * len(answers) / total_items) if total_items else 0,
                "total": card.total,
                "passed": verdict.passed if verdict else None,
            }
        )
    return result


# --- the home page's task list ---------------------------------------------------------------

# Deadlines this close (in days) are highlighted on the home page.
URGENT_DAYS = 7


@dataclass(frozen=True)
class Task:
    assessment: Assessment
    review: bool  # True: the user reviews it; False: the user fills it in
    deadline: dt.date
    days_left: int
    answered: int
    items: int
    percent: int
    # The LKE areas the progress counts, for a working-group member (empty: the whole sheet).
    areas: tuple[str, ...] = ()

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def urgent(self) -> bool:
        return self.days_left <= URGENT_DAYS


def task_deadline(assessment: Assessment, tiers: Iterable[ReviewTier], *, review: bool) -> dt.date:
    """The date that binds this user on this sheet, at the unit's tree level.

    The unit works to its fill (or, after a return, revision) deadline; the agency's
    reviewers to the level's review deadline. A national tier evaluates after the agency's
    review and is bound only by the period's closing date.
    """
    period = assessment.period
    if not review:
        return submission_window(assessment).closes_on
    tiers = list(tiers)
    if tiers and all(t.agency_id is None for t in tiers):
        return period.closes_on
    deadline = deadline_for(period, assessment.unit.depth)
    return (deadline.review_deadline if deadline else None) or period.closes_on


def assessment_tasks(
    user: User, assessments: QuerySet[Assessment], *, limit: int = 20, today: dt.date | None = None
) -> tuple[list[Task], int]:
    """The first `limit` tasks by deadline and the number of all of them.

    `assessments` comes from `access.assessment_tasks_for`. Five queries whatever their
    number: the sheets, their periods' deadlines, then answers and evidence links of the
    ones shown (the user's role assignments are read once per request).
    """
    today = today or timezone.localdate()
    dated = []
    for assessment in assessments.prefetch_related("period__deadlines"):
        tiers = review_tiers_for(user, assessment.unit)
        review = assessment.status == AssessmentStatus.SUBMITTED
        dated.append((task_deadline(assessment, tiers, review=review), review, assessment))
    dated.sort(key=lambda t: (t[0], t[2].unit.path, t[2].pk))
    shown = dated[:limit]
    progress = {
        row["assessment"].pk: row for row in assessments_with_progress(a for _, _, a in shown)
    }
    tasks = []
    for deadline, review, assessment in shown:
        row = progress[assessment.pk]
        answered, items = row["answered"], row["items"]
        areas = None if review else lke_areas_for(user, assessment.unit)
        if areas is not None:
            # A working-group member's task is her areas, not the whole sheet.
            spec = sheet_spec(assessment.period.framework)
            mine = {code for code, item in spec.items.items() if item.area in areas}
            answered, items = len(mine & row["answered_codes"]), len(mine)
        tasks.append(
            Task(
                assessment=assessment,
                review=review,
                deadline=deadline,
                days_left=(deadline - today).days,
                answered=answered,
                items=items,
                percent=round(100 * answered / items) if items else 0,
                areas=tuple(sorted(areas)) if areas is not None else (),
            )
        )
    return tasks, len(dated)


# --- submissions and returns -----------------------------------------------------------------

WORKFLOW_ACTIONS = ("assessment.submitted", "assessment.returned")


def workflow_events(assessment: Assessment) -> list[dict[str, Any]]:
    """The sheet's submissions and returns, oldest first, from the audit log (one query)."""
    rows = (
        AuditEvent.objects.filter(
            target_type=Assessment._meta.label_lower,
            target_id=str(assessment.pk),
            action__in=WORKFLOW_ACTIONS,
        )
        .order_by("created_at", "id")
        .values("action", "created_at", "actor_repr", "details")
    )
    events = []
    for row in rows:
        details = row["details"] or {}
        returned = row["action"] == "assessment.returned"
        # A submission after a return names the items that had been reopened.
        resubmitted = not returned and details.get("from") == AssessmentStatus.RETURNED
        items = details.get("items") if returned else details.get("returned_items")
        events.append(
            {
                "returned": returned,
                "resubmitted": resubmitted,
                "at": row["created_at"],
                "who": row["actor_repr"],
                "tier": details.get("tier_name") or details.get("tier") or "",
                "reason": details.get("reason", ""),
                "items": (items or []) if returned or resubmitted else [],
            }
        )
    return events
