"""Importing answers and notes from an exported worksheet file: all changed rows or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.models import User
from zona.assessments.access import sheet_rights, unit_item_lock_reason
from zona.assessments.excel import ParsedRow, read_workbook
from zona.assessments.models import Answer, Assessment, ImportJob, ImportJobStatus
from zona.assessments.services._common import invalid
from zona.assessments.services.answers import (
    NOTE_MAX_CHARS,
    apply_answer,
    layer_for,
    lock_assessment,
)
from zona.assessments.services.scores import scores_refresh
from zona.assessments.sheet import (
    AnswerInvalid,
    ItemSpec,
    display_value,
    parse_value,
    same_value,
    sheet_spec,
    text,
)
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, ValidationFailed, ZonaError
from zona.core.spreadsheets import SheetLimits, clean_text

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Imported:
    changed: list[str]


def import_limits() -> SheetLimits:
    return SheetLimits.from_settings()


def answers_import(
    *,
    actor: User,
    assessment: Assessment,
    data: bytes,
    progress: Progress | None = None,
) -> Imported:
    """Apply the answers and notes of an exported file to the unit layer.

    Only rows the person changed in the file count: a row that reads as it was exported is
    left alone, even if Zona changed since (another member's item, a survey index that came
    in later). Every changed row is checked first; if any is wrong (a bad answer, an item
    the person may not change, an item someone changed in Zona since the export) nothing is
    applied and every problem is listed with its row and code.

    `progress(stage, done, total)` hears how far the reading is ("reading", rows read, rows
    the sheet claims) and when checking and saving start ("applying"). It is called outside
    the transaction, so a background job can show it while the import runs.
    """
    spec = sheet_spec(assessment.period.framework)
    parsed = read_workbook(
        data,
        set(spec.nodes),
        set(spec.items),
        import_limits(),
        progress=(lambda done, total: progress("reading", done, total)) if progress else None,
    )
    if parsed.assessment_id is not None and parsed.assessment_id != assessment.pk:
        raise invalid(
            _(
                "This file was exported from another unit or period. Export this sheet and "
                "use that file."
            ),
            code="other_assessment",
        )
    if parsed.framework and (parsed.framework, parsed.version) != (
        spec.compiled.key,
        spec.compiled.version,
    ):
        raise invalid(
            _("This file belongs to another version of the LKE (%(key)s v%(version)s).")
            % {"key": parsed.framework, "version": parsed.version},
            code="other_framework",
        )
    problems = [
        Problem("unreadable", message, field=code, row=row)
        for row, code, message in parsed.problems
    ]
    if progress is not None:
        progress("applying", len(parsed.items), len(parsed.items))
    with transaction.atomic():
        locked = lock_assessment(assessment)
        rights = sheet_rights(actor, locked)
        if not rights.can_edit:
            raise PermissionDenied(_("You can view this sheet but not change it."))
        layer = layer_for(locked, None)
        answers = {
            a.item_code: a
            for a in Answer.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(layer=layer)
        }
        plan: list[tuple[ItemSpec, Answer | None, Any, str]] = []
        rows = [row for row in parsed.items.values() if row.touched is not False]
        for row in rows:
            code = row.code
            item = spec.items[code]
            try:
                value = _value(item, row)
            except _RowProblem as exc:
                problems.append(Problem("invalid_answer", exc.message, field=code, row=exc.row))
                continue
            answer = answers.get(code)
            old_value = answer.value if answer else None
            old_note = answer.note if answer else ""
            note = clean_text(row.note)
            # The file holds the note as a spreadsheet can (Windows or Word line breaks
            # become plain ones): reading it back as exported is no change.
            if note == clean_text(old_note):
                note = old_note
            if len(note) > NOTE_MAX_CHARS:
                problems.append(
                    Problem("invalid_note", _("the note is too long"), field=code, row=row.row)
                )
                continue
            if same_value(old_value, value) and old_note == note:
                continue
            reason = unit_item_lock_reason(rights, locked, item)
            if reason:
                problems.append(Problem("locked", str(reason), field=code, row=row.row))
                continue
            current = answer.revision if answer else 0
            if (row.revision or 0) != current and answer is not None:
                who = answer.updated_by.display_name if answer.updated_by else "—"
                problems.append(
                    Problem(
                        "conflict",
                        _(
                            "%(name)s changed this item in Zona after the file was exported "
                            "(now: %(value)s). Export again, or change it on the worksheet."
                        )
                        % {"name": who, "value": _shown(item, old_value) or "—"},
                        field=code,
                        row=row.row,
                    )
                )
                continue
            plan.append((item, answer, value, note))
        if problems:
            problems.sort(key=lambda p: (p.row or 0, p.field))
            raise ValidationFailed(
                _("Nothing was imported: correct the rows listed and import the file again."),
                problems=problems,
            )
        for item, answer, value, note in plan:
            apply_answer(
                actor=actor,
                assessment=locked,
                layer=layer,
                item=item,
                answer=answer,
                value=value,
                note=note,
                revision=None,
                via="import",
            )
        if plan:
            scores_refresh(locked)
            audit_record(
                actor=actor,
                action="assessment.imported",
                target=locked,
                unit=locked.unit,
                details={"items": [item.code for item, *_rest in plan]},
            )
    return Imported(changed=[item.code for item, *_rest in plan])


def _shown(item: ItemSpec, value: Any) -> str:
    if item.answer_type == "PCT" and isinstance(value, dict):
        labels = {c.key: text(c.label) for c in item.counts}
        return "; ".join(f"{labels.get(k, k)}: {v}" for k, v in value.items())
    return display_value(item, value)


class _RowProblem(Exception):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


def _value(item: ItemSpec, row: ParsedRow) -> Any:
    if item.answer_type != "PCT":
        if row.counts:
            first = min(r for r, _v in row.counts.values())
            raise _RowProblem(first, _("this item takes no counts"))
        try:
            return parse_value(item, row.answer)
        except AnswerInvalid as exc:
            raise _RowProblem(row.row, exc.message) from None
    known = {c.key for c in item.counts}
    for key, (count_row, _v) in row.counts.items():
        if key not in known:
            raise _RowProblem(count_row, _("“%(key)s” is not a count of this item") % {"key": key})
    raw = {key: value for key, (_r, value) in row.counts.items()}
    try:
        return parse_value(item, raw)
    except AnswerInvalid as exc:
        where = row.counts.get(exc.field, (row.row, None))[0]
        raise _RowProblem(where, exc.message) from None


# --- large files: in the background ----------------------------------------------------------


def import_job_create(
    *, actor: User, assessment: Assessment, data: bytes, file_name: str
) -> ImportJob:
    """Queue a large import for the worker; its page shows progress and the outcome.

    The person's rights are checked now (so nobody queues work they may not do) and again
    when the worker applies the file.
    """
    limits = import_limits()
    if len(data) > limits.max_bytes:
        raise invalid(
            _("The file is too large (at most %(mb)d MB).")
            % {"mb": limits.max_bytes // (1024 * 1024)},
            code="too_large",
        )
    if not sheet_rights(actor, assessment).can_edit:
        raise PermissionDenied(_("You can view this sheet but not change it."))
    from zona.assessments.tasks import excel_import_run

    with transaction.atomic():
        job = ImportJob.objects.create(
            assessment=assessment, created_by=actor, file_name=file_name[:255], data=data
        )
        audit_record(
            actor=actor,
            action="assessment.import_queued",
            target=assessment,
            unit=assessment.unit,
            details={"job": job.pk, "file": job.file_name, "bytes": len(data)},
        )
        # The database backend stores the task in this transaction: the worker sees the
        # job and its task together, or neither.
        excel_import_run.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> None:
    """Apply a queued import (the worker calls this); records the outcome on the job."""
    job = (
        ImportJob.objects.select_related("assessment__period__framework", "assessment__unit")
        .select_related("created_by")
        .get(pk=job_id)
    )
    if job.finished:
        return
    jobs = ImportJob.objects.filter(pk=job.pk)

    def progress(stage: str, done: int, total: int) -> None:
        jobs.update(status=stage, rows_done=done, rows_total=total)

    outcome: dict[str, Any] = {"finished_at": timezone.now(), "data": b""}
    try:
        result = answers_import(
            actor=job.created_by,
            assessment=job.assessment,
            data=bytes(job.data),
            progress=progress,
        )
    except ZonaError as exc:
        outcome.update(
            status=ImportJobStatus.FAILED,
            message=exc.message,
            problems=[p.as_dict() for p in exc.problems],
        )
    except Exception:
        jobs.update(
            status=ImportJobStatus.FAILED,
            message=_("The import stopped on an unexpected error; nothing was changed."),
            finished_at=timezone.now(),
            data=b"",
        )
        raise
    else:
        outcome.update(status=ImportJobStatus.DONE, changed=result.changed)
    jobs.update(**outcome)
