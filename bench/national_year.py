"""A national year through the stack: 4,000 proposed units, 30,000 satker sheets, 3 million
survey responses, on PostgreSQL (at full size with --fraction 1; a smaller fraction is
scaled linearly to a year and says so).

    url=$(ZONA_PG_PORT=5453 scripts/pg.sh start)
    DATABASE_URL=$url .venv/bin/python bench/surveys.py --skip-submit --responses 3000000 --runs 1
    DATABASE_URL=$url .venv/bin/python bench/national_year.py --fraction 1 [--save-sample 3]
        [--service-sample 200] [--submissions-per-second 19.3] [--skip-surveys]
        [--surveys-preloaded] [--reads-only]

Works in `<name>_bench` next to DATABASE_URL's database (bench/surveys.py's), so a lab's
or the tests' data are left alone. With ZONA_LAB_REPLICA_URL (a streaming replica of that
server, scripts/scale-lab.sh) the reads are timed on the primary and, through
zona.core.db_router, on the replica, and the replication lag is sampled through every part.

Rows that a year creates one by one through a service (units, sheets, answers) are created
through that service for a sample, whose cost per row is printed, and in bulk for the rest
(bulk_create in chunks, COPY for the answers), so a full-size run takes minutes, not hours,
and holds one chunk of rows in memory at a time. The parts, each timed, with the rows and
bytes it adds:
1. units: --fraction x 30,000 satker under one echelon-I unit: --service-sample through
   `unit_create` (ms per unit), the rest in bulk with their paths and audit events.
2. sheets: a period on the real LKE (90/2021) and a sheet per satker: --service-sample
   through `assessment_create_many` (ms per sheet), the rest in bulk (sheet, unit layer,
   audit event).
3. saves: --save-sample sheets answered item by item through `answer_save` (the worksheet's
   own path: revision check, audit, change log, rescoring), the cost of one save.
4. answers: every other sheet's unit layer written by COPY (113 answers each), then their
   stored scores computed by `scores_refresh_many` (the real scoring, chunked).
5. nominations: --fraction x 4,000 of the sheets proposed to the TPN (one proposal, rows in
   the first stage).
6. surveys: --fraction x 3,000,000 responses of 22 answers. If the bench database already
   holds exactly that many in bench/surveys.py's big campaign (loaded by the command above,
   which times the load, the fold and the raw scans), they are used as they are; otherwise
   they are loaded the way bench/surveys.py loads them (SQL) and folded into the totals.
Then the reads that matter, each timed (wall and database time, median of 3): the TPN's
list of every nomination with its score and the TPN queue page's data, the national view
(`load_national`) and the funnel (nation, agency), the agency dashboard over every sheet
(`load_board`), every sheet's score, the campaign results page and the LKE survey indices.
Then the database size per table, and the first limit: for each resource, what a national
year's peak asks of this machine over what it has (>1 does not fit). The assumed peaks are
printed with the figures; the load average is printed with each part. The last line is
`ratio=<the first limit's demand over capacity>`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

FULL = {"satker": 30_000, "nominations": 4_000, "responses": 3_000_000}
ITEMS_PER_SHEET = 113
# A national year's peaks, stated so the limits can be recomputed with other ones.
ASSUMED = {
    # Worksheet saves: unit and reviewer layers (x2) over four weeks of working hours; the
    # last days before the deadline run at five times the average.
    "save_layers": 2,
    "save_hours": 20 * 8,
    "save_peak_factor": 5,
    # Survey submissions: a three-month season of working hours, a peak hour ten times that.
    "survey_hours": 65 * 8,
    "survey_peak_factor": 10,
    # One web machine: gunicorn workers x threads, plus task workers, hold connections.
    "web_connections_per_machine": 4 * 4 + 2,
    # A page is slow past this (a list or dashboard read).
    "page_budget_ms": 1000,
}


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LagMonitor:
    """Samples the replica's lag on the primary every half second, per part."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.part = "setup"
        self.samples: dict[str, list[tuple[float, int]]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.5):
                row = conn.execute(
                    "SELECT coalesce(extract(epoch FROM replay_lag), 0),"
                    " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)"
                    " FROM pg_stat_replication LIMIT 1"
                ).fetchone()
                if row is not None:
                    self.samples.setdefault(self.part, []).append((float(row[0]), int(row[1])))

    def summary(self) -> dict[str, Any]:
        return {
            part: {
                "samples": len(s),
                "max_replay_lag_s": round(max(x[0] for x in s), 3),
                "median_replay_lag_s": round(statistics.median(x[0] for x in s), 3),
                "max_behind_bytes": max(x[1] for x in s),
            }
            for part, s in self.samples.items()
        }


