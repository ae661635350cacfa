"""The SKM report of a survey round (PermenPAN-RB 14/2017): respondents and their profile,
NRR per element, the IKM and its grade, the weakest elements and the unit's follow-up plan,
read back from the PDF (pdftotext) and the DOCX (python-docx). The unit's operator writes the
plan; a viewer reads it; another unit's user gets 404; bad lines change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from zona.insight.documents.skm import skm_report
from zona.insight.models_documents import SkmFollowUp
from zona.insight.tests.test_documents import docx_text, pdf_text
from zona.surveys.tests.conftest import instruments, make_campaign, submit

__all__ = ["instruments"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(world, instruments):
    campaign = make_campaign(world, instruments, keys=("skm",), asks_profile=True)
    # Nine elements; U3 and U7 are the weakest, U9 next.
    for _i in range(6):
        submit(
            campaign, skm=[4, 4, 2, 4, 3, 4, 1, 4, 3], profile={"sex": "f", "age_group": "25-34"}
        )
    return campaign


def url(campaign, suffix: str = "") -> str:
    return f"/documents/skm/{campaign.pk}/{suffix}"


def plan_post(report, **overrides):
    codes = [e.code for e in sorted(report.elements, key=lambda e: (not e.weak, e.position))]
    data = {
        "element": codes,
        "action": [""] * len(codes),
        "owner": [""] * len(codes),
        "deadline": [""] * len(codes),
    }
    weakest = report.weakest[0]
    index = codes.index(weakest.code)
    data["action"][index] = overrides.get("action", "Tambah loket pengaduan daring")
    data["owner"][index] = overrides.get("owner", "Kepala Subbag Umum")
    data["deadline"][index] = overrides.get("deadline", "2027-03-31")
    return data, weakest


def test_the_report_reads_back_with_ikm_grade_and_weakest_elements(world, client_for, round_):
    report = skm_report(round_)
    assert report.respondents == 6
    assert report.ikm is not None
    assert report.grade is not None
    assert [e.position for e in report.weakest] == [7, 3, 5]
    client = client_for(world["operator"])
    data, weakest = plan_post(report)
    assert client.post(url(round_), data).status_code == 302
    line = SkmFollowUp.objects.get(campaign=round_)
    assert (line.element, line.owner, line.deadline) == (
        weakest.code,
        "Kepala Subbag Umum",
        dt.date(2027, 3, 31),
    )
    page = client.get(url(round_))
    assert page.status_code == 200
    assert "Tambah loket pengaduan daring" in page.content.decode()

    shown_ikm = f"{report.ikm:.2f}"
    pdf = client.get(url(round_, "skm.pdf"))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    for needle in ("Tambah loket pengaduan daring", "Kepala Subbag Umum", report.grade):
        assert needle in text
    assert shown_ikm in text or shown_ikm.replace(".", ",") in text
    assert "Perempuan" in text  # the respondents' profile band
    docx = client.get(url(round_, "skm.docx"))
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "Tambah loket pengaduan daring" in text
    assert shown_ikm in text or shown_ikm.replace(".", ",") in text
    assert "1,000" in text or "1.000" in text  # NRR of U7 to three places


def test_bad_lines_are_refused_and_change_nothing(world, client_for, round_):
    report = skm_report(round_)
    client = client_for(world["operator"])
    data, _weakest = plan_post(report, deadline="besok")
    assert client.post(url(round_), data).status_code == 400
    data, _weakest = plan_post(report, owner="")
    assert client.post(url(round_), data).status_code == 400
    data, weakest = plan_post(report)
    data["element"][data["element"].index(weakest.code)] = "NOPE"
    assert client.post(url(round_), data).status_code == 400
    assert not SkmFollowUp.objects.exists()


def test_the_sheets_documents_page_leads_to_the_rounds_report(world, client_for, round_):
    from zona.assessments.tests.factories import load_mini, make_assessment, make_period

    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sheet = make_assessment(period, world.bandung)
    page = client_for(world["operator"]).get(f"/assessments/{sheet.pk}/documents/")
    assert page.status_code == 200
    assert f"/documents/skm/{round_.pk}/" in page.content.decode()


def test_readers_and_strangers(world, client_for, round_):
    report = skm_report(round_)
    data, _weakest = plan_post(report)
    viewer = client_for(world["viewer"])
    assert viewer.get(url(round_)).status_code == 200
    assert viewer.post(url(round_), data).status_code == 404
    assert not SkmFollowUp.objects.exists()
    for name in ("other_operator", "outsider"):
        client = client_for(world[name])
        for suffix in ("", "skm.pdf", "skm.docx"):
            assert client.get(url(round_, suffix)).status_code == 404
        assert client.post(url(round_), data).status_code == 404
