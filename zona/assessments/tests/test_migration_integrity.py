"""0002_integrity: documents get their content digest without breaking on duplicates, and
links of sheets already submitted are pinned to what they show."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0001_initial")]
AFTER = [("assessments", "0002_integrity")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_digests_and_pins():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Unit = apps.get_model("accounts", "Unit")
    Framework = apps.get_model("frameworks", "Framework")
    Period = apps.get_model("assessments", "Period")
    Assessment = apps.get_model("assessments", "Assessment")
    Evidence = apps.get_model("assessments", "Evidence")
    Revision = apps.get_model("assessments", "EvidenceRevision")
    Link = apps.get_model("assessments", "EvidenceLink")
    try:
        unit = Unit.objects.create(
            path="0001", depth=1, code="KX", name="Kantor X", kind="ministry"
        )
        framework = Framework.objects.create(
            key="lke-test",
            version=1,
            title_id="LKE",
            title_en="LKE",
            content_hash="0" * 64,
            document={},
        )
        period = Period.objects.create(
            agency=unit,
            year=2026,
            title="P",
            framework=framework,
            opens_on="2026-01-01",
            closes_on="2026-12-31",
        )
        sheet = Assessment.objects.create(period=period, unit=unit, status="submitted")
        docs = []
        # The same file stored twice (the upload race): only the first keeps the digest.
        for title in ("a", "a again"):
            evidence = Evidence.objects.create(unit=unit, title=title, kind="file")
            revision = Revision.objects.create(
                evidence=evidence, number=1, sha256="f" * 64, effective_date="2026-01-01"
            )
            Evidence.objects.filter(pk=evidence.pk).update(current_revision=revision)
            docs.append((evidence, revision))
        link = Link.objects.create(evidence=docs[0][0], assessment=sheet, item_code="A.p.m.1.a")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Evidence = apps.get_model("assessments", "Evidence")
    Link = apps.get_model("assessments", "EvidenceLink")
    assert Evidence.objects.get(pk=docs[0][0].pk).sha256 == "f" * 64
    assert Evidence.objects.get(pk=docs[1][0].pk).sha256 == ""
    pinned = Link.objects.get(pk=link.pk)
    assert pinned.pinned_revision_id == docs[0][1].pk
    assert pinned.pinned_title == "a"
    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