def _sizes(tables: list[str]) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        out = {}
        for table in tables:
            cursor.execute(
                "SELECT pg_total_relation_size(%s), (SELECT reltuples::bigint FROM pg_class"
                " WHERE relname = %s)",
                [table, table],
            )
            size, rows = cursor.fetchone()
            out[table] = {"bytes": size, "rows_estimate": rows}
        cursor.execute("SELECT pg_database_size(current_database())")
        out["database_bytes"] = cursor.fetchone()[0]
    return out


def _timed(fn: Any, runs: int = 3) -> dict[str, Any]:
    """Wall time and database time (the queries as the client sees them, summed), per run."""
    from django.db import connections

    walls, dbs, queries = [], [], 0
    for _ in range(runs):
        spent = [0.0, 0]

        def clock(
            execute: Any, sql: Any, params: Any, many: Any, context: Any, spent: Any = spent
        ) -> Any:
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - t
                spent[1] += 1

        with contextlib.ExitStack() as stack:
            for conn in connections.all(initialized_only=True):
                stack.enter_context(conn.execute_wrapper(clock))
            t0 = time.perf_counter()
            fn()
            walls.append(time.perf_counter() - t0)
        dbs.append(spent[0])
        queries = int(spent[1])
    return {
        "best_ms": round(1000 * min(walls), 1),
        "median_ms": round(1000 * statistics.median(walls), 1),
        "db_ms_median": round(1000 * statistics.median(dbs), 1),
        "queries": queries,
        "load_average": round(os.getloadavg()[0], 1),
    }


