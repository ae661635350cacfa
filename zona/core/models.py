"""Building blocks shared by the apps' models. No concrete (table-backed) models here."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk update and delete, which would bypass the model's own guard."""

    def _refuse(self) -> NoReturn:
        raise AppendOnlyError(getattr(self.model, "append_only_message", "append-only"))

    def update(self, **kwargs: Any) -> NoReturn:
        self._refuse()

    def delete(self) -> NoReturn:
        self._refuse()


class AppendOnlyModel(models.Model):
    """A record that is written once and then never changed or deleted (history, evidence).

    Subclasses set `append_only_message`; their manager should come from a subclass of
    AppendOnlyQuerySet so bulk writes are refused too.
    """

    append_only_message: ClassVar[str] = "this record is append-only"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(self.append_only_message)
