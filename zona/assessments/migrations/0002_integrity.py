# Evidence pinned at submission, one document per content in a unit, counts confirmed at
# submission, and the agency's "complete sheets only" setting on a period.
import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    """Documents get the digest of their first file (the first document of a unit keeps it
    when the same content was stored twice); links of submitted sheets are pinned to what
    they show now, the best record there is of what was submitted."""
    Evidence = apps.get_model("assessments", "Evidence")
    EvidenceRevision = apps.get_model("assessments", "EvidenceRevision")
    EvidenceLink = apps.get_model("assessments", "EvidenceLink")
    claimed: set[tuple[int, str]] = set()
    for evidence in Evidence.objects.filter(kind="file").order_by("id").iterator():
        first = (
            EvidenceRevision.objects.filter(evidence_id=evidence.pk)
            .exclude(sha256="")
            .order_by("number")
            .first()
        )
        if first is None or (evidence.unit_id, first.sha256) in claimed:
            continue
        claimed.add((evidence.unit_id, first.sha256))
        Evidence.objects.filter(pk=evidence.pk).update(sha256=first.sha256)
    links = EvidenceLink.objects.filter(
        unlinked_at__isnull=True, assessment__status="submitted", pinned_revision__isnull=True
    ).select_related("evidence", "assessment")
    for link in links.iterator():
        EvidenceLink.objects.filter(pk=link.pk).update(
            pinned_revision_id=link.evidence.current_revision_id,
            pinned_title=link.evidence.title,
            pinned_at=link.assessment.submitted_at,
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="submitted_counts",
            field=models.JSONField(blank=True, default=dict, verbose_name="counts at submission"),
        ),
        migrations.AddField(
            model_name="evidence",
            name="sha256",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="SHA-256"),
        ),
        migrations.AddField(
            model_name="evidencelink",
            name="pinned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="pinned at"),
        ),
        migrations.AddField(
            model_name="evidencelink",
            name="pinned_revision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="assessments.evidencerevision",
                verbose_name="revision at submission",
            ),
        ),
        migrations.AddField(
            model_name="evidencelink",
            name="pinned_title",
            field=models.CharField(blank=True, max_length=255, verbose_name="title at submission"),
        ),
        migrations.AddField(
            model_name="period",
            name="require_complete",
            field=models.BooleanField(
                default=False,
                help_text="A sheet can only be submitted when every item is answered and has "
                "evidence.",
                verbose_name="require complete sheets",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                condition=models.Q(("sha256", ""), _negated=True),
                fields=("unit", "sha256"),
                name="assessments_evidence_unique_content",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
