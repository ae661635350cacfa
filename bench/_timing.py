"""Timing shared by the benches: wall time and database time (summed over the queries as
the client sees them: execution and transfer) of a function, over several runs."""

from __future__ import annotations

import statistics
import time
from typing import Any


def timed(fn: Any, runs: int) -> dict[str, Any]:
    from django.db import connection

    walls, dbs, counts = [], [], []
    for _ in range(runs):
        spent = [0.0]
        seen = [0]

        def clock(
            execute: Any,
            sql: Any,
            params: Any,
            many: Any,
            context: Any,
            spent: Any = spent,
            seen: Any = seen,
        ) -> Any:
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - t
                seen[0] += 1

        t0 = time.perf_counter()
        with connection.execute_wrapper(clock):
            fn()
        walls.append(time.perf_counter() - t0)
        dbs.append(spent[0])
        counts.append(seen[0])
    return {
        "wall_ms_best": round(1000 * min(walls), 1),
        "wall_ms_median": round(1000 * statistics.median(walls), 1),
        "db_ms_best": round(1000 * min(dbs), 1),
        "db_ms_median": round(1000 * statistics.median(dbs), 1),
        "queries": counts[-1],
    }
