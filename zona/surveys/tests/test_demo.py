"""The demo rounds of Kantor Imigrasi Bandung load once, with indices in range."""

import pytest

from zona.accounts.demo import DemoContext
from zona.accounts.models import ServiceType
from zona.accounts.testing import add_unit
from zona.surveys.demo import load_demo_data
from zona.surveys.models import Campaign, Contact, Response
from zona.surveys.selectors import campaign_results, survey_indices_for
from zona.surveys.services.tallies import tallies_drift


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_plausible():
    agency = add_unit(None, code="KPM", name="Kementerian Pelayanan Masyarakat", kind="ministry")
    unit = add_unit(
        agency, code="KPM-IMI-BDG", name="Kantor Imigrasi Kelas I Bandung", kind="satker"
    )
    for code in ("PASPOR", "ITAS", "ITAP", "PENGADUAN"):
        ServiceType.objects.create(unit=unit, code=code, name=code.title())
    ctx = DemoContext(agency=agency, units={"KPM-IMI-BDG": unit})
    load_demo_data(ctx)
    counts = (Campaign.objects.count(), Response.objects.count(), Contact.objects.count())
    load_demo_data(ctx)
    assert (Campaign.objects.count(), Response.objects.count(), Contact.objects.count()) == counts
    assert counts[0] == 2
    assert 400 <= counts[1] <= 500
    current = Campaign.objects.get(public_code="kanimbdg")
    for result in campaign_results(current):
        assert result.value is not None
        low, high = (25, 100) if result.is_ikm else (0, 4)
        assert low <= result.value <= high
    first = Campaign.objects.get(feeds_lke=True)
    indices = survey_indices_for(unit, first.year)
    assert indices["ipak"] is not None
    assert indices["skm_rounds"] >= 1
    assert Response.objects.filter(flagged=True).exists()
    # Folded into the results' running totals, which agree with the answers.
    assert not Response.objects.filter(tallied=False).exists()
    assert tallies_drift() == []
