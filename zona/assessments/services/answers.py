"""Saving answers and notes, one item at a time, with optimistic concurrency and history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zona.accounts.models import ReviewTier, User
from zona.assessments.access import (
    SheetRights,
    review_lock_reason,
    reviewer_tier,
    sheet_rights,
    unit_item_lock_reason,
)
from zona.assessments.models import (
    Answer,
    AnswerChange,
    AnswerLayer,
    AnswerSource,
    Assessment,
    ChangeField,
)
from zona.assessments.ports import review_gate
from zona.assessments.services._common import invalid
from zona.assessments.services.scores import scores_refresh
from zona.assessments.sheet import AnswerInvalid, ItemSpec, parse_value, same_value, sheet_spec
from zona.audit.services import audit_record
from zona.core.errors import (
    Conflict,
    ConflictInfo,
    PermissionDenied,
    StateError,
    ValidationFailed,
)

NOTE_MAX_CHARS = 20_000


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class Saved:
    item_code: str
    revision: int
    changed: tuple[str, ...]
    answer: Answer | None


def lock_assessment(assessment: Assessment) -> Assessment:
    """Re-read the assessment under a row lock: saves and submission of one sheet serialise."""
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("period", "period__framework", "unit")
        .get(pk=assessment.pk)
    )


def layer_for(assessment: Assessment, tier: ReviewTier | None) -> AnswerLayer:
    layer, _created = AnswerLayer.objects.get_or_create(assessment=assessment, tier=tier)
    return layer


def clean_note(note: Any) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise invalid(_("The note must be text."), field="note")
    note = note.replace("\r\n", "\n")
    if len(note) > NOTE_MAX_CHARS:
        raise invalid(
            _("The note is too long (%(n)d characters; at most %(max)d).")
            % {"n": len(note), "max": NOTE_MAX_CHARS},
            field="note",
        )
    return note


def parse_for(item: ItemSpec, value: Any) -> Any:
    try:
        return parse_value(item, value)
    except AnswerInvalid as exc:
        raise invalid(exc.message, code="invalid_answer", field=exc.field) from None


def check_unit_edit(
    actor: User, assessment: Assessment, item: ItemSpec, answer: Answer | None
) -> SheetRights:
    """Raise unless `actor` may change this item of the unit layer now."""
    rights = sheet_rights(actor, assessment)
    reason = unit_item_lock_reason(rights, assessment, item)
    if reason:
        if not rights.may_edit_area(item.area):
            raise PermissionDenied(str(reason), problems=reason.problems())
        raise StateError(str(reason), problems=reason.problems())
    return rights


def check_review_edit(actor: User, assessment: Assessment, tier: ReviewTier) -> None:
    """Raise unless `actor` may change the layer of `tier` now (never the unit's layer)."""
    reviewer_tier(actor, assessment.unit, tier)
    reason = review_lock_reason(assessment, tier)
    if reason:
        raise StateError(str(reason), problems=reason.problems())


def answer_save(
    *,
    actor: User,
    assessment: Assessment,
    item_code: str,
    revision: int | None,
    value: Any = UNSET,
    note: Any = UNSET,
    tier: ReviewTier | None = None,
    via: str = "worksheet",
    source: str | None = None,
) -> Saved:
    """Save one item's answer and/or note in one layer (the unit's when `tier` is None).

    `source` marks where a new value comes from (default: typed by a person); a survey
    index taken with one click is saved with `AnswerSource.SURVEY`.

    `revision` is the answer revision the user started from; if someone saved the item
    since, nothing is stored and Conflict carries their value. A save that changes nothing
    succeeds whatever the revision (nothing can be lost).
    """
    spec = sheet_spec(assessment.period.framework)
    item = spec.items.get(item_code)
    if item is None:
        raise invalid(_("Unknown item code %(code)s.") % {"code": item_code}, code="unknown_item")
    new_value = parse_for(item, value) if value is not UNSET else UNSET
    new_note = clean_note(note) if note is not UNSET else UNSET
    with transaction.atomic():
        locked = lock_assessment(assessment)
        layer = layer_for(locked, tier)
        answer = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(layer=layer, item_code=item.code)
            .first()
        )
        if tier is None:
            check_unit_edit(actor, locked, item, answer)
        else:
            check_review_edit(actor, locked, tier)
        saved = apply_answer(
            actor=actor,
            assessment=locked,
            layer=layer,
            item=item,
            answer=answer,
            value=new_value,
            note=new_note,
            revision=revision,
            via=via,
            source=source,
        )
        if ChangeField.VALUE in saved.changed:
            scores_refresh(locked)
        if ChangeField.VALUE in saved.changed:
            # A completed review above this layer rested on the old value: it reopens.
            review_gate().layer_changed(locked, tier)
        if saved.changed:
            audit_record(
                actor=actor,
                action="assessment.answer_saved",
                target=locked,
                unit=locked.unit,
                details={
                    "item": item.code,
                    "layer": tier.code if tier else "unit",
                    "fields": list(saved.changed),
                    "revision": saved.revision,
                    "via": via,
                },
            )
    assessment.status = locked.status
    return saved


