"""Server time of the worksheet page, and of saving one answer with rescoring.

The case of the query-count test: the real PermenPAN-RB 90/2021 framework, every item
answered in three layers (unit, Kanwil, TPI) and 300 evidence files attached.

    .venv/bin/python bench/worksheet.py [--runs 20]

Runs against a throw-away SQLite database (the test settings), so it touches nothing else.
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
    parser.add_argument("--runs", type=int, default=20, help="timed runs per measurement")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from zona.accounts.testing import build_world
        from zona.assessments.selectors import load_sheet_state, sheet_scores
        from zona.assessments.services import answer_save
        from zona.assessments.tests.factories import REAL, make_assessment, make_period
        from zona.assessments.tests.test_queries import fill
        from zona.frameworks.services import framework_load_file

        world = build_world()
        framework = framework_load_file(path=REAL).framework
        assessment = make_assessment(make_period(world.agency, framework), world.bandung)
        fill(assessment, world, files=300, layers=[None, world.tier_kanwil, world.tier_tpi])
        client = Client()
        client.force_login(world["operator"])

        def page(query: str) -> None:
            response = client.get(reverse("assessments:worksheet", args=[assessment.pk]) + query)
            assert response.status_code == 200

        revision = [1]

        def save_view() -> None:
            value = "A" if revision[0] % 2 else "B"
            response = client.post(
                reverse("assessments:item", args=[assessment.pk, "A.I.1.i.b"]),
                {"value": value, "note": "bench", "revision": revision[0]},
            )
            assert response.status_code == 200, response.status_code
            revision[0] += 1

        def save_service() -> None:
            value = "A" if revision[0] % 2 else "B"
            answer_save(
                actor=world["operator"],
                assessment=assessment,
                item_code="A.I.1.i.b",
                revision=revision[0],
                value=value,
            )
            revision[0] += 1
            sheet_scores(load_sheet_state(assessment))

        measurements = [
            ("worksheet page, first area", lambda: page("")),
            ("worksheet page, all 113 items", lambda: page("?s=all")),
            ("save one answer (HTTP, with rescoring and fragments)", save_view),
            ("save one answer (service + rescoring)", save_service),
        ]
        print(f"PermenPAN-RB 90/2021, 3 layers, 300 evidence files, {args.runs} runs each")
        for label, run in measurements:
            run()  # warm caches (compiled framework, templates)
            queries: list[str] = []

            def counter(execute, sql, params, many, context, seen=queries):
                seen.append(sql)
                return execute(sql, params, many, context)

            # An execute wrapper sees every query (a request resets the debug query log).
            with connection.execute_wrapper(counter):
                run()
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                run()
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"  {label:<55} median {statistics.median(times):7.1f} ms   "
                f"p90 {sorted(times)[int(0.9 * (len(times) - 1))]:7.1f} ms   "
                f"{len(queries)} queries"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
