"""`manage.py send_digests [--date YYYY-MM-DD]`: queue the daily digests of a day (default
yesterday): one mail per user who chose the digest and has notifications not mailed yet;
none when there is nothing, and never twice for a day. The worker sends them. Prints the
number of digests queued."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from zona.notifications.management.commands.send_reminders import parse_day
from zona.notifications.services.digests import digests_prepare
from zona.notifications.tasks import enqueue_sending


class Command(BaseCommand):
    help = "Queue the daily digest e-mails of a day (default yesterday)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day of the digest (default yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        queued = digests_prepare(day=parse_day(options["date"]))
        if queued:
            transaction.on_commit(enqueue_sending)
        self.stdout.write(str(queued))
