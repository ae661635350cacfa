"""Loaded framework versions. Written only by `services.framework_load_file`.

`Framework.document` (the validated file as JSON) is the source for scoring; `Node` rows mirror
the tree so other apps can join and filter on codes, kinds and weights.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from zona.core.errors import StateError


class Framework(models.Model):
    key = models.SlugField(_("key"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    title_id = models.TextField(_("title (Indonesian)"))
    title_en = models.TextField(_("title (English)"))
    regulation_id = models.TextField(_("regulation (Indonesian)"), blank=True)
    regulation_en = models.TextField(_("regulation (English)"), blank=True)
    # sha256 of the canonical JSON of the validated document: equal hash, equal content.
    content_hash = models.CharField(_("content hash"), max_length=64)
    document = models.JSONField(_("document"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="framework_key_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def is_in_use(self) -> bool:
        """True once any object outside this app points at this version (e.g. an assessment).

        Found through the reverse relations, so apps that add a foreign key to Framework later
        (assessments, survey instruments) make this true without being named here.
        """
        # Answers may point at a node rather than at the framework: both count.
        lookups = [(relation, "") for relation in self._meta.related_objects] + [
            (relation, "__framework") for relation in Node._meta.related_objects
        ]
        for relation, through in lookups:
            related = relation.related_model
            if not isinstance(related, type) or related._meta.app_label == self._meta.app_label:
                continue
            if not (relation.one_to_many or relation.one_to_one):
                continue
            manager = related._default_manager
            if manager.filter(**{relation.field.name + through: self}).exists():
                return True
        return False

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # A version that assessments use is read-only: their scores depend on it.
        if self.is_in_use():
            raise StateError(str(_("This framework version is in use and cannot be deleted.")))
        return super().delete(*args, **kwargs)


class Node(models.Model):
    class Kind(models.TextChoices):
        COMPONENT = "component", _("component")
        PART = "part", _("part")
        AREA = "area", _("area")
        SUBAREA = "subarea", _("sub-area")
        ITEM = "item", _("item")

    class AnswerType(models.TextChoices):
        YN = "YN", _("Yes/No")
        ABC = "ABC", "A/B/C"
        ABCD = "ABCD", "A/B/C/D"
        ABCDE = "ABCDE", "A/B/C/D/E"
        PCT = "PCT", _("percentage from counts")
        NUM4 = "NUM4", _("index 0 to 4")

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("framework")
    )
    code = models.CharField(_("code"), max_length=64)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Document order across the whole framework, so ordering by it gives the worksheet order.
    position = models.PositiveIntegerField(_("position"))
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=4, null=True, blank=True)
    answer_type = models.CharField(
        _("answer type"), max_length=8, choices=AnswerType.choices, blank=True
    )
    title_id = models.TextField(_("title (Indonesian)"))
    title_en = models.TextField(_("title (English)"))

    class Meta:
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="node_framework_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.code
