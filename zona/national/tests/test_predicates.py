"""The predicate register and revocation (issue 11 §4): pages, refusals, the block, the
WBBM verdict through the register port, access and audit labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from zona.assessments.models import StoredScore
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.audit.labels import action_label
from zona.core.errors import StateError, ValidationFailed
from zona.national.models import NationalSettings, Predicate, PredicateStatus, Revocation
from zona.national.selectors.core import revocation_block
from zona.national.services.predicates import RevocationInput, predicate_revoke
from zona.national.services.register import predicate_grant

D = dt.date


DECREE = D(2024, 12, 10)


def grant(world, unit=None, kind="WBK", year=2024, decree=DECREE, number="SK/1"):
    return predicate_grant(
        actor=world["sysadmin"],
        unit=unit or world.bandung,
        kind=kind,
        year=year,
        decree_number=number,
        decree_date=decree,
    )


def revocation(**kw: Any) -> RevocationInput:
    data: dict[str, Any] = {
        "grounds": "corruption-suspect",
        "source": "media",
        "source_reference": "Kompas, 18 Agustus 2025",
        "confirmed_by": "Irjen Budi",
        "confirmed_on": D(2025, 8, 19),
        "decided_on": D(2025, 8, 20),
    }
    data.update(kw)
    return RevocationInput(**data)


def codes(exc) -> set[str]:
    return {p.code for p in exc.value.problems}


# --- the register ----------------------------------------------------------------------------


def test_a_second_predicate_of_the_same_kind_and_year_is_refused(world, client_for):
    first = grant(world)
    with pytest.raises(ValidationFailed) as exc:
        grant(world, number="SK/2")
    assert "predicate_exists" in codes(exc)
    # The form says so beside the field and records nothing.
    response = client_for(world["sysadmin"]).post(
        "/national/predicates/new/",
        {
            "unit": world.bandung.code,
            "kind": "WBK",
            "year": "2024",
            "decree_number": "SK/3",
            "decree_date": "2024-12-11",
        },
    )
    assert response.status_code == 400
    assert 'data-testid="record-form"' in response.content.decode()
    assert Predicate.objects.get() == first
    assert Predicate.objects.get().decree_number == "SK/1"


def test_the_record_form_records_an_earlier_decree_and_shows_bad_input(world, client_for):
    client = client_for(world["sysadmin"])
    bad = client.post(
        "/national/predicates/new/",
        {"unit": world.bandung.code, "kind": "WBK", "year": "2023", "decree_number": ""},
    )
    assert bad.status_code == 400
    assert 'data-testid="error-decree_number"' not in bad.content.decode()  # zona field ids
    assert "decree_number_error" in bad.content.decode()
    assert not Predicate.objects.exists()
    unknown = client.post(
        "/national/predicates/new/",
        {"unit": "NOPE", "kind": "WBK", "year": "2023", "decree_number": "SK/9"},
    )
    assert unknown.status_code == 400
    assert not Predicate.objects.exists()
    ok = client.post(
        "/national/predicates/new/",
        {
            "unit": world.bandung.code,
            "kind": "WBK",
            "year": "2023",
            "decree_number": "SK/9",
            "decree_date": "2023-12-12",
        },
    )
    predicate = Predicate.objects.get()
    assert ok.status_code == 302
    assert ok["Location"] == f"/national/predicates/{predicate.pk}/"
    assert (predicate.year, predicate.kind, predicate.decree_date) == (2023, "WBK", D(2023, 12, 12))


def test_registers_are_read_by_whom_they_belong(world, client_for):
    predicate = grant(world)
    agency_page = f"/agencies/{world.agency.pk}/predicates/"
    body = client_for(world["agency_admin"]).get(agency_page).content.decode()
    assert f'data-testid="predicate-{world.bandung.code}-WBK-2024"' in body
    assert client_for(world["outsider"]).get(agency_page).status_code == 404
    # Not an agency root: 404 as well.
    assert (
        client_for(world["sysadmin"]).get(f"/agencies/{world.bandung.pk}/predicates/").status_code
        == 404
    )
    for user in ("sysadmin", "tpn"):
        r = client_for(world[user]).get("/national/predicates/?year=2024&kind=WBK&status=held")
        assert r.status_code == 200
        assert f"predicate-{world.bandung.code}-WBK-2024" in r.content.decode()
    filtered = client_for(world["tpn"]).get("/national/predicates/?status=revoked")
    assert 'data-testid="register-empty"' in filtered.content.decode()
    other = client_for(world["tpn"]).get(f"/national/predicates/?agency={world.other_agency.pk}")
    assert 'data-testid="register-empty"' in other.content.decode()
    assert client_for(world["agency_admin"]).get("/national/predicates/").status_code == 404
    assert client_for(world["tpn"]).get("/national/predicates/new/").status_code == 404
    detail = f"/national/predicates/{predicate.pk}/"
    assert client_for(world["unit_head"]).get(detail).status_code == 200
    assert client_for(world["outsider"]).get(detail).status_code == 404
    assert client_for(world["other_operator"]).get(detail).status_code == 404


def test_the_public_page_is_404_until_the_register_is_public(world, client):
    grant(world)
    assert client.get("/predikat/").status_code == 404
    assert client.get("/api/v1/public/predicates/").status_code == 404
    NationalSettings.objects.create(
        pk=1, revocation_block_months=24, monitoring_cycle_months=24, public_registry=True
    )
    page = client.get("/predikat/")
    assert page.status_code == 200
    body = page.content.decode()
    assert world.bandung.name in body
    assert "SK/1" in body
    # Nothing private: no account names, no internal links.
    assert "sysadmin" not in body
    assert "/national/predicates/" not in body
    api = client.get("/api/v1/public/predicates/").json()
    assert api["count"] == 1
    assert set(api["results"][0]) == {
        "unit",
        "agency",
        "kind",
        "year",
        "decree_number",
        "decree_date",
        "status",
    }


# --- the WBBM verdict reads the register -----------------------------------------------------


def _wbbm_failing(assessment) -> list[str]:
    row = StoredScore.objects.get(assessment=assessment, key="effective")
    return list(row.verdicts["wbbm"]["failing"])


def test_the_wbbm_verdict_follows_the_units_wbk_in_the_register(world):
    framework = load_mini()
    period = make_period(world.agency, framework, creator=world["agency_admin"])
    sheet = make_assessment(period, world.bandung, target="wbbm")
    scores_refresh(sheet)
    assert "held_wbk" in _wbbm_failing(sheet)
    wbk = grant(world)
    assert "held_wbk" not in _wbbm_failing(sheet)
    predicate_revoke(
        actor=world["tpn"],
        predicate=wbk,
        data=revocation(decided_on=D(2025, 8, 20)),
        now=timezone.now(),
    )
    assert "held_wbk" in _wbbm_failing(sheet)


# --- revocation ------------------------------------------------------------------------------


def test_revocation_blocks_the_unit_until_the_block_ends(world):
    predicate = grant(world, decree=D(2023, 12, 12), year=2023)
    revoked = predicate_revoke(actor=world["tpn"], predicate=predicate, data=revocation())
    assert revoked.status == PredicateStatus.REVOKED
    assert revoked.blocked_until == D(2027, 8, 20)  # 24 months (program.yaml) after 2025-08-20
    assert revocation_block(world.bandung, D(2026, 12, 6)) == D(2027, 8, 20)
    assert revocation_block(world.bandung, D(2027, 8, 20)) is None
    row = Revocation.objects.get(predicate=predicate)
    assert (row.grounds, row.source, row.confirmed_by) == (
        "corruption-suspect",
        "media",
        "Irjen Budi",
    )
    event = world.new_events().get(action="predicate.revoke")
    assert event.details["blocked_until"] == "2027-08-20"
    # A revoked predicate is not revoked twice.
    with pytest.raises(StateError):
        predicate_revoke(actor=world["tpn"], predicate=revoked, data=revocation())


def test_the_block_follows_the_national_setting(world):
    NationalSettings.objects.create(pk=1, revocation_block_months=12, monitoring_cycle_months=24)
    predicate = grant(world, decree=D(2023, 12, 12), year=2023)
    predicate_revoke(actor=world["tpn"], predicate=predicate, data=revocation())
    assert revocation_block(world.bandung, D(2026, 8, 19)) == D(2026, 8, 20)
    assert revocation_block(world.bandung, D(2026, 8, 20)) is None
    assert Predicate.objects.get().blocked_until == D(2026, 8, 20)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"decided_on": D(2024, 12, 1)}, "decision_before_decree"),
        ({"decided_on": D(2099, 1, 1)}, "date_in_future"),
        ({"decided_on": None}, "date_required"),
        ({"grounds": ""}, "grounds_required"),
        ({"grounds": "gossip"}, "grounds_required"),
        ({"source": "rumour"}, "source_required"),
        ({"source_reference": ""}, "reference_required"),
        ({"confirmed_by": " "}, "confirmation_required"),
        ({"source": "monitoring"}, "round_required"),
    ],
)
def test_revocation_refusals_change_nothing(world, change, code):
    predicate = grant(world)
    before = world.new_events().count()
    with pytest.raises(ValidationFailed) as exc:
        predicate_revoke(actor=world["tpn"], predicate=predicate, data=revocation(**change))
    assert code in codes(exc)
    predicate.refresh_from_db()
    assert predicate.status == PredicateStatus.HELD
    assert predicate.blocked_until is None
    assert not Revocation.objects.exists()
    assert world.new_events().count() == before


def test_only_the_tpn_revokes(world, client_for):
    predicate = grant(world)
    with pytest.raises(StateError) as exc:
        predicate_revoke(actor=world["agency_admin"], predicate=predicate, data=revocation())
    assert "forbidden" in codes(exc)
    url = f"/national/predicates/{predicate.pk}/"
    form = {
        "grounds": "corruption-suspect",
        "source": "media",
        "source_reference": "Kompas",
        "confirmed_by": "Irjen Budi",
        "confirmed_on": "2025-08-19",
        "decided_on": "2025-08-20",
    }
    assert client_for(world["agency_admin"]).post(url, form).status_code == 404
    assert client_for(world["outsider"]).post(url, form).status_code == 404
    page = client_for(world["agency_admin"]).get(url).content.decode()
    assert 'data-testid="revoke-form"' not in page
    bad = client_for(world["tpn"]).post(url, {**form, "decided_on": "2024-01-01"})
    assert bad.status_code == 400
    assert Predicate.objects.get().status == PredicateStatus.HELD
    done = client_for(world["tpn"]).post(url, form)
    assert done.status_code == 302
    page = client_for(world["unit_head"]).get(url).content.decode()
    assert 'data-testid="revocation"' in page
    assert 'data-status="revoked"' in page


def test_revocation_tells_the_unit_and_the_agency_admin(world):
    from zona.notifications.models import Notification

    predicate = grant(world)
    predicate_revoke(actor=world["tpn"], predicate=predicate, data=revocation())
    told = set(
        Notification.objects.filter(kind="predicate.revoked").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"unit_head", "operator", "agency_admin"} <= told
    assert "outsider" not in told


# --- API -------------------------------------------------------------------------------------


def test_the_api_register_and_revocation(world, client_for):
    predicate = grant(world)
    tpn = client_for(world["tpn"])
    listing = tpn.get("/api/v1/national/predicates/?kind=WBK")
    assert listing.status_code == 200
    assert listing.json()["results"][0]["unit_code"] == world.bandung.code
    assert client_for(world["agency_admin"]).get("/api/v1/national/predicates/").status_code == 404
    agency = client_for(world["agency_admin"]).get(
        f"/api/v1/national/agencies/{world.agency.pk}/predicates/"
    )
    assert agency.json()["count"] == 1
    assert (
        client_for(world["outsider"])
        .get(f"/api/v1/national/agencies/{world.agency.pk}/predicates/")
        .status_code
        == 404
    )
    url = f"/api/v1/national/predicates/{predicate.pk}/revoke/"
    body = {
        "grounds": "maladministration",
        "source": "public_report",
        "source_reference": "Ombudsman 12/2025",
        "confirmed_by": "Irjen Budi",
        "confirmed_on": "2025-08-19",
        "decided_on": "2099-08-20",
    }
    bad = tpn.post(url, body, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["field"] == "decided_on"
    assert (
        client_for(world["unit_head"]).post(url, body, content_type="application/json").status_code
        == 404
    )
    ok = tpn.post(url, {**body, "decided_on": "2025-08-20"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "revoked"
    assert ok.json()["revocation"]["blocked_until"] == "2027-08-20"
    again = tpn.post(url, {**body, "decided_on": "2025-08-20"}, content_type="application/json")
    assert again.status_code == 409
    record = client_for(world["sysadmin"]).post(
        "/api/v1/national/predicates/",
        {
            "unit_code": world.bogor.code,
            "kind": "WBK",
            "year": 2022,
            "decree_number": "",
            "decree_date": "2022-12-01",
        },
        content_type="application/json",
    )
    assert record.status_code == 400
    assert record.json()["error"]["problems"][0]["field"] == "decree_number"
    assert (
        tpn.post(
            "/api/v1/national/predicates/",
            {
                "unit_code": world.bogor.code,
                "kind": "WBK",
                "year": 2022,
                "decree_number": "x",
                "decree_date": "2022-12-01",
            },
            content_type="application/json",
        ).status_code
        == 404
    )


# --- audit labels ----------------------------------------------------------------------------


def test_the_parts_audit_actions_read_as_words():
    with translation.override("id"):
        assert action_label("predicate.revoke") == "Predikat dicabut"
        assert action_label("monitoring_round.conclude") == "Putaran pemantauan diselesaikan"
    with translation.override("en"):
        assert action_label("predicate.revoke") == "Predicate revoked"
        assert action_label("monitor.assigned") == "Monitor of predicates set"
