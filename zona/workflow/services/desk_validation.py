"""Survey validation (SHPZI) by a review tier, in three parts, all audited:

1. the reviewer's check of the unit's survey report (a checklist from the data file, a
   verdict and a note);
2. a short confirmation form for a drawn sample of respondents who left a contact (the
   surveys app's validation draws): a single-use public link asks only whether they were
   served by the unit and whether they took part in the survey, never their answers. The
   worker e-mails the links to e-mail contacts (once each); reviewers send the others by
   hand (WhatsApp, SMS) from the list;
3. a questionnaire the unit answers on how it ran the survey (questions from the data file).

The checklist, the questionnaire and the links' lifetime are data
(zona/workflow/data/survey-validation.yaml), not code.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import ReviewTier, User
from zona.assessments.models import Assessment
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.workflow import handoffs
from zona.workflow.models import ConfirmationRequest, ReportVerdict, SurveyValidation
from zona.workflow.selectors.desk import survey_items, unit_people
from zona.workflow.services.desk import require_period_open, require_tier

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "survey-validation.yaml"
QUESTION_TYPES = {"choice", "yesno", "text", "number", "date"}

# --- the data file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Labelled:
    key: str
    label_id: str
    label_en: str

    @property
    def label(self) -> str:
        return (
            self.label_en
            if (translation.get_language() or "id").startswith("en")
            else self.label_id
        )


@dataclass(frozen=True)
class Question(Labelled):
    type: str
    required: bool
    options: tuple[Labelled, ...] = ()


@dataclass(frozen=True)
class ValidationSpec:
    version: str
    valid_days: int
    checklist: tuple[Labelled, ...]
    questionnaire: tuple[Question, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questionnaire if q.key == key), None)


def _labelled(raw: Mapping[str, Any]) -> Labelled:
    label = raw["label"]
    return Labelled(str(raw["key"]), str(label["id"]), str(label.get("en") or label["id"]))


def parse_validation_spec(text: str) -> ValidationSpec:
    """The checklist and questionnaire of a data file; ValueError when it is malformed."""
    doc = yaml.safe_load(text) or {}
    try:
        checklist = tuple(_labelled(row) for row in doc.get("report_checklist") or [])
        questions = []
        for row in doc.get("questionnaire") or []:
            base = _labelled(row)
            kind = str(row.get("type", "text"))
            if kind not in QUESTION_TYPES:
                raise ValueError(f"question {base.key}: unknown type {kind!r}")
            options = tuple(_labelled(o) for o in row.get("options") or [])
            if kind == "choice" and not options:
                raise ValueError(f"question {base.key}: a choice needs options")
            questions.append(
                Question(
                    base.key,
                    base.label_id,
                    base.label_en,
                    type=kind,
                    required=bool(row.get("required", False)),
                    options=options,
                )
            )
        days = int(doc.get("confirmation_valid_days", 14))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed survey-validation data: {exc}") from exc
    keys = [c.key for c in checklist] + [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate keys in survey-validation data")
    if days < 1:
        raise ValueError("confirmation_valid_days must be at least 1")
    version = f"{doc.get('version', 1)}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    return ValidationSpec(version, days, checklist, tuple(questions))


@functools.cache
def validation_spec() -> ValidationSpec:
    return parse_validation_spec(DATA_FILE.read_text(encoding="utf-8"))


# --- contacts ---------------------------------------------------------------------------------


def contact_email(contact: str) -> str | None:
    contact = (contact or "").strip()
    if "@" not in contact:
        return None
    try:
        validate_email(contact)
    except DjangoValidationError:
        return None
    return contact


def contact_phone(contact: str) -> str | None:
    """The number in international form without '+' (Indonesian 08... becomes 628...)."""
    digits = re.sub(r"[\s\-().]", "", (contact or "").strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def confirmation_url(request_or_base: Any, token: str) -> str:
    path = reverse("workflow:desk_confirm", args=[token])
    if hasattr(request_or_base, "build_absolute_uri"):
        return str(request_or_base.build_absolute_uri(path))
    return str(request_or_base).rstrip("/") + path


def confirmation_message(unit_name: str, url: str) -> str:
    """The short text sent with a link (Indonesian, then English)."""
    parts = []
    for lang in ("id", "en"):
        with translation.override(lang):
            parts.append(
                _(
                    "You left a contact after a survey of %(unit)s. Please confirm in one "
                    "minute whether you were served there (we do not ask for your answers): "
                    "%(url)s"
                )
                % {"unit": unit_name, "url": url}
            )
    return "\n\n".join(parts)


def whatsapp_link(phone: str, message: str) -> str:
    return f"https://wa.me/{phone}?text={urllib.parse.quote(message)}"


# --- part 0: begin -------------------------------------------------------------------------


def _require_validator(actor: Any, assessment: Assessment, tier: ReviewTier | None) -> ReviewTier:
    tier = require_tier(actor, assessment, tier)
    if not user_can(actor, Perm.SURVEY_VALIDATE, assessment.unit):
        raise PermissionDenied(_("You do not validate this unit's surveys."))
    return tier


def _source_campaign(assessment: Assessment) -> Any:
    from zona.surveys.selectors.lke import lke_source_campaign

    for item in survey_items(assessment):
        campaign = lke_source_campaign(assessment.unit, assessment.period.year, item.source or "")
        if campaign is not None:
            return campaign
    return None


def survey_validation_begin(
    *, actor: User, assessment: Assessment, tier: ReviewTier | None
) -> SurveyValidation:
    """The tier's validation of the sheet's survey, begun now if it was not: it takes the
    round that feeds the sheet's survey items, and the unit is asked to answer the
    questionnaire."""
    tier = _require_validator(actor, assessment, tier)
    require_period_open(assessment)
    if not survey_items(assessment):
        raise StateError(
            _("This sheet takes nothing from surveys."),
            problems=[Problem("no_survey_items", _("This sheet takes nothing from surveys."))],
        )
    with transaction.atomic():
        validation, created = SurveyValidation.objects.get_or_create(
            assessment=assessment, tier=tier, defaults={"campaign": _source_campaign(assessment)}
        )
        validation.assessment = assessment
        validation.tier = tier
        if created:
            audit_record(
                actor=actor,
                action="desk.survey_validation_begun",
                target=validation,
                unit=assessment.unit,
                details={"tier": tier.code, "campaign": validation.campaign_id},
            )
            handoffs.handoff(
                kind="desk.survey_questionnaire",
                recipients=unit_people(assessment),
                params={"unit": assessment.unit.name, "tier": tier.name},
                url=reverse("workflow:desk_validation", args=[assessment.pk]),
                key=f"desk-questionnaire:{validation.pk}",
                actor=actor,
            )
    return validation


# --- part 1: the report ------------------------------------------------------------------------


def survey_report_check(
    *,
    actor: User,
    validation: SurveyValidation,
    checks: Mapping[str, bool],
    verdict: str,
    note: str = "",
) -> SurveyValidation:
    assessment = validation.assessment
    _require_validator(actor, assessment, validation.tier)
    require_period_open(assessment)
    spec = validation_spec()
    unknown = set(checks) - {c.key for c in spec.checklist}
    if unknown:
        raise ValidationFailed(
            _("Unknown checks: %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
            problems=[Problem("unknown_check", _("Unknown check."), "checks")],
        )
    if verdict not in ReportVerdict.values or verdict == ReportVerdict.PENDING:
        raise ValidationFailed(
            _("Choose a verdict on the report."),
            problems=[Problem("required", _("Choose a verdict on the report."), "verdict")],
        )
    note = (note or "").strip()[:10_000]
    if verdict != ReportVerdict.ADEQUATE and not note:
        raise ValidationFailed(
            _("Say what is missing in the report."),
            problems=[Problem("note_required", _("Say what is missing in the report."), "note")],
        )
    with transaction.atomic():
        row = SurveyValidation.objects.select_for_update(of=("self",)).get(pk=validation.pk)
        row.report_checks = {c.key: bool(checks.get(c.key, False)) for c in spec.checklist}
        row.report_verdict = verdict
        row.report_note = note
        row.checked_by = actor
        row.checked_at = timezone.now()
        row.save()
        audit_record(
            actor=actor,
            action="desk.survey_report_checked",
            target=row,
            unit=assessment.unit,
            details={"verdict": verdict, "checks": row.report_checks},
        )
    row.assessment, row.tier = assessment, validation.tier
    return row


# --- part 2: the respondents' confirmations ------------------------------------------------


def confirmations_create(
    *,
    actor: User,
    validation: SurveyValidation,
    draw: Any = None,
    size: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Make a confirmation link for each contact of a draw (a new one of `size` contacts,
    drawn with the surveys app's rules, or an existing `draw` of the campaign). Contacts
    that already have a link are left alone. Returns the number of new links."""
    from zona.surveys.models import ValidationCall
    from zona.surveys.services import validation_draw_create

    assessment = validation.assessment
    _require_validator(actor, assessment, validation.tier)
    require_period_open(assessment)
    campaign = validation.campaign
    if campaign is None:
        raise StateError(
            _("No survey round feeds this sheet yet."),
            problems=[Problem("no_campaign", _("No survey round feeds this sheet yet."))],
        )
    if draw is None:
        if size is None:
            raise ValidationFailed(
                _("Say how many contacts to draw."),
                problems=[Problem("required", _("Say how many contacts to draw."), "size")],
            )
        draw = validation_draw_create(actor=actor, campaign=campaign, size=size)
    elif draw.campaign_id != campaign.pk:
        raise ValidationFailed(
            _("That draw is not of this survey round."),
            problems=[Problem("invalid", _("That draw is not of this survey round."), "draw")],
        )
    expires = (now or timezone.now()) + dt.timedelta(days=validation_spec().valid_days)
    with transaction.atomic():
        calls = list(ValidationCall.objects.filter(draw=draw).order_by("position"))
        taken = set(
            ConfirmationRequest.objects.filter(call__in=calls).values_list("call_id", flat=True)
        )
        new = [
            ConfirmationRequest(validation=validation, call=call, expires_at=expires)
            for call in calls
            if call.pk not in taken
        ]
        ConfirmationRequest.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="desk.confirmations_created",
            target=validation,
            unit=assessment.unit,
            details={"draw": draw.pk, "seed": draw.seed, "links": len(new)},
        )
    return len(new)


