"""survey_indices_for: what the assessments app puts into B.I.a, B.II.a and A.I.6.iv.a."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from zona.surveys.models import Campaign
from zona.surveys.selectors import survey_indices_for
from zona.surveys.services import response_exclude

from .conftest import make_campaign, submit

pytestmark = pytest.mark.django_db


def test_no_campaign_gives_nothing(world):
    assert survey_indices_for(world.bandung, 2026) == {"ipak": None, "ipkp": None, "skm_rounds": 0}


def test_latest_round_with_answers_is_used_unless_one_is_marked(world, instruments):
    today = timezone.localdate()
    early = make_campaign(
        world,
        instruments,
        period_label="Semester I",
        opens_on=today - timedelta(days=200),
        closes_on=today - timedelta(days=100),
    )
    late = make_campaign(world, instruments, period_label="Semester II")
    # Answers arrive while each round is open; open the early one again for a moment.
    early.closes_on = today + timedelta(days=1)
    early.save()
    submit(early, spak=[6] * 5, spkp=[3] * 8, skm=[4] * 9)
    early.closes_on = today - timedelta(days=100)
    early.save()
    submit(late, spak=[3] * 5, skm=[2] * 9)

    got = survey_indices_for(world.bandung, today.year)
    # Late round: SPAK 3/6 x 4 = 2.00; it has no SPKP answers, so IPKP comes from the early one.
    assert got == {"ipak": Decimal("2.00"), "ipkp": Decimal("2.00"), "skm_rounds": 2}

    early.feeds_lke = True
    early.save()
    got = survey_indices_for(world.bandung, today.year)
    assert got["ipak"] == Decimal("4.00")
    assert got["ipkp"] == Decimal("2.00")
    assert survey_indices_for(world.bandung, today.year - 1)["skm_rounds"] == 0
    assert survey_indices_for(world.bogor, today.year)["ipak"] is None


def test_indices_are_rounded_half_up_and_ignore_excluded(world, instruments, campaign):
    submit(campaign, spak=[6, 5, 6, 4, 6])
    submit(campaign, spak=[5, 5, 6, 4, 5])
    flagged = submit(campaign, spak=[4, 6, 6, 5, 6], burst=True).response
    assert survey_indices_for(world.bandung, campaign.year)["ipak"] == Decimal("3.51")
    response_exclude(actor=world["tpi_reviewer"], response=flagged, reason="burst")
    # (5.5 + 5 + 6 + 4 + 5.5) / 5 x 4/6 = 3.4666... -> 3.47
    assert survey_indices_for(world.bandung, campaign.year)["ipak"] == Decimal("3.47")


def test_skm_rounds_count_only_rounds_with_skm_answers(world, instruments):
    with_skm = make_campaign(world, instruments, period_label="Triwulan I")
    make_campaign(world, instruments, period_label="Triwulan II")  # no response at all
    spak_only = make_campaign(world, instruments, period_label="Triwulan III", keys=("spak",))
    submit(with_skm, skm=[3] * 9)
    submit(spak_only, spak=[5] * 5)
    assert survey_indices_for(world.bandung, with_skm.year)["skm_rounds"] == 1


def test_overlapping_and_test_rounds_are_not_counted_twice(world, instruments):
    from datetime import date

    def round_(label, opens, closes, **extra):
        campaign = make_campaign(world, instruments, period_label=label, **extra)
        submit(campaign, skm=[3] * 9)  # while open, then dated as it ran
        Campaign.objects.filter(pk=campaign.pk).update(opens_on=opens, closes_on=closes)

    year = timezone.localdate().year
    round_("Triwulan I", date(year, 1, 1), date(year, 3, 31))
    round_("Triwulan I gedung B", date(year, 2, 1), date(year, 3, 15))  # same months
    round_("Uji coba", date(year, 4, 1), date(year, 4, 5), is_test=True)
    round_("Triwulan II", date(year, 4, 1), date(year, 6, 30))  # the day after: a new round
    assert survey_indices_for(world.bandung, year)["skm_rounds"] == 2


def test_a_test_round_cannot_feed_the_lke(world, instruments):
    from zona.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        make_campaign(world, instruments, is_test=True, feeds_lke=True)
    assert caught.value.problems[0].field == "feeds_lke"
