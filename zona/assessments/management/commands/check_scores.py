"""`manage.py check_scores [--fix]`: recompute every sheet's stored scores from its answers.

Prints one line per drifting view (sheet, view, fields stored → recomputed) and a summary;
exits with status 1 when anything drifted. `--fix` rewrites the drifted sheets' views, each
in its own transaction with an audit event (`assessment.scores_repaired`), and exits 0.
Sheets are read `--chunk-size` at a time, with their answers in two queries per chunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.assessments.models import Assessment
from zona.assessments.selectors.scores import Drift, scores_drift
from zona.assessments.services.scores import scores_repair


def _chunks(size: int, period: int | None) -> Iterator[list[Assessment]]:
    sheets = Assessment.objects.select_related("period__framework", "unit").order_by("pk")
    if period is not None:
        sheets = sheets.filter(period_id=period)
    last = 0
    while True:
        chunk = list(sheets.filter(pk__gt=last)[:size])
        if not chunk:
            return
        last = chunk[-1].pk
        yield chunk


def _describe(drift: Drift) -> str:
    where = f"sheet {drift.assessment.pk} ({drift.assessment}) view {drift.key}"
    if drift.problem != "differs":
        return f"{where}: {drift.problem}"
    fields = "; ".join(f"{name} {a} -> {b}" for name, (a, b) in drift.fields.items())
    return f"{where}: {fields}"


class Command(BaseCommand):
    help = "Recompute every stored score from the answers and report any drift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="rewrite the drifted views")
        parser.add_argument("--chunk-size", type=int, default=500)
        parser.add_argument("--period", type=int, default=None, help="only this period's sheets")

    def handle(self, *args: Any, **options: Any) -> None:
        size = max(1, min(options["chunk_size"], 5000))
        fix = options["fix"]
        sheets = views = 0
        drifted: dict[int, list[Drift]] = defaultdict(list)
        for chunk in _chunks(size, options["period"]):
            sheets += len(chunk)
            here: dict[int, list[Drift]] = defaultdict(list)
            for drift in scores_drift(chunk):
                here[drift.assessment.pk].append(drift)
                views += 1
                self.stdout.write(_describe(drift))
            drifted.update(here)
            if fix:
                for drifts in here.values():
                    scores_repair(
                        assessment=drifts[0].assessment,
                        drifted={d.key: d.as_json() for d in drifts},
                        actor=None,
                    )
        summary = f"checked {sheets} sheets: {views} drifting views in {len(drifted)} sheets"
        if fix and views:
            self.stdout.write(f"{summary}; repaired")
            return
        self.stdout.write(summary)
        if views:
            raise CommandError(f"{views} stored scores drifted", returncode=1)
