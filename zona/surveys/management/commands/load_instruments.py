"""`manage.py load_instruments [PATH ...] [--agency CODE]`: validate and load instrument files.

Without a path it loads every *.yaml in surveys/ at the repository root (Zona's SPAK, SPKP
and SKM). Idempotent; a changed file under a loaded version is refused (exit status 1),
an invalid file lists every problem (exit status 2). Nothing is loaded unless all files are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.accounts.models import Unit
from zona.core.errors import ValidationFailed
from zona.core.yamlfiles import yaml_files
from zona.surveys.services import InstrumentChanged, InstrumentFilesInvalid, instrument_load_files


def default_directory() -> Path:
    return Path(settings.BASE_DIR) / "surveys"


class Command(BaseCommand):
    help = "Validate survey instrument files and load them (default: every *.yaml in surveys/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help="a .yaml file or a folder")
        parser.add_argument(
            "--agency",
            metavar="CODE",
            help="the agency (unit code of a tree root) that owns these instruments; "
            "without it they are Zona's own, usable by every agency",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = None
        if options["agency"]:
            agency = Unit.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"no unit with code {options['agency']!r}", returncode=2)
        files = yaml_files(options["paths"], default_directory())
        if not files:
            self.stdout.write("no instrument files found")
            return
        try:
            results = instrument_load_files(paths=files, agency=agency)
        except InstrumentFilesInvalid as exc:
            count = 0
            for source, problems in exc.by_source.items():
                for problem in problems:
                    self.stderr.write(f"{source}: {problem.where}: {problem.reason}")
                    count += 1
            raise CommandError(f"{count} problem(s); nothing was loaded", returncode=2) from exc
        except InstrumentChanged as exc:
            raise CommandError(f"{exc.message}; nothing was loaded") from exc
        except ValidationFailed as exc:
            raise CommandError(exc.message, returncode=2) from exc
        for result in results:
            self.stdout.write(
                f"{result.status}: {result.key} v{result.version} "
                f"({len(result.instrument_version.item_codes)} items) from {result.source}"
            )
