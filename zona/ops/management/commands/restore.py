"""`manage.py restore FOLDER`: see zona/ops/backup.py and docs/deploy.md (Backup and restore)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Load a backup folder into an empty database and storage, checking hashes and counts"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            outcome = restore(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restore: {outcome.tables} tables, {outcome.rows} rows, {outcome.files} files "
            f"({outcome.bytes} bytes) in {outcome.seconds} s"
        )
