"""The national administrator's settings (issue 11 §2): each year's rules and the national
rules, saved from the defaults, refused with a message on bad input, audited; page and API;
nobody else reaches them."""

from __future__ import annotations

import datetime as dt

import pytest

from zona.accounts.testing import World
from zona.national.models import NationalSettings, ProgramYear

pytestmark = pytest.mark.django_db


def test_saving_a_year_creates_its_row_from_the_defaults(world: World, client_for) -> None:
    client = client_for(world["sysadmin"])
    page = client.get("/national/settings/2027/")
    assert page.status_code == 200
    assert 'value="2027-05-31"' in page.content.decode()  # the program's default
    response = client.post(
        "/national/settings/2027/",
        {"proposal_deadline": "2027-06-15", "appeal_window_days": "10", "follow_up_days": "21"},
    )
    assert response.status_code == 302
    row = ProgramYear.objects.get(year=2027)
    assert (row.proposal_deadline, row.appeal_window_days, row.follow_up_days) == (
        dt.date(2027, 6, 15),
        10,
        21,
    )
    assert row.updated_by == world["sysadmin"]
    event = world.new_events().get(action="program_year.saved")
    assert event.details["changes"]["proposal_deadline"] == ["2027-05-31", "2027-06-15"]
    assert "15 Juni 2027" in client.get("/national/settings/").content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"proposal_deadline": "2028-01-10", "appeal_window_days": "14", "follow_up_days": "14"},
            "proposal_deadline",
            "Batas usulan harus jatuh pada tahun 2027.",
        ),
        (
            {"proposal_deadline": "2027-05-31", "appeal_window_days": "0", "follow_up_days": "14"},
            "appeal_window_days",
            "Isi bilangan bulat dari 1 sampai 365.",
        ),
        (
            {"proposal_deadline": "2027-05-31", "appeal_window_days": "14", "follow_up_days": "0"},
            "follow_up_days",
            "Isi bilangan bulat dari 1 sampai 365.",
        ),
    ],
)
def test_bad_values_are_refused_with_a_message(
    world: World, client_for, data: dict, field: str, message: str
) -> None:
    response = client_for(world["sysadmin"]).post("/national/settings/2027/", data)
    assert response.status_code == 200
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert message in response.content.decode()
    assert not ProgramYear.objects.exists()
    assert not world.new_events().exists()


def test_national_settings_page(world: World, client_for) -> None:
    client = client_for(world["sysadmin"])
    assert client.get("/national/settings/").status_code == 200
    response = client.post(
        "/national/settings/",
        {"revocation_block_months": "36", "monitoring_cycle_months": "24", "public_registry": "on"},
    )
    assert response.status_code == 302
    row = NationalSettings.objects.get(pk=1)
    assert (row.revocation_block_months, row.public_registry) == (36, True)
    assert world.new_events().filter(action="national_settings.saved").count() == 1
    response = client.post(
        "/national/settings/", {"revocation_block_months": "0", "monitoring_cycle_months": "24"}
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.revocation_block_months == 36


@pytest.mark.parametrize("username", ["agency_admin", "tpn", "operator", "outsider"])
def test_only_the_national_administrator(world: World, client_for, username: str) -> None:
    client = client_for(world[username])
    assert client.get("/national/settings/").status_code == 404
    assert client.post("/national/settings/2027/", {}).status_code == 404
    assert client.get("/api/v1/national/settings/").status_code == 404
    assert (
        client.put("/api/v1/national/years/2027/", {}, content_type="application/json").status_code
        == 404
    )
    assert not ProgramYear.objects.exists()


def test_the_api(world: World, client_for) -> None:
    client = client_for(world["sysadmin"])
    body = client.get("/api/v1/national/years/2027/").json()
    assert body == {
        "year": 2027,
        "proposal_deadline": "2027-05-31",
        "appeal_window_days": 14,
        "follow_up_days": 14,
        "note": "",
        "saved": False,
    }
    bad = client.put(
        "/api/v1/national/years/2027/",
        {"proposal_deadline": "2026-05-31", "appeal_window_days": 14, "follow_up_days": 14},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert not ProgramYear.objects.exists()
    good = client.put(
        "/api/v1/national/years/2027/",
        {"proposal_deadline": "2027-05-20", "appeal_window_days": 7, "follow_up_days": 14},
        content_type="application/json",
    )
    assert good.status_code == 200
    assert good.json()["saved"] is True
    settings = client.put(
        "/api/v1/national/settings/",
        {"revocation_block_months": 24, "monitoring_cycle_months": 12, "public_registry": False},
        content_type="application/json",
    )
    assert settings.status_code == 200
    assert NationalSettings.objects.get(pk=1).monitoring_cycle_months == 12
