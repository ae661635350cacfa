"""The proposal package reads back (issue 11 §2): the letter and the SPTJM as DOCX (python-docx)
and PDF (pdftotext) carry the letter number and the units; the LKE opens in openpyxl with the
unit's and the TPI's columns; a draft's package can be generated again (a preview)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from zona.accounts.testing import World
from zona.national.models import DocumentKind, ProposalDocument
from zona.national.services.proposal import proposal_documents_generate, proposal_submit
from zona.national.tests.proposal_fixtures import ProposalWorld, build_proposal_world
from zona.national.tests.test_proposal import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> ProposalWorld:
    return build_proposal_world(world)


def _content(document: ProposalDocument) -> bytes:
    with document.file.open("rb") as f:
        return f.read()


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None
    out = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True)  # noqa: S603
    return out.stdout.decode()


def test_the_package_reads_back(pw: ProposalWorld, tmp_path) -> None:
    import hashlib

    from openpyxl import load_workbook

    proposal = proposal_submit(actor=pw["agency_admin"], proposal=draft(pw))
    docs = {
        (d.kind, d.unit.code if d.unit else None): d
        for d in ProposalDocument.objects.filter(proposal=proposal).select_related("unit")
    }
    for document in docs.values():
        data = _content(document)
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert document.size == len(data)
    letter = _docx_text(_content(docs[(DocumentKind.LETTER_DOCX, None)]))
    assert "B-123/KC/V/2026" in letter
    assert "20 Mei" in letter
    for unit in ("Satker Bandung", "Satker Bogor", "Satker Surabaya"):
        assert unit in letter
    assert "Tim Penilai Nasional" in letter
    sptjm = _docx_text(_content(docs[(DocumentKind.SPTJM_DOCX, None)]))
    assert "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK" in sptjm
    assert "Dr. Siti Rahma" in sptjm
    assert "B-123/KC/V/2026" in sptjm
    letter_pdf = _pdf_text(_content(docs[(DocumentKind.LETTER_PDF, None)]), tmp_path)
    assert "B-123/KC/V/2026" in letter_pdf
    assert "Satker Bandung" in letter_pdf
    sptjm_pdf = _pdf_text(_content(docs[(DocumentKind.SPTJM_PDF, None)]), tmp_path)
    assert "TANGGUNG JAWAB MUTLAK" in sptjm_pdf
    assert "Satker Surabaya" in sptjm_pdf
    wb = load_workbook(io.BytesIO(_content(docs[(DocumentKind.LKE_XLSX, "KC-BDG")])))
    ws = wb["LKE"]
    assert "Satker Bandung" in str(ws.cell(row=1, column=1).value)
    headers = [c.value for c in ws[5]]
    assert headers[0] == "Kode"
    assert [h for h in headers if h and str(h).startswith("TPI:")] == [
        "TPI: jawaban",
        "TPI: nilai",
        "TPI: catatan",
    ]


def test_a_draft_package_is_a_preview_generated_again(pw: ProposalWorld, client_for) -> None:
    proposal = draft(pw, "bandung")
    client = client_for(pw["agency_head"])
    url = f"/agencies/{pw.world.agency.pk}/proposals/{pw.year}/"
    client.post(url, {"action": "generate"})
    first = set(ProposalDocument.objects.filter(proposal=proposal).values_list("pk", flat=True))
    assert len(first) == 5
    proposal_documents_generate(actor=pw["agency_admin"], proposal=proposal)
    second = set(ProposalDocument.objects.filter(proposal=proposal).values_list("pk", flat=True))
    assert len(second) == 5
    assert not first & second
    assert pw.world.new_events().filter(action="proposal.documents_generated").count() == 2
    page = client.get(url).content.decode()
    assert 'data-testid="doc-letter_docx"' in page
