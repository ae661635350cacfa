"""The LHE (issue 12 §6) on the mini LKE: issued by the tier's reviewer with a number from
the agency's sequence, read back as DOCX (python-docx) and PDF (pdftotext) with the number,
the NIPs, the area figures from the stored scores and the review's findings; the unit reads
it and cannot issue it; another unit's user gets 404; the signed copy must be a PDF. The
unit profile PDF carries real charts."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from zona.assessments.models import Answer, AnswerLayer, StoredScore
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.audit.models import AuditEvent
from zona.insight.documents.lhe import format_number
from zona.insight.models_documents import DocumentSequence, Lhe
from zona.insight.tests.test_planner_views import SHEET, fill
from zona.workflow.models import (
    ChainStep,
    CommentKind,
    DeskNote,
    DeskSession,
    ItemComment,
    TierReview,
)

pytestmark = pytest.mark.django_db

NIP_LEAD = "198001012005011001"
NIP_MEMBER = "199002022015022002"


def pdf_text(data: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) must be installed"
    out = subprocess.run(  # noqa: S603 (a fixed tool on our own bytes)
        [shutil.which("pdftotext") or "pdftotext", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    # Table cells wrap: compare with the whitespace folded.
    return " ".join(out.stdout.decode("utf-8").split())


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture
def sheet(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    assessment = make_assessment(period, world.bandung)
    fill(world, assessment, SHEET)
    reviewer = world["kanwil_reviewer"]
    reviewer.nip = NIP_LEAD
    reviewer.save(update_fields=["nip"])
    tier = world.tier_kanwil
    with transaction.atomic():
        layer = AnswerLayer.objects.create(assessment=assessment, tier=tier)
        Answer.objects.create(layer=layer, item_code="A.p.t.1.a", value="A")
        Answer.objects.create(layer=layer, item_code="A.p.m.1.b", value="C")
        scores_refresh(assessment)
    today = dt.date(2026, 12, 6)
    step = ChainStep.objects.create(
        period=period, tier=tier, position=1, opens_on=today, closes_on=today
    )
    TierReview.objects.create(
        assessment=assessment,
        step=step,
        tier=tier,
        position=1,
        note="Lengkapi SK tim kerja dan unggah notulen rapat evaluasi.",
    )
    for kind, body in [
        (CommentKind.TO_UNIT, "Bukti sosialisasi belum mencakup seluruh pegawai."),
        (CommentKind.MUST_FIX, "Rencana kerja tidak bertanggal: perbaiki."),
        (CommentKind.INTERNAL, "Catatan internal tim penilai yang rahasia."),
    ]:
        ItemComment.objects.create(
            assessment=assessment,
            item_code="A.p.m.1.b",
            tier=tier,
            kind=kind,
            author=reviewer,
            body=body,
        )
    session = DeskSession.objects.create(
        assessment=assessment,
        tier=tier,
        starts_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
        created_by=reviewer,
    )
    DeskNote.objects.create(
        session=session,
        item_code="A.p.t.1.a",
        note="Wawancara: inovasi sudah berjalan.",
        updated_by=reviewer,
    )
    return assessment


def lhe_url(sheet, tier, suffix: str = "") -> str:
    return f"/assessments/{sheet.pk}/lhe/{tier.pk}/{suffix}"


def issue(client, sheet, tier, **extra):
    data = {
        "name": ["Kanwil Reviewer", "Anggota Tambahan"],
        "nip": [NIP_LEAD, NIP_MEMBER],
        "role": ["lead", "member"],
        "place": "Bandung",
        "issued_on": "2026-12-06",
        **extra,
    }
    return client.post(lhe_url(sheet, tier), data)


def test_the_reviewer_issues_a_numbered_lhe_that_reads_back_as_docx_and_pdf(
    world, client_for, sheet, settings
):
    settings.ZONA_LHE_NUMBER_FORMAT = "LHE-{number:03d}/{agency}/{year}"
    tier = world.tier_kanwil
    client = client_for(world["kanwil_reviewer"])
    page = client.get(lhe_url(sheet, tier))
    assert page.status_code == 200
    # The form offers the reviewer with the NIP of their profile.
    assert NIP_LEAD in page.content.decode()
    response = issue(client, sheet, tier)
    assert response.status_code == 302
    lhe = Lhe.objects.get(assessment=sheet, tier=tier)
    assert lhe.number == "LHE-001/KC/2026"
    assert [s["nip"] for s in lhe.signatories] == [NIP_LEAD, NIP_MEMBER]
    assert AuditEvent.objects.filter(action="lhe.issued", target_id=str(lhe.pk)).exists() or (
        AuditEvent.objects.filter(action="lhe.issued").count() == 1
    )

    stored = {s.key: s for s in StoredScore.objects.filter(assessment=sheet)}
    unit_view, tier_view = stored["unit"], stored[f"tier:{tier.pk}"]
    area = next(k for k, v in tier_view.areas.items() if v["score"] != unit_view.areas[k]["score"])
    mine = Decimal(unit_view.areas[area]["score"]).quantize(Decimal("0.01"))
    theirs = Decimal(tier_view.areas[area]["score"]).quantize(Decimal("0.01"))

    docx = client.get(lhe_url(sheet, tier, "lhe.docx"))
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "LHE-001/KC/2026" in text
    assert NIP_LEAD in text
    assert NIP_MEMBER in text
    for value in (mine, theirs):
        assert str(value).replace(".", ",") in text or str(value) in text
    assert "Bukti sosialisasi belum mencakup seluruh pegawai." in text
    assert "Rencana kerja tidak bertanggal" in text
    assert "Wawancara: inovasi sudah berjalan." in text
    assert "Lengkapi SK tim kerja" in text
    assert "rahasia" not in text  # internal reviewer comments stay out

    pdf = client.get(lhe_url(sheet, tier, "lhe.pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "LHE-001/KC/2026" in text
    assert NIP_LEAD in text
    assert NIP_MEMBER in text
    assert str(theirs).replace(".", ",") in text or str(theirs) in text
    assert "Rencana kerja tidak bertanggal" in text
    assert "rahasia" not in text


def test_numbers_follow_the_agency_sequence_and_the_format_setting(
    world, client_for, sheet, settings
):
    settings.ZONA_LHE_NUMBER_FORMAT = "{number}/LHE/{tier}/{year}"
    DocumentSequence.objects.create(agency=world.agency, year=2026, kind="lhe", last=11)
    tier = world.tier_kanwil
    client = client_for(world["kanwil_reviewer"])
    assert issue(client, sheet, tier).status_code == 302
    lhe = Lhe.objects.get()
    assert (lhe.sequence, lhe.number) == (12, "12/LHE/KANWIL/2026")
    # Saving again changes the signatories, never the number.
    issue(client, sheet, tier, nip=[NIP_LEAD, "123"])
    lhe.refresh_from_db()
    assert lhe.number == "12/LHE/KANWIL/2026"
    assert lhe.signatories[1]["nip"] == "123"
    assert format_number({"number": 3, "agency": "KPM", "year": 2026, "unit": "x", "tier": "t"})


def test_a_missing_or_bad_nip_is_refused_and_changes_nothing(world, client_for, sheet):
    client = client_for(world["kanwil_reviewer"])
    response = issue(client, sheet, world.tier_kanwil, nip=[NIP_LEAD, ""])
    assert response.status_code == 400
    assert "NIP" in response.content.decode()
    response = issue(client, sheet, world.tier_kanwil, nip=[NIP_LEAD, "19900202abc"])
    assert response.status_code == 400
    assert not Lhe.objects.exists()
    assert not DocumentSequence.objects.filter(last__gt=0).exists()


def test_the_unit_reads_the_lhe_but_cannot_issue_it(world, client_for, sheet):
    tier = world.tier_kanwil
    operator = client_for(world["operator"])
    # Before it is issued the unit has nothing to read.
    assert operator.get(lhe_url(sheet, tier)).status_code == 404
    assert issue(operator, sheet, tier).status_code == 404
    assert not Lhe.objects.exists()
    issue(client_for(world["agency_admin"]), sheet, tier)
    assert Lhe.objects.count() == 1
    page = operator.get(lhe_url(sheet, tier))
    assert page.status_code == 200
    assert 'data-testid="lhe-form"' not in page.content.decode()
    assert issue(operator, sheet, tier, place="Ubah").status_code == 404
    assert Lhe.objects.get().place == "Bandung"
    assert operator.get(lhe_url(sheet, tier, "lhe.docx")).status_code == 200
    assert operator.get(lhe_url(sheet, tier, "lhe.pdf")).status_code == 200
    pdf = SimpleUploadedFile("signed.pdf", minimal_pdf(), content_type="application/pdf")
    assert operator.post(lhe_url(sheet, tier, "signed/upload/"), {"file": pdf}).status_code == 404
    # The sheet's documents page lists it for the unit.
    listing = operator.get(f"/assessments/{sheet.pk}/documents/")
    assert listing.status_code == 200
    assert Lhe.objects.get().number in listing.content.decode()


def test_another_units_user_gets_a_404(world, client_for, sheet):
    tier = world.tier_kanwil
    issue(client_for(world["kanwil_reviewer"]), sheet, tier)
    for name in ("other_operator", "outsider"):
        client = client_for(world[name])
        for suffix in ("", "lhe.docx", "lhe.pdf", "signed/"):
            assert client.get(lhe_url(sheet, tier, suffix)).status_code == 404
        assert client.get(f"/assessments/{sheet.pk}/documents/").status_code == 404
        assert client.get(f"/assessments/{sheet.pk}/profile.pdf").status_code == 404
    # A tier that did not review the sheet has no LHE page.
    assert client_for(world["tpi_reviewer"]).get(lhe_url(sheet, world.tier_tpi)).status_code == 404


def minimal_pdf() -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string="<p>Ditandatangani</p>").write_pdf())


def test_the_signed_copy_is_a_pdf_kept_with_its_digest(world, client_for, sheet):
    import hashlib

    tier = world.tier_kanwil
    client = client_for(world["kanwil_reviewer"])
    issue(client, sheet, tier)
    fake = SimpleUploadedFile("signed.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(lhe_url(sheet, tier, "signed/upload/"), {"file": fake})
    assert response.status_code == 400
    docx = SimpleUploadedFile("signed.docx", client.get(lhe_url(sheet, tier, "lhe.docx")).content)
    assert client.post(lhe_url(sheet, tier, "signed/upload/"), {"file": docx}).status_code == 400
    assert not Lhe.objects.get().has_signed_copy
    data = minimal_pdf()
    signed = SimpleUploadedFile("LHE ttd.pdf", data, content_type="application/pdf")
    assert client.post(lhe_url(sheet, tier, "signed/upload/"), {"file": signed}).status_code == 302
    lhe = Lhe.objects.get()
    assert lhe.signed_sha256 == hashlib.sha256(data).hexdigest()
    assert lhe.signed_by == world["kanwil_reviewer"]
    assert AuditEvent.objects.filter(action="lhe.signed_uploaded").count() == 1
    # The unit sees and downloads it.
    operator = client_for(world["operator"])
    assert lhe.signed_sha256 in operator.get(lhe_url(sheet, tier)).content.decode()
    download = operator.get(lhe_url(sheet, tier, "signed/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data


def test_the_unit_profile_pdf_has_the_figures_and_real_charts(world, client_for, sheet):
    response = client_for(world["operator"]).get(f"/assessments/{sheet.pk}/profile.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    effective = StoredScore.objects.get(assessment=sheet, key="effective")
    total = (effective.total_after_deductions or effective.total).quantize(Decimal("0.01"))
    assert str(total).replace(".", ",") in text or str(total) in text
    assert "Satker Bandung" in text
    # The charts are drawn (matplotlib SVG, vector in the PDF): rendered to an image, the
    # first page holds the bars' and radar's blue.
    assert blue_pixels(response.content) > 500


def blue_pixels(pdf: bytes) -> int:
    from PIL import Image

    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) must be installed"
    png = subprocess.run(  # noqa: S603 (a fixed tool on our own bytes)
        [shutil.which("pdftoppm") or "pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # charts.PALETTE[1], #2e75b6, and its lighter radar fill.
    raw = image.tobytes()
    return sum(
        1
        for i in range(0, len(raw), 3)
        if abs(raw[i] - 0x2E) < 40 and abs(raw[i + 1] - 0x75) < 40 and abs(raw[i + 2] - 0xB6) < 40
    )


def test_the_api_lists_the_sheets_lhes_to_its_readers(world, client_for, sheet):
    from zona.assessments.tests.openapi import assert_matches_schema

    tier = world.tier_kanwil
    api = f"/api/v1/assessments/{sheet.pk}/lhe/"
    reviewer = client_for(world["kanwil_reviewer"])
    before = reviewer.get(api)
    assert before.status_code == 200
    assert [(r["tier"], r["number"], r["can_issue"]) for r in before.json()] == [
        (tier.pk, None, True)
    ]
    # Nothing issued: the unit sees no row.
    assert client_for(world["operator"]).get(api).json() == []
    issue(reviewer, sheet, tier)
    response = client_for(world["operator"]).get(api)
    assert_matches_schema("/api/v1/assessments/{id}/lhe/", "get", response)
    (row,) = response.json()
    assert row["number"] == Lhe.objects.get().number
    assert row["can_issue"] is False
    assert [s["nip"] for s in row["signatories"]] == [NIP_LEAD, NIP_MEMBER]
    assert row["pdf"] == lhe_url(sheet, tier, "lhe.pdf")
    for name in ("other_operator", "outsider"):
        assert client_for(world[name]).get(api).status_code == 404
