"""Koefisien pages and API: the agency's kinds page, the sheet's koefisien page (reviewers
record and withdraw, the unit reads), the evidence file, the review page's panel; access
from other units and agencies (404), bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext

from zona.workflow.models import KoefisienEvent, KoefisienKind
from zona.workflow.tests.conftest import ChainWorld
from zona.workflow.tests.koefisien_fixtures import make_kinds, record, totals


def shown(message: str) -> str:
    """The message as the page shows it (Indonesian, the default language)."""
    with translation.override("id"):
        return gettext(message)


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _kinds_url(world) -> str:
    return reverse("workflow:koefisien_kinds", args=[world.agency.pk])


# --- the agency's kinds -----------------------------------------------------------------------


def test_kinds_page_admin_only(world, client_for) -> None:
    url = _kinds_url(world)
    for name in ("operator", "kanwil_reviewer", "outsider", "unit_head"):
        assert client_for(world[name]).get(url).status_code == 404, name
    admin = client_for(world["agency_admin"])
    page = admin.get(url)
    assert page.status_code == 200
    assert b'data-testid="koefisien-starters"' in page.content
    response = admin.post(
        url, {"name": "Kasus KKN", "mode": "factor", "value": "0,9", "active": "on"}
    )
    assert response.status_code == 302
    kind = KoefisienKind.objects.get()
    assert (kind.value, kind.mode, kind.active) == (Decimal("0.9"), "factor", True)
    edit = reverse("workflow:koefisien_kind", args=[world.agency.pk, kind.pk])
    assert admin.get(edit).status_code == 200
    assert client_for(world["operator"]).get(edit).status_code == 404
    admin.post(edit, {"name": "Kasus KKN", "code": kind.code, "mode": "points", "value": "4"})
    kind.refresh_from_db()
    assert (kind.mode, kind.value, kind.active) == ("points", Decimal(4), False)
    admin.post(reverse("workflow:koefisien_starters", args=[world.agency.pk]))
    assert KoefisienKind.objects.count() == 4


def test_kinds_page_bad_value_refused(world, client_for) -> None:
    admin = client_for(world["agency_admin"])
    points = shown("Points must be more than 0 and at most 100 (for example 5).")
    for value in ("-5", "0"):
        page = admin.post(_kinds_url(world), {"name": "Viral", "mode": "points", "value": value})
        assert page.status_code == 200
        assert points in page.content.decode()
    page = admin.post(_kinds_url(world), {"name": "KKN", "mode": "factor", "value": "1.2"})
    assert 'data-testid="error-value"' in page.content.decode()
    assert (
        shown("A factor must be more than 0 and at most 1 (for example 0.9).")
        in page.content.decode()
    )
    assert not KoefisienKind.objects.exists()
    assert not world.new_events().filter(action__startswith="koefisien.").exists()


def test_kinds_api(world, client_for) -> None:
    url = reverse("api-workflow-koefisien-kinds", args=[world.agency.pk])
    assert client_for(world["operator"]).get(url).status_code == 404
    assert (
        client_for(world["operator"]).post(url, {}, content_type="application/json").status_code
        == 404
    )
    admin = client_for(world["agency_admin"])
    bad = admin.post(
        url, {"name": "X", "mode": "factor", "value": "0"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["code"] == "factor_out_of_range"
    made = admin.post(
        url,
        {"name": "Berita viral", "mode": "points", "value": "5"},
        content_type="application/json",
    )
    assert made.status_code == 201
    kid = made.json()["id"]
    assert [k["code"] for k in admin.get(url).json()] == ["berita-viral"]
    one = reverse("api-workflow-koefisien-kind", args=[world.agency.pk, kid])
    changed = admin.put(
        one,
        {
            "name": "Berita viral",
            "code": "berita-viral",
            "mode": "points",
            "value": "3",
            "active": False,
        },
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert client_for(world["kanwil_reviewer"]).get(one).status_code == 404


# --- the sheet's events ---------------------------------------------------------------------


def _sheet_url(cw: ChainWorld) -> str:
    return reverse("workflow:koefisien_sheet", args=[cw.assessment.pk])


def test_sheet_page_access(chain_world: ChainWorld, client_for) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    event = record(cw, kinds["kkn"], evidence_file=SimpleUploadedFile("putusan.pdf", PDF))
    url = _sheet_url(cw)
    file_url = reverse("workflow:koefisien_file", args=[cw.assessment.pk, event.pk])
    for name in ("jatim_reviewer", "other_operator", "outsider"):
        client = client_for(cw[name])
        assert client.get(url).status_code == 404, name
        assert client.get(file_url).status_code == 404, name
    unit = client_for(cw["operator"])
    page = unit.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Kasus KKN pegawai" in text
    assert "Catatan untuk unit" in text
    assert "Catatan internal penilai" not in text  # the internal note is for reviewers
    assert 'data-testid="koefisien-record"' not in text
    assert 'data-testid="koefisien-after"' in text
    assert unit.get(file_url).status_code == 200
    # The unit cannot record nor withdraw.
    before = KoefisienEvent.objects.count()
    post = {"tier": "kanwil", "kind": kinds["viral"].pk, "occurred_on": "2020-01-01", "source": "x"}
    assert unit.post(url, post).status_code == 404
    withdraw = reverse("workflow:koefisien_withdraw", args=[cw.assessment.pk, event.pk])
    assert unit.post(withdraw, {"reason": "x"}).status_code == 404
    assert KoefisienEvent.objects.count() == before
    reviewer = client_for(cw["kanwil_reviewer"]).get(url).content.decode()
    assert "Catatan internal penilai" in reviewer
    assert 'data-testid="koefisien-record"' in reviewer


def test_record_and_withdraw_through_the_page(chain_world: ChainWorld, client_for) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    before, _ = totals(cw.assessment)
    client = client_for(cw["kanwil_reviewer"])
    url = _sheet_url(cw)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    post = {"tier": "kanwil", "kind": kinds["kkn"].pk, "occurred_on": tomorrow, "source": "Putusan"}
    page = client.post(url, post)
    assert page.status_code == 200
    assert shown("The date cannot be in the future.") in page.content.decode()
    page = client.post(url, {**post, "occurred_on": timezone.localdate().isoformat(), "source": ""})
    assert page.status_code == 200
    assert 'data-testid="error-source"' in page.content.decode()
    assert not KoefisienEvent.objects.exists()
    response = client.post(
        url,
        {
            **post,
            "occurred_on": timezone.localdate().isoformat(),
            "evidence_file": SimpleUploadedFile("putusan.pdf", PDF),
        },
    )
    assert response.status_code == 302
    event = KoefisienEvent.objects.get()
    assert event.evidence_name == "putusan.pdf"
    assert totals(cw.assessment)[1] == (before * Decimal("0.9")).quantize(Decimal("0.0001"))
    withdraw = reverse("workflow:koefisien_withdraw", args=[cw.assessment.pk, event.pk])
    response = client.post(withdraw, {"reason": ""}, follow=True)
    assert 'data-error="reason_required"' in response.content.decode()
    event.refresh_from_db()
    assert event.status == "recorded"
    client.post(withdraw, {"reason": "Salah unit"})
    event.refresh_from_db()
    assert event.status == "withdrawn"
    assert totals(cw.assessment)[1] == before
    page = client_for(cw["unit_head"]).get(url).content.decode()
    assert 'data-testid="koefisien-withdrawn"' in page
    assert "Salah unit" in page


def test_review_page_panel(chain_world: ChainWorld, client_for) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    review = reverse("workflow:review", args=[cw.assessment.pk])
    page = client_for(cw["kanwil_reviewer"]).get(review).content.decode()
    assert 'data-testid="koefisien-panel"' in page  # a reviewer sees where to record
    viewer = client_for(cw["viewer"]).get(review)
    assert 'data-testid="koefisien-panel"' not in viewer.content.decode()
    before, _ = totals(cw.assessment)
    assert 'data-testid="effective-before-koefisien"' not in page
    record(cw, kinds["viral"])
    page = client_for(cw["kanwil_reviewer"]).get(review).content.decode()
    assert "Berita viral" in page
    assert 'data-testid="koefisien-steps"' in page
    # The side total is the effective score after the koefisien, as lists show it.
    after = totals(cw.assessment)[1]
    assert after is not None
    assert after < before
    side = page.split('data-testid="effective-score">', 1)[1].split("<", 1)[0]
    assert side == number_format(after.quantize(Decimal("0.01")), 2)
    assert 'data-testid="effective-before-koefisien"' in page


def test_events_api(chain_world: ChainWorld, client_for) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    url = reverse("api-workflow-koefisien-events", args=[cw.assessment.pk])
    body = {
        "tier": "kanwil",
        "kind": kinds["kkn"].pk,
        "occurred_on": timezone.localdate().isoformat(),
        "source": "https://berita.example.id/a",
        "internal_note": "rahasia",
    }
    for name in ("jatim_reviewer", "outsider"):
        assert client_for(cw[name]).get(url).status_code == 404
        assert (
            client_for(cw[name]).post(url, body, content_type="application/json").status_code == 404
        )
    unit = client_for(cw["operator"])
    assert unit.post(url, body, content_type="application/json").status_code == 404
    reviewer = client_for(cw["kanwil_reviewer"])
    bad = reviewer.post(url, {**body, "source": ""}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["code"] == "source_required"
    wrong_tier = reviewer.post(url, {**body, "tier": "tpi"}, content_type="application/json")
    assert wrong_tier.status_code == 403
    assert not KoefisienEvent.objects.exists()
    made = reviewer.post(url, body, content_type="application/json")
    assert made.status_code == 201
    data = made.json()
    assert Decimal(data["after"]) < Decimal(data["before"])
    assert data["steps"][0]["mode"] == "factor"
    event = data["events"][0]
    assert event["internal_note"] == "rahasia"
    assert event["allowed_actions"] == {"withdraw": None}
    seen = unit.get(url).json()["events"][0]
    assert seen["internal_note"] is None
    assert seen["allowed_actions"]["withdraw"]["code"] == "not_tier_reviewer"
    withdraw = reverse("api-workflow-koefisien-withdraw", args=[cw.assessment.pk, event["id"]])
    assert unit.post(withdraw, {"reason": "x"}, content_type="application/json").status_code == 404
    refused = reviewer.post(withdraw, {"reason": ""}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["error"]["problems"][0]["code"] == "reason_required"
    done = reviewer.post(withdraw, {"reason": "Hoaks"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["after"] == done.json()["before"]
    assert done.json()["events"][0]["status"] == "withdrawn"


def test_openapi_lists_koefisien(client_for, world) -> None:
    schema = client_for(world["agency_admin"]).get(reverse("api-schema")).content.decode()
    assert "/koefisien/kinds/" in schema
    assert "/koefisien/{eid}/withdraw/" in schema


def test_events_api_multipart_with_file(chain_world: ChainWorld, client_for) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    url = reverse("api-workflow-koefisien-events", args=[cw.assessment.pk])
    made = client_for(cw["kanwil_reviewer"]).post(
        url,
        {
            "tier": "kanwil",
            "kind": kinds["viral"].pk,
            "occurred_on": timezone.localdate().isoformat(),
            "source": "Tangkapan layar unggahan",
            "evidence_file": SimpleUploadedFile("bukti.pdf", PDF),
        },
    )
    assert made.status_code == 201
    assert made.json()["events"][0]["evidence_name"] == "bukti.pdf"
    event = KoefisienEvent.objects.get()
    file_url = reverse("workflow:koefisien_file", args=[cw.assessment.pk, event.pk])
    response = client_for(cw["unit_head"]).get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
