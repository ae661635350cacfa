"""Uploading and attaching through the pages, and the authorised file view."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zona.assessments.models import Evidence, EvidenceLink, EvidenceRevision
from zona.assessments.services import evidence_link, evidence_upload
from zona.assessments.tests.factories import PDF_BYTES, docx_file, pdf_file, png_file


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def test_upload_many_in_the_item_dialog_keeps_the_good_files(client_for, world, assessment):
    client = client_for(world["operator"])
    dialog = client.get(url("item_evidence", assessment.pk, "A.p.m.1.a"))
    assert dialog.status_code == 200
    assert "data-zona-dropzone" in dialog.content.decode()
    bad = SimpleUploadedFile("virus.pdf", b"MZ" + b"\x00" * 64)
    r = client.post(
        url("item_evidence", assessment.pk, "A.p.m.1.a"),
        {
            "action": "upload",
            "files": [pdf_file("sk.pdf"), bad, png_file("foto.png")],
            "effective_date": "2026-01-02",
        },
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "virus.pdf" in body
    assert 'data-testid="upload-refused"' in body
    assert 'id="evidence-A-p-m-1-a" class="zona-evidence" hx-swap-oob="true"' in body
    assert Evidence.objects.count() == 2
    assert set(EvidenceLink.objects.values_list("evidence__title", flat=True)) == {"sk", "foto"}
    assert {str(r.effective_date) for r in EvidenceRevision.objects.all()} == {"2026-01-02"}


def test_a_link_and_a_library_document_can_be_attached(client_for, world, assessment):
    client = client_for(world["operator"])
    r = client.post(
        url("item_evidence", assessment.pk, "A.p.m.1.a"),
        {"action": "url", "url": "https://drive.google.com/abc", "title": "Folder SK"},
    )
    assert r.status_code == 200
    assert "Folder SK" in r.content.decode()
    doc = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file()).evidence
    picker = client.get(
        url("evidence_picker", assessment.pk, "A.p.m.1.b") + "?q=sk"
    ).content.decode()
    assert "sk-tim" in picker
    r = client.post(
        url("item_evidence", assessment.pk, "A.p.m.1.b"), {"action": "link", "evidence": doc.pk}
    )
    assert r.status_code == 200
    assert EvidenceLink.objects.filter(item_code="A.p.m.1.b", evidence=doc).exists()


def test_another_units_document_cannot_be_attached(client_for, world, assessment):
    other = evidence_upload(
        actor=world["other_operator"], unit=world.bogor, file=pdf_file()
    ).evidence
    client = client_for(world["operator"])
    r = client.post(
        url("item_evidence", assessment.pk, "A.p.m.1.a"), {"action": "link", "evidence": other.pk}
    )
    assert r.status_code == 404  # the same answer as for a document that does not exist
    assert not EvidenceLink.objects.exists()


def test_unlink_from_the_card(client_for, world, assessment):
    doc = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file()).evidence
    link = evidence_link(
        actor=world["operator"], assessment=assessment, item_code="A.p.m.1.a", evidence=doc
    )
    client = client_for(world["operator"])
    r = client.post(url("unlink", assessment.pk, link.pk), HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert 'id="evidence-A-p-m-1-a"' in r.content.decode()
    assert "sk-tim" not in r.content.decode()
    link.refresh_from_db()
    assert link.unlinked_at is not None
    assert (
        client_for(world["other_operator"]).post(url("unlink", assessment.pk, link.pk)).status_code
        == 404
    )


def test_files_are_served_only_through_the_authorised_view(client_for, world, assessment):
    revision = evidence_upload(
        actor=world["operator"], unit=world.bandung, file=pdf_file("SK Tim.pdf")
    ).revision
    client = client_for(world["kanwil_reviewer"])
    r = client.get(url("evidence_file", revision.pk))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF_BYTES
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline")
    assert r["X-Content-Type-Options"] == "nosniff"
    download = client.get(url("evidence_file", revision.pk) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    for persona in ("other_operator", "outsider"):
        assert client_for(world[persona]).get(url("evidence_file", revision.pk)).status_code == 404
    # Office files are never shown inline.
    docx = evidence_upload(actor=world["operator"], unit=world.bandung, file=docx_file()).revision
    r = client_for(world["operator"]).get(url("evidence_file", docx.pk))
    assert r["Content-Disposition"].startswith("attachment")
    assert "sandbox" in r["Content-Security-Policy"]


def test_preview_fragment(client_for, world, assessment):
    revision = evidence_upload(
        actor=world["operator"], unit=world.bandung, file=png_file()
    ).revision
    body = client_for(world["operator"]).get(url("evidence_preview", revision.pk)).content.decode()
    assert "<img" in body
    assert url("evidence_file", revision.pk) in body
    docx = evidence_upload(actor=world["operator"], unit=world.bandung, file=docx_file()).revision
    assert client_for(world["operator"]).get(url("evidence_preview", docx.pk)).status_code == 404


def test_library_page_upload_and_link(client_for, world):
    client = client_for(world["operator"])
    page = client.get(url("evidence_library"))
    assert page.status_code == 200
    assert "Satker Bandung" in page.content.decode()
    r = client.post(
        url("evidence_upload"),
        {
            "unit": world.bandung.pk,
            "files": [pdf_file("a.pdf"), SimpleUploadedFile("x.exe", b"MZ" * 10)],
        },
    )
    assert r.status_code == 302
    assert Evidence.objects.count() == 1
    r = client.post(
        url("evidence_add_link"),
        {"unit": world.bandung.pk, "url": "https://example.go.id/doc", "title": "Web"},
    )
    assert Evidence.objects.filter(kind="link").count() == 1
    page = client.get(url("evidence_library") + "?q=Web").content.decode()
    assert "Web" in page
    # Another unit's library is out of reach.
    assert client.get(url("evidence_library") + f"?unit={world.other_satker.pk}").status_code == 404
    assert (
        client.post(
            url("evidence_upload"), {"unit": world.bogor.pk, "files": [pdf_file()]}
        ).status_code
        == 404
    )


def test_evidence_detail_new_version_and_rename(client_for, world):
    doc = evidence_upload(
        actor=world["operator"], unit=world.bandung, file=png_file(color="red")
    ).evidence
    client = client_for(world["operator"])
    assert client.get(url("evidence_detail", doc.pk)).status_code == 200
    client.post(
        url("evidence_detail", doc.pk), {"action": "revision", "file": png_file(color="green")}
    )
    assert doc.revisions.count() == 2
    client.post(url("evidence_detail", doc.pk), {"action": "update", "title": "Foto kegiatan"})
    doc.refresh_from_db()
    assert doc.title == "Foto kegiatan"
    assert (
        client_for(world["viewer"])
        .post(url("evidence_detail", doc.pk), {"action": "update", "title": "x"})
        .status_code
        == 404
    )
    assert client_for(world["outsider"]).get(url("evidence_detail", doc.pk)).status_code == 404
