"""`manage.py select_units FILE|-`: the selection rule of a round, for scripts.

Reads `{"quota_percent": 50, "rounding": "up"|"down"|"nearest", "min_per_group": 1,
"candidates": [{"unit", "group", "eligible", "total", "pengungkit", "hasil",
"submitted_at"}]}` and prints one JSON line: each group's applicants, quota and selected
units in rank order, all selected units in rank order, and every unit not selected with its
reason. Invalid input exits 2 with the problems on stderr and nothing on stdout. The rule is
`zona.workflow.quota` (docs/workflow.md, "Selection rounds").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zona.workflow.quota import InputProblems, parse, select


class Command(BaseCommand):
    help = "Apply the selection rule (quota per group, ranking) to a JSON file or stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON input, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            self._fail([f"{name}: {exc.strerror or exc}"])
        try:
            data = parse(raw)
        except InputProblems as exc:
            self._fail(exc.problems)
        self.stdout.write(json.dumps(select(data).as_json(), ensure_ascii=False))

    def _fail(self, problems: list[str]) -> None:
        for problem in problems:
            self.stderr.write(problem)
        raise SystemExit(2)
