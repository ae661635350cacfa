"""`manage.py survey_contacts_flush [--all]`: write waiting contacts and suggestions now, and
start the worker's clock.

Opens every campaign's contacts and suggestions that wait in full batches (`--all`: every
one, shuffled per campaign) and, with the database task backend, queues the next
`sealed_drops_flush` run, which then keeps queueing itself (see zona/surveys/tasks.py).
It also starts the clock of `survey_tallies_fold`, which keeps the results' running totals.
`make run` calls it before starting the worker. Prints the number of rows written.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.surveys.services.sealed import sealed_drops_open
from zona.surveys.tasks import schedule_sealed_drops_flush, schedule_tallies_fold


class Command(BaseCommand):
    help = (
        "Write waiting survey contacts and suggestions in shuffled batches and queue the "
        "worker's next run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="also open batches smaller than the batch size"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = sealed_drops_open(force=options["all"])
        schedule_sealed_drops_flush()
        schedule_tallies_fold()
        self.stdout.write(str(written))
