"""The agency dashboard's data and the recap export over a large agency, against raw SQL over
the same stored scores, on PostgreSQL.

    url=$(ZONA_PG_PORT=5445 scripts/pg.sh start)
    DATABASE_URL=$url .venv/bin/python bench/recap.py [--units 5000] [--assessments 20000]
        [--runs 5] [--xlsx]

Works in its own database (`<name>_bench` next to the one in DATABASE_URL), created and
migrated on first use, so the test databases and any demo data are left alone.

Builds (once; kept while the sizes match) an agency of `--units` units (echelon-I units,
regional offices, satker) on the PermenPAN-RB 90/2021 framework, with `--assessments` sheets
spread over one period per year (units x years), each with its stored views (the unit's, the
regional office's and the TPI's, the effective one) as `StoredScore` rows shaped as
`scores_refresh` writes them (area, component and verdict JSON included), with their area
rows (`StoredAreaScore`, as `scores_refresh` writes them too). The sheets' answer layers
are empty (no answers, no evidence): the recap's answer and evidence queries find nothing,
so `recap_read` measures its sheet and stored-view reads and its round trips. Then times,
best and median of `--runs`:

- `dashboard`: the agency dashboard's data (`zona.insight.selectors.agency.load_board` for the
  agency and its latest period; the page reads it), with its query count, and the same for
  one regional office's subtree (about 50 units): the two counts must be equal.
- `recap_read`: what the recap export reads for the latest period (the review tiers, then
  `recap_chunks` in the export's chunk size, `ZONA_EXPORT_CHUNK_SIZE`: per chunk the sheets
  with their units and stored views joined, the answers with their layers, the evidence
  links) with the recap's rows built (`RecapWriter` on the "Rekap" sheet) and the workbook
  saved to memory.
- `raw_sql`: one hand-written query returning the same per-sheet figures (unit, status,
  target, every view's total, Pengungkit, Hasil, the effective total after koefisien and
  verdict), pivoted with `json_object_agg`, fetched to Python.
- with `--xlsx`: the whole export (both sheets, 110 item rows per sheet) written to memory.

Each figure is wall time and database time (summed over the queries, as the client sees
them: execution and transfer). The last line is `ratio=<recap_read database time / raw_sql
database time>` (medians; goal: <= 3): what reading the recap from the stored scores costs
the database against the one query a person would write. The wall times are printed beside
it: writing the workbook (openpyxl) and decoding the stored JSON, not the database, dominate
them.
"""

from __future__ import annotations

import argparse
import io
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

AGENCY_CODE = "BENCH-RECAP"
ECHELON_I = 10
OFFICES_PER_ECHELON = 10


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (scripts/pg.sh start prints one).")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "zona"
    bench = f"{name}_bench"
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


# --- the agency ------------------------------------------------------------------------------


def _tree(units: int) -> list[dict[str, Any]]:
    """The units of the agency as rows (path, depth, kind ...), root first: echelon-I units,
    regional offices under them, satker spread evenly under the offices."""
    from zona.accounts.models import Unit

    root_path = Unit._get_path(None, 1, 1)
    rows: list[dict[str, Any]] = [
        {"path": root_path, "depth": 1, "kind": "ministry", "code": AGENCY_CODE, "name": "Bench"}
    ]
    offices: list[str] = []
    for e in range(ECHELON_I):
        e_path = Unit._get_path(root_path, 2, e + 1)
        rows.append(
            {"path": e_path, "depth": 2, "kind": "echelon_i", "code": f"BR-E{e}", "name": f"Es {e}"}
        )
        for o in range(OFFICES_PER_ECHELON):
            o_path = Unit._get_path(e_path, 3, o + 1)
            offices.append(o_path)
            rows.append(
                {
                    "path": o_path,
                    "depth": 3,
                    "kind": "regional_office",
                    "code": f"BR-E{e}-K{o}",
                    "name": f"Kanwil {e}.{o}",
                    "region": f"Provinsi {e * OFFICES_PER_ECHELON + o}",
                }
            )
    satker = max(0, units - len(rows))
    per_office: dict[str, int] = {}
    for n in range(satker):
        office = offices[n % len(offices)]
        per_office[office] = per_office.get(office, 0) + 1
        rows.append(
            {
                "path": Unit._get_path(office, 4, per_office[office]),
                "depth": 4,
                "kind": "satker",
                "code": f"BR-S{n}",
                "name": f"Satker {n:05d}",
                "region": f"Provinsi {offices.index(office)}",
            }
        )
    children: dict[str, int] = {}
    for row in rows:
        parent = row["path"][: -Unit.steplen]
        if parent:
            children[parent] = children.get(parent, 0) + 1
    for row in rows:
        row["numchild"] = children.get(row["path"], 0)
    return rows[:units]


