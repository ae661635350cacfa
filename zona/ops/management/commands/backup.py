"""`manage.py backup FOLDER`: see zona/ops/backup.py and docs/deploy.md (Backup and restore)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Dump the database and copy every stored file, with hashes, into a new folder"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            outcome = backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup: {outcome.tables} tables, {outcome.rows} rows, {outcome.files} files "
            f"({outcome.bytes} bytes) in {outcome.seconds} s"
        )
