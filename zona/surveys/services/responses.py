"""Public submissions, stored once each, and the review of flagged responses.

Public submissions are not audited: an audit event carries a time to the second and the
request's context, which is exactly what must not sit next to an anonymous answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm
from zona.audit.services import audit_record
from zona.core.errors import Problem, StateError, ValidationFailed
from zona.surveys.models import (
    Answer,
    Campaign,
    Channel,
    Flag,
    InstrumentVersion,
    Kiosk,
    OneTimeCode,
    Response,
    ServedWhen,
    floor_to_hour,
)
from zona.surveys.profile import clean_profile
from zona.surveys.services.common import check_perm, normalize_code
from zona.surveys.services.contacts import contact_leave
from zona.surveys.services.feedback import suggestion_leave
from zona.surveys.services.tallies import tally_change

# --- public submissions -------------------------------------------------------------------

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Quality flags. Reading and answering one item takes a few seconds; much less over the whole
# form means the answers were not read. Same answer everywhere only counts on enough items.
SECONDS_PER_ITEM = 1.5
MIN_SECONDS = 10.0
STRAIGHT_LINE_MIN_ITEMS = 8


@dataclass(frozen=True)
class Submission:
    service_type_id: int | None
    served_when: str
    # instrument version id -> item code -> value (skipped items absent)
    answers: Mapping[int, Mapping[str, int]]
    idempotency_key: str
    channel: str = Channel.WEB
    # The registered kiosk that sent it (counted on the kiosk, never stored on the response).
    kiosk_id: int | None = None
    # Seconds from the form being shown to being sent; None when unknown.
    duration_seconds: float | None = None
    # The device or network sent many responses lately (decided by the caller, which holds
    # the hashed counters; nothing of them reaches the database).
    burst: bool = False
    # Several recent responses of the campaign gave exactly these answers (same caller).
    repeated: bool = False
    code: str = ""
    contact: str = ""
    contact_name: str = ""
    # Respondent profile band codes (zona/surveys/profile.py) and a suggestion; both optional.
    profile: Mapping[str, str] = field(default_factory=dict)
    suggestion: str = ""


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool


def quality_flags(submission: Submission, values: Sequence[int]) -> list[str]:
    flags: list[str] = []
    if submission.duration_seconds is not None:
        threshold = max(MIN_SECONDS, SECONDS_PER_ITEM * len(values))
        if submission.duration_seconds < threshold:
            flags.append(Flag.TOO_FAST)
    if len(values) >= STRAIGHT_LINE_MIN_ITEMS and len(set(values)) == 1:
        flags.append(Flag.STRAIGHT_LINE)
    if submission.burst:
        flags.append(Flag.BURST)
    if submission.repeated:
        flags.append(Flag.REPEATED)
    return flags


def answer_pattern(answers: Mapping[int, Mapping[str, int]]) -> str:
    """The answers as one string (version:item=value, sorted), for the repeated-pattern count."""
    return ";".join(
        f"{version}:{code}={value}"
        for version in sorted(answers)
        for code, value in sorted(answers[version].items())
    )


def _check_submission(
    campaign: Campaign, submission: Submission, today: date
) -> tuple[list[Problem], list[tuple[InstrumentVersion, int, int]]]:
    problems: list[Problem] = []
    rows: list[tuple[InstrumentVersion, int, int]] = []
    if not KEY_RE.match(submission.idempotency_key or ""):
        problems.append(Problem("invalid", _("The form is incomplete; reload it."), "key"))
    if not campaign.is_open_on(today):
        problems.append(Problem("closed", _("This survey is not open."), ""))
    services = {s.service_type_id for s in campaign.services.all()}
    if submission.service_type_id not in services:
        problems.append(Problem("required", _("Choose the service you used."), "service"))
    if submission.served_when not in ServedWhen.values:
        problems.append(Problem("required", _("Say when you were served."), "served_when"))
    versions = {v.pk: v for v in campaign.ordered_versions()}
    for version_id, answers in submission.answers.items():
        version = versions.get(version_id)
        if version is None:
            problems.append(
                Problem("invalid", _("The form is out of date; reload it."), f"v{version_id}")
            )
            continue
        positions = {code: i + 1 for i, code in enumerate(version.item_codes)}
        for code, value in answers.items():
            field = f"{version.instrument.key}.{code}"
            if code not in positions:
                problems.append(Problem("invalid", _("Unknown question."), field))
            elif (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not version.scale_min <= value <= version.scale_max
            ):
                problems.append(
                    Problem(
                        "invalid",
                        _("Choose an answer from %(min)s to %(max)s.")
                        % {"min": version.scale_min, "max": version.scale_max},
                        field,
                    )
                )
            else:
                rows.append((version, positions[code], value))
        if answers:
            # An instrument answered at all counts only with its required items (YAML data).
            for code in version.doc.required_codes:
                if code not in answers:
                    problems.append(
                        Problem(
                            "required",
                            _("Answer this question too."),
                            f"{version.instrument.key}.{code}",
                        )
                    )
    if not rows and not problems:
        problems.append(Problem("required", _("Answer at least one question."), ""))
    if campaign.requires_code and not normalize_code(submission.code):
        problems.append(Problem("required", _("Enter the code you received."), "code"))
    return problems, rows


def response_submit(*, campaign: Campaign, submission: Submission) -> SubmitResult:
    """Store one public submission exactly once.

    The idempotency key is checked first, so a retry of a stored response succeeds even if
    the campaign has closed meanwhile; two copies racing each other meet at the unique
    constraint and the loser returns the winner's row.
    """
    existing = Response.objects.filter(idempotency_key=submission.idempotency_key).first()
    if existing is not None:
        return SubmitResult(existing, created=False)
    problems, rows = _check_submission(campaign, submission, timezone.localdate())
    if problems:
        raise ValidationFailed(_("The response could not be stored."), problems=problems)
    assert submission.service_type_id is not None
    flags = quality_flags(submission, [value for _, _, value in rows])
    try:
        with transaction.atomic():
            response = Response.objects.create(
                campaign=campaign,
                service_type_id=submission.service_type_id,
                submitted_hour=floor_to_hour(timezone.now()),
                idempotency_key=submission.idempotency_key,
                channel=submission.channel,
                served_when=submission.served_when,
                flags=flags,
                flagged=bool(flags),
                **(clean_profile(submission.profile) if campaign.asks_profile else {}),
            )
            if submission.kiosk_id is not None:
                Kiosk.objects.filter(pk=submission.kiosk_id).update(responses=F("responses") + 1)
            if campaign.requires_code:
                consumed = OneTimeCode.objects.filter(
                    campaign=campaign, code=normalize_code(submission.code), used=False
                ).update(used=True)
                if not consumed:
                    raise ValidationFailed(
                        _("The response could not be stored."),
                        problems=[
                            Problem("invalid", _("This code is unknown or already used."), "code")
                        ],
                    )
            Answer.objects.bulk_create(
                # Ids, not instances: 22 rows per response is the hot path under load.
                Answer(
                    response_id=response.pk,
                    instrument_version_id=version.pk,
                    item=item,
                    value=value,
                    campaign_id=campaign.pk,
                    service_type_id=submission.service_type_id,
                )
                for version, item, value in rows
            )
    except IntegrityError:
        existing = Response.objects.filter(idempotency_key=submission.idempotency_key).first()
        if existing is None:
            raise
        return SubmitResult(existing, created=False)
    if submission.suggestion.strip():
        # Like the contact: its own transaction, nothing that points back to the response.
        suggestion_leave(campaign=campaign, text=submission.suggestion)
    if submission.contact.strip():
        # Its own transaction, after the response's, with nothing that points back.
        contact_leave(campaign=campaign, contact=submission.contact, name=submission.contact_name)
    return SubmitResult(response, created=True)


# --- review of flagged responses -----------------------------------------------------------


def response_exclude(*, actor: Any, response: Response, reason: str) -> Response:
    check_perm(actor, Perm.SURVEY_VALIDATE, response.campaign.unit)
    if not reason.strip():
        raise ValidationFailed(
            _("Give a reason for excluding the response."),
            problems=[Problem("required", _("Give a reason."), "reason")],
        )
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        if not response.flagged:
            raise StateError(_("Only a flagged response can be excluded."))
        if response.excluded:
            raise StateError(_("The response is already excluded."))
        with tally_change(response):
            response.excluded = True
            response.exclusion_reason = reason.strip()
            response.excluded_by = actor
            response.excluded_at = timezone.now()
            response.save()
            Answer.objects.filter(response=response).update(counted=False)
        audit_record(
            actor=actor,
            action="survey.response_excluded",
            target=response,
            unit=response.campaign.unit,
            details={"reason": response.exclusion_reason, "flags": response.flags},
        )
    return response


def response_restore(*, actor: Any, response: Response, reason: str = "") -> Response:
    check_perm(actor, Perm.SURVEY_VALIDATE, response.campaign.unit)
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        if not response.excluded:
            raise StateError(_("The response is not excluded."))
        previous = response.exclusion_reason
        with tally_change(response):
            response.excluded = False
            response.exclusion_reason = ""
            response.excluded_by = None
            response.excluded_at = None
            response.save()
            Answer.objects.filter(response=response).update(counted=True)
        audit_record(
            actor=actor,
            action="survey.response_restored",
            target=response,
            unit=response.campaign.unit,
            details={"previous_reason": previous, "reason": reason.strip()},
        )
    return response
