"""`manage.py monitoring_rounds [--date YYYY-MM-DD]`: create the monitoring rounds coming due.

The worker's daily run does this already (zona.notifications.daily); this command is for cron
or to catch up a day. Running it twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.national.services.monitoring import monitoring_rounds_create


class Command(BaseCommand):
    help = "Create the monitoring rounds of held predicates coming due (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to run for (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        created = monitoring_rounds_create(today=today)
        self.stdout.write(f"monitoring rounds created: {created}")
