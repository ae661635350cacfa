"""The national funnel and the national view over 50,000 nominations, on PostgreSQL.

    url=$(ZONA_PG_PORT=5445 scripts/pg.sh start)
    DATABASE_URL=$url .venv/bin/python bench/funnel.py [--nominations 50000] [--agencies 200]
        [--years 8] [--runs 5]

Works in its own database (`<name>_bench_funnel` next to the one in DATABASE_URL), created and
migrated on first use, so the test databases and any demo data are left alone.

Builds (once; kept while the size matches) `--agencies` agencies with 40 satker each, one
period and one submitted proposal per agency and year, a sheet per unit and year (submitted),
each unit a designated candidate, `--nominations` nominations spread over the years (the
older years decided: awarded about 17%, as the seed's average; the last year still moving
through the TPN's stages), and the predicates of the awarded ones. Then times, best and
median of `--runs`, wall and database time (summed over the queries as the client sees them):

- `funnel_nation`: `zona.insight.selectors.funnel.funnel(None, years)` (the national view's
  funnel), and `funnel_agency` for one agency;
- `national_view`: everything the national page reads (`zona.insight.national.load_national`
  for the national administrator: nominations by agency and stage, the funnel, predicates by
  year, agency and province, monitoring due);
- `raw_sql`: one hand-written `GROUP BY year, status` over the nominations.

The last line is `ratio=<funnel_nation database time / raw_sql database time>` (medians);
the goal is the funnel's database time under 1 second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from _timing import timed  # noqa: E402 (bench/ is the script's folder)

PREFIX = "BENCH-NAT"
SATKER_PER_AGENCY = 40
LAST_YEAR = 2026


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (scripts/pg.sh start prints one).")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "zona"
    bench = f"{name}_bench_funnel"
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{bench}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{bench}"))


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


# Decided years: the share of nominations ending at each status (awarded ~17%).
DECIDED = [("awarded", 17), ("not_awarded", 38), ("failed", 33), ("ended", 12)]
# The last year, still moving.
MOVING = [
    ("admin", 10),
    ("follow_up", 10),
    ("appeal", 3),
    ("failed", 20),
    ("desk", 20),
    ("field", 15),
    ("clearance", 7),
    ("determination", 5),
    ("awarded", 10),
]


def _pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([s for s, _ in table], weights=[w for _, w in table])[0]


def prepare(nominations: int, agencies: int, years: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from zona.accounts.models import Unit, User
    from zona.assessments.models import Assessment, Period
    from zona.frameworks.services import framework_load_file
    from zona.national.models import Candidacy, Nomination, Predicate, Proposal

    call_command("migrate", verbosity=0)
    have = Nomination.objects.filter(unit__code__startswith=PREFIX).count()
    if have == nominations:
        return {"built_seconds": None}
    if have:
        sys.exit(
            f"The bench database holds {have:,} bench nominations; drop it to change the size "
            "(scripts/pg.sh stop; rm -rf the data directory)."
        )
    t0 = time.monotonic()
    rng = random.Random(7)
    framework = framework_load_file(
        path=ROOT / "zona" / "assessments" / "tests" / "fixtures" / "mini.yaml"
    ).framework
    user, _ = User.objects.get_or_create(username="bench-national")
    now = timezone.now()
    first_year = LAST_YEAR - years + 1
    per_year = -(-nominations // years)
    with transaction.atomic():
        roots = []
        for a in range(agencies):
            kind = "province" if a % 5 == 0 else "ministry"
            roots.append(
                Unit(
                    path=Unit._get_path(None, 1, 10_000 + a),
                    depth=1,
                    numchild=SATKER_PER_AGENCY,
                    code=f"{PREFIX}-{a}",
                    name=f"Instansi {a:03d}",
                    kind=kind,
                )
            )
        Unit.objects.bulk_create(roots, batch_size=5000)
        roots = list(Unit.objects.filter(code__startswith=PREFIX, depth=1).order_by("path"))
        satker = []
        for a, root in enumerate(roots):
            for s in range(SATKER_PER_AGENCY):
                satker.append(
                    Unit(
                        path=Unit._get_path(root.path, 2, s + 1),
                        depth=2,
                        numchild=0,
                        code=f"{PREFIX}-{a}-{s}",
                        name=f"Satker {a:03d}.{s:02d}",
                        kind="satker",
                        region="" if root.kind == "province" else f"Provinsi {s % 34}",
                    )
                )
        Unit.objects.bulk_create(satker, batch_size=5000)
        units_by_agency: dict[int, list[int]] = {}
        for pk, path in Unit.objects.filter(code__startswith=PREFIX, depth=2).values_list(
            "pk", "path"
        ):
            units_by_agency.setdefault(
                next(r.pk for r in roots if path.startswith(r.path)), []
            ).append(pk)
        made = 0
        for y in range(years):
            year = first_year + y
            periods = Period.objects.bulk_create(
                [
                    Period(
                        agency=root,
                        year=year,
                        title=f"PMPZI {year}",
                        framework=framework,
                        opens_on=dt.date(year, 1, 10),
                        closes_on=dt.date(year, 11, 30),
                    )
                    for root in roots
                ]
            )
            proposals = Proposal.objects.bulk_create(
                [
                    Proposal(
                        agency=root,
                        year=year,
                        period=period,
                        status="submitted",
                        created_by=user,
                        submitted_by=user,
                        submitted_at=now,
                    )
                    for root, period in zip(roots, periods, strict=True)
                ]
            )
            sheets, candidacies = [], []
            for root, period in zip(roots, periods, strict=True):
                for unit_id in units_by_agency[root.pk]:
                    sheets.append(
                        Assessment(
                            period=period,
                            unit_id=unit_id,
                            target="wbk",
                            status="submitted",
                            submitted_at=now,
                        )
                    )
                    candidacies.append(
                        Candidacy(
                            unit_id=unit_id,
                            year=year,
                            target="WBK",
                            designated_by=user,
                            designated_at=now,
                        )
                    )
            sheets = Assessment.objects.bulk_create(sheets, batch_size=5000)
            Candidacy.objects.bulk_create(candidacies, batch_size=5000)
            proposal_of = {p.agency_id: p for p in proposals}
            agency_of = {unit_id: root.pk for root in roots for unit_id in units_by_agency[root.pk]}
            chosen = rng.sample(sheets, min(len(sheets), per_year, nominations - made))
            table = MOVING if year == LAST_YEAR else DECIDED
            rows = []
            for sheet in chosen:
                status = _pick(rng, table)
                rows.append(
                    Nomination(
                        proposal=proposal_of[agency_of[sheet.unit_id]],
                        assessment=sheet,
                        unit_id=sheet.unit_id,
                        year=year,
                        target="WBK",
                        status=status,
                    )
                )
            made += len(rows)
            rows = Nomination.objects.bulk_create(rows, batch_size=5000)
            Predicate.objects.bulk_create(
                [
                    Predicate(
                        unit_id=n.unit_id,
                        kind="WBK",
                        year=year,
                        decree_number=f"SK/{n.pk}",
                        decree_date=dt.date(year, 12, 9),
                        nomination=n,
                        granted_at=now,
                    )
                    for n in rows
                    if n.status == "awarded"
                ],
                batch_size=5000,
            )
    with connection.cursor() as cursor:
        for name in (
            "accounts_unit",
            "assessments_assessment",
            "national_nomination",
            "national_candidacy",
            "national_predicate",
        ):
            cursor.execute(f"VACUUM ANALYZE {name}")
    return {"built_seconds": round(time.monotonic() - t0, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=50_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    _django(_bench_database_url())
    from django.db import connection
    from django.utils import timezone

    from zona.accounts.models import Unit
    from zona.insight.national import load_national
    from zona.insight.selectors.funnel import funnel
    from zona.insight.selectors.national import NationalFilters
    from zona.national.models import Nomination

    built = prepare(args.nominations, args.agencies, args.years)
    years = list(range(LAST_YEAR - args.years + 1, LAST_YEAR + 1))
    agency = Unit.objects.filter(code=f"{PREFIX}-1").first()
    today = timezone.localdate()

    def raw_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT year, status, count(*) FROM national_nomination "
                "WHERE year = ANY(%s) GROUP BY 1, 2",
                [years],
            )
            cursor.fetchall()

    total = Nomination.objects.count()
    print(
        f"{total:,} nominations over {len(years)} years, {args.agencies} agencies "
        f"(built in {built['built_seconds']} s)",
        flush=True,
    )
    nation = funnel(None, years)
    result: dict[str, Any] = {
        "funnel_nation": timed(lambda: funnel(None, years), args.runs),
        "funnel_agency": timed(lambda: funnel(agency, years), args.runs),
        "national_view": timed(
            lambda: load_national("admin", NationalFilters(), today=today), args.runs
        ),
        "raw_sql": timed(raw_sql, args.runs),
        "figures": {
            "pass_rate_by_year": {str(y): str(nation.pass_rate(y)) for y in years},
            "average_pass_rate": str(nation.average_pass_rate),
            "satker_holding": f"{nation.units_holding} of {nation.units_total} "
            f"({nation.holding_percent}%)",
        },
    }
    print(json.dumps(result, indent=2), flush=True)
    db = result["funnel_nation"]["db_ms_median"]
    print(f"funnel database time {db} ms (goal < 1000 ms): {'met' if db < 1000 else 'NOT met'}")
    ratio = db / result["raw_sql"]["db_ms_median"]
    print(f"ratio={ratio:.3f}", flush=True)


if __name__ == "__main__":
    main()
