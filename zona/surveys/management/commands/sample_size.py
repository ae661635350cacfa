"""`manage.py sample_size N [--method krejcie-morgan|krejcie-morgan-table|slovin] [--margin 0.05]`.

Prints the sample size for a population of N service users as one integer. Bad input exits
with status 2 and a message on stderr. `krejcie-morgan-table` reads the printed 1970 table
(the next row up for a population between rows) and takes only its 0.05 margin.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.surveys.indices import DEFAULT_MARGIN, SAMPLE_METHODS, sample_size


class Command(BaseCommand):
    # Pure computation: the project-wide checks (URLs, templates) add time and nothing here.
    requires_system_checks: list[str] = []

    help = (
        "Print the sample size for a population of N (Krejcie & Morgan by formula or by "
        "the printed table, or Slovin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("population", metavar="N", help="estimated number of service users")
        parser.add_argument(
            "--method",
            choices=SAMPLE_METHODS,
            default="krejcie-morgan",
            help="default: %(default)s",
        )
        parser.add_argument(
            "--margin", default=str(DEFAULT_MARGIN), help="margin of error (default: %(default)s)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["population"].replace("_", "")
        if not raw.isdigit():
            raise CommandError(
                "N must be a whole number of service users, 0 or more "
                f"(got {options['population']!r})",
                returncode=2,
            )
        try:
            margin = Decimal(options["margin"])
        except InvalidOperation:
            raise CommandError(
                f"--margin must be a number such as 0.05 (got {options['margin']!r})", returncode=2
            ) from None
        try:
            n = sample_size(int(raw), method=options["method"], margin=margin)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(str(n))
