"""Background work of the surveys app (django-tasks; `manage.py db_worker` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def contacts_flush() -> int:
    """Write waiting contacts as shuffled batches apart from their responses."""
    from zona.surveys.services.contacts import contact_drops_open

    return contact_drops_open()
