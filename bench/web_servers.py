"""Web servers, connection pooling and two web "machines", on the stack of scripts/scale-lab.sh.

    scripts/scale-lab.sh start && eval "$(scripts/scale-lab.sh env)"
    .venv/bin/python bench/web_servers.py servers [--servers gunicorn,granian] [--workers 2]
        [--threads 4] [--clients 16] [--seconds 10] [--database-url URL] [--conn-max-age N]
    .venv/bin/python bench/web_servers.py churn [--clients 16] [--seconds 5]
    scripts/scale-lab.sh web && .venv/bin/python bench/web_servers.py proxy
    .venv/bin/python bench/web_servers.py replica
    .venv/bin/python bench/web_servers.py machines [--clients 16] [--seconds 10]
        [--kill-after 4]                 (root: network namespaces)

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

`machines`: two web "machines", each a network namespace with its own address on a bridge
running granian, behind nginx with TLS (`scale-lab.sh machines`, which this mode calls):
survey submissions through the TLS proxy with one machine, then with two (requests/s, and
which machine took each, from nginx's X-Upstream); one device posts past the device limit
through the proxy to both machines (one counter in Redis: exactly the limit stored); then
bench/surveys.py's clients (retries until confirmed, idempotency keys) post through the proxy
and machine 2 is killed (every process of its namespace, SIGKILL) --kill-after seconds in:
every confirmed response stored once, nothing lost, and what nginx sent where after the
kill. `ratio=` is two machines' submissions/s over one machine's. The lab's machines are
left running with machine 2 dead; `scale-lab.sh machines 2` starts it again.

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
import ssl
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


def _connect(port: int, tls: ssl.SSLContext | None, timeout: float) -> http.client.HTTPConnection:
    if tls is not None:
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=tls)
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def hammer(
    port: int,
    make: Callable[[random.Random], Request],
    *,
    clients: int,
    seconds: float,
    tls: ssl.SSLContext | None = None,
) -> dict[str, Any]:
    """`clients` threads send requests back to back for `seconds`; a new connection each
    (a TLS handshake each with `tls`, as many phones would)."""
    load = Load()
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        rng = random.Random(number)
        barrier.wait()
        while time.monotonic() < deadline:
            method, path, body, headers = make(rng)
            t0 = time.monotonic()
            conn = _connect(port, tls, 30)
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
            "bench/gunicorn.conf.py",
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
    from zona.surveys.models import Response

    port = int(os.environ["ZONA_LAB_PROXY_PORT"])
    before = Response.objects.filter(campaign=campaign).count()
    spread = hammer(port, survey_post(campaign), clients=args.clients, seconds=args.seconds)
    stored = Response.objects.filter(campaign=campaign).count() - before
    return {"spread": {**spread, "stored": stored}, "device_limit": device_limit(port, campaign)}


def device_limit(port: int, campaign: Any, tls: ssl.SSLContext | None = None) -> dict[str, Any]:
    """One device past its limit, through the proxy to every server: one counter in Redis."""
    from django.conf import settings

    from zona.surveys.models import Response

    limit = settings.ZONA_SURVEY_DEVICE_REFUSE_AFTER
    body = _load("surveys").survey_body_maker(campaign)
    device = f"zona_sd={uuid.uuid4().hex}"
    rng = random.Random(7)
    before = Response.objects.filter(campaign=campaign).count()
    served_by: dict[str, int] = {}
    statuses: dict[int, int] = {}
    for _ in range(limit + 10):
        conn = _connect(port, tls, 30)
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
        "limit": limit,
        "posted": limit + 10,
        "stored": device_stored,
        "served_by": served_by,
        "statuses": statuses,
        "held": device_stored == limit,
    }


def _lab(*args: str) -> None:
    subprocess.run([str(ROOT / "scripts" / "scale-lab.sh"), *args], check=True, cwd=ROOT)  # noqa: S603


def run_machines(args: argparse.Namespace, campaign: Any) -> dict[str, Any]:
    """One machine, two machines, the device limit across them, and machine 2 killed."""
    from zona.surveys.models import Answer, Response

    port = int(os.environ.get("ZONA_LAB_TLS_PORT") or int(os.environ["ZONA_LAB_PROXY_PORT"]) + 3)
    tls = ssl.create_default_context(cafile=os.environ["ZONA_LAB_CERT"])
    results: dict[str, Any] = {}
    for count in (1, 2):
        _lab("machines", str(count))
        hammer(port, survey_post(campaign), clients=args.clients, seconds=2, tls=tls)  # warm up
        results[f"machines_{count}"] = hammer(
            port, survey_post(campaign), clients=args.clients, seconds=args.seconds, tls=tls
        )
        print(f"machines_{count}", json.dumps(results[f"machines_{count}"]), flush=True)
    results["device_limit"] = device_limit(port, campaign, tls)
    print("device_limit", json.dumps(results["device_limit"]), flush=True)

    # Machine 2 dies mid-load; the clients retry what was cut (their idempotency keys).
    bench = _load("surveys")
    lock = threading.Lock()
    killed_at: list[float] = []
    served: dict[str, dict[str, int]] = {"before_kill": {}, "after_kill": {}}

    def post(p: int, path: str, body: str, timeout: float) -> tuple[int, bytes]:
        conn = _connect(p, tls, timeout)
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
            content = response.read()
            # The last upstream nginx tried is the one that answered.
            upstream = response.getheader("X-Upstream", "").split(",")[-1].strip()
            with lock:
                phase = served["after_kill" if killed_at else "before_kill"]
                phase[upstream] = phase.get(upstream, 0) + 1
            return response.status, content
        finally:
            conn.close()

    def kill() -> None:
        time.sleep(args.kill_after)
        _lab("machine-stop", "2")
        killed_at.append(time.monotonic())

    bench._post = post
    killer = threading.Thread(target=kill, daemon=True)
    killer.start()
    stats, elapsed = bench.run_clients(
        port,
        f"/s/{campaign.public_code}",
        bench.survey_body_maker(campaign),
        clients=args.clients,
        seconds=args.seconds,
        timeout=10.0,
    )
    killer.join()
    keys = list(stats.confirmed | stats.unconfirmed)
    stored_keys: list[str] = []
    answers = 0
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        stored_keys += Response.objects.filter(idempotency_key__in=chunk).values_list(
            "idempotency_key", flat=True
        )
        answers += Answer.objects.filter(response__idempotency_key__in=chunk).count()
    items = sum(len(v.item_codes) for v in campaign.ordered_versions())
    stored = set(stored_keys)
    results["machine_2_killed"] = {
        "survey": bench._summary(stats, elapsed),
        "stored": len(stored_keys),
        "lost": len(stats.confirmed - stored) + len(stats.unconfirmed),
        "duplicated": len(stored_keys) - len(stored) + (answers - items * len(stored_keys)),
        "served_by": served,
    }
    return results


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
    process = start_server("granian", args.port, args)
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
    parser.add_argument("mode", choices=("servers", "churn", "proxy", "replica", "machines"))
    parser.add_argument("--servers", default="gunicorn,granian")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=15460)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--conn-max-age", type=int, default=None)
    parser.add_argument("--no-server-cursors", action="store_true")
    parser.add_argument("--kill-after", type=float, default=4.0)
    args = parser.parse_args()
    print("started", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), flush=True)

    summary: dict[str, Any]
    ratio: float | str = "nan"
    if args.mode == "churn":
        summary = run_churn(args)
        ratio = round(summary["pgbouncer"]["per_second"] / summary["direct"]["per_second"], 3)
    else:
        import django

        if args.mode == "machines":
            # First: it may restart PostgreSQL on the bridge address.
            _lab("machines", "1")
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
        elif args.mode == "machines":
            summary = run_machines(args, campaign)
            one, two = (summary[f"machines_{n}"]["per_second"] for n in (1, 2))
            ratio = round(two / one, 3) if one else "nan"
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
