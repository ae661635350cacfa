"""What a reviewer sees is what the unit submitted: evidence is pinned at submission."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from zona.assessments.models import Evidence, EvidenceLink, EvidenceRevision
from zona.assessments.services import (
    evidence_add_revision,
    evidence_link,
    evidence_update,
    evidence_upload,
)
from zona.assessments.tests.factories import pdf_file
from zona.core.errors import PermissionDenied
from zona.workflow.services.sheet import sheet_return, sheet_submit


def _attach(world, assessment, code="A.p.m.1.a", name="sk.pdf", extra=b""):
    uploaded = evidence_upload(
        actor=world["operator"], unit=world.bandung, file=pdf_file(name, extra=extra)
    )
    evidence_link(
        actor=world["operator"], assessment=assessment, item_code=code, evidence=uploaded.evidence
    )
    return uploaded.evidence, uploaded.revision


def _card(html: str, slug: str) -> str:
    return html.split(f'id="item-{slug}"')[1].split("</form>")[0]


def test_reviewers_see_the_revision_and_title_that_were_submitted(client_for, world, assessment):
    evidence, first = _attach(world, assessment)
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    # After submission the unit replaces the file, renames and archives the document.
    newer = evidence_add_revision(
        actor=world["operator"], evidence=evidence, file=pdf_file("sk-baru.pdf", extra=b"v2")
    )
    evidence_update(actor=world["operator"], evidence=evidence, title="SK palsu", archived=True)

    reviewer = client_for(world["tpi_reviewer"])
    html = reviewer.get(reverse("workflow:review", args=[assessment.pk]) + "?s=A.p.m")
    card = _card(html.content.decode(), "A-p-m-1-a")
    assert reverse("assessments:evidence_file", args=[first.pk]) in card
    assert reverse("assessments:evidence_file", args=[newer.pk]) not in card
    assert ">sk<" in card
    assert "SK palsu" in card.split('data-testid="changed-after-submission"')[1]
    assert 'data-testid="changed-after-submission"' in card
    # The API says the same.
    links = reviewer.get(f"/api/v1/assessments/{assessment.pk}/evidence-links/").json()
    assert links[0]["revision"] == first.pk
    assert links[0]["title"] == "sk"
    assert links[0]["changed_after_submission"] is True


def test_a_change_enters_the_sheet_only_at_resubmission_after_a_return(world, assessment):
    evidence, first = _attach(world, assessment)
    other, other_first = _attach(world, assessment, code="A.p.t.1.a", name="b.pdf", extra=b"b")
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    newer = evidence_add_revision(
        actor=world["operator"], evidence=evidence, file=pdf_file(extra=b"v2")
    )
    other_newer = evidence_add_revision(
        actor=world["operator"], evidence=other, file=pdf_file(extra=b"b2")
    )
    sheet_return(
        actor=world["tpi_reviewer"], assessment=assessment, items=["A.p.m.1.a"], reason="SK"
    )
    link = EvidenceLink.objects.get(item_code="A.p.m.1.a")
    assert link.pinned_revision_id == first.pk
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    link.refresh_from_db()
    assert link.pinned_revision_id == newer.pk
    # A.p.t.1.a was not returned: it stays as first submitted.
    kept = EvidenceLink.objects.get(item_code="A.p.t.1.a")
    assert kept.pinned_revision_id == other_first.pk != other_newer.pk


def test_a_member_cannot_replace_a_document_of_another_members_area(world, assessment):
    # B.1.a is area B; the working-group member holds areas 1 and 2.
    evidence, first = _attach(world, assessment, code="B.1.a")
    with pytest.raises(PermissionDenied):
        evidence_add_revision(
            actor=world["wg_member"], evidence=evidence, file=pdf_file(extra=b"v2")
        )
    with pytest.raises(PermissionDenied):
        evidence_update(actor=world["wg_member"], evidence=evidence, title="x", archived=True)
    evidence.refresh_from_db()
    assert evidence.current_revision_id == first.pk
    assert not evidence.archived
    # Her own area's document she may revise.
    own, _first = _attach(world, assessment, code="A.p.m.1.a", name="own.pdf", extra=b"own")
    evidence_add_revision(actor=world["wg_member"], evidence=own, file=pdf_file(extra=b"own2"))


def test_the_page_refuses_a_member_outside_the_area(client_for, world, assessment):
    evidence, first = _attach(world, assessment, code="B.1.a")
    client_for(world["wg_member"]).post(
        reverse("assessments:evidence_detail", args=[evidence.pk]),
        {"action": "revision", "file": pdf_file(extra=b"v2")},
    )
    evidence.refresh_from_db()
    assert evidence.current_revision_id == first.pk


@pytest.mark.django_db(transaction=True)
def test_parallel_uploads_of_one_file_make_one_document():
    from zona.accounts.testing import build_world

    world = build_world()
    start = threading.Barrier(8)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            start.wait()
            result = evidence_upload(
                actor=world["operator"], unit=world.bandung, file=pdf_file("sama.pdf")
            )
            with lock:
                results.append(result)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Evidence.objects.count() == 1
    assert EvidenceRevision.objects.count() == 1
    assert len({r.evidence.pk for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1


def test_an_upload_that_passed_the_first_check_meets_the_unique_content(world, monkeypatch):
    """The race above made deterministic: the check finds nothing, the constraint holds."""
    first = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file())
    calls = {"n": 0}
    from zona.assessments.services import evidence as module

    real = module._same_content

    def missing_once(unit, sha256):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(unit, sha256)

    monkeypatch.setattr(module, "_same_content", missing_once)
    second = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file())
    assert second.duplicate
    assert second.evidence.pk == first.evidence.pk
    assert Evidence.objects.count() == 1


def test_a_long_file_name_is_shortened_not_refused(world):
    name = "Laporan " + "sangat panjang " * 20 + ".pdf"
    result = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file(name))
    stored = result.revision.original_name
    assert len(stored) <= 150
    assert stored.endswith(".pdf")
    assert result.revision.content_type == "application/pdf"


def test_the_document_page_says_which_version_a_sheet_was_submitted_with(
    client_for, world, assessment
):
    evidence, _first = _attach(world, assessment)
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    evidence_add_revision(actor=world["operator"], evidence=evidence, file=pdf_file(extra=b"v2"))
    link = EvidenceLink.objects.get(evidence=evidence)
    html = (
        client_for(world["operator"])
        .get(reverse("assessments:evidence_detail", args=[evidence.pk]))
        .content.decode()
    )
    pinned = html.split(f'data-testid="pinned-{link.pk}"')[1].split("</span>")[0]
    assert "v1" in pinned
    assert "v2" not in pinned
    other = client_for(world["other_operator"])
    assert other.get(reverse("assessments:evidence_detail", args=[evidence.pk])).status_code == 404
