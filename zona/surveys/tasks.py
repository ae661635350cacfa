"""Background work of the surveys app (django-tasks; `manage.py db_worker` runs it).

The web request never enqueues anything for a contact or a suggestion: a task row carries
its enqueue time to the second, and written just after a response it would date that
response. Instead `sealed_drops_flush` runs on its own clock: each run opens the sealed
queues' batches that are ready (zona.surveys.services.sealed) and queues the next run
ZONA_SURVEY_CONTACT_FLUSH_SECONDS later (one pending run at a time). Start the clock with
`manage.py survey_contacts_flush` (`make run` does); a reviewer's draw opens the waiting
contacts, and a manager the last suggestions of a closed campaign, in any case.

`survey_tallies_fold` keeps the results' running totals (zona.surveys.services.tallies) on
a clock of its own, ZONA_SURVEY_TALLY_FOLD_SECONDS (10 s unless set): each run folds the
responses stored since the last one and queues the next. Until a response is folded the
results read it from its answers, so a late or stopped worker makes pages slower, never
wrong. `survey_contacts_flush` starts both clocks.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

# How often the worker folds new responses into the results' totals, unless set.
DEFAULT_TALLY_FOLD_SECONDS = 10


@task()
def sealed_drops_flush() -> int:
    """Write waiting contacts and suggestions as shuffled batches apart from their responses."""
    from zona.surveys.services.sealed import sealed_drops_open

    written = sealed_drops_open()
    schedule_sealed_drops_flush()
    return written


def schedule_sealed_drops_flush() -> bool:
    """Queue the next run unless one is pending; only on a backend that runs tasks later
    (the database backend). Returns whether a run was queued."""
    backend = sealed_drops_flush.get_backend()
    if not backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=sealed_drops_flush.module_path, status=TaskResultStatus.READY
    )
    if pending.exists():
        return False
    run_after = timezone.now() + timedelta(seconds=settings.ZONA_SURVEY_CONTACT_FLUSH_SECONDS)
    sealed_drops_flush.using(run_after=run_after).enqueue()
    return True


@task()
def survey_tallies_fold() -> int:
    """Fold the responses stored since the last run into the results' running totals."""
    from zona.surveys.services.tallies import tallies_fold

    folded = tallies_fold()
    schedule_tallies_fold()
    return folded


def schedule_tallies_fold() -> bool:
    """Queue the next fold unless one is pending (database task backend only)."""
    backend = survey_tallies_fold.get_backend()
    if not backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=survey_tallies_fold.module_path, status=TaskResultStatus.READY
    )
    if pending.exists():
        return False
    seconds = getattr(settings, "ZONA_SURVEY_TALLY_FOLD_SECONDS", DEFAULT_TALLY_FOLD_SECONDS)
    survey_tallies_fold.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()
    return True
