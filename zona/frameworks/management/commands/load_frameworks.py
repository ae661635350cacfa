"""`manage.py load_frameworks [PATH ...]`: validate and load framework files.

Without a path it loads every *.yaml in frameworks/ at the repository root (`make run` does
this on every start, so it must be a quick no-op when nothing changed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.core.yamlfiles import yaml_files
from zona.frameworks.services import FrameworkChanged, FrameworkFilesInvalid, framework_load_files


def default_directory() -> Path:
    return Path(settings.BASE_DIR) / "frameworks"


class Command(BaseCommand):
    help = "Validate framework files and load them (default: every *.yaml in frameworks/)."
    # `make run` calls this before runserver, which runs the project-wide system checks
    # itself; loading data files has no need of them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help="a .yaml file or a folder")
        parser.add_argument(
            "--replace-unused",
            action="store_true",
            help="replace a loaded version whose content changed, if no assessment uses it "
            "(for drafting a framework; a version in use is never changed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = yaml_files(options["paths"], default_directory())
        if not files:
            self.stdout.write("no framework files found")
            return
        try:
            results = framework_load_files(paths=files, replace_unused=options["replace_unused"])
        except FrameworkFilesInvalid as exc:
            count = 0
            for path, problems in exc.by_path.items():
                for problem in problems:
                    self.stderr.write(f"{path}: {problem.code}: {problem.reason}")
                    count += 1
            raise CommandError(f"{count} problem(s); nothing was loaded", returncode=2) from exc
        except FrameworkChanged as exc:
            raise CommandError(f"{exc.message}; nothing was loaded") from exc
        for result in results:
            self.stdout.write(
                f"{result.status}: {result.key} v{result.version} "
                f"({result.node_count} nodes) from {result.path}"
            )
