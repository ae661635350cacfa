"""Web servers, connection pooling and two web "machines", on the stack of scripts/scale-lab.sh.

    scripts/scale-lab.sh start && eval "$(scripts/scale-lab.sh env)"
    .venv/bin/python bench/web_servers.py servers [--servers gunicorn,granian] [--workers 2]
        [--threads 4] [--clients 16] [--seconds 10] [--database-url URL] [--conn-max-age N]
    .venv/bin/python bench/web_servers.py churn [--clients 16] [--seconds 5]
    scripts/scale-lab.sh web && .venv/bin/python bench/web_servers.py proxy
    .venv/bin/python bench/web_servers.py replica

`servers`: each server in turn is started with the same worker and thread count and the
production settings (PostgreSQL, Redis, S3 of the lab), then clients hammer two of Zona's
real pages for --seconds each: the public survey submission (a complete SPAK+SPKP+SKM
response of 22 answers, each from a new device, bench/surveys.py's bodies) and a signed-in
list page (the survey campaigns of a unit operator). Requests/s, p50 and p95 per page.
--database-url and --conn-max-age point the servers elsewhere (PgBouncer) or change
Django's persistent connections. `ratio=` is the second server's submissions/s over the
first's.

`churn`: many short database sessions, each connect + one query + close, by --clients
threads, straight to PostgreSQL and through PgBouncer (ZONA_LAB_BOUNCER_URL): sessions/s,
p50, p95. `ratio=` is through PgBouncer over direct.

`proxy`: survey submissions through nginx (ZONA_LAB_PROXY_PORT) to the two web servers
`scale-lab.sh web` started; counts which server took each (nginx's X-Upstream), then one
device posts past ZONA_SURVEY_DEVICE_REFUSE_AFTER through the proxy: exactly the limit must
be stored whichever server took each post. `ratio=` is the smaller server's share over the
larger's (1.0 is an even spread).

`replica`: one server with DATABASE_REPLICA_URL=ZONA_LAB_REPLICA_URL; the agency
administrator opens the agency dashboard (a replica path) and the survey list (not one); the
replica's pg_stat_activity shows which queries reached it. `ratio=` is 1.0 when the
dashboard answered and its queries reached the replica.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Request = tuple[str, str, str, dict[str, str]]  # method, path, body, headers


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Load:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.upstreams: dict[str, int] = {}
        self.failures = 0


def hammer(
    port: int, make: Callable[[random.Random], Request], *, clients: int, seconds: float
) -> dict[str, Any]:
    """`clients` threads send requests back to back for `seconds`; a new connection each."""
    load = Load()
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        rng = random.Random(number)
        barrier.wait()
        while time.monotonic() < deadline:
            method, path, body, headers = make(rng)
            t0 = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(method, path, body=body or None, headers=headers)
                response = conn.getresponse()
                response.read()
                status, upstream = response.status, response.getheader("X-Upstream", "")
            except (OSError, http.client.HTTPException):
                with load.lock:
                    load.failures += 1
                continue
            finally:
                conn.close()
            with load.lock:
                load.latencies.append(time.monotonic() - t0)
                load.statuses[status] = load.statuses.get(status, 0) + 1
                if upstream:
                    load.upstreams[upstream] = load.upstreams.get(upstream, 0) + 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat = sorted(load.latencies)
    ok = sum(n for s, n in load.statuses.items() if s < 400)
    return {
        "requests": len(lat),
        "ok": ok,
        "per_second": round(ok / elapsed, 1),
        "p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
        "p95_ms": round(1000 * lat[int(len(lat) * 0.95)], 1) if lat else None,
        "statuses": load.statuses,
        "failures": load.failures,
        "upstreams": load.upstreams,
        "elapsed_s": round(elapsed, 1),
    }


def survey_post(campaign: Any) -> Callable[[random.Random], Request]:
    body = _load("surveys").survey_body_maker(campaign)

    def make(rng: random.Random) -> Request:
        return (
            "POST",
            f"/s/{campaign.public_code}",
            body(rng, uuid.uuid4().hex),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "X-Forwarded-Proto": "https",
                "Cookie": f"zona_sd={uuid.uuid4().hex}",
            },
        )

    return make


def list_page(path: str, cookies: dict[str, str]) -> Callable[[random.Random], Request]:
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())

    def make(rng: random.Random) -> Request:
        return ("GET", path, "", {"X-Forwarded-Proto": "https", "Cookie": cookie})

    return make


def _wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no server on port {port}")


def start_server(name: str, port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.conn_max_age is not None:
        env["DJANGO_CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.no_server_cursors:
        env["DATABASE_DISABLE_SERVER_SIDE_CURSORS"] = "true"
    bin_dir = ROOT / ".venv" / "bin"
    if name == "granian":
        command = [
            str(bin_dir / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--blocking-threads",
            str(args.threads),
            "config.wsgi:application",
        ]
    else:
        command = [
            str(bin_dir / "gunicorn"),
            "config.wsgi:application",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ]
    log_path = Path(tempfile.gettempdir()) / f"bench-web-{name}-{port}.log"
    log = log_path.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_SESSION: dict[str, Any] = {}


def signed_in(port: int) -> tuple[dict[str, str], str]:
    """A unit operator's session cookies and a list page that answers 200 for them. Signed
    in once per run: the session lives in Redis and PostgreSQL, good on every server."""
    from zona.accounts.models import User
    from zona.accounts.testing import DEFAULT_PASSWORD, build_world

    if not User.objects.filter(username="operator").exists():
        build_world()
    browser = _load("prod_check").Browser(port)
    if _SESSION:
        browser.cookies = dict(_SESSION["cookies"])
    else:
        status = browser.login("operator", DEFAULT_PASSWORD)
        print("login", status, sorted(browser.cookies), flush=True)
    for path in ("/surveys/", "/assessments/", "/"):
        status, _, _ = browser.request("GET", path)
        if status == 200:
            _SESSION["cookies"] = browser.cookies
            return browser.cookies, path
    raise SystemExit(f"no list page answers the operator (last status {status})")


def run_servers(args: argparse.Namespace, campaign: Any) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in args.servers.split(","):
        process = start_server(name, args.port, args)
        try:
            _wait_port(args.port)
            cookies, path = signed_in(args.port)
            hammer(args.port, survey_post(campaign), clients=args.clients, seconds=2)  # warm up
            results[name] = {
                "submission": hammer(
                    args.port, survey_post(campaign), clients=args.clients, seconds=args.seconds
                ),
                "list_page": {
                    "path": path,
                    **hammer(
                        args.port,
                        list_page(path, cookies),
                        clients=args.clients,
                        seconds=args.seconds,
                    ),
                },
            }
        finally:
            stop_server(process)
        print(name, json.dumps(results[name]), flush=True)
    return results


def run_churn(args: argparse.Namespace) -> dict[str, Any]:
    import psycopg

    def churn(url: str) -> dict[str, Any]:
        latencies: list[float] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def client() -> None:
            while time.monotonic() < deadline:
                t0 = time.monotonic()
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("SELECT count(*) FROM accounts_unit").fetchone()
                with lock:
                    latencies.append(time.monotonic() - t0)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        lat = sorted(latencies)
        return {
            "sessions": len(lat),
            "per_second": round(len(lat) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(lat), 2),
            "p95_ms": round(1000 * lat[int(len(lat) * 0.95)], 2),
        }

    direct = churn(os.environ["DATABASE_URL"])
    print("direct", json.dumps(direct), flush=True)
    pooled = churn(os.environ["ZONA_LAB_BOUNCER_URL"])
    print("pgbouncer", json.dumps(pooled), flush=True)
    return {"direct": direct, "pgbouncer": pooled}


def run_proxy(args: argparse.Namespace, campaign: Any) -> dict[str, Any]:
    from django.conf import settings

    from zona.surveys.models import Response

    port = int(os.environ["ZONA_LAB_PROXY_PORT"])
    before = Response.objects.filter(campaign=campaign).count()
    spread = hammer(port, survey_post(campaign), clients=args.clients, seconds=args.seconds)
    stored = Response.objects.filter(campaign=campaign).count() - before
    # One device past its limit, through the proxy to both servers: one counter in Redis.
    limit = settings.ZONA_SURVEY_DEVICE_REFUSE_AFTER
    body = _load("surveys").survey_body_maker(campaign)
    device = f"zona_sd={uuid.uuid4().hex}"
    rng = random.Random(7)
    before = Response.objects.filter(campaign=campaign).count()
    served_by: dict[str, int] = {}
    statuses: dict[int, int] = {}
    for _ in range(limit + 10):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            f"/s/{campaign.public_code}",
            body=body(rng, uuid.uuid4().hex),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Cookie": device,
            },
        )
        response = conn.getresponse()
        response.read()
        conn.close()
        upstream = response.getheader("X-Upstream", "")
        served_by[upstream] = served_by.get(upstream, 0) + 1
        statuses[response.status] = statuses.get(response.status, 0) + 1
    device_stored = Response.objects.filter(campaign=campaign).count() - before
    return {
        "spread": {**spread, "stored": stored},
        "device_limit": {
            "limit": limit,
            "posted": limit + 10,
            "stored": device_stored,
            "served_by": served_by,
            "statuses": statuses,
            "held": device_stored == limit,
        },
    }


def run_replica(args: argparse.Namespace) -> dict[str, Any]:
    """A web server with DATABASE_REPLICA_URL: the agency dashboard must read the replica, a
    list page the primary. What each server's connection of the web user ran last
    (pg_stat_activity) says where the page's queries went."""
    import psycopg

    from zona.accounts.models import Unit, User
    from zona.accounts.testing import DEFAULT_PASSWORD, build_world

    if not User.objects.filter(username="agency_admin").exists():
        build_world()
    agency = Unit.objects.get(code="KC")
    replica_url = os.environ["ZONA_LAB_REPLICA_URL"]
    os.environ["DATABASE_REPLICA_URL"] = replica_url
    process = start_server("gunicorn", args.port, args)
    last = (
        "SELECT max(state_change), count(*), coalesce(string_agg(left(query, 60), ' | '), '')"
        " FROM pg_stat_activity WHERE usename = 'zona' AND backend_type = 'client backend'"
        " AND pid <> pg_backend_pid()"
    )
    pages: dict[str, Any] = {}
    try:
        _wait_port(args.port)
        browser = _load("prod_check").Browser(args.port)
        browser.login("agency_admin", DEFAULT_PASSWORD)
        for name, path in (
            ("agency_dashboard", f"/agencies/{agency.pk}/dashboard/"),
            ("survey_list", "/surveys/"),
        ):
            with psycopg.connect(replica_url, autocommit=True) as conn:
                before = conn.execute(last).fetchone()
            t0 = time.monotonic()
            status, _, _ = browser.request("GET", path)
            elapsed = time.monotonic() - t0
            with psycopg.connect(replica_url, autocommit=True) as conn:
                after = conn.execute(last).fetchone()
            assert before is not None
            assert after is not None
            pages[name] = {
                "path": path,
                "status": status,
                "ms": round(1000 * elapsed, 1),
                # The web's connections to the replica: a newer last activity means this
                # page's queries went there.
                "reached_replica": after[0] is not None
                and (before[0] is None or after[0] > before[0]),
                "replica_connections": after[1],
                "replica_last_queries": after[2],
            }
    finally:
        stop_server(process)
        del os.environ["DATABASE_REPLICA_URL"]
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("servers", "churn", "proxy", "replica"))
    parser.add_argument("--servers", default="gunicorn,granian")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=15460)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--conn-max-age", type=int, default=None)
    parser.add_argument("--no-server-cursors", action="store_true")
    args = parser.parse_args()
    print("started", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), flush=True)

    summary: dict[str, Any]
    ratio: float | str = "nan"
    if args.mode == "churn":
        summary = run_churn(args)
        ratio = round(summary["pgbouncer"]["per_second"] / summary["direct"]["per_second"], 3)
    else:
        import django

        django.setup()
        campaign = _load("surveys").prepare()["BENCH-SURVEY"]
        if args.mode == "replica":
            summary = run_replica(args)
            dash = summary["agency_dashboard"]
            listed = summary["survey_list"]
            held = (
                dash["status"] == 200 and dash["reached_replica"] and not listed["reached_replica"]
            )
            ratio = 1.0 if held else 0.0
        elif args.mode == "servers":
            summary = run_servers(args, campaign)
            names = list(summary)
            if len(names) == 2:
                first, second = (summary[n]["submission"]["per_second"] for n in names)
                ratio = round(second / first, 3) if first else "nan"
        else:
            summary = run_proxy(args, campaign)
            shares = sorted(summary["spread"]["upstreams"].values())
            ratio = round(shares[0] / shares[-1], 3) if len(shares) > 1 else 0.0
    print(json.dumps(summary))
    print(f"ratio={ratio}", flush=True)


if __name__ == "__main__":
    main()
