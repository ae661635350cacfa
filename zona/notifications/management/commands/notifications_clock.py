"""`manage.py notifications_clock`: start the worker's daily notifications run.

Queues `notifications_daily` (reminders, digests, mails; see zona/notifications/tasks.py)
for ZONA_NOTIFY_DAILY_HOUR unless a run is already queued; each run queues the next. Run
it once after each deploy (`make run` does); running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zona.notifications.tasks import next_daily_run, schedule_daily


class Command(BaseCommand):
    help = "Queue the daily notifications run (reminders, digests) unless one is queued."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = schedule_daily()
        self.stdout.write(
            f"{'queued' if queued else 'already queued'}: {next_daily_run():%Y-%m-%d %H:%M}"
        )