def _stored_rows(spec: Any, target: str) -> dict[str, dict[str, Any]]:
    """The shape of a sheet's stored views (every item answered "A"): what scores_refresh
    writes, to be varied per sheet."""
    from zona.assessments.selectors.scores import LayerAnswers, computed_rows, scoreable

    values = {code: "A" for code, item in spec.items.items() if item.is_choice}
    answers = scoreable(spec, values)
    return computed_rows(spec, [LayerAnswers("unit", None, 0, answers)], target=target)


def prepare(units: int, assessments: int) -> dict[str, Any]:
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction

    from zona.accounts.models import ReviewTier, Unit
    from zona.assessments.models import (
        AnswerLayer,
        Assessment,
        Period,
        StoredAreaScore,
        StoredScore,
    )
    from zona.assessments.selectors.scores import area_rows
    from zona.assessments.sheet import sheet_spec
    from zona.frameworks.services import framework_load_file

    call_command("migrate", verbosity=0)
    real = ROOT / "frameworks" / "permenpan-rb-90-2021.yaml"
    framework = framework_load_file(path=real).framework
    years = max(1, -(-assessments // units))
    agency = Unit.objects.filter(code=AGENCY_CODE).first()
    if agency is not None:
        have_units = Unit.objects.filter(path__startswith=agency.path).count()
        have_sheets = Assessment.objects.filter(period__agency=agency).count()
        if have_units == units and have_sheets == assessments:
            return {"agency": agency, "built_seconds": None}
        print("rebuilding the bench agency ...", flush=True)
        with connection.cursor() as cursor:
            for sql in (
                "DELETE FROM assessments_storedareascore WHERE assessment_id IN (SELECT a.id "
                "FROM assessments_assessment a JOIN assessments_period p ON p.id = a.period_id "
                "WHERE p.agency_id = %s)",
                "DELETE FROM assessments_storedscore WHERE assessment_id IN (SELECT a.id FROM "
                "assessments_assessment a JOIN assessments_period p ON p.id = a.period_id "
                "WHERE p.agency_id = %s)",
                "DELETE FROM assessments_answerlayer WHERE assessment_id IN (SELECT a.id FROM "
                "assessments_assessment a JOIN assessments_period p ON p.id = a.period_id "
                "WHERE p.agency_id = %s)",
                "DELETE FROM assessments_assessment WHERE period_id IN (SELECT id FROM "
                "assessments_period WHERE agency_id = %s)",
                "DELETE FROM assessments_period WHERE agency_id = %s",
                "DELETE FROM accounts_reviewtier WHERE agency_id = %s",
            ):
                cursor.execute(sql, [agency.pk])
            cursor.execute("DELETE FROM accounts_unit WHERE path LIKE %s", [agency.path + "%"])
    t0 = time.monotonic()
    rng = random.Random(12)
    with transaction.atomic():
        Unit.objects.bulk_create([Unit(**row) for row in _tree(units)], batch_size=5000)
        agency = Unit.objects.get(code=AGENCY_CODE)
        national = ReviewTier.objects.filter(agency=None).first()
        if national is None:
            ReviewTier.objects.create(agency=None, code="tpn", name="TPN", rank=90)
        kanwil = ReviewTier.objects.create(agency=agency, code="kanwil", name="Kanwil", rank=10)
        tpi = ReviewTier.objects.create(agency=agency, code="tpi", name="TPI", rank=30)
        unit_ids = list(
            Unit.objects.filter(path__startswith=agency.path)
            .order_by("path")
            .values_list("pk", flat=True)
        )
        spec = sheet_spec(framework)
        shapes = {t: _stored_rows(spec, t) for t in ("wbk", "wbbm")}
        last_year = 2026
        made = 0
        for y in range(years):
            year = last_year - years + 1 + y
            period = Period.objects.create(
                agency=agency,
                year=year,
                title=f"PMPZI {year}",
                framework=framework,
                opens_on=f"{year}-01-10",
                closes_on=f"{year}-11-30",
            )
            batch = []
            for unit_id in unit_ids:
                if made >= assessments:
                    break
                made += 1
                target = "wbbm" if rng.random() < 0.2 else "wbk"
                status = rng.choice(["draft", "submitted", "submitted", "returned"])
                batch.append(
                    Assessment(period=period, unit_id=unit_id, target=target, status=status)
                )
            sheets = Assessment.objects.bulk_create(batch, batch_size=5000)
            AnswerLayer.objects.bulk_create(
                [AnswerLayer(assessment=a, tier=None) for a in sheets], batch_size=5000
            )
            stored = []
            areas: list[Any] = []
            for sheet in sheets:
                views: dict[str, dict[str, Any]] = {}
                shape = shapes[sheet.target]
                base = Decimal(rng.uniform(45, 95)).quantize(Decimal("0.0001"))
                for key, tier in (
                    ("unit", None),
                    (f"tier:{kanwil.pk}", kanwil),
                    (f"tier:{tpi.pk}", tpi),
                    ("effective", None),
                ):
                    fields = dict(shape["effective" if key == "effective" else "unit"])
                    shift = Decimal(rng.uniform(-4, 2)).quantize(Decimal("0.0001"))
                    total = max(Decimal(0), base + shift)
                    fields.update(
                        tier_id=tier.pk if tier else None,
                        total=total,
                        pengungkit=(total * Decimal("0.6")).quantize(Decimal("0.0001")),
                        hasil=(total * Decimal("0.4")).quantize(Decimal("0.0001")),
                        passed=total >= 75,
                    )
                    if key == "effective":
                        fields["total_after_deductions"] = total
                    stored.append(StoredScore(assessment=sheet, key=key, **fields))
                    views[key] = fields
                areas.extend(
                    StoredAreaScore(
                        assessment=sheet,
                        key=key,
                        area=area,
                        score=figures.score,
                        difference=figures.difference,
                    )
                    for (key, area), figures in area_rows(views).items()
                )
            StoredScore.objects.bulk_create(stored, batch_size=5000)
            StoredAreaScore.objects.bulk_create(areas, batch_size=5000)
    with connection.cursor() as cursor:
        for table in (
            "accounts_unit",
            "assessments_assessment",
            "assessments_storedscore",
            "assessments_storedareascore",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {"agency": agency, "built_seconds": round(time.monotonic() - t0, 1)}


RAW_SQL = """
SELECT a.id, u.code, u.name, u.depth, a.target, a.status,
       json_object_agg(s.key, json_build_array(s.total, s.pengungkit, s.hasil,
                                               s.total_after_deductions, s.passed))
FROM assessments_assessment a
JOIN accounts_unit u ON u.id = a.unit_id
JOIN assessments_storedscore s ON s.assessment_id = a.id
WHERE a.period_id = %s AND u.path LIKE %s
GROUP BY a.id, u.code, u.name, u.depth, u.path, a.target, a.status
ORDER BY u.path
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--assessments", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--xlsx", action="store_true", help="also time the whole export")
    args = parser.parse_args()

    _django(_bench_database_url())
    from django.db import connection

    from zona.accounts.models import Unit
    from zona.assessments.models import Period
    from zona.insight.exporters.recap import RecapWriter, recap_layout
    from zona.insight.selectors.agency import Filters, load_board
    from zona.insight.selectors.exports import recap_chunks, recap_count, recap_tiers
    from zona.insight.services.exports import chunk_size

    built = prepare(args.units, args.assessments)
    agency: Unit = built["agency"]
    period = (
        Period.objects.filter(agency=agency).select_related("framework").order_by("-year").first()
    )
    assert period is not None
    office = Unit.objects.filter(path__startswith=agency.path, depth=3).order_by("path").first()
    assert office is not None
    sheets = recap_count(period, agency)
    size = chunk_size()

    def dashboard(scope: Unit) -> Any:
        return lambda: load_board(scope, agency, Filters(period=period))

    def recap_read() -> None:
        layout = recap_layout(period, agency, recap_tiers(period))
        writer = RecapWriter(layout, evidence_url=lambda pk: f"/e/{pk}")
        for chunk in recap_chunks(period, agency, chunk_size=size, tiers=layout.tiers):
            for sheet in chunk:
                writer._recap_row(sheet)  # the recap's own rows, without the item sheet
        writer.save(io.BytesIO())

    def recap_xlsx() -> None:
        layout = recap_layout(period, agency, recap_tiers(period))
        writer = RecapWriter(layout, evidence_url=lambda pk: f"/e/{pk}")
        for chunk in recap_chunks(period, agency, chunk_size=size, tiers=layout.tiers):
            writer.add(chunk)
        writer.save(io.BytesIO())

    def raw_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [period.pk, agency.path + "%"])
            rows = cursor.fetchall()
        assert len(rows) == sheets, (len(rows), sheets)

    print(
        f"agency of {Unit.objects.filter(path__startswith=agency.path).count():,} units, "
        f"{args.assessments:,} sheets over the years; latest period {period.year}: "
        f"{sheets:,} sheets (built in {built['built_seconds']} s)",
        flush=True,
    )
    office_units = Unit.objects.filter(path__startswith=office.path).count()
    result: dict[str, Any] = {
        "dashboard_agency": timed(dashboard(agency), args.runs),
        f"dashboard_office_{office_units}_units": timed(dashboard(office), args.runs),
        "recap_read": timed(recap_read, args.runs),
        "raw_sql": timed(raw_sql, args.runs),
    }
    if args.xlsx:
        result["recap_xlsx"] = timed(recap_xlsx, 1)
    print(json.dumps(result, indent=2), flush=True)
    same = (
        result["dashboard_agency"]["queries"]
        == result[f"dashboard_office_{office_units}_units"]["queries"]
    )
    print(f"dashboard queries equal at {office_units} and {args.units} units: {same}")
    ratio = result["recap_read"]["db_ms_median"] / result["raw_sql"]["db_ms_median"]
    print(f"ratio={ratio:.3f}", flush=True)


if __name__ == "__main__":
    main()
