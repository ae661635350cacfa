"""Staff pages through the HTTP client, with personas inside and outside the unit."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zona.audit.models import AuditEvent
from zona.surveys.models import Campaign, CodeBatch, InstrumentVersion, Response, ValidationDraw

from .conftest import make_campaign, submit

pytestmark = pytest.mark.django_db
TINY = Path(__file__).parent / "fixtures" / "tiny.yaml"


def page(client_for, user, name, *args, **query):
    client = client_for(user)
    url = reverse(f"surveys:{name}", args=args)
    return client.get(url, query or None)


@pytest.mark.parametrize(
    "name", ["campaign_detail", "campaign_results", "campaign_edit", "export_summary", "poster"]
)
def test_another_units_operator_gets_404(client_for, world, campaign, name):
    assert page(client_for, world["other_operator"], name, campaign.pk).status_code == 404
    assert page(client_for, world["outsider"], name, campaign.pk).status_code == 404


MANAGERS = {"operator", "unit_head", "agency_admin"}
VALIDATORS = {"tpi_reviewer", "kanwil_reviewer", "tpn"}
VIEWERS = MANAGERS | VALIDATORS | {"viewer"}


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("campaign_detail", VIEWERS),
        ("campaign_results", VIEWERS),
        ("campaign_edit", MANAGERS),
        ("export_responses", MANAGERS | VALIDATORS),
        ("flagged", VALIDATORS),
        ("validation", VALIDATORS),
    ],
)
def test_who_sees_what(client_for, world, campaign, name, ok):
    _nominate_bandung(world)
    for username in sorted(VIEWERS | {"other_operator", "outsider", "wg_member"}):
        client = client_for(world[username])
        status = client.get(reverse(f"surveys:{name}", args=[campaign.pk])).status_code
        expected = 200 if username in ok or (username == "wg_member" and ok is VIEWERS) else 404
        assert status == expected, (username, name, status)


def _nominate_bandung(world):
    """The TPN sees (and validates the surveys of) nominated units only."""
    from zona.assessments.tests.factories import load_mini, make_assessment, make_period
    from zona.national.tests.tpn_fixtures import nominate

    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    nominate(make_assessment(period, world.bandung), by=world["agency_admin"])


def test_the_tpn_sees_no_survey_of_a_unit_not_nominated(client_for, world, campaign):
    assert page(client_for, world["tpn"], "campaign_detail", campaign.pk).status_code == 404
    _nominate_bandung(world)
    assert page(client_for, world["tpn"], "campaign_detail", campaign.pk).status_code == 200


def test_anonymous_is_sent_to_login(client, campaign):
    response = client.get(reverse("surveys:campaign_detail", args=[campaign.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_shows_only_campaigns_in_scope_without_n_plus_1(
    client_for, world, instruments, campaign
):
    make_campaign(world, instruments, unit=world.bogor)
    html = page(client_for, world["operator"], "campaign_list").content.decode()
    assert "Satker Bandung" in html
    assert "Satker Bogor" not in html
    html = page(client_for, world["other_operator"], "campaign_list").content.decode()
    assert "Satker Bogor" in html
    assert "Satker Bandung" not in html
    client = client_for(world["agency_admin"])
    url = reverse("surveys:campaign_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        make_campaign(
            world, instruments, unit=world.surabaya if i % 2 else world.bogor, period_label=f"P{i}"
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_create_campaign_through_the_form(client_for, world, instruments):
    client = client_for(world["operator"])
    url = reverse("surveys:campaign_create")
    form = client.get(url)
    assert form.status_code == 200
    assert "Layanan Paspor" in form.content.decode()
    services = {s.code: s.pk for s in world.bandung.service_types.all()}
    today = timezone.localdate()
    data = {
        "unit": world.bandung.pk,
        "year": today.year,
        "period_label": "Semester I",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "instruments": [instruments["spak"].pk, instruments["skm"].pk],
        "sample_method": "krejcie-morgan",
        "margin": "0.05",
        f"population_{services['PASPOR']}": "500",
        f"population_{services['IZIN']}": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert [s.sample_target for s in campaign.services.all()] == [217]
    assert [v.instrument.key for v in campaign.ordered_versions()] == ["spak", "skm"]
    # The other unit's operator cannot create for Bandung.
    other = client_for(world["other_operator"]).post(url, data)
    assert other.status_code == 404
    assert Campaign.objects.count() == 1


def test_form_shows_service_problems_on_fields(client_for, world, instruments):
    client = client_for(world["operator"])
    today = timezone.localdate()
    response = client.post(
        reverse("surveys:campaign_create"),
        {
            "unit": world.bandung.pk,
            "year": today.year,
            "period_label": "I",
            "opens_on": today.isoformat(),
            "closes_on": (today - timedelta(days=1)).isoformat(),
            "instruments": [instruments["spak"].pk],
            "sample_method": "slovin",
            "margin": "0.05",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tanggal tutup lebih awal daripada tanggal buka." in html
    assert "Survei paling sedikit satu layanan." in html
    assert not Campaign.objects.exists()


def test_detail_shows_progress_and_links(client_for, world, campaign):
    submit(campaign, spak=[5] * 5)
    submit(campaign, spak=[5] * 5, duration_seconds=1)
    html = page(client_for, world["operator"], "campaign_detail", campaign.pk).content.decode()
    assert f"/s/{campaign.public_code}" in html
    assert reverse("surveys:kiosks", args=[campaign.pk]) in html
    assert "2 dari 358 respons" in html


def test_results_page_and_chart_data(client_for, world, campaign, settings):
    # Figures of this few responses are shown here (test_small_campaigns checks the k rule).
    settings.ZONA_SURVEY_MIN_GROUP = 2
    submit(campaign, spak=[6, 5, 6, 4, 6], skm=[3, 3, 4, 2, 3, 3, 4, 3, 3])
    submit(campaign, spak=[5, 5, 6, 4, 5], skm=[4, 3, 3, 3, 3, 4, 4, 2, 3])
    response = page(client_for, world["viewer"], "campaign_results", campaign.pk)
    html = response.content.decode()
    assert "echarts.min.js" in html
    assert "results.js" in html
    # Item means 5.5, 5, 6, 4, 5.5 -> 5.2 x 4/6 = 3.4667
    assert "<strong>3,47</strong>" in html
    assert "<strong>79,17</strong>" in html
    chart = json.loads(response.context["chart_json"])
    assert chart["items"][0]["codes"] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert chart["items"][0]["means"] == [5.5, 5.0, 6.0, 4.0, 5.5]


def test_response_export_csv_and_excel(client_for, world, campaign, settings):
    settings.ZONA_SURVEY_MIN_GROUP = 1  # groups of one shown here (see test_reporting.py)
    submit(campaign, spak=[6, 5, 5, 4, 6], skm=[3] * 9)
    submit(campaign, service="IZIN", spkp=[2] * 8, duration_seconds=1)
    client = client_for(world["operator"])
    url = reverse("surveys:export_responses", args=[campaign.pk])
    body = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 2
    assert list(rows[0])[:15] == [
        "response",
        "unit",
        "year",
        "period",
        "service",
        "submitted",
        "served_when",
        "channel",
        "age_group",
        "sex",
        "education",
        "occupation",
        "flags",
        "status",
        "exclusion_reason",
    ]
    assert "spak.Q1" in rows[0]
    assert "skm.Q9" in rows[0]
    assert "spkp.Q8" in rows[0]
    paspor = next(r for r in rows if r["service"] == "PASPOR")
    assert (paspor["spak.Q1"], paspor["spak.Q3"], paspor["skm.Q9"], paspor["spkp.Q1"]) == (
        "6",
        "5",
        "3",
        "",
    )
    assert paspor["submitted"].endswith(":00")
    only = b"".join(client.get(url, {"instrument": "spkp"}).streaming_content).decode("utf-8-sig")
    assert only.splitlines()[0].endswith("Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8")
    xlsx = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == 3
    assert sheet.cell(1, 16).value == "spak.Q1"


def test_summary_export(client_for, world, campaign, settings):
    settings.ZONA_SURVEY_MIN_GROUP = 1  # groups of one shown here (see test_reporting.py)
    submit(campaign, skm=[3, 3, 4, 2, 3, 3, 4, 3, 3])
    submit(campaign, skm=[4, 3, 3, 3, 3, 4, 4, 2, 3])
    client = client_for(world["viewer"])
    body = b"".join(
        client.get(reverse("surveys:export_summary", args=[campaign.pk])).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    ikm = next(
        r for r in rows if r["scope"] == "all" and r["instrument"] == "skm" and r["item"] == "INDEX"
    )
    assert (ikm["question"], ikm["mean"]) == ("IKM (B)", "79.1667")
    assert any(r["scope"] == "PASPOR" for r in rows)


def test_poster_and_code_slips_are_pdfs(client_for, world, campaign):
    client = client_for(world["operator"])
    poster = client.get(reverse("surveys:poster", args=[campaign.pk]), {"service": "PASPOR"})
    assert poster["Content-Type"] == "application/pdf"
    assert poster.content.startswith(b"%PDF")
    assert (
        client.get(reverse("surveys:poster", args=[campaign.pk]), {"service": "NOPE"}).status_code
        == 404
    )
    campaign.requires_code = True
    campaign.save()
    response = client.post(
        reverse("surveys:codes", args=[campaign.pk]), {"size": 30, "label": "Loket 1"}
    )
    assert response.status_code == 302
    batch = CodeBatch.objects.get()
    slips = client.get(reverse("surveys:code_slips", args=[campaign.pk, batch.pk]))
    assert slips.content.startswith(b"%PDF")
    assert (
        client_for(world["other_operator"])
        .get(reverse("surveys:code_slips", args=[campaign.pk, batch.pk]))
        .status_code
        == 404
    )


def test_reviewer_excludes_and_restores_a_flagged_response(client_for, world, campaign):
    flagged = submit(campaign, spak=[1] * 5, duration_seconds=1).response
    client = client_for(world["tpi_reviewer"])
    html = client.get(reverse("surveys:flagged", args=[campaign.pk])).content.decode()
    assert flagged.reference in html
    assert "diisi terlalu cepat" in html
    url = reverse("surveys:response_exclude", args=[campaign.pk, flagged.pk])
    assert client_for(world["operator"]).post(url, {"reason": "x"}).status_code == 404
    client = client_for(world["tpi_reviewer"])
    assert client.post(url, {"reason": "1 detik"}).status_code == 302
    flagged.refresh_from_db()
    assert flagged.excluded
    assert flagged.exclusion_reason == "1 detik"
    client.post(reverse("surveys:response_restore", args=[campaign.pk, flagged.pk]))
    flagged.refresh_from_db()
    assert not flagged.excluded


def test_validation_draw_and_calls(client_for, world, campaign):
    for i in range(12):
        submit(campaign, spak=[5] * 5, contact=f"0812-000-{i:04d}", contact_name=f"Ibu {i}")
    client = client_for(world["kanwil_reviewer"])
    response = client.post(
        reverse("surveys:validation", args=[campaign.pk]), {"size": 3, "seed": 77}
    )
    draw = ValidationDraw.objects.get()
    assert response["Location"] == reverse("surveys:draw", args=[campaign.pk, draw.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Mengulang undian dengan seed ini menghasilkan kontak yang sama." in html
    assert html.count("0812-000-") == 3
    call = draw.calls.order_by("position")[0]
    client.post(
        reverse("surveys:call_record", args=[campaign.pk, draw.pk, call.pk]),
        {"outcome": "confirmed", "note": "benar"},
    )
    call.refresh_from_db()
    assert call.outcome == "confirmed"
    assert client_for(world["outsider"]).get(response["Location"]).status_code == 404
    assert client_for(world["operator"]).get(response["Location"]).status_code == 404


def test_instrument_pages_and_agency_upload(client_for, world, instruments):
    client = client_for(world["viewer"])
    html = client.get(reverse("surveys:instruments")).content.decode()
    assert "SPAK" in html
    assert instruments["spak"].content_hash[:14] in html
    assert "Tambahkan instrumen" not in html
    detail = client.get(
        reverse("surveys:instrument", args=[instruments["skm"].pk])
    ).content.decode()
    assert "Dikelola dengan baik" in detail
    admin = client_for(world["agency_admin"])
    upload = io.BytesIO(TINY.read_bytes())
    upload.name = "tiny.yaml"
    response = admin.post(
        reverse("surveys:instruments"), {"agency": world.agency.pk, "file": upload}
    )
    assert response.status_code == 302
    tiny = InstrumentVersion.objects.get(instrument__key="tiny")
    assert tiny.instrument.agency == world.agency
    assert AuditEvent.objects.filter(
        action="survey.instrument_loaded", actor=world["agency_admin"]
    ).exists()
    # Another agency's user sees neither the list entry nor the page.
    outsider = Client()
    outsider.force_login(world["outsider"])
    assert "TINY" not in outsider.get(reverse("surveys:instruments")).content.decode()
    assert outsider.get(reverse("surveys:instrument", args=[tiny.pk])).status_code == 404
    # The operator of a unit cannot upload for the agency.
    bad = io.BytesIO(TINY.read_bytes())
    bad.name = "tiny.yaml"
    op = client_for(world["operator"])
    assert (
        op.post(
            reverse("surveys:instruments"), {"agency": world.agency.pk, "file": bad}
        ).status_code
        == 404
    )


def test_publish(client_for, world, campaign):
    client = client_for(world["operator"])
    client.post(reverse("surveys:campaign_publish", args=[campaign.pk]), {"public": "1"})
    campaign.refresh_from_db()
    assert campaign.results_public
    assert (
        client_for(world["viewer"])
        .post(reverse("surveys:campaign_publish", args=[campaign.pk]), {"public": "0"})
        .status_code
        == 404
    )
    assert Response.objects.count() == 0


def test_the_draw_form_offers_a_size_the_cap_allows(client_for, world, campaign):
    for i in range(12):
        submit(campaign, spak=[5] * 5, contact=f"0812-111-{i:04d}")
    response = client_for(world["tpi_reviewer"]).get(
        reverse("surveys:validation", args=[campaign.pk])
    )
    assert response.context["cap"] == 3  # a quarter of 12
    assert response.context["form"]["size"].value() == 3


def test_contacts_waiting_for_the_worker_can_be_drawn(client_for, world, campaign):
    for i in range(3):  # under a batch: still sealed drops
        submit(campaign, spak=[5] * 5, contact=f"0812-222-{i:04d}")
    client = client_for(world["tpi_reviewer"])
    url = reverse("surveys:validation", args=[campaign.pk])
    page = client.get(url)
    assert page.context["pool"] == 3
    response = client.post(url, {"size": 1})
    assert response.status_code == 302
    draw = ValidationDraw.objects.get()
    assert draw.pool_size == 3
    assert draw.calls.count() == 1
