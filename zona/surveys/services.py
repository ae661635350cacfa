"""Every write of the surveys app: typed, keyword-only, raising zona.core.errors.

Staff changes are audited in the same transaction. Public submissions are not: an audit
event carries a time to the second and the request's context, which is exactly what must
not sit next to an anonymous answer.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import ServiceType, Unit
from zona.audit.services import audit_record
from zona.core.errors import Conflict, PermissionDenied, Problem, StateError, ValidationFailed
from zona.surveys.indices import SAMPLE_METHODS
from zona.surveys.models import (
    SHORT_ALPHABET,
    Answer,
    CallOutcome,
    Campaign,
    CampaignInstrument,
    CampaignService,
    Channel,
    CodeBatch,
    Contact,
    Flag,
    Instrument,
    InstrumentVersion,
    OneTimeCode,
    Response,
    ServedWhen,
    ValidationCall,
    ValidationDraw,
    floor_to_hour,
    kiosk_key,
)
from zona.surveys.schema import (
    InstrumentDoc,
    InstrumentInvalid,
    InstrumentProblem,
    content_hash,
    document_json,
    parse_instrument,
)

# --- instruments --------------------------------------------------------------------------

LoadStatus = Literal["created", "unchanged"]


@dataclass(frozen=True)
class InstrumentLoadResult:
    source: str
    key: str
    version: int
    status: LoadStatus
    instrument_version: InstrumentVersion


class InstrumentFilesInvalid(ValidationFailed):
    """One or more files are invalid; nothing was loaded."""

    code = "instrument_invalid"

    def __init__(self, by_source: dict[str, list[InstrumentProblem]]) -> None:
        self.by_source = by_source
        super().__init__(
            "invalid instrument file(s): " + ", ".join(by_source),
            problems=[
                Problem(code="instrument_invalid", message=p.reason, field=f"{source}: {p.where}")
                for source, problems in by_source.items()
                for p in problems
            ],
        )


class InstrumentChanged(Conflict):
    """The content differs from the version already loaded under the same key and version."""

    code = "instrument_changed"


def instrument_load_files(
    *, paths: Sequence[Path], agency: Unit | None = None, actor: Any = None
) -> list[InstrumentLoadResult]:
    """Validate every file, then load them all in one transaction (all or nothing)."""
    texts: list[tuple[str, str]] = []
    unreadable: dict[str, list[InstrumentProblem]] = {}
    for path in paths:
        try:
            texts.append((str(path), Path(path).read_text(encoding="utf-8")))
        except OSError as exc:
            unreadable[str(path)] = [
                InstrumentProblem("(file)", f"cannot read: {exc.strerror or exc}")
            ]
    if unreadable:
        raise InstrumentFilesInvalid(unreadable)
    return instrument_load_texts(texts=texts, agency=agency, actor=actor)


def instrument_load_texts(
    *, texts: Sequence[tuple[str, str]], agency: Unit | None = None, actor: Any = None
) -> list[InstrumentLoadResult]:
    """Load (source name, YAML text) pairs.

    Idempotent: a version already loaded with the same content is left alone. A changed file
    under a loaded version is refused, because responses are tied to that exact content; a
    change needs a new version number.
    """
    if agency is not None and not agency.is_agency:
        raise ValidationFailed(_("Own instruments belong to an agency (the root of a tree)."))
    docs: list[tuple[str, InstrumentDoc]] = []
    invalid: dict[str, list[InstrumentProblem]] = {}
    seen: dict[tuple[str, int], str] = {}
    for source, text in texts:
        try:
            doc = parse_instrument(text)
        except InstrumentInvalid as exc:
            invalid[source] = exc.instrument_problems
            continue
        other = seen.get((doc.key, doc.version))
        if other is not None:
            invalid[source] = [
                InstrumentProblem("version", f"{doc.key} v{doc.version} is also in {other}")
            ]
            continue
        seen[(doc.key, doc.version)] = source
        docs.append((source, doc))
    if invalid:
        raise InstrumentFilesInvalid(invalid)
    with transaction.atomic():
        return [_load_instrument(source, doc, agency=agency, actor=actor) for source, doc in docs]


def _load_instrument(
    source: str, doc: InstrumentDoc, *, agency: Unit | None, actor: Any
) -> InstrumentLoadResult:
    digest = content_hash(doc)
    instrument = Instrument.objects.select_for_update().filter(key=doc.key).first()
    if instrument is None:
        instrument = Instrument.objects.create(key=doc.key, agency=agency, measures=doc.measures)
    else:
        if instrument.agency_id != (agency.pk if agency else None):
            raise InstrumentChanged(
                f"{source}: the key {doc.key} already belongs to another owner; choose another key"
            )
        if instrument.measures != doc.measures:
            raise InstrumentChanged(
                f"{source}: {doc.key} measures {instrument.measures}; a version cannot change that"
            )
    existing = instrument.versions.filter(version=doc.version).first()
    if existing is not None:
        if existing.content_hash == digest:
            return InstrumentLoadResult(source, doc.key, doc.version, "unchanged", existing)
        raise InstrumentChanged(
            f"{source}: {doc.key} v{doc.version} is already loaded with different content; "
            "give the changed file a new version"
        )
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        version=doc.version,
        content_hash=digest,
        document=document_json(doc),
        abbreviation=doc.abbreviation,
        title_id=doc.title.id,
        title_en=doc.title.en,
        index_kind=doc.index,
        scale_min=doc.scale.min,
        scale_max=doc.scale.max,
        item_codes=doc.codes,
    )
    audit_record(
        actor=actor,
        action="survey.instrument_loaded",
        target=version,
        unit=agency,
        details={"key": doc.key, "version": doc.version, "content_hash": digest, "file": source},
    )
    return InstrumentLoadResult(source, doc.key, doc.version, "created", version)


# --- campaigns ----------------------------------------------------------------------------


def instrument_versions_for(unit: Unit) -> list[InstrumentVersion]:
    """The latest version of every instrument a unit may use: Zona's own and its agency's."""
    agency_path = unit.agency_path
    versions = InstrumentVersion.objects.select_related(
        "instrument", "instrument__agency"
    ).order_by("instrument__key", "-version")
    latest: dict[int, InstrumentVersion] = {}
    for version in versions:
        owner = version.instrument.agency
        if owner is not None and owner.path != agency_path:
            continue
        latest.setdefault(version.instrument_id, version)
    return list(latest.values())


@dataclass(frozen=True)
class CampaignFields:
    year: int
    period_label: str
    opens_on: date
    closes_on: date
    instrument_versions: Sequence[InstrumentVersion]
    # service type id -> estimated number of users in the period
    populations: Mapping[int, int]
    sample_method: str = Campaign.Method.KREJCIE_MORGAN
    margin: Decimal = Decimal("0.05")
    requires_code: bool = False
    feeds_lke: bool = False


def _check_campaign(
    unit: Unit, fields: CampaignFields, *, campaign: Campaign | None
) -> list[Problem]:
    problems: list[Problem] = []
    if not 2000 <= fields.year <= 2100:
        problems.append(Problem("invalid", _("Enter a year such as 2026."), "year"))
    if not fields.period_label.strip():
        problems.append(Problem("required", _("Name the period, e.g. Semester I."), "period_label"))
    if fields.closes_on < fields.opens_on:
        problems.append(
            Problem("invalid", _("The closing date is before the opening date."), "closes_on")
        )
    if fields.sample_method not in SAMPLE_METHODS:
        problems.append(Problem("invalid", _("Unknown sample size method."), "sample_method"))
    if not Decimal("0.01") <= fields.margin <= Decimal("0.20"):
        problems.append(
            Problem("invalid", _("The margin of error must be from 0.01 to 0.20."), "margin")
        )
    if not fields.instrument_versions:
        problems.append(Problem("required", _("Choose at least one instrument."), "instruments"))
    allowed = {v.pk for v in instrument_versions_for(unit)}
    keys = [v.instrument_id for v in fields.instrument_versions]
    if len(set(keys)) != len(keys):
        problems.append(Problem("invalid", _("Choose each instrument once."), "instruments"))
    measures = [v.instrument.measures for v in fields.instrument_versions]
    for measure in ("ipak", "ipkp", "ikm"):
        if measures.count(measure) > 1:
            problems.append(
                Problem(
                    "invalid",
                    _("Choose one instrument per index (two measure %(measure)s).")
                    % {"measure": measure.upper()},
                    "instruments",
                )
            )
    current = set()
    if campaign is not None:
        current = set(campaign.instrument_links.values_list("instrument_version_id", flat=True))
    for version in fields.instrument_versions:
        # A version already in the campaign stays allowed when a newer one is loaded.
        if version.pk not in allowed and version.pk not in current:
            problems.append(
                Problem(
                    "invalid",
                    _("%(name)s is not available to this unit.") % {"name": version},
                    "instruments",
                )
            )
    if not fields.populations:
        problems.append(Problem("required", _("Survey at least one service."), "services"))
    services = {s.pk: s for s in ServiceType.objects.filter(unit=unit)}
    for service_id, population in fields.populations.items():
        service = services.get(service_id)
        if service is None:
            problems.append(Problem("invalid", _("Unknown service of this unit."), "services"))
        elif population < 1:
            problems.append(
                Problem(
                    "invalid",
                    _("Estimate at least 1 user for %(service)s.") % {"service": service.name},
                    f"population_{service_id}",
                )
            )
    if fields.feeds_lke:
        others = Campaign.objects.filter(unit=unit, year=fields.year, feeds_lke=True)
        if campaign is not None:
            others = others.exclude(pk=campaign.pk)
        other = others.first()
        if other is not None:
            problems.append(
                Problem(
                    "conflict",
                    _("%(other)s already feeds the %(year)s LKE; only one round per year can.")
                    % {"other": other.period_label, "year": fields.year},
                    "feeds_lke",
                )
            )
    return problems


def _require(actor: Any, perm: Perm, unit: Unit) -> None:
    if actor is not None and not user_can(actor, perm, unit):
        raise PermissionDenied(_("You may not manage surveys of this unit."))


def _set_services(campaign: Campaign, populations: Mapping[int, int]) -> None:
    existing = {s.service_type_id: s for s in campaign.services.all()}
    used = set(campaign.responses.values_list("service_type_id", flat=True).distinct())
    for service_id, row in existing.items():
        if service_id not in populations:
            if service_id in used:
                raise StateError(
                    _("%(service)s already has responses and stays in the campaign.")
                    % {"service": row.service_type.name}
                )
            row.delete()
    for service_id, population in populations.items():
        row = existing.get(service_id) or CampaignService(
            campaign=campaign, service_type_id=service_id
        )
        row.campaign = campaign
        row.population = population
        row.sample_target = row.compute_target()
        row.save()


def campaign_create(*, actor: Any, unit: Unit, fields: CampaignFields) -> Campaign:
    _require(actor, Perm.SURVEY_MANAGE, unit)
    problems = _check_campaign(unit, fields, campaign=None)
    if problems:
        raise ValidationFailed(_("The campaign has problems."), problems=problems)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            unit=unit,
            year=fields.year,
            period_label=fields.period_label.strip(),
            opens_on=fields.opens_on,
            closes_on=fields.closes_on,
            sample_method=fields.sample_method,
            margin=fields.margin,
            requires_code=fields.requires_code,
            feeds_lke=fields.feeds_lke,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        CampaignInstrument.objects.bulk_create(
            CampaignInstrument(campaign=campaign, instrument_version=v, position=i)
            for i, v in enumerate(fields.instrument_versions)
        )
        _set_services(campaign, fields.populations)
        audit_record(
            actor=actor,
            action="survey.campaign_created",
            target=campaign,
            unit=unit,
            details=_campaign_details(campaign),
        )
    return campaign


def campaign_update(*, actor: Any, campaign: Campaign, fields: CampaignFields) -> Campaign:
    _require(actor, Perm.SURVEY_MANAGE, campaign.unit)
    problems = _check_campaign(campaign.unit, fields, campaign=campaign)
    if problems:
        raise ValidationFailed(_("The campaign has problems."), problems=problems)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = _campaign_details(campaign)
        new_versions = [v.pk for v in fields.instrument_versions]
        old_versions = list(
            campaign.instrument_links.order_by("position").values_list(
                "instrument_version_id", flat=True
            )
        )
        if new_versions != old_versions:
            if campaign.responses.exists():
                raise StateError(
                    _("The campaign has responses; its instruments can no longer change.")
                )
            campaign.instrument_links.all().delete()
            CampaignInstrument.objects.bulk_create(
                CampaignInstrument(campaign=campaign, instrument_version=v, position=i)
                for i, v in enumerate(fields.instrument_versions)
            )
        campaign.year = fields.year
        campaign.period_label = fields.period_label.strip()
        campaign.opens_on = fields.opens_on
        campaign.closes_on = fields.closes_on
        campaign.sample_method = fields.sample_method
        campaign.margin = fields.margin
        campaign.requires_code = fields.requires_code
        campaign.feeds_lke = fields.feeds_lke
        campaign.save()
        _set_services(campaign, fields.populations)
        audit_record(
            actor=actor,
            action="survey.campaign_updated",
            target=campaign,
            unit=campaign.unit,
            details={"before": before, "after": _campaign_details(campaign)},
        )
    return campaign


def _campaign_details(campaign: Campaign) -> dict[str, Any]:
    return {
        "year": campaign.year,
        "period": campaign.period_label,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "instruments": [
            str(link.instrument_version)
            for link in campaign.instrument_links.select_related("instrument_version")
        ],
        "services": {
            s.service_type.code: {"population": s.population, "target": s.sample_target}
            for s in campaign.services.select_related("service_type")
        },
        "sample_method": campaign.sample_method,
        "margin": campaign.margin,
        "requires_code": campaign.requires_code,
        "feeds_lke": campaign.feeds_lke,
    }


def campaign_publish_results(*, actor: Any, campaign: Campaign, public: bool) -> Campaign:
    _require(actor, Perm.SURVEY_MANAGE, campaign.unit)
    with transaction.atomic():
        campaign.results_public = public
        campaign.save(update_fields=["results_public", "updated_at"])
        audit_record(
            actor=actor,
            action="survey.results_published" if public else "survey.results_unpublished",
            target=campaign,
            unit=campaign.unit,
        )
    return campaign


def campaign_rotate_kiosk_key(*, actor: Any, campaign: Campaign) -> Campaign:
    """Retire every kiosk link of the campaign (a lost or replaced tablet)."""
    _require(actor, Perm.SURVEY_MANAGE, campaign.unit)
    with transaction.atomic():
        campaign.kiosk_key = kiosk_key()
        campaign.save(update_fields=["kiosk_key", "updated_at"])
        audit_record(
            actor=actor, action="survey.kiosk_key_rotated", target=campaign, unit=campaign.unit
        )
    return campaign


# --- one-time codes -----------------------------------------------------------------------

MAX_BATCH = 2000


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def code_batch_create(*, actor: Any, campaign: Campaign, size: int, label: str = "") -> CodeBatch:
    _require(actor, Perm.SURVEY_MANAGE, campaign.unit)
    if not 1 <= size <= MAX_BATCH:
        raise ValidationFailed(
            _("A batch has from 1 to %(max)s codes.") % {"max": MAX_BATCH},
            problems=[Problem("invalid", _("Out of range."), "size")],
        )
    with transaction.atomic():
        batch = CodeBatch.objects.create(
            campaign=campaign, label=label.strip(), size=size, created_by=actor
        )
        taken = set(OneTimeCode.objects.filter(campaign=campaign).values_list("code", flat=True))
        codes: set[str] = set()
        while len(codes) < size:
            code = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(8))
            if code not in taken:
                codes.add(code)
        OneTimeCode.objects.bulk_create(
            OneTimeCode(batch=batch, campaign=campaign, code=code) for code in sorted(codes)
        )
        audit_record(
            actor=actor,
            action="survey.codes_created",
            target=campaign,
            unit=campaign.unit,
            details={"batch": batch.pk, "size": size, "label": batch.label},
        )
    return batch


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
    # Seconds from the form being shown to being sent; None when unknown.
    duration_seconds: float | None = None
    # The device or network sent many responses lately (decided by the caller, which holds
    # the hashed counters; nothing of them reaches the database).
    burst: bool = False
    code: str = ""
    contact: str = ""
    contact_name: str = ""


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
    return flags


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
            )
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
                Answer(
                    response=response,
                    instrument_version=version,
                    item=item,
                    value=value,
                    campaign=campaign,
                    service_type_id=submission.service_type_id,
                )
                for version, item, value in rows
            )
    except IntegrityError:
        existing = Response.objects.filter(idempotency_key=submission.idempotency_key).first()
        if existing is None:
            raise
        return SubmitResult(existing, created=False)
    if submission.contact.strip():
        # Its own transaction, after the response's, with nothing that points back.
        contact_leave(campaign=campaign, contact=submission.contact, name=submission.contact_name)
    return SubmitResult(response, created=True)


def contact_leave(*, campaign: Campaign, contact: str, name: str = "") -> Contact:
    contact = contact.strip()[:200]
    if not contact:
        raise ValidationFailed(
            _("Enter a phone number or e-mail."), problems=[Problem("required", "", "contact")]
        )
    with transaction.atomic():
        return Contact.objects.create(campaign=campaign, contact=contact, name=name.strip()[:120])


# --- review of flagged responses -----------------------------------------------------------


def response_exclude(*, actor: Any, response: Response, reason: str) -> Response:
    _require(actor, Perm.SURVEY_VALIDATE, response.campaign.unit)
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
    _require(actor, Perm.SURVEY_VALIDATE, response.campaign.unit)
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        if not response.excluded:
            raise StateError(_("The response is not excluded."))
        previous = response.exclusion_reason
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


# --- survey validation by assessors -------------------------------------------------------

MAX_DRAW = 200


def contact_pool(campaign: Campaign) -> list[tuple[int, str]]:
    """The campaign's contacts as (id, token), sorted by token: the pool a draw samples."""
    return list(
        Contact.objects.filter(campaign=campaign).order_by("token").values_list("pk", "token")
    )


