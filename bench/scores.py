"""What keeping the stored scores costs an answer save, and what `check_scores` costs a sheet.

The case of the query-count test: the real PermenPAN-RB 90/2021 framework, every item
answered in three layers (unit, Kanwil, TPI). Times `answer_save` with the refresh of the
stored scores and with the refresh replaced by nothing, then the drift check over a batch
of such sheets.

    .venv/bin/python bench/scores.py [--runs 30] [--sheets 50]

Runs against a throw-away SQLite database (the test settings), so it touches nothing else.
The last line is `ratio=<save time with refresh / without>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed saves per measurement")
    parser.add_argument("--sheets", type=int, default=50, help="sheets for the drift check")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from zona.accounts.testing import add_unit, build_world
        from zona.assessments.models import Assessment
        from zona.assessments.selectors.scores import scores_drift
        from zona.assessments.services import answer_save
        from zona.assessments.services import answers as answers_module
        from zona.assessments.services.scores import scores_refresh
        from zona.assessments.tests.factories import REAL, make_assessment, make_period
        from zona.assessments.tests.test_queries import fill
        from zona.frameworks.services import framework_load_file

        world = build_world()
        framework = framework_load_file(path=REAL).framework
        period = make_period(world.agency, framework)
        assessment = make_assessment(period, world.bandung)
        layers = [None, world.tier_kanwil, world.tier_tpi]
        fill(assessment, world, files=0, layers=layers)
        turn = [0]

        def save() -> None:
            # Alternate so every save changes the value (fill() answered "A").
            turn[0] += 1
            answer_save(
                actor=world["operator"],
                assessment=assessment,
                item_code="A.I.1.i.b",
                revision=None,
                value="B" if turn[0] % 2 else "A",
            )

        def queries_of(run) -> int:
            queries: list[str] = []

            def counter(execute, sql, params, many, context, seen=queries):
                seen.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                run()
            return len(queries)

        def clock(run) -> float:
            start = time.perf_counter()
            run()
            return (time.perf_counter() - start) * 1000

        real_refresh = answers_module.scores_refresh

        def save_without() -> None:
            answers_module.scores_refresh = lambda assessment, **kwargs: None
            try:
                save()
            finally:
                answers_module.scores_refresh = real_refresh

        def refresh_only() -> None:
            with transaction.atomic():
                scores_refresh(assessment)

        print(f"PermenPAN-RB 90/2021, 3 layers all answered, {args.runs} runs each")
        save()  # warm caches (compiled framework)
        save_without()
        q_with, q_without, q_alone = (queries_of(r) for r in (save, save_without, refresh_only))
        # Alternate the two saves so a busy machine slows both alike.
        pairs = [(clock(save), clock(save_without)) for _ in range(args.runs)]
        with_refresh = statistics.median(p[0] for p in pairs)
        without = statistics.median(p[1] for p in pairs)
        alone = statistics.median(clock(refresh_only) for _ in range(args.runs))
        print(
            f"  answer_save with the refresh      median {with_refresh:7.2f} ms  {q_with} queries"
        )
        print(f"  answer_save without the refresh   median {without:7.2f} ms  {q_without} queries")
        print(f"  scores_refresh alone (4 views)    median {alone:7.2f} ms  {q_alone} queries")

        for n in range(args.sheets - 1):
            world.kanwil_jabar.refresh_from_db()
            unit = add_unit(world.kanwil_jabar, code=f"KC-B{n}", name=f"Satker B{n}", kind="satker")
            sheet = make_assessment(period, unit)
            fill(sheet, world, files=0, layers=layers)
            with transaction.atomic():
                scores_refresh(sheet)
        sheets = list(Assessment.objects.select_related("period__framework", "unit"))
        start = time.perf_counter()
        drift = scores_drift(sheets)
        checked = (time.perf_counter() - start) * 1000
        assert drift == [], drift
        print(
            f"  check_scores over {len(sheets)} sheets        {checked:7.1f} ms "
            f"({checked / len(sheets):.2f} ms a sheet, 3 queries)"
        )
        print(f"ratio={with_refresh / without:.3f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
