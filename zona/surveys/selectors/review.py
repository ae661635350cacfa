"""Reads for the assessors' and managers' campaign pages: flagged responses, validation
calls, code batches and suggestions.

Callers pass a campaign or draw they have already authorised (zona/surveys/access.py).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from zona.surveys.models import (
    Answer,
    Campaign,
    CodeBatch,
    Response,
    Suggestion,
    SuggestionStatus,
    ValidationCall,
    ValidationDraw,
)


def flagged_responses(campaign: Campaign, *, excluded: bool | None) -> QuerySet[Response]:
    """The campaign's flagged responses (only excluded, only kept, or all when None)."""
    responses = Response.objects.filter(campaign=campaign, flagged=True).select_related(
        "service_type"
    )
    if excluded is not None:
        responses = responses.filter(excluded=excluded)
    return responses.order_by("pk")


def answers_by_response(response_ids: list[int]) -> dict[int, dict[int, dict[int, int]]]:
    """Response id -> instrument version id -> item -> value, in one query."""
    answers: dict[int, dict[int, dict[int, int]]] = {}
    for response_id, version_id, item, value in Answer.objects.filter(
        response_id__in=response_ids
    ).values_list("response_id", "instrument_version_id", "item", "value"):
        answers.setdefault(response_id, {}).setdefault(version_id, {})[item] = value
    return answers


def flagged_counts(campaign: Campaign) -> dict[str, int]:
    """How many flagged responses wait for a decision (pending) and how many were excluded."""
    return Response.objects.filter(campaign=campaign, flagged=True).aggregate(
        pending=Count("pk", filter=Q(excluded=False)), excluded=Count("pk", filter=Q(excluded=True))
    )


def calls_of_draw(draw: ValidationDraw) -> list[ValidationCall]:
    return list(ValidationCall.objects.filter(draw=draw).select_related("contact", "called_by"))


def code_batches_of(campaign: Campaign) -> QuerySet[CodeBatch]:
    """The campaign's batches of one-time codes, each with its count of used codes."""
    return CodeBatch.objects.filter(campaign=campaign).annotate(
        used_n=Count("codes", filter=Q(codes__used=True))
    )


def suggestion_counts(campaign: Campaign) -> dict[str, int]:
    """Status -> number of the campaign's suggestions."""
    return dict(
        Suggestion.objects.filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )


def suggestions_with_status(campaign: Campaign, status: str) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(campaign=campaign, status=status).select_related(
        "moderated_by"
    )


def hidden_suggestion_reasons(campaign: Campaign) -> list[str]:
    """Why suggestions were hidden (never their text), for those who may not moderate."""
    return list(
        Suggestion.objects.filter(campaign=campaign, status=SuggestionStatus.HIDDEN)
        .values_list("moderation_reason", flat=True)
        .order_by("moderation_reason")
    )
