"""Campaigns, submissions, flags, exclusion and validation draws through the services."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.surveys.indices import rounded
from zona.surveys.models import Answer, CallOutcome, Contact, Flag, OneTimeCode, Response
from zona.surveys.selectors import campaign_progress, campaign_results, results_by_service
from zona.surveys.services import (
    CampaignFields,
    campaign_create,
    campaign_update,
    code_batch_create,
    contact_pool,
    draw_sample,
    instrument_load_texts,
    response_exclude,
    response_restore,
    validation_call_record,
    validation_draw_create,
)

from .conftest import make_campaign, open_contacts, service_id, submit

pytestmark = pytest.mark.django_db
TINY = Path(__file__).parent / "fixtures" / "tiny.yaml"


def fields_of(campaign, **changes):
    values = {
        "year": campaign.year,
        "period_label": campaign.period_label,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "instrument_versions": campaign.ordered_versions(),
        "populations": {s.service_type_id: s.population for s in campaign.services.all()},
        "sample_method": campaign.sample_method,
        "margin": campaign.margin,
        "requires_code": campaign.requires_code,
        "feeds_lke": campaign.feeds_lke,
    }
    values.update(changes)
    return CampaignFields(**values)


def test_campaign_targets_follow_the_method(campaign, world):
    targets = {s.service_type.code: s.sample_target for s in campaign.services.all()}
    assert targets == {"PASPOR": 278, "IZIN": 80}
    campaign = campaign_update(
        actor=world["operator"],
        campaign=campaign,
        fields=fields_of(campaign, sample_method="slovin"),
    )
    targets = {s.service_type.code: s.sample_target for s in campaign.services.all()}
    assert targets == {"PASPOR": 286, "IZIN": 80}
    assert AuditEvent.objects.filter(
        action="survey.campaign_updated", target_id=str(campaign.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="survey.campaign_created").count() == 1


def test_campaign_problems_are_all_reported(world, instruments):
    today = timezone.localdate()
    fields = CampaignFields(
        year=1900,
        period_label=" ",
        opens_on=today,
        closes_on=today - timedelta(days=1),
        instrument_versions=[],
        populations={},
        margin=Decimal("0.5"),
    )
    with pytest.raises(ValidationFailed) as caught:
        campaign_create(actor=world["operator"], unit=world.bandung, fields=fields)
    assert {p.field for p in caught.value.problems} == {
        "year",
        "period_label",
        "closes_on",
        "margin",
        "instruments",
        "services",
    }


def test_only_survey_managers_of_the_unit_create(world, instruments):
    with pytest.raises(PermissionDenied):
        campaign_create(
            actor=world["other_operator"],
            unit=world.bandung,
            fields=CampaignFields(
                year=2026,
                period_label="I",
                opens_on=timezone.localdate(),
                closes_on=timezone.localdate(),
                instrument_versions=[instruments["spak"]],
                populations={service.pk: 10 for service in world.bandung.service_types.all()},
            ),
        )


def test_one_round_per_year_feeds_the_lke(campaign, world):
    campaign_update(
        actor=world["operator"], campaign=campaign, fields=fields_of(campaign, feeds_lke=True)
    )
    with pytest.raises(ValidationFailed) as caught:
        campaign_create(
            actor=world["operator"],
            unit=world.bandung,
            fields=fields_of(campaign, period_label="Semester II", feeds_lke=True),
        )
    assert caught.value.problems[0].field == "feeds_lke"


def test_instruments_are_fixed_once_responses_exist(campaign, world, instruments):
    submit(campaign, spak=[6, 6, 5, 6, 6])
    with pytest.raises(StateError):
        campaign_update(
            actor=world["operator"],
            campaign=campaign,
            fields=fields_of(campaign, instrument_versions=[instruments["spak"]]),
        )


def test_two_instruments_for_one_index_are_refused(campaign, world, instruments):
    own = (
        TINY.read_text()
        .replace("key: tiny", "key: kc-spak")
        .replace("measures: other", "measures: ipak")
    )
    other = instrument_load_texts(texts=[("own.yaml", own)], agency=world.agency)[
        0
    ].instrument_version
    with pytest.raises(ValidationFailed) as caught:
        campaign_update(
            actor=world["operator"],
            campaign=campaign,
            fields=fields_of(campaign, instrument_versions=[instruments["spak"], other]),
        )
    assert "IPAK" in caught.value.problems[0].message


def test_another_agencys_instrument_is_not_available(world, instruments):
    theirs = instrument_load_texts(
        texts=[("own.yaml", TINY.read_text())], agency=world.other_agency
    )[0].instrument_version
    with pytest.raises(ValidationFailed) as caught:
        make_campaign(world, {**instruments, "tiny": theirs}, keys=("spak", "tiny"))
    assert caught.value.problems[0].field == "instruments"


def test_submission_stores_answers_tied_to_versions(campaign, instruments):
    with pytest.raises(ValidationFailed) as caught:
        submit(campaign, spak=[6, 5, None, 4, 6], skm=[3, 3, 4, 2, 3, 3, 4, 3])
    # An instrument counts only with its required items (`required: all` in the YAML).
    assert {p.field for p in caught.value.problems if p.code == "required"} == {
        "spak.Q3",
        "skm.Q9",
    }
    assert not Response.objects.exists()
    result = submit(campaign, spak=[6, 5, 5, 4, 6], skm=[3, 3, 4, 2, 3, 3, 4, 3, 3])
    assert result.created
    response = result.response
    assert response.submitted_hour.minute == 0
    assert response.submitted_hour.second == 0
    rows = set(
        Answer.objects.filter(response=response).values_list(
            "instrument_version__instrument__key", "item", "value"
        )
    )
    assert ("spak", 3, 5) in rows
    assert ("spak", 4, 4) in rows
    assert len(rows) == 5 + 9
    assert {
        a.instrument_version.content_hash for a in Answer.objects.filter(response=response)
    } == {
        instruments["spak"].content_hash,
        instruments["skm"].content_hash,
    }


def test_same_key_is_stored_once(campaign):
    first = submit(campaign, key="k" * 32, spak=[6, 6, 6, 6, 6])
    second = submit(campaign, key="k" * 32, spak=[1, 1, 1, 1, 1])
    assert first.created
    assert not second.created
    assert second.response.pk == first.response.pk
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("value", flat=True)) == {6}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"spak": [7]}, "spak.Q1"),
        ({"spak": [0]}, "spak.Q1"),
        ({"skm": [5]}, "skm.Q1"),
        ({"key": "short"}, "key"),
        ({"served_when": "yesterday"}, "served_when"),
        ({}, ""),
    ],
)
def test_invalid_submissions_store_nothing(campaign, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        submit(campaign, **changes)
    assert field in [p.field for p in caught.value.problems]
    assert not Response.objects.exists()


def test_closed_campaign_refuses_but_a_stored_retry_still_succeeds(campaign, world):
    stored = submit(campaign, key="r" * 20, spak=[5, 5, 5, 5, 5])
    yesterday = timezone.localdate() - timedelta(days=1)
    campaign = campaign_update(
        actor=world["operator"],
        campaign=campaign,
        fields=fields_of(campaign, opens_on=yesterday - timedelta(days=5), closes_on=yesterday),
    )
    assert submit(campaign, key="r" * 20, spak=[5, 5, 5, 5, 5]).response.pk == stored.response.pk
    with pytest.raises(ValidationFailed) as caught:
        submit(campaign, spak=[5, 5, 5, 5, 5])
    assert caught.value.problems[0].code == "closed"


def test_quality_flags(campaign):
    fast = submit(campaign, spak=[6, 5, 6, 4, 6], duration_seconds=3.0).response
    same = submit(campaign, spak=[6] * 5, spkp=[6] * 8).response
    burst = submit(campaign, spak=[6, 5, 6, 4, 6], burst=True).response
    fine = submit(campaign, spak=[6] * 5, duration_seconds=None).response
    assert fast.flags == [Flag.TOO_FAST]
    assert same.flags == [Flag.STRAIGHT_LINE]
    assert burst.flags == [Flag.BURST]
    assert fine.flags == []
    assert not fine.flagged


def test_one_time_codes(campaign, world):
    campaign.requires_code = True
    campaign.save()
    batch = code_batch_create(actor=world["operator"], campaign=campaign, size=3, label="Loket 1")
    codes = list(OneTimeCode.objects.filter(batch=batch).values_list("code", flat=True))
    assert len(set(codes)) == 3
    with pytest.raises(ValidationFailed):
        submit(campaign, spak=[5] * 5)
    spaced = f"{codes[0][:4].upper()}-{codes[0][4:]}"
    first = submit(campaign, key="c" * 20, code=spaced, spak=[5] * 5)
    assert first.created
    # A retry of the stored response is fine; a new response with the used code is not.
    assert not submit(campaign, key="c" * 20, code=codes[0], spak=[5] * 5).created
    with pytest.raises(ValidationFailed) as caught:
        submit(campaign, code=codes[0], spak=[5] * 5)
    assert caught.value.problems[0].field == "code"
    assert Response.objects.count() == 1
    assert OneTimeCode.objects.filter(used=True).count() == 1


def test_contact_is_stored_apart_and_only_once(campaign):
    submit(campaign, key="x" * 20, contact="0812 3456 7890", contact_name="Bu Ani", spak=[5] * 5)
    submit(campaign, key="x" * 20, contact="0812 3456 7890", contact_name="Bu Ani", spak=[5] * 5)
    assert open_contacts() == 1
    assert Contact.objects.count() == 1
    contact = Contact.objects.get()
    assert (contact.campaign_id, contact.contact, contact.name) == (
        campaign.pk,
        "0812 3456 7890",
        "Bu Ani",
    )


def test_indices_from_the_database_match_the_hand_checked_case(campaign):
    submit(campaign, spak=[6, 5, 6, 4, 6], skm=[3, 3, 4, 2, 3, 3, 4, 3, 3])
    submit(campaign, spak=[5, 5, 6, 5, 5], skm=[4, 3, 3, 3, 3, 4, 4, 2, 3])
    submit(campaign, service="IZIN", spak=[4, 6, 6, 5, 6])
    results = {r.version.instrument.key: r for r in campaign_results(campaign)}
    # Item means 5, 16/3, 6, 14/3, 17/3 -> 80/15 x 4/6 = 3.5555...
    assert str(results["spak"].shown) == "3.56"
    assert rounded(results["spak"].value or Decimal(0), 4) == Decimal("3.5556")
    assert results["spak"].respondents == 3
    assert str(results["skm"].shown) == "79.17"
    assert results["skm"].grade == "B"
    assert results["spkp"].value is None
    paspor = campaign_results(campaign, service_type_id=service_id(campaign, "PASPOR"))
    assert paspor[0].respondents == 2
    by_service = {s.service.code: s for s in results_by_service(campaign)}
    assert by_service["IZIN"].results[0].shown == Decimal("3.60")  # (4+6+6+5+6)/5 x 4/6


def test_exclusion_of_flagged_responses(campaign, world):
    good = submit(campaign, spak=[6, 5, 6, 4, 6]).response
    fast = submit(campaign, spak=[1, 1, 2, 1, 1], duration_seconds=2.0).response
    with pytest.raises(StateError):
        response_exclude(actor=world["tpi_reviewer"], response=good, reason="looks odd")
    with pytest.raises(PermissionDenied):
        response_exclude(actor=world["operator"], response=fast, reason="bad")
    with pytest.raises(ValidationFailed):
        response_exclude(actor=world["tpi_reviewer"], response=fast, reason=" ")
    before = campaign_results(campaign)[0].value
    response_exclude(actor=world["tpi_reviewer"], response=fast, reason="2 seconds for 5 items")
    after = campaign_results(campaign)[0]
    assert after.value != before
    assert after.respondents == 1
    assert str(after.shown) == str(round(Decimal(27) / 5 * 4 / 6, 2))
    progress = campaign_progress(campaign)
    assert (progress.counted, progress.excluded) == (1, 1)
    fast.refresh_from_db()
    assert fast.excluded
    assert fast.exclusion_reason == "2 seconds for 5 items"
    assert Response.objects.count() == 2  # kept
    response_restore(actor=world["tpi_reviewer"], response=fast, reason="checked")
    assert campaign_results(campaign)[0].value == before
    actions = list(
        AuditEvent.objects.filter(target_type="surveys.response").values_list("action", flat=True)
    )
    assert sorted(actions) == ["survey.response_excluded", "survey.response_restored"]


def test_validation_draw_is_repeatable_from_its_seed(campaign, world):
    for i in range(30):
        submit(campaign, spak=[5] * 5, contact=f"08{i:09d}")
    with pytest.raises(PermissionDenied):
        validation_draw_create(actor=world["operator"], campaign=campaign, size=5)
    draw = validation_draw_create(
        actor=world["tpi_reviewer"], campaign=campaign, size=5, seed=12345
    )
    drawn = list(draw.calls.order_by("position").values_list("contact_id", flat=True))
    again = [cid for cid, _ in draw_sample(contact_pool(campaign), 5, 12345)]
    assert drawn == again
    assert len(set(drawn)) == 5
    other = validation_draw_create(actor=world["tpi_reviewer"], campaign=campaign, size=5)
    assert other.seed != 12345
    call = draw.calls.order_by("position")[0]
    validation_call_record(
        actor=world["tpi_reviewer"], call=call, outcome=CallOutcome.CONFIRMED, note="ok"
    )
    call.refresh_from_db()
    assert call.outcome == CallOutcome.CONFIRMED
    assert call.called_by == world["tpi_reviewer"]
    with pytest.raises(ValidationFailed):
        validation_call_record(actor=world["tpi_reviewer"], call=call, outcome="pending")
    event = AuditEvent.objects.get(action="survey.validation_call_recorded")
    assert "08" not in str(event.details)  # contacts stay out of the audit log


def test_drawing_from_no_contacts_is_refused(campaign, world):
    with pytest.raises(StateError):
        validation_draw_create(actor=world["tpi_reviewer"], campaign=campaign, size=5)
