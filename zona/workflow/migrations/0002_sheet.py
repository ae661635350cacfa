"""The sheet's history moves from the audit log into WorkflowEvent.

Before issue 10 a submission was recorded only as the audit event `assessment.submitted`
(details: from, returned_items, counts, confirmed) and a return as `assessment.returned`
(items, reason, tier code, tier name). Each becomes the WorkflowEvent the engine writes now
(`submit` / `return` of the subject kind "assessment"), with its actor, time, tier (the
code looked up among the sheet's agency's tiers and the national ones), items and reason;
everything else the audit event said stays in `details`, with the audit event's id, so
nothing is lost. The audit events stay as they are. Running it again adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SUBMITTED, RETURNED = "assessment.submitted", "assessment.returned"


def _tier(review_tier: Any, code: str, unit_path: str) -> Any:
    """The tier `code` named for a sheet of the unit at `unit_path`: its agency's own tier
    of that code, else the national one; None when there is none (the name stays)."""
    if not code:
        return None
    found = [
        t
        for t in review_tier.objects.filter(code=code).select_related("agency")
        if t.agency is None or unit_path.startswith(t.agency.path)
    ]
    found.sort(key=lambda t: t.agency_id is None)
    return found[0] if found else None


def carry_sheet_history(apps: Any, schema_editor: Any = None) -> int:
    """Copy every old submission and return into WorkflowEvent; returns how many it added."""
    audit_event = apps.get_model("audit", "AuditEvent")
    assessment = apps.get_model("assessments", "Assessment")
    review_tier = apps.get_model("accounts", "ReviewTier")
    workflow_event = apps.get_model("workflow", "WorkflowEvent")
    done = {
        value
        for value in workflow_event.objects.filter(subject_kind="assessment").values_list(
            "details__audit_event", flat=True
        )
        if value is not None
    }
    rows = audit_event.objects.filter(
        target_type="assessments.assessment", action__in=[SUBMITTED, RETURNED]
    ).order_by("created_at", "id")
    sheets: dict[int, Any] = {}
    added = 0
    for row in rows.iterator():
        if row.pk in done or not str(row.target_id).isdigit():
            continue
        sheet_id = int(row.target_id)
        if sheet_id not in sheets:
            sheets[sheet_id] = assessment.objects.select_related("unit").filter(pk=sheet_id).first()
        sheet = sheets[sheet_id]
        if sheet is None:
            continue  # the sheet is gone: its history went with it
        old = dict(row.details or {})
        details: dict[str, Any] = {"audit_event": row.pk, "actor_repr": row.actor_repr}
        if row.action == SUBMITTED:
            from_state = old.pop("from", "") or "draft"
            action, to_state, items, reason, tier = "submit", "submitted", [], "", None
            details["resubmitted"] = from_state == "returned"
            if from_state == "returned":
                details["returned_items"] = list(old.get("returned_items") or [])
            old.pop("returned_items", None)
        else:
            action, from_state, to_state = "return", "submitted", "returned"
            items = list(old.pop("items", None) or [])
            reason = str(old.pop("reason", "") or "")
            code = str(old.pop("tier", "") or "")
            tier = _tier(review_tier, code, sheet.unit.path)
            if code:
                details["tier_code"] = code
        # Whatever else the audit event said (counts, confirmed, tier_name ...).
        details.update(old)
        workflow_event.objects.create(
            subject_kind="assessment",
            subject_id=sheet_id,
            assessment_id=sheet_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            tier=tier,
            actor_id=row.actor_id,
            items=items,
            reason=reason,
            details=details,
            at=row.created_at,
        )
        added += 1
    return added


def forwards(apps: Any, schema_editor: Any) -> None:
    carry_sheet_history(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("audit", "0001_initial"),
    ]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
