"""Starting a sheet from the unit's previous one: answers as suggestions, evidence kept."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import User
from zona.assessments.models import (
    Answer,
    AnswerChange,
    AnswerLayer,
    Assessment,
    AssessmentStatus,
    ChangeField,
    EvidenceLink,
)
from zona.assessments.selectors import previous_assessment
from zona.assessments.services._common import invalid
from zona.assessments.services.answers import lock_assessment
from zona.assessments.services.scores import scores_refresh
from zona.assessments.sheet import AnswerInvalid, parse_value, sheet_spec
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, StateError


@dataclass(frozen=True)
class Carried:
    source: Assessment
    suggestions: int
    links: int


def assessment_carry_forward(
    *, actor: User, assessment: Assessment, source: Assessment | None = None
) -> Carried:
    """Fill suggestions and evidence links from `source` (default: the previous assessment)."""
    unit = assessment.unit
    if not (
        user_can(actor, Perm.ASSESSMENT_ASSIGN, unit) or user_can(actor, Perm.PERIOD_MANAGE, unit)
    ):
        raise PermissionDenied(_("Only the unit operator or head can carry a sheet forward."))
    source = source or previous_assessment(assessment)
    if source is None:
        raise invalid(_("This unit has no earlier assessment to start from."), code="no_source")
    with transaction.atomic():
        return _carry(actor=actor, assessment=lock_assessment(assessment), source=source)


def carry_forward_into(*, actor: User, assessment: Assessment) -> bool:
    """For bulk creation (the caller checked rights and holds the transaction)."""
    source = previous_assessment(assessment)
    if source is None:
        return False
    _carry(actor=actor, assessment=assessment, source=source)
    return True


def _carry(*, actor: User, assessment: Assessment, source: Assessment) -> Carried:
    if source.unit_id != assessment.unit_id or source.pk == assessment.pk:
        raise invalid(_("A sheet can only be carried forward from the same unit's earlier one."))
    if assessment.status != AssessmentStatus.DRAFT:
        raise StateError(_("Only a sheet that is still being filled can be carried forward."))
    spec = sheet_spec(assessment.period.framework)
    layer, _created = AnswerLayer.objects.get_or_create(assessment=assessment, tier=None)
    existing = {a.item_code: a for a in Answer.objects.filter(layer=layer)}
    to_create: list[Answer] = []
    to_update: list[Answer] = []
    suggestions = 0
    for old in Answer.objects.filter(layer__assessment=source, layer__tier__isnull=True).only(
        "item_code", "value", "note"
    ):
        item = spec.items.get(old.item_code)
        if item is None or (old.value is None and not old.note.strip()):
            continue
        try:
            value = parse_value(item, old.value)
        except AnswerInvalid:
            # The item changed type between framework versions: nothing sensible to suggest.
            value = None
        answer = existing.get(item.code)
        if answer is None:
            answer = Answer(layer=layer, item_code=item.code)
            to_create.append(answer)
        else:
            to_update.append(answer)
        answer.suggested_value = value
        answer.suggested_note = old.note
        suggestions += 1
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(to_update, ["suggested_value", "suggested_note"])

    have = set(
        EvidenceLink.objects.filter(assessment=assessment, unlinked_at__isnull=True).values_list(
            "evidence_id", "item_code"
        )
    )
    new_links: list[EvidenceLink] = []
    for link in EvidenceLink.objects.filter(
        assessment=source, unlinked_at__isnull=True, evidence__archived=False
    ).select_related("evidence"):
        if link.item_code not in spec.items or (link.evidence_id, link.item_code) in have:
            continue
        have.add((link.evidence_id, link.item_code))
        new_links.append(
            EvidenceLink(
                evidence=link.evidence,
                assessment=assessment,
                item_code=link.item_code,
                linked_by=actor,
            )
        )
    EvidenceLink.objects.bulk_create(new_links)
    AnswerChange.objects.bulk_create(
        AnswerChange(
            assessment=assessment,
            layer=layer,
            item_code=link.item_code,
            field=ChangeField.EVIDENCE,
            before=None,
            after={
                "evidence": link.evidence_id,
                "title": link.evidence.title,
                "kind": link.evidence.kind,
            },
            via="carried",
            changed_by=actor,
        )
        for link in new_links
    )
    assessment.carried_from = source
    assessment.save(update_fields=["carried_from"])
    # Suggestions are not scored, but the sheet gets its stored views now (a new sheet's
    # first rows when it was created by carrying forward).
    scores_refresh(assessment)
    audit_record(
        actor=actor,
        action="assessment.carried_forward",
        target=assessment,
        unit=assessment.unit,
        details={"source": source.pk, "suggestions": suggestions, "links": len(new_links)},
    )
    return Carried(source=source, suggestions=suggestions, links=len(new_links))
