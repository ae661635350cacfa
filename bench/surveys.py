"""Survey submissions under load, and indices over a million stored responses, on PostgreSQL.

    url=$(scripts/pg.sh start)
    DATABASE_URL=$url .venv/bin/python bench/surveys.py [--clients 50] [--seconds 20]
        [--workers 4] [--responses 1000000] [--skip-submit] [--skip-index]

Works in its own database (`<name>_bench` next to the one in DATABASE_URL), created and
migrated on first use, so the test databases and any demo data are left alone.

1. Submissions. A pre-forked WSGI server (N processes x threads, the real Django stack and
   middleware) serves the public form. 50 concurrent clients post complete SPAK+SPKP+SKM
   responses (22 answers) with their own idempotency keys; a client whose request times out
   sends the same response again, with the same key, until the server confirms it, and 5%
   of confirmed responses are sent once more (a double tap). The same clients then post to a
   bare Django view that does one INSERT, the baseline of the ratio. At the end every
   confirmed key must be in the database exactly once (lost = 0, duplicated = 0).
   The per-address limit is lifted in the server, since all clients share 127.0.0.1.
2. Indices. A million responses (22 million answer rows) are written with SQL and folded
   into the running totals (`tallies_rebuild`, timed), then what the campaign results page
   and the LKE feed read is timed twice: from the totals (as the pages read it) and from a
   raw scan of the answers (the same selectors pointed at `selectors.tallies.scan_*`). Each
   figure is the database time (summed over the queries) and the wall time, best and median
   of a few runs. `fold` times the worker folding the submissions of part 1 into the totals.

The JSON summary is printed next; the last line is `ratio=<float>`, survey submissions per
second over bare inserts per second (`nan` with --skip-submit).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

BENCH_UNIT = "BENCH-SURVEY"
BIG_UNIT = "BENCH-SURVEY-1M"
TALLY_READERS = ("item_sums", "response_counts", "band_sums", "has_counted_answers")


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


# --- setup -------------------------------------------------------------------------------


def prepare() -> dict[str, Any]:
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from zona.accounts.models import ServiceType, Unit
    from zona.surveys.models import Campaign
    from zona.surveys.services import CampaignFields, campaign_create, instrument_load_files

    call_command("migrate", verbosity=0)
    versions = {
        r.key: r.instrument_version
        for r in instrument_load_files(paths=sorted((ROOT / "surveys").glob("*.yaml")))
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, k text UNIQUE)"
        )
    today = timezone.localdate()
    out = {}
    for code in (BENCH_UNIT, BIG_UNIT):
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit.add_root(code=code, name=f"Bench {code}", kind="agency")
            for svc in ("PASPOR", "IZIN", "VISA"):
                ServiceType.objects.create(unit=unit, code=svc, name=f"Layanan {svc.title()}")
        campaign = Campaign.objects.filter(unit=unit).first()
        if campaign is None:
            campaign = campaign_create(
                actor=None,
                unit=unit,
                fields=CampaignFields(
                    year=today.year,
                    period_label="Bench",
                    opens_on=today - timedelta(days=1),
                    closes_on=today + timedelta(days=365),
                    instrument_versions=[versions["spak"], versions["spkp"], versions["skm"]],
                    populations={s.pk: 10000 for s in unit.service_types.all()},
                ),
            )
        elif not campaign.is_open_on(today):
            campaign.closes_on = today + timedelta(days=365)
            campaign.save()
        out[code] = campaign
    return out


# --- the server ----------------------------------------------------------------------------


def serve(port: int, workers: int, threads: int, ready: Any) -> None:
    """Pre-forked WSGI server: one listening socket, `workers` processes of `threads` threads."""
    import types
    from concurrent.futures import ThreadPoolExecutor
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    import config.urls

    # All clients come from 127.0.0.1; a real service point has many addresses.
    settings.ZONA_SURVEY_NETWORK_FLAG_AFTER = 10**9
    settings.ZONA_SURVEY_NETWORK_REFUSE_AFTER = 10**9

    @csrf_exempt
    def bare_insert(request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_baseline (k) VALUES (%s) ON CONFLICT DO NOTHING",
                [request.POST.get("key", "")],
            )
        return HttpResponse("ok", status=201)

    urls = types.ModuleType("bench_surveys_urls")
    urls.urlpatterns = [path("bench/insert", bare_insert), *config.urls.urlpatterns]  # type: ignore[attr-defined]
    sys.modules["bench_surveys_urls"] = urls
    from django.conf import settings

    settings.ROOT_URLCONF = "bench_surveys_urls"
    settings.ALLOWED_HOSTS = ["*"]
    # Persistent connections, as a production deployment runs (one per pool thread).
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 600

    class Server(WSGIServer):
        """A fixed pool of threads per process (like gunicorn's gthread worker), so each
        thread keeps its database connection between requests."""

        request_queue_size = 1024
        pool: ThreadPoolExecutor | None = None

        def process_request(self, request: Any, client_address: Any) -> None:
            assert self.pool is not None
            self.pool.submit(self._handle, request, client_address)

        def _handle(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = Server(("127.0.0.1", port), QuietHandler)
    server.set_app(WSGIHandler())
    connection.close()  # children open their own connections
    # Blocked, the signals wait for sigwait() below instead of killing this process before it
    # has stopped its children; each child unblocks them and exits on SIGTERM.
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)
            server.pool = ThreadPoolExecutor(threads)
            server.serve_forever()
            os._exit(0)
        children.append(pid)
    ready.set()
    try:
        signal.sigwait(stop)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        for pid in children:
            os.waitpid(pid, 0)


# --- the clients ---------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.confirmed: set[str] = set()
        self.unconfirmed: set[str] = set()
        self.latencies: list[float] = []
        self.timeouts = 0
        self.retries = 0
        self.duplicates_answered = 0
        self.errors: dict[int, int] = {}


def _post(port: int, path: str, body: str, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Cookie": f"zona_sd={uuid.uuid4().hex}",
            },
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def run_clients(
    port: int, path: str, make_body: Any, *, clients: int, seconds: float, timeout: float
) -> tuple[Stats, float]:
    stats = Stats()
    deadline = time.monotonic() + seconds
    start = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        rng = random.Random(number)
        start.wait()
        while time.monotonic() < deadline:
            key = uuid.uuid4().hex
            body = make_body(rng, key)
            sends = 2 if rng.random() < 0.05 else 1  # a double tap now and then
            for _ in range(sends):
                confirmed = False
                attempts = 0
                # Retry until confirmed, even past the deadline: a response is never given up
                # while the server is reachable (bounded so a dead server ends the run).
                while not confirmed and attempts < 50:
                    attempts += 1
                    t0 = time.monotonic()
                    try:
                        status, _ = _post(port, path, body, timeout)
                    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError):
                        with stats.lock:
                            stats.timeouts += 1
                            stats.retries += 1
                        time.sleep(min(2.0, 0.05 * attempts))
                        continue
                    if status in (200, 201):
                        confirmed = True
                        with stats.lock:
                            stats.latencies.append(time.monotonic() - t0)
                            stats.confirmed.add(key)
                            if status == 200:
                                stats.duplicates_answered += 1
                    else:
                        with stats.lock:
                            stats.errors[status] = stats.errors.get(status, 0) + 1
                            stats.retries += 1
                        time.sleep(0.05)
                if not confirmed:
                    with stats.lock:
                        stats.unconfirmed.add(key)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    return stats, time.monotonic() - t0


def survey_body_maker(campaign: Any) -> Any:
    from zona.surveys.services.intake import form_token

    services = [str(s.service_type_id) for s in campaign.services.all()]
    items = [
        (f"a-{v.pk}-{code}", v.scale_min, v.scale_max)
        for v in campaign.ordered_versions()
        for code in v.item_codes
    ]

    def make(rng: random.Random, key: str) -> str:
        # A token serves one response, and the server measures the answering time from it: a
        # person takes a few minutes, so the form was served that long ago (else every
        # response would be flagged too fast).
        served_at = time.time() - rng.randint(90, 600)
        data = {
            "t": form_token(campaign, key, served_at=served_at),
            "key": key,
            "lang": "id",
            "served": "yes",
            "service": rng.choice(services),
            "when": "today",
        }
        for name, low, high in items:
            data[name] = str(rng.randint(low, high))
        return urllib.parse.urlencode(data)

    return make


def _summary(stats: Stats, elapsed: float) -> dict[str, Any]:
    lat = sorted(stats.latencies)
    return {
        "confirmed": len(stats.confirmed),
        "per_second": round(len(stats.confirmed) / elapsed, 1),
        "elapsed_s": round(elapsed, 1),
        "timeouts_retried": stats.timeouts,
        "double_taps_answered_duplicate": stats.duplicates_answered,
        "unconfirmed": len(stats.unconfirmed),
        "http_errors": stats.errors,
        "latency_ms_p50": round(1000 * lat[len(lat) // 2], 1) if lat else None,
        "latency_ms_p95": round(1000 * lat[int(len(lat) * 0.95)], 1) if lat else None,
    }


def bench_submissions(campaign: Any, args: argparse.Namespace) -> dict[str, Any]:
    import multiprocessing

    from django.db import connection

    from zona.surveys.models import Answer, BandTally, ItemTally, Response, ResponseTally

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE bench_baseline")
    Answer.objects.filter(campaign=campaign).delete()
    Response.objects.filter(campaign=campaign).delete()
    for model in (ItemTally, BandTally, ResponseTally):
        model.objects.filter(campaign=campaign).delete()
    connection.close()

    port = args.port
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    server = ctx.Process(target=serve, args=(port, args.workers, args.threads, ready), daemon=False)
    server.start()
    ready.wait(30)
    time.sleep(0.5)
    try:
        path = f"/s/{campaign.public_code}"
        survey, survey_elapsed = run_clients(
            port,
            path,
            survey_body_maker(campaign),
            clients=args.clients,
            seconds=args.seconds,
            timeout=args.timeout,
        )
        base, base_elapsed = run_clients(
            port,
            "/bench/insert",  # the same bodies; the bare view reads only "key"
            survey_body_maker(campaign),
            clients=args.clients,
            seconds=args.seconds,
            timeout=args.timeout,
        )
    finally:
        os.kill(server.pid, signal.SIGTERM)  # type: ignore[arg-type]
        server.join(30)

    stored_keys = list(
        Response.objects.filter(campaign=campaign).values_list("idempotency_key", flat=True)
    )
    stored = set(stored_keys)
    answers = Answer.objects.filter(campaign=campaign).count()
    lost = len(survey.confirmed - stored)
    duplicated = len(stored_keys) - len(stored) + (answers - 22 * len(stored_keys))
    with connection.cursor() as cursor:
        cursor.execute("SELECT k FROM bench_baseline")
        base_keys = [row[0] for row in cursor.fetchall()]
    survey_summary = {
        **_summary(survey, survey_elapsed),
        "stored": len(stored_keys),
        "answers_stored": answers,
        # Quality flags the server gave (too fast, bursts, ...): 0 for honest clients.
        "flagged": Response.objects.filter(campaign=campaign, flagged=True).count(),
    }
    base_summary = {**_summary(base, base_elapsed), "stored": len(base_keys)}
    # What the worker then does with them: fold the new responses into the running totals.
    from zona.surveys.services.tallies import tallies_drift, tallies_fold

    t0 = time.monotonic()
    folded = tallies_fold()
    fold_seconds = time.monotonic() - t0
    survey_summary["fold"] = {
        "responses": folded,
        "seconds": round(fold_seconds, 2),
        "per_second": round(folded / fold_seconds, 1) if fold_seconds else None,
        "drift": len(tallies_drift(campaign=campaign)),
    }
    result: dict[str, Any] = {
        "survey": survey_summary,
        "baseline_bare_insert": base_summary,
        "lost": lost,
        "duplicated": duplicated,
        "stored_but_never_confirmed": len(stored - survey.confirmed),
        "baseline_lost": len(base.confirmed - set(base_keys)),
    }
    result["ratio_to_baseline"] = round(
        survey_summary["per_second"] / base_summary["per_second"], 3
    )
    return result


# --- indices over a million responses ----------------------------------------------------------


def bench_index(campaign: Any, responses: int, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zona.surveys.models import Response, ResponseTally
    from zona.surveys.reporting import profile_breakdown, shown_services, trend_from_k
    from zona.surveys.selectors import (
        campaign_progress,
        campaign_results,
        campaign_with_details,
        channel_share,
        results_by_service,
        survey_indices_for,
        tallies,
        unit_trend,
    )
    from zona.surveys.services.tallies import tallies_drift, tallies_rebuild

    # As the results view reads it (access_campaign_by_id): instruments and services prefetched.
    campaign = campaign_with_details(campaign.pk)

    versions = campaign.ordered_versions()
    services = [s.service_type_id for s in campaign.services.all()]
    loaded = Response.objects.filter(campaign=campaign).count()
    load_seconds = None
    if loaded != responses:
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM surveys_answer WHERE campaign_id = %s", [campaign.pk])
            cursor.execute("DELETE FROM surveys_response WHERE campaign_id = %s", [campaign.pk])
            # Bulk load without per-row foreign-key triggers (the bench's own database only).
            cursor.execute("SET session_replication_role = replica")
            base = 2**61 + campaign.pk * 10**9
            cursor.execute(
                """
                INSERT INTO surveys_response (id, campaign_id, service_type_id,
                    submitted_hour, idempotency_key, channel, served_when, flags, flagged,
                    excluded, exclusion_reason, age_group, sex, education, occupation)
                SELECT %s + n, %s, (%s::bigint[])[1 + n %% %s],
                    date_trunc('hour', now()) - (n %% 4000) * interval '1 hour',
                    md5(n::text || %s), 'web', 'today', '[]'::jsonb, false, false, '',
                    '', '', '', ''
                FROM generate_series(1, %s) AS n
                """,
                [base, campaign.pk, services, len(services), str(campaign.pk), responses],
            )
            for version in versions:
                low, high = version.scale_min, version.scale_max
                cursor.execute(
                    """
                    INSERT INTO surveys_answer (response_id, instrument_version_id, item, value,
                        campaign_id, service_type_id, counted)
                    SELECT %s + n, %s, item,
                        -- skew towards the top of the scale; every item answered, since a
                        -- response counts only with its instruments' required items (all)
                        greatest(%s, %s - floor(abs(random() + random() - 1) * (%s - %s + 1)))::int,
                        %s, (%s::bigint[])[1 + n %% %s], true
                    FROM generate_series(1, %s) AS n, generate_series(1, %s) AS item
                    """,
                    [
                        base,
                        version.pk,
                        low,
                        high,
                        high,
                        low,
                        campaign.pk,
                        services,
                        len(services),
                        responses,
                        len(version.item_codes),
                    ],
                )
            cursor.execute("SET session_replication_role = DEFAULT")
        with connection.cursor() as cursor:
            # The visibility map lets the aggregate read the covering index alone.
            cursor.execute("VACUUM ANALYZE surveys_answer")
            cursor.execute("VACUUM ANALYZE surveys_response")
        load_seconds = round(time.monotonic() - t0, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM surveys_answer WHERE campaign_id = %s", [campaign.pk])
        answer_rows = cursor.fetchone()[0]
        cursor.execute(
            "EXPLAIN SELECT instrument_version_id, item, sum(value), count(*) FROM surveys_answer "
            "WHERE campaign_id = %s AND counted GROUP BY 1, 2",
            [campaign.pk],
        )
        plan = " / ".join(row[0].strip() for row in cursor.fetchall())

    def timed(fn: Any) -> dict[str, float]:
        walls, dbs = [], []
        for _ in range(runs):
            spent = [0.0]

            def clock(
                execute: Any, sql: Any, params: Any, many: Any, context: Any, spent: Any = spent
            ) -> Any:
                t = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - t

            t0 = time.perf_counter()
            with connection.execute_wrapper(clock):
                fn()
            walls.append(time.perf_counter() - t0)
            dbs.append(spent[0])
        return {
            "db_ms_best": round(1000 * min(dbs), 1),
            "db_ms_median": round(1000 * statistics.median(dbs), 1),
            "wall_ms_median": round(1000 * statistics.median(walls), 1),
            **server_time(fn),
        }

    def server_time(fn: Any) -> dict[str, Any]:
        """The queries' own planning + execution time (EXPLAIN ANALYZE), without the round
        trips and client work a loaded machine adds to the cursor time above."""
        with CaptureQueriesContext(connection) as captured:
            fn()
        total = 0.0
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE) " + query["sql"])
                for (line,) in cursor.fetchall():
                    found = re.search(r"(?:Planning|Execution) Time: ([0-9.]+) ms", line)
                    total += float(found.group(1)) if found else 0.0
        return {"queries": len(captured.captured_queries), "db_server_ms": round(total, 1)}

    def results_page() -> None:
        # What zona.surveys.views.campaigns.campaign_results_view reads.
        by_service = results_by_service(campaign)
        shown_services(by_service)
        campaign_results(campaign)
        _keys, trend = unit_trend(campaign.unit)
        trend_from_k(trend)
        campaign_progress(campaign)
        channel_share(campaign)
        if campaign.asks_profile:
            profile_breakdown(campaign)

    def lke_feed() -> None:
        survey_indices_for(campaign.unit, campaign.year)

    def measure() -> dict[str, Any]:
        return {
            "results_page": timed(results_page),
            "lke_indices": timed(lke_feed),
            "campaign_results": timed(lambda: campaign_results(campaign)),
            "results_by_service": timed(lambda: results_by_service(campaign)),
        }

    rebuild_seconds = None
    if load_seconds is not None or not ResponseTally.objects.filter(campaign=campaign).exists():
        t0 = time.monotonic()
        tallies_rebuild(campaign=campaign)
        rebuild_seconds = round(time.monotonic() - t0, 1)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE surveys_response")

    def snapshot() -> Any:
        return (
            campaign_results(campaign),
            results_by_service(campaign),
            campaign_progress(campaign),
            survey_indices_for(campaign.unit, campaign.year),
        )

    totals = measure()
    kept = snapshot()
    saved = {name: getattr(tallies, name) for name in TALLY_READERS}
    tallies.use_scan(setattr)
    try:
        scan = measure()
        scanned = snapshot()
    finally:
        for name, reader in saved.items():
            setattr(tallies, name, reader)
    results = campaign_results(campaign)
    indices = {
        r.version.instrument.key: (str(r.shown), r.grade) if r.is_ikm else str(r.shown)
        for r in results
    }
    return {
        "responses": Response.objects.filter(campaign=campaign).count(),
        "answer_rows": answer_rows,
        "load_seconds": load_seconds,
        "rebuild_seconds": rebuild_seconds,
        "scan_plan": plan,
        "from_totals": totals,
        "raw_scan": scan,
        "indices": indices,
        "same_as_scan": kept == scanned,
        "drift": len(tallies_drift(campaign=campaign)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase (survey, baseline)")
    parser.add_argument("--workers", type=int, default=4, help="server processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--timeout", type=float, default=2.0, help="client timeout before a retry")
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each index query")
    parser.add_argument("--skip-submit", action="store_true")
    parser.add_argument("--skip-index", action="store_true")
    args = parser.parse_args()

    _django(_bench_database_url())
    campaigns = prepare()
    summary: dict[str, Any] = {}
    if not args.skip_submit:
        print(
            f"submissions: {args.clients} clients x {args.seconds}s, "
            f"{args.workers} server processes x {args.threads} threads ...",
            flush=True,
        )
        summary["submissions"] = bench_submissions(campaigns[BENCH_UNIT], args)
        print(json.dumps(summary["submissions"], indent=2), flush=True)
    if not args.skip_index:
        print(f"indices over {args.responses:,} responses ...", flush=True)
        summary["index"] = bench_index(campaigns[BIG_UNIT], args.responses, args.runs)
        print(json.dumps(summary["index"], indent=2), flush=True)
    print(json.dumps(summary))
    ratio = summary["submissions"]["ratio_to_baseline"] if "submissions" in summary else "nan"
    print(f"ratio={ratio}", flush=True)
    if not args.skip_submit and (
        summary["submissions"]["lost"] or summary["submissions"]["duplicated"]
    ):
        sys.exit(1)


if __name__ == "__main__":
    main()
