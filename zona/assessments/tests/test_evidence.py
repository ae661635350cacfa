"""The evidence library: content checks, immutable revisions, links with history."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from zona.assessments.models import (
    AnswerChange,
    AppendOnlyError,
    Evidence,
    EvidenceLink,
    EvidenceRevision,
)
from zona.assessments.selectors import load_sheet_state
from zona.assessments.services import (
    evidence_add_link,
    evidence_add_revision,
    evidence_link,
    evidence_unlink,
    evidence_update,
    evidence_upload,
)
from zona.assessments.tests.factories import (
    PDF_BYTES,
    docx_file,
    pdf_file,
    png_file,
    xlsx_file,
)
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow.services.sheet import sheet_submit


def upload(world, file, who="operator", **kw):
    return evidence_upload(actor=world[who], unit=world.bandung, file=file, **kw)


def test_an_upload_is_an_immutable_revision_with_its_digest(world):
    result = upload(world, pdf_file("SK Tim ZI.pdf"))
    revision = result.revision
    assert not result.duplicate
    assert result.evidence.title == "SK Tim ZI"
    assert revision.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert revision.size == len(PDF_BYTES)
    assert revision.content_type == "application/pdf"
    assert revision.uploaded_by == world["operator"]
    assert revision.file.name.startswith(f"evidence/{world.bandung.pk}/")
    with default_storage.open(revision.file.name) as fh:
        assert fh.read() == PDF_BYTES
    revision.number = 5
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        revision.delete()
    # Bulk writes would skip the model's guard; the queryset refuses them too.
    same = type(revision).objects.filter(pk=revision.pk)
    with pytest.raises(AppendOnlyError):
        same.update(number=5)
    with pytest.raises(AppendOnlyError):
        same.delete()
    revision.refresh_from_db()
    assert revision.number == 1


@pytest.mark.parametrize("factory", [png_file, docx_file, xlsx_file])
def test_common_office_and_image_files_are_accepted(world, factory):
    assert upload(world, factory()).revision.size > 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 100, "type_not_allowed"),
        ("laporan.pdf", b"MZ\x90\x00" + b"\x00" * 100, "content_mismatch"),
        ("foto.jpg", PDF_BYTES, "content_mismatch"),
        ("halaman.html", b"<html><script>alert(1)</script></html>", "type_not_allowed"),
        ("notulen.docx", b"PK\x03\x04" + b"\x00" * 40, "content_mismatch"),
        ("kosong.pdf", b"", "empty"),
        ("data.csv", b"a,b\x00c", "content_mismatch"),
    ],
)
def test_files_are_checked_on_their_content(world, name, content, code):
    with pytest.raises(ValidationFailed) as exc:
        upload(world, SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert exc.value.problems[0].code == code
    assert name in exc.value.problems[0].message or code == "empty"
    assert not Evidence.objects.exists()
    assert not EvidenceRevision.objects.exists()


@override_settings(ZONA_EVIDENCE_MAX_BYTES=100)
def test_the_size_limit_is_enforced_with_a_clear_message(world):
    with pytest.raises(ValidationFailed) as exc:
        upload(world, pdf_file(extra=b"x" * 200))
    assert exc.value.problems[0].code == "too_large"
    assert "100" in exc.value.message
    assert not Evidence.objects.exists()


def test_a_text_file_is_accepted(world):
    result = upload(world, SimpleUploadedFile("daftar.csv", b"nama,nip\nAni,1\n"))
    assert result.revision.content_type == "text/csv"


def test_the_same_content_is_stored_once(world):
    first = upload(world, pdf_file("a.pdf"))
    second = upload(world, pdf_file("b.pdf"))
    assert second.duplicate
    assert second.evidence == first.evidence
    assert EvidenceRevision.objects.count() == 1


def test_new_revisions_keep_the_old_ones(world):
    doc = upload(world, png_file(color="red")).evidence
    with pytest.raises(ValidationFailed):
        evidence_add_revision(actor=world["operator"], evidence=doc, file=png_file(color="red"))
    revision = evidence_add_revision(
        actor=world["operator"], evidence=doc, file=png_file(color="blue")
    )
    doc.refresh_from_db()
    assert revision.number == 2
    assert doc.current_revision == revision
    assert doc.revisions.count() == 2


def test_links_are_marked_as_links_and_checked(world):
    doc = evidence_add_link(
        actor=world["operator"],
        unit=world.bandung,
        url="https://drive.google.com/x",
        title="Folder",
    )
    assert doc.kind == "link"
    assert doc.current_revision is not None
    assert doc.current_revision.url == "https://drive.google.com/x"
    for bad in ("javascript:alert(1)", "drive", "ftp://x.y/z"):
        with pytest.raises(ValidationFailed):
            evidence_add_link(actor=world["operator"], unit=world.bandung, url=bad, title="x")


def test_expiry_before_effective_date_is_refused(world):
    import datetime as dt

    with pytest.raises(ValidationFailed):
        upload(
            world, pdf_file(), effective_date=dt.date(2026, 5, 1), expires_on=dt.date(2026, 4, 1)
        )


@pytest.mark.parametrize("persona", ["viewer", "other_operator", "outsider", "kanwil_reviewer"])
def test_only_the_unit_edits_its_library(world, persona):
    with pytest.raises(PermissionDenied):
        upload(world, pdf_file(), who=persona)


def test_link_and_unlink_keep_history(world, assessment):
    doc = upload(world, pdf_file()).evidence
    link = evidence_link(
        actor=world["operator"], assessment=assessment, item_code="A.p.m.1.a", evidence=doc
    )
    again = evidence_link(
        actor=world["operator"], assessment=assessment, item_code="A.p.m.1.a", evidence=doc
    )
    assert again == link
    evidence_link(
        actor=world["operator"], assessment=assessment, item_code="A.p.t.1.a", evidence=doc
    )
    state = load_sheet_state(assessment)
    assert [r.title for r in state.links["A.p.m.1.a"]] == [doc.title]
    assert set(state.links) == {"A.p.m.1.a", "A.p.t.1.a"}
    evidence_unlink(actor=world["operator"], assessment=assessment, link_id=link.pk)
    state = load_sheet_state(assessment)
    assert "A.p.m.1.a" not in state.links
    link.refresh_from_db()
    assert link.unlinked_by == world["operator"]
    assert link.unlinked_at
    history = AnswerChange.objects.filter(item_code="A.p.m.1.a", field="evidence").order_by("id")
    assert [(h.before is None, h.after is None) for h in history] == [(True, False), (False, True)]


def test_working_group_links_only_in_their_areas(world, assessment):
    doc = upload(world, pdf_file(), who="wg_member").evidence
    evidence_link(
        actor=world["wg_member"], assessment=assessment, item_code="A.p.t.1.a", evidence=doc
    )
    with pytest.raises(PermissionDenied):
        evidence_link(
            actor=world["wg_member"], assessment=assessment, item_code="B.1.a", evidence=doc
        )


def test_evidence_of_another_unit_cannot_be_linked(world, assessment):
    other = evidence_upload(
        actor=world["other_operator"], unit=world.bogor, file=pdf_file()
    ).evidence
    with pytest.raises(ValidationFailed):
        evidence_link(
            actor=world["operator"], assessment=assessment, item_code="A.p.m.1.a", evidence=other
        )


def test_a_submitted_sheet_takes_no_new_links(world, assessment):
    doc = upload(world, pdf_file()).evidence
    link = evidence_link(
        actor=world["operator"], assessment=assessment, item_code="A.p.m.1.a", evidence=doc
    )
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    with pytest.raises(StateError):
        evidence_link(
            actor=world["operator"], assessment=assessment, item_code="A.p.m.1.b", evidence=doc
        )
    with pytest.raises(StateError):
        evidence_unlink(actor=world["operator"], assessment=assessment, link_id=link.pk)
    assert EvidenceLink.objects.filter(unlinked_at__isnull=True).count() == 1


def test_archive_and_rename(world):
    doc = upload(world, pdf_file()).evidence
    evidence_update(actor=world["operator"], evidence=doc, title="SK 2026", archived=True)
    doc.refresh_from_db()
    assert doc.title == "SK 2026"
    assert doc.archived
    with pytest.raises(ValidationFailed):
        evidence_update(actor=world["operator"], evidence=doc, title="")