def conflict_for(answer: Answer) -> Conflict:
    who = answer.updated_by.display_name if answer.updated_by else _("someone")
    when = timezone.localtime(answer.updated_at) if answer.updated_at else None
    return Conflict(
        _(
            "%(name)s changed this item at %(time)s, after you opened it. Your change was "
            "not saved: compare their answer, then keep theirs or save yours again."
        )
        % {"name": who, "time": date_format(when, "j M H:i") if when else "—"},
        info=ConflictInfo(
            current={"value": answer.value, "note": answer.note, "revision": answer.revision},
            by=who,
            at=when.isoformat() if when else "",
        ),
    )


def apply_answer(
    *,
    actor: User | None,
    assessment: Assessment,
    layer: AnswerLayer,
    item: ItemSpec,
    answer: Answer | None,
    value: Any,
    note: Any,
    revision: int | None,
    via: str,
    source: str | None = None,
) -> Saved:
    """Store the changed fields and their history; the caller holds the locks and checks rights.

    `revision` None skips the concurrency check (for system fills such as survey indices,
    whose `actor` is None).
    """
    old_value = answer.value if answer else None
    old_note = answer.note if answer else ""
    current = answer.revision if answer else 0
    target_value = old_value if value is UNSET else value
    target_note = old_note if note is UNSET else note
    changes: list[tuple[str, Any, Any]] = []
    if not same_value(old_value, target_value):
        changes.append((ChangeField.VALUE, old_value, target_value))
    if old_note != target_note:
        changes.append((ChangeField.NOTE, old_note, target_note))
    if not changes and (source is None or (answer and answer.source == source)):
        return Saved(item.code, current, (), answer)
    if revision is not None and revision != current and answer is not None:
        raise conflict_for(answer)
    if answer is None:
        answer = Answer(layer=layer, item_code=item.code)
    answer.value = target_value
    answer.note = target_note
    if source is not None:
        answer.source = source
    elif not same_value(old_value, target_value):
        # A value typed over one taken from a survey is the unit's own.
        answer.source = AnswerSource.MANUAL
    answer.revision = current + 1
    answer.updated_by = actor
    answer.updated_at = timezone.now()
    answer.save()
    AnswerChange.objects.bulk_create(
        AnswerChange(
            assessment=assessment,
            layer=layer,
            item_code=item.code,
            field=field,
            before=before,
            after=after,
            revision=answer.revision,
            via=via,
            changed_by=actor,
        )
        for field, before, after in changes
    )
    return Saved(item.code, answer.revision, tuple(str(f) for f, _b, _a in changes), answer)


def answer_accept_suggestion(
    *, actor: User, assessment: Assessment, item_code: str, revision: int | None
) -> Saved:
    """Take the previous period's answer (and its note, if the note is still empty)."""
    answer = Answer.objects.filter(
        layer__assessment=assessment, layer__tier__isnull=True, item_code=item_code
    ).first()
    if answer is None or answer.suggested_value is None:
        raise invalid(_("There is no earlier answer to take for this item."), code="no_suggestion")
    note = answer.suggested_note if not answer.note.strip() else UNSET
    return answer_save(
        actor=actor,
        assessment=assessment,
        item_code=item_code,
        revision=revision,
        value=answer.suggested_value,
        note=note,
        via="carried",
    )


def answers_accept_suggestions(*, actor: User, assessment: Assessment) -> int:
    """Take every previous answer for items still unanswered that the actor may change.

    Items the actor may not change (another area, locked) are left alone, not refused.
    """
    spec = sheet_spec(assessment.period.framework)
    count = 0
    with transaction.atomic():
        locked = lock_assessment(assessment)
        layer = layer_for(locked, None)
        rights = sheet_rights(actor, locked)
        answers = list(
            Answer.objects.select_for_update().filter(layer=layer, suggested_value__isnull=False)
        )
        for answer in answers:
            item = spec.items.get(answer.item_code)
            if item is None or answer.value is not None:
                continue
            if unit_item_lock_reason(rights, locked, item):
                continue
            try:
                value = parse_value(item, answer.suggested_value)
            except AnswerInvalid:
                continue
            apply_answer(
                actor=actor,
                assessment=locked,
                layer=layer,
                item=item,
                answer=answer,
                value=value,
                note=answer.suggested_note if not answer.note.strip() else UNSET,
                revision=None,
                via="carried",
            )
            count += 1
        if count:
            scores_refresh(locked)
            audit_record(
                actor=actor,
                action="assessment.suggestions_accepted",
                target=locked,
                unit=locked.unit,
                details={"items": count},
            )
    return count


__all__ = [
    "UNSET",
    "Saved",
    "ValidationFailed",
    "answer_accept_suggestion",
    "answer_save",
    "answers_accept_suggestions",
    "apply_answer",
]