def pool_digest(pool: Sequence[tuple[int, str]]) -> str:
    return hashlib.sha256("\n".join(token for _, token in pool).encode()).hexdigest()


def draw_sample(pool: Sequence[tuple[int, str]], size: int, seed: int) -> list[tuple[int, str]]:
    """The same pool and seed always give the same sample (Python's Mersenne Twister)."""
    return random.Random(seed).sample(list(pool), min(size, len(pool)))


def validation_draw_create(
    *, actor: Any, campaign: Campaign, size: int, seed: int | None = None
) -> ValidationDraw:
    _require(actor, Perm.SURVEY_VALIDATE, campaign.unit)
    if not 1 <= size <= MAX_DRAW:
        raise ValidationFailed(
            _("Draw from 1 to %(max)s contacts.") % {"max": MAX_DRAW},
            problems=[Problem("invalid", _("Out of range."), "size")],
        )
    if seed is not None and not 0 <= seed < 2**63:
        raise ValidationFailed(
            _("The seed must be a whole number from 0."),
            problems=[Problem("invalid", _("Out of range."), "seed")],
        )
    with transaction.atomic():
        pool = contact_pool(campaign)
        if not pool:
            raise StateError(_("No respondent of this campaign left a contact."))
        seed = secrets.randbits(48) if seed is None else seed
        chosen = draw_sample(pool, size, seed)
        draw = ValidationDraw.objects.create(
            campaign=campaign,
            seed=seed,
            requested=size,
            pool_size=len(pool),
            pool_digest=pool_digest(pool),
            drawn_by=actor,
        )
        ValidationCall.objects.bulk_create(
            ValidationCall(draw=draw, contact_id=contact_id, position=i)
            for i, (contact_id, _token) in enumerate(chosen, start=1)
        )
        audit_record(
            actor=actor,
            action="survey.validation_drawn",
            target=draw,
            unit=campaign.unit,
            details={"seed": seed, "size": len(chosen), "pool_size": len(pool)},
        )
    return draw


def validation_call_record(
    *, actor: Any, call: ValidationCall, outcome: str, note: str = ""
) -> ValidationCall:
    campaign = call.draw.campaign
    _require(actor, Perm.SURVEY_VALIDATE, campaign.unit)
    if outcome not in CallOutcome.values or outcome == CallOutcome.PENDING:
        raise ValidationFailed(
            _("Choose the outcome of the call."),
            problems=[Problem("required", _("Choose the outcome of the call."), "outcome")],
        )
    with transaction.atomic():
        call = ValidationCall.objects.select_for_update().get(pk=call.pk)
        previous = call.outcome
        call.outcome = outcome
        call.note = note.strip()
        call.called_by = actor
        call.called_at = timezone.now()
        call.save()
        audit_record(
            actor=actor,
            action="survey.validation_call_recorded",
            target=call.draw,
            unit=campaign.unit,
            details={"position": call.position, "outcome": outcome, "previous": previous},
        )
    return call
