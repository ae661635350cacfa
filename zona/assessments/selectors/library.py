"""Reads of a unit's evidence library: its list, an item's links, the picker's choices.

Callers pass a unit or an assessment they have already authorised.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from zona.accounts.models import Unit
from zona.assessments.models import Assessment, Evidence, EvidenceLink


def evidence_library(
    unit: Unit, *, archived: bool = False, query: str = "", kind: str = ""
) -> QuerySet[Evidence]:
    """The unit's evidence (or its archive) by title, each with its count of active links."""
    qs = (
        Evidence.objects.filter(unit=unit, archived=archived)
        .select_related("current_revision", "current_revision__uploaded_by")
        .annotate(link_count=Count("links", filter=Q(links__unlinked_at__isnull=True)))
        .order_by("title", "id")
    )
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(current_revision__original_name__icontains=query)
        )
    if kind in ("file", "link"):
        qs = qs.filter(kind=kind)
    return qs


def links_of_evidence(evidence: Evidence) -> list[EvidenceLink]:
    """Every link of the evidence, detached ones too, newest first."""
    return list(
        EvidenceLink.objects.filter(evidence=evidence)
        .select_related("assessment__period", "linked_by", "unlinked_by", "pinned_revision")
        .order_by("-linked_at")
    )


def evidence_to_pick(assessment: Assessment, code: str, query: str = "") -> QuerySet[Evidence]:
    """The unit's live evidence not yet linked to the item, for the picker."""
    linked = EvidenceLink.objects.filter(
        assessment=assessment, item_code=code, unlinked_at__isnull=True
    ).values("evidence_id")
    qs = (
        Evidence.objects.filter(unit=assessment.unit, archived=False)
        .exclude(pk__in=linked)
        .select_related("current_revision")
        .order_by("title", "id")
    )
    if query:
        qs = qs.filter(
            Q(title__icontains=query) | Q(current_revision__original_name__icontains=query)
        )
    return qs
