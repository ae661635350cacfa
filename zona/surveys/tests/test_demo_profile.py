"""The demo respondents give a varied profile, folded into the running totals, once."""

from collections import Counter

import pytest

from zona.accounts.demo import DemoContext
from zona.accounts.models import ServiceType
from zona.accounts.testing import add_unit
from zona.surveys.demo import load_demo_data
from zona.surveys.models import BandTally, Campaign, Response
from zona.surveys.profile import PROFILE_FIELDS, profile_questions
from zona.surveys.reporting import profile_breakdown
from zona.surveys.services.tallies import tallies_drift, tallies_rebuild


def _context() -> DemoContext:
    agency = add_unit(None, code="KPM", name="Kementerian Pelayanan Masyarakat", kind="ministry")
    unit = add_unit(
        agency, code="KPM-IMI-BDG", name="Kantor Imigrasi Kelas I Bandung", kind="satker"
    )
    for code in ("PASPOR", "ITAS", "ITAP", "PENGADUAN"):
        ServiceType.objects.create(unit=unit, code=code, name=code.title())
    return DemoContext(agency=agency, units={"KPM-IMI-BDG": unit})


def _profiles() -> list[tuple[str, ...]]:
    return list(Response.objects.order_by("pk").values_list(*PROFILE_FIELDS))


@pytest.mark.django_db
def test_demo_respondents_give_a_varied_profile_shown_in_the_report():
    ctx = _context()
    load_demo_data(ctx)
    profiles = _profiles()
    bands = BandTally.objects.count()
    load_demo_data(ctx)
    assert _profiles() == profiles  # loading again changes nothing
    assert BandTally.objects.count() == bands

    assert all(c.asks_profile for c in Campaign.objects.all())
    total = len(profiles)
    for index, question in enumerate(profile_questions()):
        counts = Counter(p[index] for p in profiles)
        # Most respondents answer; every band of the question is used, none dominates.
        assert counts[""] < total * 0.2, question.key
        assert {c.code for c in question.choices} <= set(counts), question.key
        assert max(n for code, n in counts.items() if code) < total * 0.7, question.key
    assert any(all(p) for p in profiles)
    assert any(not any(p) for p in profiles)

    # The report's profile section shows real figures, not "not answered" for everyone.
    current = Campaign.objects.get(public_code="kanimbdg")
    counted = Response.objects.filter(campaign=current).count()
    for breakdown in profile_breakdown(current):
        shown = sum(b.respondents or 0 for b in breakdown.bands)
        assert shown > counted / 2, breakdown
    # Folded like the worker folds real responses: totals agree with the answers.
    assert not Response.objects.filter(tallied=False).exists()
    assert tallies_drift() == []


@pytest.mark.django_db
def test_a_demo_round_loaded_without_profiles_gets_them_once():
    ctx = _context()
    load_demo_data(ctx)
    # As an older demo database left it: no profiles asked, none given, totals folded.
    Response.objects.update(**dict.fromkeys(PROFILE_FIELDS, ""))
    Campaign.objects.update(asks_profile=False)
    tallies_rebuild()
    assert not BandTally.objects.exists()
    load_demo_data(ctx)
    assert all(c.asks_profile for c in Campaign.objects.all())
    assert Response.objects.exclude(age_group="").count() > Response.objects.count() * 0.8
    assert tallies_drift() == []
    profiles = _profiles()
    load_demo_data(ctx)
    assert _profiles() == profiles