def _audit_rows(actor: Any, action: str, rows: list[tuple[Any, Any, dict[str, Any]]]) -> int:
    """The audit events `audit_record` would have written, in bulk: (target, unit, details)."""
    from zona.audit.models import AuditEvent

    events = [
        AuditEvent(
            actor=actor,
            actor_repr=str(actor),
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_repr=str(target)[:255],
            unit=unit,
            unit_path=unit.path,
            details=details,
        )
        for target, unit, details in rows
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


def wait_for_loader(campaign: Any, responses: int) -> None:
    """Until `campaign` holds `responses` responses folded into its totals and no other
    session of this database has run a query for a few seconds (the loader has finished)."""
    from django.db import connection

    from zona.surveys.models import Response, ResponseTally

    quiet = 0
    while quiet < 3:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state = 'active' AND pid <> pg_backend_pid()"
            )
            busy = cursor.fetchone()[0]
        done = (
            Response.objects.filter(campaign=campaign).count() == responses
            and ResponseTally.objects.filter(campaign=campaign).exists()
        )
        quiet = quiet + 1 if done and not busy else 0
        if quiet == 0:
            print(f"{time.strftime('%H:%M:%S', time.gmtime())} waiting for the loader", flush=True)
        time.sleep(2 if quiet else 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--save-sample", type=int, default=3, help="sheets saved item by item")
    parser.add_argument(
        "--service-sample",
        type=int,
        default=200,
        help="units and sheets created through their services (the rest in bulk)",
    )
    parser.add_argument(
        "--submissions-per-second",
        type=float,
        default=64.0,
        help="measured survey submissions/s of this machine (bench/web_servers.py)",
    )
    parser.add_argument("--skip-surveys", action="store_true")
    parser.add_argument(
        "--surveys-preloaded",
        action="store_true",
        help="bench/surveys.py loads the responses meanwhile: wait for it, never reload",
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="write nothing: time the reads again over the last full run's year",
    )
    args = parser.parse_args()
    surveys = _load("surveys")
    url = surveys._bench_database_url()
    replica_url = os.environ.get("ZONA_LAB_REPLICA_URL", "")
    monitor = LagMonitor(url) if replica_url else None
    surveys._django(url)

    from django.conf import settings
    from django.db import connection, connections
    from django.db import router as django_router

    from zona.core.db_router import REPLICA, ReplicaRouter, replica_reads

    if replica_url:
        import urllib.parse

        parts = urllib.parse.urlsplit(replica_url)
        bench_name = urllib.parse.urlsplit(url).path.lstrip("/")
        settings.DATABASES[REPLICA] = {
            **settings.DATABASES["default"],
            "PORT": parts.port,
            "NAME": bench_name,
        }
        connections.settings[REPLICA] = settings.DATABASES[REPLICA]  # before its first use
        django_router.routers = [ReplicaRouter()]
        monitor.thread.start()  # type: ignore[union-attr]

    from django.db import transaction
    from django.utils import timezone

    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    t_all = time.monotonic()
    campaigns = surveys.prepare()  # migrates the bench database on first use
    from django.core.paginator import Paginator

    from zona.accounts.models import Unit, User
    from zona.accounts.services import unit_create
    from zona.accounts.testing import build_world
    from zona.assessments.models import AnswerLayer, Assessment, StoredScore
    from zona.assessments.services import answer_save
    from zona.assessments.services.periods import assessment_create_many, period_create
    from zona.assessments.services.scores import scores_refresh_many
    from zona.assessments.sheet import sheet_spec
    from zona.frameworks.services import framework_load_file
    from zona.national.models import Nomination, Proposal

    if not User.objects.filter(username="sysadmin").exists():
        build_world()
    sysadmin = User.objects.get(username="sysadmin")
    admin = User.objects.get(username="agency_admin")
    agency = Unit.objects.get(code="KC")
    framework = framework_load_file(
        path=ROOT / "frameworks" / "permenpan-rb-90-2021.yaml"
    ).framework
    spec = sheet_spec(framework)
    tag = f"NY{int(time.time()) % 1_000_000:06d}"
    satker = max(args.save_sample + 1, round(FULL["satker"] * args.fraction))
    nominations = max(1, round(FULL["nominations"] * args.fraction))
    responses = max(1000, round(FULL["responses"] * args.fraction))
    report: dict[str, Any] = {
        "started": started,
        "load_average_at_start": os.getloadavg(),
        "cores": os.cpu_count(),
        "fraction": args.fraction,
        "service_sample": args.service_sample,
        "sizes_run": {"satker": satker, "nominations": nominations, "responses": responses},
        "assumed": ASSUMED,
        "parts": {},
    }
    parts = report["parts"]

    def part(name: str) -> None:
        if monitor:
            monitor.part = name
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{time.strftime('%H:%M:%S', time.gmtime())} {name} ... (load {load})", flush=True)

    def timed_part(name: str, fn: Any, tables: list[str]) -> dict[str, Any]:
        if args.reads_only:
            return {}
        part(name)
        before = _sizes(tables)
        t0 = time.monotonic()
        out = fn() or {}
        seconds = time.monotonic() - t0
        after = _sizes(tables)
        result = {
            "seconds": round(seconds, 1),
            "load_average_after": [round(x, 1) for x in os.getloadavg()],
            **out,
            "bytes_added": {t: after[t]["bytes"] - before[t]["bytes"] for t in tables},
        }
        parts[name] = result
        print(json.dumps({name: result}), flush=True)
        return result

    # 1. units
    holder: dict[str, Any] = {}

    def make_units() -> dict[str, Any]:
        root = unit_create(
            actor=sysadmin, parent=agency, code=tag, name=f"Ditjen {tag}", kind="echelon_i"
        )
        sample = min(satker, args.service_sample)
        units, times = [], []
        for n in range(sample):
            t0 = time.perf_counter()
            units.append(
                unit_create(
                    actor=sysadmin,
                    parent=root,
                    code=f"{tag}-{n:05d}",
                    name=f"Satker {n:05d}",
                    kind="satker",
                )
            )
            times.append(time.perf_counter() - t0)
        # The rest in bulk: the children's paths as treebeard numbers them (names in order,
        # so each new one is the last child), the parent's child count, the audit events.
        t0 = time.monotonic()
        root.refresh_from_db()
        last = root.get_last_child()
        step = Unit._str2int(last.path[-Unit.steplen :]) if last else 0
        depth = root.depth + 1
        for start in range(sample, satker, 2000):
            batch = []
            for n in range(start, min(satker, start + 2000)):
                step += 1
                batch.append(
                    Unit(
                        path=Unit._get_path(root.path, depth, step),
                        depth=depth,
                        numchild=0,
                        code=f"{tag}-{n:05d}",
                        name=f"Satker {n:05d}",
                        kind="satker",
                    )
                )
            with transaction.atomic():
                created = Unit.objects.bulk_create(batch)
                _audit_rows(
                    sysadmin,
                    "unit.created",
                    [
                        (
                            u,
                            u,
                            {
                                "code": u.code,
                                "name": u.name,
                                "short_name": "",
                                "kind": "satker",
                                "echelon": None,
                                "region": "",
                                "is_active": True,
                                "parent": root.code,
                            },
                        )
                        for u in created
                    ],
                )
            units += created
        Unit.objects.filter(pk=root.pk).update(numchild=len(units))
        bulk_s = time.monotonic() - t0
        assert Unit.objects.filter(path__startswith=root.path, depth=depth).count() == satker
        holder["units"] = units
        holder["root"] = root
        return {
            "rows": satker,
            "through_service": sample,
            "service_ms_median": round(1000 * statistics.median(times), 1) if times else None,
            "service_ms_p95": round(1000 * sorted(times)[int(len(times) * 0.95)], 1)
            if times
            else None,
            "bulk_rows": satker - sample,
            "bulk_seconds": round(bulk_s, 1),
        }

    timed_part("units", make_units, ["accounts_unit", "audit_auditevent"])

    # 2. sheets
    def make_sheets() -> dict[str, Any]:
        today = timezone.localdate()
        period = period_create(
            actor=admin,
            agency=agency,
            year=today.year,
            title=f"National year {tag}",
            framework=framework,
            opens_on=today - datetime.timedelta(days=1),
            closes_on=today + datetime.timedelta(days=30),
        )
        units = holder["units"]
        sample = units[: args.service_sample]
        t0 = time.perf_counter()
        created = assessment_create_many(
            actor=admin, period=period, targets=dict.fromkeys(sample, "wbk")
        )
        service_s = time.perf_counter() - t0
        # The rest in bulk: the sheet, its unit layer and the audit event
        # assessment_create_many writes for each.
        t0 = time.monotonic()
        for start in range(len(sample), len(units), 2000):
            chunk = units[start : start + 2000]
            with transaction.atomic():
                sheets = Assessment.objects.bulk_create(
                    Assessment(period=period, unit=u, target="wbk", created_by=admin) for u in chunk
                )
                AnswerLayer.objects.bulk_create(
                    AnswerLayer(assessment=a, tier=None) for a in sheets
                )
                _audit_rows(
                    admin,
                    "assessment.created",
                    [(a, a.unit, {"period": period.pk, "target": "wbk"}) for a in sheets],
                )
        bulk_s = time.monotonic() - t0
        holder["period"] = period
        # One period (and framework) object shared by every sheet: select_related would parse
        # the framework's definition once per row (gigabytes at 30,000 sheets).
        holder["sheets"] = list(
            Assessment.objects.filter(period=period).select_related("unit").order_by("pk")
        )
        for sheet in holder["sheets"]:
            sheet.period = period
        return {
            "rows": len(holder["sheets"]),
            "through_service": len(created.created),
            "service_ms_per_sheet": round(1000 * service_s / max(1, len(created.created)), 1),
            "bulk_rows": len(units) - len(sample),
            "bulk_seconds": round(bulk_s, 1),
        }

    timed_part(
        "sheets",
        make_sheets,
        ["assessments_assessment", "assessments_answerlayer", "audit_auditevent"],
    )

    # 3. saves through the worksheet's service
    def value_for(item: Any, n: int) -> Any:
        if item.is_choice:
            return item.option_keys[n % len(item.option_keys)]
        if item.answer_type == "PCT":
            return dict.fromkeys(item.required_counts, 1)
        return "3.5"

    def backend_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL backend (same machine, /proc)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def saves() -> dict[str, Any]:
        times, cpu = [], []
        db_cpu0 = backend_cpu()
        for n, sheet in enumerate(holder["sheets"][: args.save_sample]):
            for i, item in enumerate(spec.items.values()):
                t0, c0 = time.perf_counter(), time.process_time()
                answer_save(
                    actor=sysadmin,
                    assessment=sheet,
                    item_code=item.code,
                    revision=None,
                    value=value_for(item, n + i),
                )
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        return {
            "saves": len(times),
            "ms_median": round(1000 * statistics.median(times), 1),
            "ms_p95": round(1000 * sorted(times)[int(len(times) * 0.95)], 1),
            # This process's own CPU (Django's side of a save; PostgreSQL's is not in it):
            # on a loaded machine the wall time above waits for a core, this does not.
            "cpu_ms_median": round(1000 * statistics.median(cpu), 1),
            # PostgreSQL's CPU for them, averaged (its backend's CPU time over the saves).
            "db_cpu_ms_mean": round(1000 * (backend_cpu() - db_cpu0) / len(times), 1),
        }

    timed_part(
        "saves", saves, ["assessments_answer", "assessments_answerchange", "audit_auditevent"]
    )

    # 4. the other sheets' answers in bulk, then their stored scores
    def answers() -> dict[str, Any]:
        rest = holder["sheets"][args.save_sample :]
        layers = {
            layer.assessment_id: layer
            for layer in AnswerLayer.objects.filter(
                assessment__period=holder["period"], tier__isnull=True
            )
        }
        missing = [AnswerLayer(assessment=s, tier=None) for s in rest if s.pk not in layers]
        for layer in AnswerLayer.objects.bulk_create(missing):
            layers[layer.assessment_id] = layer
        now = timezone.now()
        rows = 0
        t0 = time.monotonic()
        # COPY, a chunk of sheets per statement (one chunk of rows in memory at a time).
        columns = (
            "layer_id, item_code, value, note, source, suggested_value, suggested_note,"
            " revision, updated_by_id, updated_at"
        )
        items = list(spec.items.values())
        for start in range(0, len(rest), 1000):
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY assessments_answer ({columns}) FROM STDIN") as copy,
            ):
                for n, sheet in enumerate(rest[start : start + 1000], start=start):
                    layer_id = layers[sheet.pk].pk
                    for i, item in enumerate(items):
                        copy.write_row(
                            (
                                layer_id,
                                item.code,
                                json.dumps(value_for(item, n + i)),
                                "",
                                "manual",
                                None,
                                "",
                                1,
                                sysadmin.pk,
                                now,
                            )
                        )
                        rows += 1
        write_s = time.monotonic() - t0
        t0 = time.monotonic()
        scored = scores_refresh_many(rest)
        score_s = time.monotonic() - t0
        return {
            "answer_rows": rows,
            "write_seconds": round(write_s, 1),
            "scored_sheets": scored,
            "score_seconds": round(score_s, 1),
            "sheets_scored_per_second": round(scored / score_s, 1) if score_s else None,
        }

    timed_part("answers", answers, ["assessments_answer", "assessments_storedscore"])

    # 5. nominations and the TPN's list
    def nominate() -> dict[str, Any]:
        proposal = Proposal.objects.create(
            agency=agency, year=holder["period"].year, period=holder["period"], created_by=admin
        )
        Nomination.objects.bulk_create(
            Nomination(
                proposal=proposal,
                assessment=sheet,
                unit=sheet.unit,
                year=proposal.year,
                target="wbk",
            )
            for sheet in holder["sheets"][:nominations]
        )
        holder["year"] = proposal.year
        return {"rows": nominations}

    timed_part("nominations", nominate, ["national_nomination"])
    if args.reads_only:
        # The last full run's year, read again (with the code as it is now).
        from zona.assessments.models import Period

        period = Period.objects.filter(title__startswith="National year NY").latest("pk")
        holder["period"], holder["year"] = period, period.year
        satker = Assessment.objects.filter(period=period).count()
        nominations = Nomination.objects.filter(proposal__period=period).count()
        report["sizes_run"] = {"satker": satker, "nominations": nominations}

    def tpn_list() -> None:
        rows = list(
            Nomination.objects.filter(year=holder["year"], proposal__period=holder["period"])
            .select_related("unit", "assessment")
            .order_by("unit__path")
        )
        scores = dict(
            StoredScore.objects.filter(
                assessment_id__in=[r.assessment_id for r in rows], key="effective"
            ).values_list("assessment_id", "total")
        )
        assert len(rows) == nominations
        assert len(scores) <= nominations

    def agency_dashboard() -> None:
        # Every sheet of the period with its effective score: the agency's national view.
        rows = list(
            StoredScore.objects.filter(assessment__period=holder["period"], key="effective")
            .select_related("assessment__unit")
            .order_by("-total")
            .values_list("assessment__unit__code", "total", "passed")
        )
        assert len(rows) >= satker - args.save_sample

    from zona.insight.national import load_national
    from zona.insight.selectors.agency import Filters, load_board
    from zona.insight.selectors.funnel import funnel
    from zona.insight.selectors.national import NationalFilters
    from zona.national.selectors.tpn import QueueFilters, queue, queue_choices, stage_counts

    def tpn_queue() -> None:
        # What zona.national.views.tpn.tpn_queue reads for the TPN (every nomination visible):
        # the year's first page, the stage counts and the filters' choices.
        visible = Nomination.objects.all()
        rows = queue(visible, QueueFilters(year=holder["year"]))
        list(Paginator(rows, 25).get_page(1).object_list)
        stage_counts(queue(visible, QueueFilters(year=holder["year"])))
        queue_choices(visible)

    def national_view() -> None:
        load_national("admin", NationalFilters(), today=timezone.localdate())

    def funnel_nation() -> None:
        funnel(None, [holder["year"]])

    def funnel_agency() -> None:
        funnel(agency, [holder["year"]])

    def board() -> None:
        # The agency dashboard over every sheet of the period (the agency's own view).
        load_board(agency, agency, Filters(period=holder["period"]))

    def read(name: str, fn: Any) -> dict[str, Any]:
        part(f"read {name}")
        out = {"primary": _timed(fn)}
        print(json.dumps({name: out}), flush=True)
        return out

    reads: dict[str, Any] = {
        "tpn_list": read("tpn_list", tpn_list),
        "tpn_queue": read("tpn_queue", tpn_queue),
        "national_view": read("national_view", national_view),
        "funnel_nation": read("funnel_nation", funnel_nation),
        "funnel_agency": read("funnel_agency", funnel_agency),
        "agency_dashboard": read("agency_dashboard", board),
        "all_sheets_scores": read("all_sheets_scores", agency_dashboard),
    }

    # 6. survey responses
    from zona.surveys.models import Response

    big = campaigns[surveys.BIG_UNIT]
    if not args.skip_surveys:
        if args.surveys_preloaded:
            wait_for_loader(big, responses)
        preloaded = Response.objects.filter(campaign=big).count() == responses
        if args.reads_only and not preloaded:
            sys.exit(f"--reads-only: the campaign does not hold {responses:,} responses")
        if not preloaded:
            # The bench's own database: earlier runs' survey rows go first (TRUNCATE,
            # instant), so the part measures a load into empty tables every time.
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE surveys_answer, surveys_response CASCADE")

        def load_surveys() -> dict[str, Any]:
            if preloaded:
                # Loaded, folded and scanned by bench/surveys.py (its own log has the times).
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM surveys_answer WHERE campaign_id = %s", [big.pk]
                    )
                    answer_rows = cursor.fetchone()[0]
                return {
                    "preloaded_by": "bench/surveys.py --skip-submit",
                    "responses": responses,
                    "answer_rows": answer_rows,
                }
            index = surveys.bench_index(big, responses, 1)
            return {
                "responses": index["responses"],
                "answer_rows": index["answer_rows"],
                "load_seconds": index["load_seconds"],
                "fold_seconds": index["rebuild_seconds"],
                "results_page_db_ms": index["from_totals"]["results_page"]["db_ms_median"],
                "results_page_raw_scan_db_ms": index["raw_scan"]["results_page"]["db_ms_median"],
            }

        timed_part("surveys", load_surveys, ["surveys_answer", "surveys_response"])
        if preloaded and "surveys" in parts:
            sizes = _sizes(["surveys_answer", "surveys_response"])
            parts["surveys"]["bytes_total"] = {
                t: sizes[t]["bytes"] for t in ("surveys_answer", "surveys_response")
            }
        from zona.surveys.reporting import profile_breakdown, shown_services, trend_from_k
        from zona.surveys.selectors import (
            campaign_progress,
            campaign_results,
            campaign_with_details,
            channel_share,
            results_by_service,
            survey_indices_for,
            unit_trend,
        )

        big = campaign_with_details(big.pk)
        assert big is not None

        def results_page() -> None:
            # What zona.surveys.views.campaigns.campaign_results_view reads.
            by_service = results_by_service(big)
            shown_services(by_service)
            campaign_results(big)
            _keys, trend = unit_trend(big.unit)
            trend_from_k(trend)
            campaign_progress(big)
            channel_share(big)
            if big.asks_profile:
                profile_breakdown(big)

        reads["survey_results"] = read("survey_results", results_page)
        reads["lke_survey_indices"] = read(
            "lke_survey_indices", lambda: survey_indices_for(big.unit, big.year)
        )

    # Reads on the replica, through the router (the same code inside replica_reads()).
    if replica_url:
        part("replica reads")
        time.sleep(0)  # the lag monitor shows how far behind the replica is at this moment
        with replica_reads():
            assert Nomination.objects.all().db == REPLICA
            for name, fn in (
                ("tpn_list", tpn_list),
                ("national_view", national_view),
                ("agency_dashboard", board),
                ("all_sheets_scores", agency_dashboard),
            ):
                reads[name]["replica"] = _timed(fn)
            if not args.skip_surveys:
                reads["survey_results"]["replica"] = _timed(results_page)
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            reads["replica_is_standby"] = cursor.fetchone()[0]
    report["reads"] = reads
    if args.reads_only:
        report["load_average_at_end"] = os.getloadavg()
        print(json.dumps(report, indent=1, default=str), flush=True)
        return
    if monitor:
        monitor.stop.set()
        monitor.thread.join(5)
        report["replication_lag"] = monitor.summary()

    tables = [
        "accounts_unit",
        "assessments_assessment",
        "assessments_answer",
        "assessments_answerchange",
        "assessments_storedscore",
        "assessments_answerlayer",
        "national_nomination",
        "surveys_response",
        "surveys_answer",
        "surveys_itemtally",
        "surveys_bandtally",
        "surveys_responsetally",
        "audit_auditevent",
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report["sizes"] = _sizes(tables)
    report["total_seconds"] = round(time.monotonic() - t_all, 1)
    report["load_average_at_end"] = os.getloadavg()

    # --- a full year and the first limit ------------------------------------------------------
    # At --fraction 1 the rows are a year's (the reviewers' layer of answers and the change
    # log and audit of 6.8 M saves are derived from the measured bytes per row and per save);
    # a smaller fraction is scaled linearly and says so.
    measured = args.fraction >= 1
    scale = 1 / args.fraction
    answer_bytes = (
        parts["answers"]["bytes_added"]["assessments_answer"]
        + parts["saves"]["bytes_added"]["assessments_answer"]
    )
    full_answers = FULL["satker"] * ITEMS_PER_SHEET * ASSUMED["save_layers"]
    per_answer = answer_bytes / max(1, parts["answers"]["answer_rows"] + parts["saves"]["saves"])
    survey_bytes = 0
    if "surveys" in parts:
        survey_bytes = sum(
            parts["surveys"].get("bytes_total", parts["surveys"]["bytes_added"]).values()
        )
    full_bytes = {
        "sheet_answers": round(per_answer * full_answers),
        "survey_rows": round(survey_bytes * FULL["responses"] / responses),
        "answer_change_log": round(
            parts["saves"]["bytes_added"]["assessments_answerchange"]
            / max(1, parts["saves"]["saves"])
            * full_answers
        ),
        "audit": round(
            (parts["saves"]["bytes_added"]["audit_auditevent"])
            / max(1, parts["saves"]["saves"])
            * full_answers
        ),
        "stored_scores": round(parts["answers"]["bytes_added"]["assessments_storedscore"] * scale),
    }
    year_bytes = sum(full_bytes.values())
    data_dir = os.environ.get("ZONA_PG_DATA") or tempfile.gettempdir()
    free = shutil.disk_usage(data_dir).free
    cores = os.cpu_count() or 1
    db_ms = parts["saves"]["db_cpu_ms_mean"]
    # Web and database CPU together: on one machine both run on the same cores.
    save_ms = round(parts["saves"]["cpu_ms_median"] + (0 if math.isnan(db_ms) else db_ms), 1)
    saves_per_s_avg = full_answers / (ASSUMED["save_hours"] * 3600)
    saves_peak = saves_per_s_avg * ASSUMED["save_peak_factor"]
    survey_peak = (
        FULL["responses"] / (ASSUMED["survey_hours"] * 3600) * ASSUMED["survey_peak_factor"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
    # Reads over every sheet or nomination grow with the year; the rest read totals.
    linear = {"all_sheets_scores", "agency_dashboard", "tpn_list"}
    slowest_read = max(
        (r["primary"]["median_ms"] * (scale if name in linear else 1), name)
        for name, r in reads.items()
        if isinstance(r, dict) and "primary" in r
    )
    limits = {
        "web_cpu_worksheet_saves": {
            "demand": f"{saves_peak:.1f} saves/s x {save_ms} ms of CPU (web + database)",
            "capacity": f"{cores} cores",
            "utilisation": round(saves_peak * save_ms / 1000 / cores, 2),
        },
        "web_survey_submissions": {
            "demand": f"{survey_peak:.1f} submissions/s at the peak hour",
            "capacity": f"{args.submissions_per_second}/s measured",
            "utilisation": round(survey_peak / args.submissions_per_second, 2),
        },
        "disk_one_year": {
            "demand": f"{year_bytes / 1e9:.1f} GB database a year (evidence files not counted)",
            "capacity": f"{free / 1e9:.0f} GB free",
            "utilisation": round(year_bytes / free, 2),
        },
        "connections_one_web_machine": {
            "demand": f"{ASSUMED['web_connections_per_machine']} per web machine",
            "capacity": f"max_connections={max_connections}",
            "utilisation": round(ASSUMED["web_connections_per_machine"] / max_connections, 2),
        },
        "slowest_read_at_full_size": {
            "demand": f"{slowest_read[1]} {slowest_read[0]:.0f} ms "
            + ("measured (median wall)" if measured else "extrapolated"),
            "capacity": f"{ASSUMED['page_budget_ms']} ms page budget",
            "utilisation": round(slowest_read[0] / ASSUMED["page_budget_ms"], 2),
        },
    }
    first = max(limits.items(), key=lambda kv: kv[1]["utilisation"])
    report["full_year"] = {
        "note": "measured at full size; reviewers' answers, change log and audit of the saves"
        " derived per row/save"
        if measured
        else f"measured at fraction {args.fraction}; bytes and times scaled linearly",
        "bytes": full_bytes,
        "database_bytes_per_year": year_bytes,
        "units_seconds_this_run": round(parts["units"]["seconds"] * scale),
        "sheets_seconds_this_run": round(parts["sheets"]["seconds"] * scale),
        # Had every row gone through its service, at the sample's cost per row:
        "units_all_through_unit_create_seconds": round(
            (parts["units"]["service_ms_median"] or 0) * FULL["satker"] / 1000
        ),
        "sheets_all_through_assessment_create_many_seconds": round(
            parts["sheets"]["service_ms_per_sheet"] * FULL["satker"] / 1000
        ),
        "scores_refresh_seconds": round(parts["answers"]["score_seconds"] * scale),
        "survey_load_seconds": round(
            parts["surveys"]["load_seconds"] * FULL["responses"] / responses
        )
        if parts.get("surveys", {}).get("load_seconds")
        else None,
        "worksheet_save_core_hours": round(full_answers * save_ms / 1000 / 3600, 1),
    }
    report["limits"] = limits
    report["first_limit"] = first[0]
    print(json.dumps(report, indent=1, default=str))
    print(f"first_limit={first[0]}")
    print(f"ratio={first[1]['utilisation']}", flush=True)


if __name__ == "__main__":
    main()
