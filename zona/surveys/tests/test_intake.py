"""The public form's intake policy as a service (zona.surveys.services.intake): the view only
parses and renders, so the policy answers the same without any request."""

from __future__ import annotations

import time
import uuid

import pytest

from zona.surveys.models import Response
from zona.surveys.services.intake import IntakePost, Outcome, form_token, intake_post
from zona.surveys.services.responses import Submission
from zona.surveys.tests.conftest import answers_for, service_id


def _post(campaign, *, key=None, served="yes", served_at=None, **extra):
    key = key or uuid.uuid4().hex
    return IntakePost(
        submission=Submission(
            service_type_id=service_id(campaign),
            served_when="today",
            answers=answers_for(campaign, spak=[6, 5, 6, 4, 6]),
            idempotency_key=key,
        ),
        served=served,
        token=form_token(campaign, key, served_at=served_at),
        address="10.0.0.1",
        device="d" * 32,
        **extra,
    )


@pytest.mark.django_db
def test_intake_measures_the_time_itself_and_stores_once(campaign):
    post = _post(campaign, served_at=time.time() - 300)
    assert intake_post(campaign=campaign, post=post).outcome == Outcome.STORED
    assert intake_post(campaign=campaign, post=post).outcome == Outcome.DUPLICATE
    assert Response.objects.get().flags == []
    quick = intake_post(campaign=campaign, post=_post(campaign))
    assert quick.outcome == Outcome.STORED
    assert sorted(r.flags for r in Response.objects.all()) == [[], ["too_fast"]]


@pytest.mark.django_db
def test_intake_refuses_without_a_token_and_stores_nothing_for_the_ineligible(campaign):
    forged = _post(campaign)
    forged = IntakePost(submission=forged.submission, served="yes", token="x")
    result = intake_post(campaign=campaign, post=forged)
    assert (result.outcome, result.status, result.code) == (Outcome.REFUSED, 400, "expired")
    assert intake_post(campaign=campaign, post=_post(campaign, served="no")).outcome == (
        Outcome.NOT_ELIGIBLE
    )
    retired = intake_post(campaign=campaign, post=_post(campaign, kiosk_key="gone"))
    assert (retired.code, retired.status, retired.final) == ("kiosk_retired", 403, True)
    assert not Response.objects.exists()
