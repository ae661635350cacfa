"""Respondents stay anonymous in exports and results; profile shown only for groups of k
(issue 8 §3, §4 for survey exports, §8 respondent profile)."""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zona.surveys.anonymity import Shown, generalise, small_groups_hidden
from zona.surveys.models import Answer, Campaign, Response
from zona.surveys.profile import PROFILE_FIELDS, clean_profile
from zona.surveys.tests.conftest import make_campaign, service_id, submit

QUASI = ["service", "submitted", "served_when", "channel", *PROFILE_FIELDS]


def synthetic(campaign: Campaign, n: int, *, seed: int = 8, **fixed) -> list[Response]:
    """n counted responses spread over services, hours over six weeks, channels and
    profiles, each answering SPAK Q1 (straight to the database, as the export reads it)."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, 8, tzinfo=timezone.get_current_timezone())
    spak = next(v for v in campaign.ordered_versions() if v.instrument.key == "spak")
    services = [service_id(campaign, "PASPOR")] * 4 + [service_id(campaign, "IZIN")]
    rows = []
    for _ in range(n):
        profile = {
            "age_group": rng.choice(["", "u25", "25-34", "35-44", "55+"]),
            "sex": rng.choice(["", "m", "f"]),
            "education": rng.choice(["", "secondary", "bachelor"]),
            "occupation": rng.choice(["", "private", "self"]),
        }
        rows.append(
            Response(
                campaign=campaign,
                service_type_id=rng.choice(services),
                submitted_hour=start + timedelta(days=rng.randint(0, 41), hours=rng.randint(0, 8)),
                idempotency_key=uuid.uuid4().hex,
                channel=rng.choice(["web", "web", "kiosk"]),
                served_when=rng.choice(["today", "week"]),
                **{**profile, **fixed},
            )
        )
    Response.objects.bulk_create(rows)
    Answer.objects.bulk_create(
        Answer(
            response_id=r.pk,
            instrument_version=spak,
            item=1,
            value=rng.randint(1, 6),
            campaign=campaign,
            service_type_id=r.service_type_id,
        )
        for r in rows
    )
    return rows


def csv_rows(client, url, **params) -> list[dict[str, str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.django_db
def test_no_exported_combination_is_held_by_fewer_than_five(client_for, world, campaign):
    synthetic(campaign, 182)
    hours = Counter(
        Response.objects.filter(campaign=campaign).values_list("service_type_id", "submitted_hour")
    )
    # The situation of the finding: most responses alone in their (service, hour) slot.
    assert sum(1 for n in hours.values() if n == 1) > 100
    client = client_for(world["operator"])
    url = reverse("surveys:export_responses", args=[campaign.pk])
    rows = csv_rows(client, url)
    combos = Counter(tuple(r[c] for c in QUASI) for r in rows)
    assert combos
    assert min(combos.values()) >= 5
    # Still useful: most rows keep a time and the service.
    assert sum(1 for r in rows if r["submitted"]) > 90
    assert sum(1 for r in rows if r["service"] in ("PASPOR", "IZIN")) > 150
    # The xlsx export shows the same rows.
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    xlsx_combos = Counter(
        tuple("" if row[header.index(c)] is None else str(row[header.index(c)]) for c in QUASI)
        for row in sheet.iter_rows(min_row=2, values_only=True)
    )
    assert min(xlsx_combos.values()) >= 5
    assert sum(xlsx_combos.values()) == len(rows)


@pytest.mark.django_db
def test_the_threshold_is_a_setting(client_for, world, campaign, settings):
    synthetic(campaign, 60)
    url = reverse("surveys:export_responses", args=[campaign.pk])
    settings.ZONA_SURVEY_MIN_GROUP = 12
    rows = csv_rows(client_for(world["operator"]), url)
    combos = Counter(tuple(r[c] for c in QUASI) for r in rows)
    assert min(combos.values()) >= 12


@pytest.mark.django_db
def test_too_few_responses_are_left_out_of_the_response_export(client_for, world, campaign):
    submit(campaign, spak=[6, 5, 6, 4, 6])
    submit(campaign, service="IZIN", spak=[2] * 5)
    rows = csv_rows(
        client_for(world["operator"]), reverse("surveys:export_responses", args=[campaign.pk])
    )
    assert rows == []


def test_generalise_coarsens_time_before_hiding_attributes():
    base = datetime(2026, 3, 2, 9, tzinfo=timezone.get_current_timezone())
    rows = [(base, ("A",))] * 5 + [(base + timedelta(hours=h), ("A",)) for h in (1, 2, 3)]
    rows += [(base + timedelta(days=1, hours=1), ("A",))] * 2
    shown = generalise(rows, k=5, tiers=[frozenset(), frozenset({0})])
    assert shown[:5] == [Shown("2026-03-02 09:00", ("A",))] * 5
    # 3 left on the day, 2 the next day: together only at the week.
    assert shown[5:] == [Shown("2026-W10", ("A",))] * 5
    assert generalise(rows[:4], k=5, tiers=[frozenset(), frozenset({0})]) == [None] * 4
    # 3 rows that no grouping helps take the smallest shown group with them.
    rows = [(base, ("A",))] * 5 + [(base, ("B",))] * 6 + [(base, ("C",))] * 3
    shown = generalise(rows, k=5, tiers=[frozenset()])
    everything = Shown("", ("*",))
    assert shown[:5] == [everything] * 5  # A, the smallest shown group, joins C
    assert shown[5:11] == [Shown("2026-03-02 09:00", ("B",))] * 6
    assert shown[11:] == [everything] * 3


def test_small_groups_hidden_with_their_complement():
    assert small_groups_hidden({"A": 20, "B": 7, "C": 2}, k=5, total=29) == {"B", "C"}
    assert small_groups_hidden({"A": 20, "B": 7, "C": 6}, k=5, total=33) == set()
    # 3 not stated make the hidden part: the smallest shown group goes with it.
    assert small_groups_hidden({"A": 20, "B": 7}, k=5, total=30) == {"B"}


@pytest.mark.django_db
def test_formula_text_and_control_characters_in_survey_exports(client_for, world, campaign):
    responses = synthetic(campaign, 10, seed=1, age_group="", sex="", education="", occupation="")
    Response.objects.filter(pk=responses[0].pk).update(
        flagged=True,
        excluded=True,
        exclusion_reason='=HYPERLINK("http://x","y")\x0bsecond line',
    )
    Response.objects.filter(pk=responses[1].pk).update(exclusion_reason="@SUM(A1)\x01")
    client = client_for(world["operator"])
    url = reverse("surveys:export_responses", args=[campaign.pk])
    reasons = {r["exclusion_reason"] for r in csv_rows(client, url)}
    assert '\'=HYPERLINK("http://x","y")\nsecond line' in reasons
    assert "'@SUM(A1)" in reasons
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    column = [c.value for c in sheet[1]].index("exclusion_reason") + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    formula = next(c for c in cells if c.value and str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    assert formula.quotePrefix
    assert formula.value == '=HYPERLINK("http://x","y")\nsecond line'


@pytest.mark.django_db
def test_summary_leaves_out_small_services_and_their_complement(client_for, world, instruments):
    campaign = make_campaign(world, instruments, asks_profile=True)
    for _ in range(6):
        submit(campaign, spak=[5] * 5, profile={"sex": "f"})
    for _ in range(2):
        submit(campaign, service="IZIN", spak=[1] * 5, profile={"sex": "m"})
    rows = csv_rows(
        client_for(world["viewer"]), reverse("surveys:export_summary", args=[campaign.pk])
    )
    scopes = {r["scope"] for r in rows}
    # IZIN has 2: hidden; PASPOR would then give IZIN away as all minus PASPOR: hidden too.
    assert scopes == {"all"}


@pytest.mark.django_db
def test_summary_shows_profile_bands_of_at_least_five(client_for, world, instruments):
    campaign = make_campaign(world, instruments, asks_profile=True)
    for _ in range(6):
        submit(campaign, spak=[5] * 5, profile={"sex": "f", "age_group": "u25"})
    for _ in range(5):
        submit(campaign, service="IZIN", spak=[2] * 5, profile={"sex": "m", "age_group": "55+"})
    submit(campaign, service="IZIN", spak=[2] * 5, profile={"sex": "m", "age_group": "nonsense"})
    assert Response.objects.filter(age_group="nonsense").count() == 0  # stored coarsely
    rows = csv_rows(
        client_for(world["viewer"]), reverse("surveys:export_summary", args=[campaign.pk])
    )
    scopes = {r["scope"] for r in rows}
    assert {"PASPOR", "IZIN", "sex=f", "sex=m", "age_group=u25"} <= scopes
    # One respondent left the age out: 55+ (5) is hidden too, or all minus u25 minus 55+
    # would give that one person's answers.
    assert "age_group=55+" not in scopes
    female = next(r for r in rows if r["scope"] == "sex=f" and r["item"] == "Q1")
    assert (female["mean"], female["answered"]) == ("5.0", "6")


@pytest.mark.django_db
def test_profile_is_optional_and_only_kept_when_asked(world, instruments):
    asked = make_campaign(world, instruments, asks_profile=True)
    response = submit(asked, spak=[5] * 5, profile={"age_group": "25-34", "sex": ""}).response
    response.refresh_from_db()
    assert (response.age_group, response.sex, response.education) == ("25-34", "", "")
    not_asked = make_campaign(world, instruments, period_label="Semester II")
    response = submit(not_asked, spak=[5] * 5, profile={"age_group": "25-34"}).response
    response.refresh_from_db()
    assert response.age_group == ""
    assert clean_profile({"sex": "f", "age_group": "x" * 40}) == {
        "age_group": "",
        "sex": "f",
        "education": "",
        "occupation": "",
    }


@pytest.mark.django_db
def test_public_form_asks_the_profile_and_stores_it(client, world, instruments):
    campaign = make_campaign(world, instruments, asks_profile=True)
    page = client.get(reverse("survey_public:form", args=[campaign.public_code]))
    html = page.content.decode()
    assert 'name="p-age_group"' in html
    assert 'name="p-occupation"' in html
    plain = make_campaign(world, instruments, period_label="Semester II")
    html = client.get(reverse("survey_public:form", args=[plain.public_code])).content.decode()
    assert 'name="p-age_group"' not in html


@pytest.mark.django_db
def test_results_page_hides_small_services_and_profile_bands(client_for, world, instruments):
    campaign = make_campaign(world, instruments, asks_profile=True)
    for _ in range(7):
        submit(campaign, spak=[5] * 5, profile={"sex": "f"})
    for _ in range(2):
        submit(campaign, service="IZIN", spak=[1] * 5, profile={"sex": "m"})
    client = client_for(world["operator"])
    url = reverse("surveys:campaign_results", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [s.service.code for s in page.context["by_service"]] == []
    sex = next(q for q in page.context["profile"] if q.field == "sex")
    assert {b.code: b.respondents for b in sex.bands} == {"m": None, "f": None}
    # Asking for the small service shows all services instead, with a message.
    izin = client.get(url, {"service": service_id(campaign, "IZIN")})
    assert izin.context["service"] is None
    assert izin.context["results"][0].respondents == 9


@pytest.mark.django_db
def test_results_page_shows_groups_of_five(client_for, world, instruments):
    campaign = make_campaign(world, instruments, asks_profile=True)
    for _ in range(6):
        submit(campaign, spak=[5] * 5, profile={"sex": "f"})
    for _ in range(5):
        submit(campaign, service="IZIN", spak=[1] * 5, profile={"sex": "m"})
    page = client_for(world["operator"]).get(
        reverse("surveys:campaign_results", args=[campaign.pk])
    )
    assert {s.service.code for s in page.context["by_service"]} == {"PASPOR", "IZIN"}
    sex = next(q for q in page.context["profile"] if q.field == "sex")
    assert {b.code: b.respondents for b in sex.bands} == {"m": 5, "f": 6}
    assert 'data-profile="sex"' in page.content.decode()


@pytest.mark.django_db
def test_public_results_hide_the_complement_of_a_small_service(client, world, instruments):
    campaign = make_campaign(world, instruments)
    campaign.results_public = True
    campaign.save()
    for _ in range(6):
        submit(campaign, spak=[5] * 5)
    submit(campaign, service="IZIN", spak=[1] * 5)
    page = client.get(reverse("survey_public:results", args=[campaign.public_code]))
    assert page.status_code == 200
    assert page.context["by_service"] == []


@pytest.mark.django_db
def test_api_results_leave_out_small_services(client_for, world, instruments):
    campaign = make_campaign(world, instruments)
    for _ in range(6):
        submit(campaign, spak=[5] * 5)
    submit(campaign, service="IZIN", spak=[1] * 5)
    client = client_for(world["viewer"])
    results = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/results/").json()
    assert results["by_service"] == []
    for _ in range(4):
        submit(campaign, service="IZIN", spak=[1] * 5)
    results = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/results/").json()
    assert {s["service_code"]: s["respondents"] for s in results["by_service"]} == {
        "PASPOR": 6,
        "IZIN": 5,
    }
