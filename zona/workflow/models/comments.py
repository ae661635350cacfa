"""Reviewers' comments on an item and their marks on each evidence file (issue 10 §4)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zona.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

__all__ = ["CommentKind", "EvidenceMark", "EvidenceVerdict", "ItemComment"]


class CommentKind(models.TextChoices):
    TO_UNIT = "to_unit", _("To the unit")
    INTERNAL = "internal", _("Internal (reviewers only)")
    MUST_FIX = "must_fix", _("Must fix")


class ItemCommentQuerySet(models.QuerySet["ItemComment"]):
    def delete(self) -> NoReturn:
        raise AppendOnlyError("item comments are never deleted")

    def threads(self) -> ItemCommentQuerySet:
        return self.filter(parent__isnull=True)

    def visible_to_unit(self) -> ItemCommentQuerySet:
        """What the unit's people may read: everything but internal threads."""
        return self.exclude(kind=CommentKind.INTERNAL)

    def open_must_fix(self) -> ItemCommentQuerySet:
        return self.filter(parent__isnull=True, kind=CommentKind.MUST_FIX, resolved_at__isnull=True)


class ItemComment(models.Model):
    """One comment on one item of a sheet, in a tier's thread.

    A thread starts with a reviewer's comment (`parent` empty) of one kind: to the unit,
    internal (reviewers only) or must-fix (the tier cannot complete its review while it is
    open). Replies (`parent` set) share the thread's kind, so a reply to an internal thread
    stays internal; the unit replies only on threads it can read (`from_unit`). Only a
    reviewer of the thread's tier resolves or reopens it. The body is never edited and no
    comment is deleted; resolving and reopening are audited.
    """

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="item_comments",
        verbose_name=_("assessment"),
    )
    item_code = models.CharField(_("item"), max_length=64)
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review tier"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CommentKind)
    from_unit = models.BooleanField(_("from the unit"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)

    objects = ItemCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("item comment")
        verbose_name_plural = _("item comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["assessment", "item_code"]),
            models.Index(fields=["assessment", "tier", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.item_code} {self.kind}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("item comments are never deleted")

    @property
    def is_thread(self) -> bool:
        return self.parent_id is None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def visible_to_unit(self) -> bool:
        return self.kind != CommentKind.INTERNAL


class EvidenceVerdict(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    INSUFFICIENT = "insufficient", _("Insufficient")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class EvidenceMark(AppendOnlyModel):
    """A tier's judgement of one evidence file linked to an item, apart from the answer.

    Append-only: a new mark supersedes the tier's earlier one for that link (the latest per
    link and tier is the one shown), and the earlier ones stay as history. The unit sees
    the verdict and its note.
    """

    append_only_message = "evidence marks are append-only"

    link = models.ForeignKey(
        "assessments.EvidenceLink",
        on_delete=models.CASCADE,
        related_name="marks",
        verbose_name=_("evidence link"),
    )
    # Denormalised from the link: the sheet's marks in one indexed query.
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review tier"),
    )
    verdict = models.CharField(_("mark"), max_length=16, choices=EvidenceVerdict)
    note = models.TextField(_("note"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    marked_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence mark")
        verbose_name_plural = _("evidence marks")
        ordering = ["marked_at", "id"]
        indexes = [models.Index(fields=["assessment", "tier"])]

    def __str__(self) -> str:
        return f"{self.link_id}@{self.tier_id} {self.verdict}"
