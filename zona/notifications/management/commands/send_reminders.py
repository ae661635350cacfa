"""`manage.py send_reminders [--date YYYY-MM-DD]`: the reminders due on a day (default
today), for a cron job or a catch-up; each reminder goes out once however often it runs.
The mails are sent by the worker. Prints the number of inbox entries created."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zona.notifications.reminders import reminders_send


def parse_day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--date must look like 2026-12-31, not {raw!r}") from None


class Command(BaseCommand):
    help = "Send the reminders of windows closing soon or overdue (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to remind for (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = reminders_send(today=parse_day(options["date"]))
        self.stdout.write(str(created))
