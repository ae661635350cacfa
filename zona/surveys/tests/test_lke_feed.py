"""Which campaign feeds the LKE cannot be switched after submission or after validation, and
every switch, pin and unpin is audited and shown to reviewers (issue 8, section 2)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zona.audit.models import AuditEvent
from zona.core.errors import StateError
from zona.surveys.models import Campaign, Contact, LkeFeedPin
from zona.surveys.services import (
    campaign_update,
    survey_feed_pin,
    survey_feed_unpin,
    validation_call_record,
    validation_draw_create,
)

from .conftest import make_campaign
from .test_services import fields_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeding(world, instruments) -> Campaign:
    return make_campaign(world, instruments, feeds_lke=True)


def test_switching_is_refused_while_the_sheet_is_submitted(world, instruments, feeding):
    operator = world["operator"]
    survey_feed_pin(unit=world.bandung, year=feeding.year, actor=world["unit_head"])
    survey_feed_pin(unit=world.bandung, year=feeding.year, actor=world["unit_head"])
    assert LkeFeedPin.objects.filter(unit=world.bandung, year=feeding.year).count() == 1

    with pytest.raises(StateError) as caught:
        campaign_update(
            actor=operator, campaign=feeding, fields=fields_of(feeding, feeds_lke=False)
        )
    assert caught.value.code == "state"
    with pytest.raises(StateError):
        campaign_update(
            actor=operator, campaign=feeding, fields=fields_of(feeding, year=feeding.year - 1)
        )
    feeding.refresh_from_db()
    assert feeding.feeds_lke
    # Other changes of the feeding round still go through.
    campaign_update(
        actor=operator, campaign=feeding, fields=fields_of(feeding, period_label="Semester 1")
    )

    survey_feed_unpin(unit=world.bandung, year=feeding.year, actor=world["tpi_reviewer"])
    feeding.refresh_from_db()
    campaign_update(actor=operator, campaign=feeding, fields=fields_of(feeding, feeds_lke=False))
    feeding.refresh_from_db()
    assert not feeding.feeds_lke
    actions = list(
        AuditEvent.objects.filter(unit=world.bandung, action__startswith="survey.lke_source")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "survey.lke_source_switched",  # created feeding
        "survey.lke_source_pinned",  # once, the second pin changed nothing
        "survey.lke_source_unpinned",
        "survey.lke_source_switched",  # no longer feeds
    ]
    last = AuditEvent.objects.filter(action="survey.lke_source_switched").order_by("pk").last()
    assert last is not None
    assert last.details["from"]
    assert last.details["to"] is None


def test_another_round_cannot_start_feeding_a_pinned_year(world, instruments, campaign):
    survey_feed_pin(unit=world.bandung, year=campaign.year, actor=world["unit_head"])
    with pytest.raises(StateError):
        campaign_update(
            actor=world["operator"], campaign=campaign, fields=fields_of(campaign, feeds_lke=True)
        )
    with pytest.raises(StateError):
        make_campaign(world, instruments, period_label="Semester II", feeds_lke=True)
    assert not Campaign.objects.filter(feeds_lke=True).exists()
    # Another year is not pinned.
    make_campaign(world, instruments, year=campaign.year + 1, feeds_lke=True)


def test_switching_is_refused_after_reviewers_validated(world, feeding):
    Contact.objects.create(campaign=feeding, contact="08123456789")
    draw = validation_draw_create(actor=world["tpi_reviewer"], campaign=feeding, size=1)
    # Drawing alone is not a validation.
    campaign_update(
        actor=world["operator"], campaign=feeding, fields=fields_of(feeding, period_label="S1")
    )
    validation_call_record(actor=world["tpi_reviewer"], call=draw.calls.get(), outcome="confirmed")
    with pytest.raises(StateError):
        campaign_update(
            actor=world["operator"], campaign=feeding, fields=fields_of(feeding, feeds_lke=False)
        )
    # Unpinning does not lift the validation.
    survey_feed_unpin(unit=world.bandung, year=feeding.year, actor=world["tpi_reviewer"])
    with pytest.raises(StateError):
        campaign_update(
            actor=world["operator"], campaign=feeding, fields=fields_of(feeding, feeds_lke=False)
        )


def test_campaign_and_validation_pages_show_the_history(client_for, world, feeding):
    survey_feed_pin(unit=world.bandung, year=feeding.year, actor=world["unit_head"])
    for name in ("campaign_detail", "validation"):
        html = (
            client_for(world["tpi_reviewer"])
            .get(reverse(f"surveys:{name}", args=[feeding.pk]))
            .content.decode()
        )
        assert 'data-testid="lke-feed"' in html
        assert html.count('class="border-top py-1"') == 2  # switched on, then pinned
        assert str(world["unit_head"]) in html
    response = client_for(world["other_operator"]).get(
        reverse("surveys:campaign_detail", args=[feeding.pk])
    )
    assert response.status_code == 404


def test_a_pin_also_freezes_the_latest_round_fallback(world, instruments, campaign):
    from datetime import timedelta

    from zona.surveys.selectors import survey_indices_for

    from .conftest import submit

    # No round is marked: the latest round with answers feeds the LKE.
    submit(campaign, spak=[5] * 5)
    year = campaign.year
    assert survey_indices_for(world.bandung, year)["ipak"] == Decimal("3.33")
    survey_feed_pin(unit=world.bandung, year=year, actor=world["unit_head"])
    later = make_campaign(
        world,
        instruments,
        period_label="Semester II",
        closes_on=campaign.closes_on + timedelta(days=5),
    )
    submit(later, spak=[6] * 5)
    # Submitted with Semester I's 3.33: a later round does not take over while pinned ...
    assert survey_indices_for(world.bandung, year)["ipak"] == Decimal("3.33")
    survey_feed_unpin(unit=world.bandung, year=year, actor=world["tpi_reviewer"])
    # ... and does once a return reopened the sheet.
    assert survey_indices_for(world.bandung, year)["ipak"] == Decimal("4.00")
    pinned = AuditEvent.objects.get(action="survey.lke_source_pinned")
    assert pinned.details["sources"]["ipak"] == f"{year} Semester I"


def test_a_test_round_is_never_the_fallback_source(world, instruments, campaign):
    from zona.surveys.selectors import survey_indices_for

    from .conftest import submit

    trial = make_campaign(world, instruments, period_label="Uji coba", is_test=True)
    submit(trial, spak=[6] * 5)
    assert survey_indices_for(world.bandung, campaign.year)["ipak"] is None
