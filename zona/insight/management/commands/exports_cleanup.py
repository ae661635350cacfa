"""Delete the files of old exports (run daily, e.g. from the systemd timer of deploy/)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.insight.services.exports import exports_cleanup, keep_days


class Command(BaseCommand):
    help = "Delete export files finished more than ZONA_EXPORT_KEEP_DAYS days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="keep this many days (default: the setting)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else keep_days()
        expired = exports_cleanup(days=days)
        self.stdout.write(f"expired={expired} keep_days={days}")