def confirmations_email(*, actor: User, validation: SurveyValidation) -> int:
    """Queue the e-mails of the links not yet mailed; the worker sends each once. Returns
    how many wait to be mailed."""
    from zona.workflow.services.desk_tasks import desk_confirmations_send

    assessment = validation.assessment
    _require_validator(actor, assessment, validation.tier)
    require_period_open(assessment)
    waiting = [r.pk for r in pending_emails(validation)]
    if not waiting:
        raise StateError(
            _("No link waits to be e-mailed."),
            problems=[Problem("nothing_to_send", _("No link waits to be e-mailed."))],
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="desk.confirmations_emailed",
            target=validation,
            unit=assessment.unit,
            details={"links": len(waiting)},
        )
        # The database backend stores the task in this transaction (see excel_import).
        desk_confirmations_send.enqueue(validation.pk)
    return len(waiting)


def pending_emails(validation: SurveyValidation) -> list[ConfirmationRequest]:
    now = timezone.now()
    rows = ConfirmationRequest.objects.filter(
        validation=validation, emailed_at__isnull=True, answered_at__isnull=True, expires_at__gt=now
    ).select_related("call__contact")
    return [r for r in rows if contact_email(r.call.contact.contact)]


def confirmation_emails_send(*, validation_id: int, base_url: str | None = None) -> int:
    """Send each waiting link by e-mail, at most once: a link is claimed (emailed_at set
    where it was empty) before its mail goes, and released if sending fails, so a retried
    or doubled task never mails a respondent twice. Returns the number sent."""
    validation = (
        SurveyValidation.objects.select_related("assessment__unit").filter(pk=validation_id).first()
    )
    if validation is None:
        return 0
    base = base_url or settings.ZONA_BASE_URL
    unit_name = validation.assessment.unit.name
    sent = 0
    for request in pending_emails(validation):
        address = contact_email(request.call.contact.contact)
        claimed = ConfirmationRequest.objects.filter(pk=request.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or address is None:
            continue
        try:
            with translation.override("id"):
                subject = _("Confirm your visit to %(unit)s") % {"unit": unit_name}
            send_mail(
                subject,
                confirmation_message(unit_name, confirmation_url(base, request.token)),
                None,
                [address],
            )
        except Exception:
            ConfirmationRequest.objects.filter(pk=request.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


class ConfirmationRefused(StateError):
    """A public link that cannot be answered (used, expired): shown as a clear page."""

    status = 410


def confirmation_answer(
    *, token: str, was_served: bool, took_part: bool, now: dt.datetime | None = None
) -> ConfirmationRequest:
    """Record a respondent's confirmation; the link then stops working."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            ConfirmationRequest.objects.select_for_update(of=("self",))
            .select_related("validation__assessment__unit")
            .filter(token=token)
            .first()
        )
        if request is None:
            raise ConfirmationRefused(
                _("This link is not known."), problems=[Problem("unknown", _("Unknown link."))]
            )
        if request.answered_at is not None:
            raise ConfirmationRefused(
                _("This link was already used. Thank you, your confirmation is recorded."),
                problems=[Problem("used", _("Already used."))],
            )
        if request.expires_at <= now:
            raise ConfirmationRefused(
                _("This link has expired."), problems=[Problem("expired", _("Expired."))]
            )
        request.was_served = was_served
        request.took_part = took_part
        request.answered_at = now
        request.save(update_fields=["was_served", "took_part", "answered_at"])
        audit_record(
            actor=None,
            action="desk.confirmation_answered",
            target=request.validation,
            unit=request.validation.assessment.unit,
            details={"served": was_served, "took_part": took_part},
        )
    return request


# --- part 3: the unit's questionnaire --------------------------------------------------------


def _answer(question: Question, raw: Any) -> Any:
    value = "" if raw is None else str(raw).strip()
    if not value:
        if question.required:
            raise ValueError(_("This question needs an answer."))
        return None
    if question.type == "yesno":
        if value not in ("yes", "no"):
            raise ValueError(_("Answer yes or no."))
        return value == "yes"
    if question.type == "choice":
        if value not in {o.key for o in question.options}:
            raise ValueError(_("Choose one of the options."))
        return value
    if question.type == "number":
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            raise ValueError(_("Enter a whole number."))
        return int(value)
    if question.type == "date":
        day = parse_date(value) if len(value) == 10 else None
        if day is None:
            raise ValueError(_("Enter a date (YYYY-MM-DD)."))
        return day.isoformat()
    return value[:5000]


def questionnaire_answer(
    *, actor: User, validation: SurveyValidation, answers: Mapping[str, Any]
) -> SurveyValidation:
    """The unit's answers on how it ran the survey (survey.manage on the unit)."""
    assessment = validation.assessment
    if not user_can(actor, Perm.SURVEY_MANAGE, assessment.unit):
        raise PermissionDenied(_("Only the unit's survey managers answer this questionnaire."))
    require_period_open(assessment)
    spec = validation_spec()
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for question in spec.questionnaire:
        try:
            clean[question.key] = _answer(question, answers.get(question.key))
        except ValueError as exc:
            problems.append(Problem("invalid", str(exc), question.key))
    unknown = set(answers) - {q.key for q in spec.questionnaire}
    if unknown:
        problems.append(Problem("unknown_question", _("Unknown question."), sorted(unknown)[0]))
    if problems:
        raise ValidationFailed(_("Check the answers marked."), problems=problems)
    with transaction.atomic():
        row = SurveyValidation.objects.select_for_update(of=("self",)).get(pk=validation.pk)
        row.questionnaire_answers = clean
        row.questionnaire_version = spec.version
        row.answered_by = actor
        row.answered_at = timezone.now()
        row.save()
        audit_record(
            actor=actor,
            action="desk.survey_questionnaire_answered",
            target=row,
            unit=assessment.unit,
            details={"tier": validation.tier.code, "version": spec.version},
        )
    row.assessment, row.tier = assessment, validation.tier
    return row
