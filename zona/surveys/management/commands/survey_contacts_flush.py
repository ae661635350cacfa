"""`manage.py survey_contacts_flush [--all]`: write waiting contacts now, and start the
worker's clock.

Opens every campaign's contacts that wait in full batches (`--all`: every one, shuffled per
campaign) and, with the database task backend, queues the next `contacts_flush` run, which
then keeps queueing itself (see zona/surveys/tasks.py). `make run` calls it before starting
the worker. Prints the number of contacts written.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.surveys.services.contacts import contact_drops_open
from zona.surveys.tasks import schedule_contacts_flush


class Command(BaseCommand):
    help = "Write waiting survey contacts in shuffled batches and queue the worker's next run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="also open batches smaller than the batch size"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = contact_drops_open(force=options["all"])
        schedule_contacts_flush()
        self.stdout.write(str(written))
