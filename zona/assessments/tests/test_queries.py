"""The worksheet page and its API issue a fixed number of queries.

Measured with the real PermenPAN-RB 90/2021 framework, three answer layers and 300
evidence files, and compared with a tiny sheet: the counts must be equal.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zona.assessments.models import (
    Answer,
    AnswerLayer,
    AssessmentStatus,
    Evidence,
    EvidenceLink,
    EvidenceRevision,
)
from zona.assessments.sheet import sheet_spec
from zona.assessments.tests.factories import REAL, load_mini, make_assessment, make_period
from zona.frameworks.services import framework_load_file


def fill(assessment, world, *, files: int, layers) -> None:
    """Answer every item in every layer and attach `files` documents, without the services
    (this test is about reads; the services are tested elsewhere)."""
    spec = sheet_spec(assessment.period.framework)
    user = world["operator"]
    for tier in layers:
        layer, _ = AnswerLayer.objects.get_or_create(assessment=assessment, tier=tier)
        rows = []
        for code, item in spec.items.items():
            value: object
            if item.is_choice:
                value = item.option_keys[1 if tier else 0]
            elif item.answer_type == "PCT":
                value = dict.fromkeys(item.required_counts, 3)
            else:
                value = "3.5"
            rows.append(
                Answer(
                    layer=layer,
                    item_code=code,
                    value=value,
                    note="catatan " * 5,
                    revision=1,
                    updated_by=user,
                )
            )
        Answer.objects.bulk_create(rows)
    codes = list(spec.items)
    evidence = Evidence.objects.bulk_create(
        Evidence(unit=assessment.unit, title=f"Dokumen {n}", kind="file", created_by=user)
        for n in range(files)
    )
    revisions = EvidenceRevision.objects.bulk_create(
        EvidenceRevision(
            evidence=doc,
            number=1,
            original_name=f"dok-{n}.pdf",
            sha256=f"{n:064x}",
            size=1000 + n,
            content_type="application/pdf",
            effective_date=dt.date(2026, 1, 1),
            expires_on=dt.date(2025, 1, 1) if n % 10 == 0 else None,
            uploaded_by=user,
        )
        for n, doc in enumerate(evidence)
    )
    for doc, revision in zip(evidence, revisions, strict=True):
        doc.current_revision = revision
    Evidence.objects.bulk_update(evidence, ["current_revision"])
    EvidenceLink.objects.bulk_create(
        EvidenceLink(
            evidence=doc, assessment=assessment, item_code=codes[n % len(codes)], linked_by=user
        )
        for n, doc in enumerate(evidence)
    )


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


# The same ABC item and Hasil part in both frameworks, each under its own codes.
ITEM = {"permenpan-rb-90-2021": "A.I.1.i.b", "mini-lke": "A.p.m.1.b"}
HASIL = {"permenpan-rb-90-2021": "B.I", "mini-lke": "B.1"}

PATHS = [
    ("assessments:worksheet", ""),
    ("assessments:worksheet", "?s=all"),
    ("assessments:worksheet", "?s={hasil}"),
    ("workflow:sheet_submit", ""),
    ("workflow:review", ""),
    ("workflow:review", "?s=all"),
    ("workflow:review", "?s={hasil}"),
    ("workflow:sheet_return", ""),
]
API_PATHS = ["", "answers/", "answers/?layer=tpi", "scores/", "layers/"]


def measure(client, assessment) -> list[int]:
    hasil = HASIL[assessment.period.framework.key]
    counts = [
        count_queries(client, reverse(name, args=[assessment.pk]) + query.format(hasil=hasil))
        for name, query in PATHS
    ]
    counts += [
        count_queries(client, f"/api/v1/assessments/{assessment.pk}/{tail}") for tail in API_PATHS
    ]
    return counts


@pytest.mark.django_db
def test_query_count_does_not_grow_with_items_layers_and_files(world, client_for):
    real = framework_load_file(path=REAL).framework
    big = make_assessment(make_period(world.agency, real, title="besar"), world.bandung)
    fill(big, world, files=300, layers=[None, world.tier_kanwil, world.tier_tpi])
    assert len(sheet_spec(real).items) >= 110
    assert EvidenceLink.objects.filter(assessment=big).count() == 300

    small = make_assessment(make_period(world.agency, load_mini(), title="kecil"), world.bogor)
    fill(small, world, files=1, layers=[None])
    # The small sheet has an empty reviewer layer, so ?layer=tpi takes the same path.
    AnswerLayer.objects.create(assessment=small, tier=world.tier_tpi)

    for status in (AssessmentStatus.SUBMITTED, AssessmentStatus.DRAFT):
        for sheet in (big, small):
            sheet.status = status
            sheet.save(update_fields=["status"])
        big_counts = measure(client_for(world["tpi_reviewer"]), big)
        small_counts = measure(client_for(world["tpi_reviewer"]), small)
        assert big_counts == small_counts, f"{status}: {big_counts} != {small_counts}"
        # And the numbers themselves stay small.
        # (about 6 of them ask the surveys app for the IPAK and IPKP indices and SKM rounds;
        # the review page adds its chain, its history and each workflow part's panels:
        # comments, desk evaluation, assistance ..., a fixed few queries each; one finds the
        # agency the reviewer's menu links to, one the koefisien on the effective score)
        assert max(big_counts) <= 42, big_counts


@pytest.mark.django_db
def test_saving_one_answer_costs_the_same_on_a_full_sheet(world, client_for):
    real = framework_load_file(path=REAL).framework
    big = make_assessment(make_period(world.agency, real, title="besar"), world.bandung)
    fill(big, world, files=300, layers=[None])
    small = make_assessment(make_period(world.agency, load_mini(), title="kecil"), world.bogor)
    fill(small, world, files=1, layers=[None])
    counts = []
    for sheet, who in ((big, "operator"), (small, "other_operator")):
        client = client_for(world[who])
        item = ITEM[sheet.period.framework.key]
        path = reverse("assessments:item", args=[sheet.pk, item])
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(path, {"value": "C", "note": "baru", "revision": 1})
        assert response.status_code == 200, response.content
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_saving_in_a_reviewer_layer_costs_the_same_on_a_full_sheet(world, client_for):
    real = framework_load_file(path=REAL).framework
    big = make_assessment(make_period(world.agency, real, title="besar"), world.bandung)
    fill(big, world, files=300, layers=[None, world.tier_kanwil, world.tier_tpi])
    small = make_assessment(make_period(world.agency, load_mini(), title="kecil"), world.bogor)
    fill(small, world, files=1, layers=[None, world.tier_tpi])
    counts = []
    for sheet in (big, small):
        sheet.status = AssessmentStatus.SUBMITTED
        sheet.save(update_fields=["status"])
        client = client_for(world["tpi_reviewer"])
        item = ITEM[sheet.period.framework.key]
        path = reverse("workflow:review_item", args=[sheet.pk, "tpi", item])
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(path, {"value": "C", "note": "tpi", "revision": 1})
        assert response.status_code == 200, response.content
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
