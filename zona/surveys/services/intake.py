"""The public form's intake policy: which posts are stored, and which are refused and why.

The view parses a post into an `IntakePost` and renders the `IntakeResult`; everything in
between is decided here, in this order:

1. Kiosk. A post naming a kiosk is taken as one only from the campaign's open, registered
   kiosk with that key; a retired key is refused. A kiosk sends contacts and suggestions on
   their own, apart from any answers (`side_only`).
2. Eligibility. Only someone who completed a service here answers; "no" stores nothing.
3. Anti-bot. A web post must carry the form token served with the form: it names the one
   response key it may store and when the form was served, so the time spent answering is
   measured by the server, never taken from the browser. Kiosks are paced instead.
4. Throttle. Per network and per browser (hashed counters in zona.surveys.throttle, nothing
   stored with the response): many recent posts flag a response, very many refuse it (a
   resend of a stored response is never refused). A kiosk sends one response at a time at
   human speed; faster posts wait (Retry-After) and a burst is flagged.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from zona.core.errors import Problem, ValidationFailed
from zona.surveys import throttle
from zona.surveys.models import Campaign, Channel, Kiosk
from zona.surveys.selectors import response_stored
from zona.surveys.services.contacts import contact_leave
from zona.surveys.services.feedback import suggestion_leave
from zona.surveys.services.responses import Submission, answer_pattern, response_submit

TOKEN_SALT = "zona.surveys.form"  # noqa: S105 (a signing namespace, not a secret)
# A form left open over lunch still goes through; a token older than this asks for a reload.
TOKEN_MAX_AGE = 12 * 3600


def form_token(campaign: Campaign, key: str, *, served_at: float | None = None) -> str:
    """The signed form: when it was served (now unless given) and the one response key it
    may store."""
    served = int(time.time() if served_at is None else served_at)
    return signing.dumps({"c": campaign.pk, "t": served, "k": key}, salt=TOKEN_SALT, compress=True)


def token_age(campaign: Campaign, token: str, key: str) -> float | None:
    """Seconds since the form was served, measured here (never taken from the browser), or
    None when the token is missing, forged, stale or issued for another response.

    A token serves one submission: it names the response key, and that key is unique, so
    sending the same form again stores nothing new.
    """
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != campaign.pk or data.get("k") != key:
        return None
    return max(0.0, time.time() - float(data.get("t", 0)))


def open_kiosk(campaign: Campaign, key: str) -> Kiosk | None:
    """The campaign's open kiosk with this key (registered by a manager), else None."""
    if not key:
        return None
    found = Kiosk.objects.filter(campaign=campaign, key=key, closed_at__isnull=True).first()
    return found if found is not None and constant_time_compare(key, found.key) else None


class Outcome(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    SIDE_STORED = "side_stored"  # a kiosk's contact or suggestion, sent on its own
    NOT_ELIGIBLE = "not_eligible"
    REFUSED = "refused"


@dataclass(frozen=True)
class IntakePost:
    """A post of the public form as the view parsed it."""

    submission: Submission  # channel, kiosk and duration are decided here
    served: str
    token: str = ""
    kiosk_key: str = ""
    side_only: bool = False
    # Raw side texts of a kiosk's side post (the submission keeps what the campaign asks).
    side_suggestion: str = ""
    address: str = ""
    device: str = ""


@dataclass(frozen=True)
class IntakeResult:
    outcome: Outcome
    status: int
    # For a refusal: the API error code, a message, the problems by field.
    code: str = ""
    message: str = ""
    problems: list[Problem] = field(default_factory=list)
    retry_after: int | None = None
    # A refusal the respondent cannot fix on the form (a retired kiosk link).
    final: bool = False


def _refused(
    status: int,
    code: str,
    message: str,
    problems: list[Problem] | None = None,
    *,
    retry_after: int | None = None,
    final: bool = False,
) -> IntakeResult:
    return IntakeResult(Outcome.REFUSED, status, code, message, problems or [], retry_after, final)


def intake_post(*, campaign: Campaign, post: IntakePost) -> IntakeResult:
    """Apply the intake policy to one post of the public form (see the module docstring)."""
    kiosk = open_kiosk(campaign, post.kiosk_key)
    if post.kiosk_key and kiosk is None:
        message = _("This kiosk link was retired. Ask the staff for the new one.")
        return _refused(403, "kiosk_retired", message, final=True)
    submission = post.submission

    if kiosk is not None and post.side_only:
        try:
            if post.side_suggestion.strip() and not submission.contact.strip():
                suggestion_leave(campaign=campaign, text=post.side_suggestion)
            else:
                contact_leave(
                    campaign=campaign, contact=submission.contact, name=submission.contact_name
                )
        except ValidationFailed as exc:
            return _refused(400, exc.code, exc.message, exc.problems)
        return IntakeResult(Outcome.SIDE_STORED, 201)

    if post.served == "no":
        return IntakeResult(Outcome.NOT_ELIGIBLE, 200)
    if post.served != "yes":
        problem = Problem("required", _("Tell us whether you completed a service here."), "served")
        return _refused(400, "invalid", problem.message, [problem])

    duration: float | None = None
    if kiosk is None:
        duration = token_age(campaign, post.token, submission.idempotency_key)
        if duration is None:
            problem = Problem("expired", _("The form had expired. Please check and send it again."))
            return _refused(400, "expired", problem.message, [problem])

    address = "" if kiosk is not None else post.address
    device = "" if kiosk is not None else post.device
    verdict = throttle.peek(address=address, device=device)
    if verdict.refused and not response_stored(submission.idempotency_key):
        minutes = max(1, settings.ZONA_SURVEY_NETWORK_WINDOW_SECONDS // 60)
        message = _(
            "Very many responses came from this network or this browser in the last "
            "%(minutes)s minutes, so this one was not stored yet. Your answers are still on "
            "this page: send them again in a while, from your own phone's mobile data, or ask "
            "the staff for the survey tablet."
        ) % {"minutes": minutes}
        return _refused(429, "too_many", message, [Problem("too_many", message)])
    if kiosk is not None and not response_stored(submission.idempotency_key):
        wait = throttle.kiosk_pace(kiosk_key=kiosk.key)
        if wait:
            # Faster than a person can answer at one tablet: the tablet keeps the response
            # and sends it again after the wait (kiosk.js reads Retry-After).
            message = _("This kiosk sends one response at a time; wait a little.")
            return _refused(429, "kiosk_pace", message, retry_after=wait)

    pattern = answer_pattern(submission.answers)
    try:
        result = response_submit(
            campaign=campaign,
            submission=dataclasses.replace(
                submission,
                channel=Channel.KIOSK if kiosk is not None else Channel.WEB,
                duration_seconds=duration,
                burst=verdict.burst
                or (kiosk is not None and throttle.kiosk_burst(kiosk_key=kiosk.key)),
                repeated=throttle.repeated_pattern(campaign_id=campaign.pk, pattern=pattern),
                kiosk_id=kiosk.pk if kiosk is not None else None,
            ),
        )
    except ValidationFailed as exc:
        return _refused(400, exc.code, exc.message, exc.problems)
    if not result.created:
        return IntakeResult(Outcome.DUPLICATE, 200)
    throttle.count(address=address, device=device)
    throttle.count_stored(
        campaign_id=campaign.pk,
        pattern=pattern,
        kiosk_key=kiosk.key if kiosk is not None else "",
    )
    return IntakeResult(Outcome.STORED, 201)
