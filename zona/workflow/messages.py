"""What each hand-off of the review chain says (issue 10 §9), registered with
`zona.notifications` in `WorkflowConfig.ready()`.

Texts are English msgids with `%(name)s` from the hand-off's params (see each part's
`handoff(...)` call); the notifications app renders them in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.notifications.kinds import register_kind


def _recommendation(params: Mapping[str, Any]) -> str:
    from zona.workflow.models import Recommendation

    value = params.get("recommendation", "")
    label = dict(Recommendation.choices).get(value)
    return str(label) if label else str(value)


def _completed_body(params: Mapping[str, Any]) -> str:
    return _(
        "%(tier)s completed its review of the sheet of %(unit)s (%(period)s). "
        "Recommendation: %(recommendation)s."
    ) % {
        "tier": params.get("tier", "…"),
        "unit": params.get("unit", "…"),
        "period": params.get("period", "…"),
        "recommendation": _recommendation(params),
    }


def _local_datetime(value: Any) -> str:
    """An ISO timestamp from the params, shown in local time in the reader's format."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "…")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def _desk_body(params: Mapping[str, Any], *, moved: bool) -> str:
    where = ", ".join(
        str(p).strip()
        for p in (params.get("place"), params.get("meeting_url"))
        if p and str(p).strip()
    )
    values = {
        "tier": params.get("tier", "…"),
        "unit": params.get("unit", "…"),
        "area": params.get("area", "…"),
        "starts_at": _local_datetime(params.get("starts_at")),
        "where": where or "…",
    }
    if moved:
        return (
            _(
                "%(tier)s moved the desk evaluation of %(unit)s (area %(area)s) to %(starts_at)s, "
                "at %(where)s."
            )
            % values
        )
    return (
        _(
            "%(tier)s scheduled a desk evaluation of %(unit)s (area %(area)s) on %(starts_at)s, "
            "at %(where)s."
        )
        % values
    )


KINDS: dict[str, tuple[Any, Any]] = {
    "sheet.submitted": (
        gettext_lazy("%(unit)s submitted its sheet"),
        gettext_lazy("%(unit)s submitted its sheet for %(period)s. It waits for %(tier)s."),
    ),
    "sheet.resubmitted": (
        gettext_lazy("%(unit)s resubmitted its sheet"),
        gettext_lazy(
            "%(unit)s revised the returned items of its sheet for %(period)s and submitted "
            "it again to %(tier)s."
        ),
    ),
    "sheet.returned": (
        gettext_lazy("Your sheet was returned for revision"),
        gettext_lazy(
            "%(tier)s returned the sheet of %(unit)s (%(period)s) for revision: %(reason)s"
        ),
    ),
    "review.opened": (
        gettext_lazy("A sheet is waiting for your review: %(unit)s"),
        gettext_lazy("The sheet of %(unit)s (%(period)s) is open for review by %(tier)s."),
    ),
    "review.signed_off": (
        gettext_lazy("Sign-off waiting: %(unit)s"),
        gettext_lazy(
            "The team lead of %(tier)s signed off the review of %(unit)s (%(period)s); "
            "the technical controller completes it."
        ),
    ),
    "review.completed": (gettext_lazy("%(tier)s completed its review"), _completed_body),
    "review.sent_back": (
        gettext_lazy("A review was sent back to your tier: %(unit)s"),
        gettext_lazy(
            "The tier above sent the review of %(unit)s (%(period)s) back to %(tier)s: %(reason)s"
        ),
    ),
    "review.stale": (
        gettext_lazy("A completed review was reopened: %(unit)s"),
        gettext_lazy(
            "A layer below %(tier)s changed after its review of %(unit)s (%(period)s) was "
            "completed, so the review is open again."
        ),
    ),
    "comment.must_fix": (
        gettext_lazy("Must fix: item %(item)s"),
        gettext_lazy(
            "%(tier)s asks %(unit)s to fix item %(item)s (%(period)s) before it can complete "
            "its review."
        ),
    ),
    "comment.unit_replied": (
        gettext_lazy("%(unit)s replied on item %(item)s"),
        gettext_lazy("%(unit)s replied to a comment of %(tier)s on item %(item)s (%(period)s)."),
    ),
    "desk.session_scheduled": (
        gettext_lazy("Desk evaluation scheduled"),
        lambda params: _desk_body(params, moved=False),
    ),
    "desk.session_rescheduled": (
        gettext_lazy("Desk evaluation rescheduled"),
        lambda params: _desk_body(params, moved=True),
    ),
    "desk.assistance_advice": (
        gettext_lazy("Advice on item %(item)s"),
        gettext_lazy("%(tier)s advises %(unit)s on item %(item)s: %(advice)s"),
    ),
    "desk.survey_questionnaire": (
        gettext_lazy("Questionnaire on your survey"),
        gettext_lazy(
            "%(tier)s asks %(unit)s to answer a short questionnaire on how it ran its survey."
        ),
    ),
    "koefisien.recorded": (
        gettext_lazy("Koefisien recorded on your sheet: %(label)s"),
        gettext_lazy(
            "%(tier)s recorded a koefisien on the sheet of %(unit)s (%(period)s): %(label)s "
            "(%(deduction)s), dated %(occurred_on)s."
        ),
    ),
    "koefisien.withdrawn": (
        gettext_lazy("Koefisien withdrawn: %(label)s"),
        gettext_lazy(
            "%(tier)s withdrew the koefisien %(label)s on the sheet of %(unit)s (%(period)s): "
            "%(reason)s"
        ),
    ),
    "tpi.proposed": (
        gettext_lazy("TPI panel: %(unit)s is proposed to the TPN"),
        gettext_lazy(
            "The TPI panel of %(held_on)s (%(panel)s) decided to propose %(unit)s (%(period)s) "
            "to the TPN. %(reason)s"
        ),
    ),
    "tpi.not_proposed": (
        gettext_lazy("TPI panel: %(unit)s is not proposed"),
        gettext_lazy(
            "The TPI panel of %(held_on)s (%(panel)s) decided not to propose %(unit)s "
            "(%(period)s) to the TPN: %(reason)s"
        ),
    ),
    "selection.selected": (
        gettext_lazy("%(unit)s is selected by %(tier)s"),
        gettext_lazy(
            "The selection round of %(tier)s (%(period)s) selected %(unit)s (rank %(rank)s in "
            "%(group)s). The sheet goes on to the next tier."
        ),
    ),
    "selection.not_selected": (
        gettext_lazy("%(unit)s is not selected by %(tier)s"),
        gettext_lazy(
            "The selection round of %(tier)s (%(period)s) did not select %(unit)s: %(reason_text)s"
        ),
    ),
}


def register_workflow_kinds() -> None:
    for code, (subject, body) in KINDS.items():
        register_kind(code, subject=subject, body=body)
