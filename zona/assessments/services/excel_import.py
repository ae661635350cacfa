"""Importing answers and notes from an exported worksheet file: all rows or none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.models import User
from zona.assessments.access import sheet_rights, unit_item_lock_reason
from zona.assessments.excel import NotAWorkbook, ParsedRow, read_workbook
from zona.assessments.models import Answer, AnswerSource, Assessment
from zona.assessments.services._common import invalid
from zona.assessments.services.answers import (
    NOTE_MAX_CHARS,
    apply_answer,
    layer_for,
    lock_assessment,
)
from zona.assessments.sheet import (
    AnswerInvalid,
    ItemSpec,
    display_value,
    parse_value,
    same_value,
    sheet_spec,
)
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, ValidationFailed

MAX_IMPORT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Imported:
    changed: list[str]


def answers_import(*, actor: User, assessment: Assessment, data: bytes) -> Imported:
    """Apply the answers and notes of an exported file to the unit layer.

    Every row is checked first; if any row is wrong (a bad answer, an item the person may
    not change, an item someone changed in Zona since the export) nothing is applied and
    every problem is listed with its row and code. Unchanged rows are left alone, so
    importing an untouched export changes nothing.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise invalid(_("The file is too large for a worksheet (at most 10 MB)."))
    spec = sheet_spec(assessment.period.framework)
    try:
        parsed = read_workbook(data, set(spec.nodes), set(spec.items))
    except NotAWorkbook:
        raise invalid(
            _(
                "This is not an Excel workbook (.xlsx). Export the worksheet, fill it and "
                "import that file."
            ),
            code="not_xlsx",
        ) from None
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
        for code, row in parsed.items.items():
            item = spec.items[code]
            try:
                value = _value(item, row)
            except _RowProblem as exc:
                problems.append(Problem("invalid_answer", exc.message, field=code, row=exc.row))
                continue
            note = row.note.replace("\r\n", "\n")
            if len(note) > NOTE_MAX_CHARS:
                problems.append(
                    Problem("invalid_note", _("the note is too long"), field=code, row=row.row)
                )
                continue
            answer = answers.get(code)
            old_value = answer.value if answer else None
            old_note = answer.note if answer else ""
            if same_value(old_value, value) and old_note == note:
                continue
            survey = bool(
                answer and answer.source == AnswerSource.SURVEY and answer.value is not None
            )
            reason = unit_item_lock_reason(rights, locked, item, survey_filled=survey)
            if reason:
                problems.append(Problem("locked", reason, field=code, row=row.row))
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
                        % {"name": who, "value": display_value(item, old_value) or "—"},
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
            audit_record(
                actor=actor,
                action="assessment.imported",
                target=locked,
                unit=locked.unit,
                details={"items": [item.code for item, *_rest in plan]},
            )
    return Imported(changed=[item.code for item, *_rest in plan])


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
