"""Background work of the notifications app (django-tasks; `manage.py task_worker` runs it).

- `send_pending_emails`: sends every due e-mail (zona.notifications.services.email). `notify`
  enqueues it when the hand-off commits; after a failure it queues itself again for the
  earliest retry.
- `notifications_daily`: the reminders of the day, then the digests of the day before, then
  the mails; it queues its next run for tomorrow at ZONA_NOTIFY_DAILY_HOUR (local time), one
  pending run at a time. django-tasks has no periodic scheduler, so the clock is started once
  with `manage.py notifications_clock` (after each deploy; harmless when already running).
  `manage.py send_reminders` and `send_digests` do the same work by hand or from cron.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

log = logging.getLogger(__name__)


@task()
def send_pending_emails() -> int:
    from zona.notifications.services.email import deliveries_send

    result = deliveries_send()
    if result.retry_at is not None:
        _schedule(send_pending_emails, result.retry_at)
    return result.sent


@task()
def notifications_daily() -> dict[str, int]:
    from zona.notifications.daily import daily_jobs_run
    from zona.notifications.reminders import reminders_send
    from zona.notifications.services.digests import digests_prepare
    from zona.notifications.services.email import deliveries_send, deliveries_stuck

    jobs = daily_jobs_run()
    reminders = reminders_send()
    digests = digests_prepare()
    result = deliveries_send()
    stuck = deliveries_stuck().count()
    if stuck:
        log.warning(
            "%s notification e-mails stuck in 'sending': see notification_mail_status", stuck
        )
    if result.retry_at is not None:
        _schedule(send_pending_emails, result.retry_at)
    schedule_daily()
    return {
        **jobs,
        "reminders": reminders,
        "digests": digests,
        "sent": result.sent,
        "stuck": stuck,
    }


def enqueue_sending() -> None:
    """Send the waiting mails now (the worker picks this up); for `transaction.on_commit`."""
    send_pending_emails.enqueue()


def next_daily_run(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now)
    hour = int(getattr(settings, "ZONA_NOTIFY_DAILY_HOUR", 6))
    run = timezone.make_aware(datetime.combine(now.date(), time(hour=hour)))
    return run if run > now else run + timedelta(days=1)


def _schedule(the_task, run_after: datetime) -> bool:
    """Queue `the_task` for `run_after` unless a run is already pending no later than
    that; only on a backend that runs tasks later (the database backend)."""
    if not the_task.get_backend().supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=the_task.module_path, status=TaskResultStatus.READY, run_after__lte=run_after
    )
    if pending.exists():
        return False
    the_task.using(run_after=run_after).enqueue()
    return True


def schedule_daily() -> bool:
    """Queue tomorrow's (or today's, if its hour is still ahead) daily run, once."""
    return _schedule(notifications_daily, next_daily_run())
