"""The checks of `make prod-check`, run against the stack scripts/prod-check.sh started.

    scripts/prod-check.sh      (or: make prod-check)

Everything goes through the real web server (granian, WSGI, on loopback, as behind the
proxy: each request says X-Forwarded-Proto: https) except where a check says otherwise:
1. /healthz and /readyz answer; readiness sees PostgreSQL, Redis and S3. A request with the
   proxy's X-Request-ID gets it back, and the web server's log has a JSON line with that id.
2. 50 survey clients (bench/surveys.py's clients: own idempotency keys, retries until
   confirmed, double taps) post complete responses while background probe tasks run; one
   granian worker process (not the main one: a child of it that the main process announced
   as a worker) and one task worker are killed (SIGKILL) mid-load. Every confirmed response
   is stored once; every probe task completes exactly once (a killed one is retried); granian
   starts a new worker in the killed one's place, under the same main process.
3. Five failed logins for one account, then the right password: refused (allauth's counter
   in the shared cache). One browser posts past the device limit: exactly
   ZONA_SURVEY_DEVICE_REFUSE_AFTER responses are stored whichever of the web processes takes
   each post (one counter in Redis).
4. A unit operator signs in, uploads a PDF on the evidence library page and downloads it
   from the evidence file view; its SHA-256 is compared in the download and in the bucket
   (boto3), and the link without a session must not serve it. A file also goes through
   Django's default storage to the bucket and back.
5. A backup (zona/ops/backup.py, as `manage.py backup`) is restored into a new database and
   a new bucket: every table's row count and every file's SHA-256 are equal.
6. A background export: the data step seeds an agency subtree of --export-sheets sheets on
   the real LKE through the services (a sample answered, so stored scores differ); the
   agency administrator signs in, asks for the subtree's recap through the API, polls the
   job (progress must be seen strictly between 0 and 100 before it is done), downloads the
   file (written by a task worker to S3, streamed back by the web server), opens it with
   openpyxl and checks its rows and the sample's totals against the stored scores.
The figures are printed as JSON; the last line is `lost=<n> duplicated=<n>`, and the exit
status is non-zero if any check failed.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import importlib.util
import io
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _survey_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_surveys", ROOT / "bench" / "surveys.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _request(
    port: int, method: str, path: str, body: str = "", cookie: str = "", timeout: float = 10
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {
        "X-Forwarded-Proto": "https",  # the proxy terminated TLS
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie or f"zona_sd={uuid.uuid4().hex}",
    }
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


_SPAWNED = re.compile(r"Spawning worker-(\d+) with PID: (\d+)")


def granian_workers(run: Path) -> tuple[int, dict[int, int]]:
    """granian's main process (its pid file) and its live workers, {worker number: pid}: the
    children of the main process that it announced in its log as a worker ("Spawning worker-N
    with PID: P"), the newest pid for each number."""
    main = int((run / "granian.pid").read_text())
    children = set(_children(main))
    announced: dict[int, int] = {}
    for number, pid in _SPAWNED.findall((run / "web.log").read_text(errors="replace")):
        announced[int(number)] = int(pid)
    return main, {n: pid for n, pid in announced.items() if pid in children}


class Browser:
    """A signed-in browser over http.client: cookies kept, CSRF token and Referer sent."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if content_type:
            headers["Content-Type"] = content_type
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def login(self, username: str, password: str) -> int:
        self.request("GET", "/accounts/login/")
        body = urllib.parse.urlencode({"login": username, "password": password}).encode()
        status, _, _ = self.request(
            "POST", "/accounts/login/", body, "application/x-www-form-urlencoded"
        )
        return status


def check_evidence_web(port: int) -> dict[str, Any]:
    """A unit operator uploads a PDF on the library page and downloads it: through S3."""
    import boto3
    from django.conf import settings

    from zona.accounts.testing import DEFAULT_PASSWORD, build_world
    from zona.assessments.models import EvidenceRevision

    world = build_world()
    browser = Browser(port)
    login = browser.login("operator", DEFAULT_PASSWORD)
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n%" + secrets.token_hex(2048).encode() + b"\n"
    )
    digest = hashlib.sha256(content).hexdigest()
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="unit"\r\n\r\n'
        f"{world.bandung.pk}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="sk-prod-check.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + content
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    upload, _, _ = browser.request(
        "POST",
        "/assessments/evidence/upload/",
        b"".join(parts),
        f"multipart/form-data; boundary={boundary}",
    )
    revision = EvidenceRevision.objects.filter(sha256=digest).first()
    result: dict[str, Any] = {"login": login, "upload": upload, "stored": revision is not None}
    if revision is None:
        return result
    download, _headers, body = browser.request("GET", f"/assessments/evidence/files/{revision.pk}/")
    options = settings.STORAGES["default"]["OPTIONS"]
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"],
    )
    in_bucket = s3.get_object(Bucket=options["bucket_name"], Key=revision.file.name)["Body"].read()
    anonymous, _, _ = Browser(port).request("GET", f"/assessments/evidence/files/{revision.pk}/")
    result.update(
        download=download,
        download_hash_equal=hashlib.sha256(body).hexdigest() == digest,
        bucket_hash_equal=hashlib.sha256(in_bucket).hexdigest() == digest,
        anonymous_download=anonymous,
    )
    return result


def check_login_throttle(port: int) -> dict[str, Any]:
    """Five failed logins for one account from one address, then the right password: refused
    (5/5m/key), whichever web process took each attempt. Four counters of their own would
    have let the sixth in."""
    from zona.accounts.testing import DEFAULT_PASSWORD

    def attempt(password: str) -> tuple[int, bytes]:
        browser = Browser(port)
        browser.request("GET", "/accounts/login/")
        body = urllib.parse.urlencode({"login": "viewer", "password": password}).encode()
        status, _, page = browser.request(
            "POST", "/accounts/login/", body, "application/x-www-form-urlencoded"
        )
        return status, page

    failed = [attempt("wrong-password")[0] for _ in range(5)]
    status, page = attempt(DEFAULT_PASSWORD)
    return {
        "failed_attempts": failed,
        "right_password_after": status,
        "refused_as_too_many": status == 200 and "Terlalu banyak" in page.decode(),
    }


def check_request_id_log(port: int, run: Path) -> dict[str, Any]:
    """The proxy's request id comes back in the response and is on the web server's JSON log
    line of that request (a 404 is logged at WARNING by django.request)."""
    rid = f"prodcheck-{secrets.token_hex(8)}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "GET",
            f"/prod-check-missing-{rid}/",
            headers={"X-Forwarded-Proto": "https", "X-Request-ID": rid},
        )
        response = conn.getresponse()
        response.read()
        status, echoed = response.status, response.getheader("X-Request-ID", "")
    finally:
        conn.close()
    mine: list[dict[str, Any]] = []
    not_json = 0
    deadline = time.monotonic() + 10
    while True:
        lines = (run / "web.log").read_text(errors="replace").splitlines()
        not_json = 0
        mine = []
        for line in lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                not_json += 1
                continue
            if isinstance(record, dict) and record.get("request_id") == rid:
                mine.append(record)
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return {
        "status": status,
        "echoed": echoed == rid,
        "log_lines_with_id": len(mine),
        "loggers": sorted({str(r.get("logger")) for r in mine}),
        "log_lines": len(lines),
        "log_lines_not_json": not_json,
    }


def check_health(port: int) -> dict[str, Any]:
    # granian answers once its workers have loaded Django, which takes a while on a busy machine.
    deadline = time.monotonic() + 90
    while True:
        try:
            live, _ = _request(port, "GET", "/healthz", timeout=30)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    ready, body = _request(port, "GET", "/readyz", timeout=60)
    try:
        checks = json.loads(body).get("checks")
    except ValueError:
        checks = body[:200].decode(errors="replace")
    return {"healthz": live, "readyz": ready, "readyz_checks": checks}


def check_load(bench: Any, campaign: Any, args: argparse.Namespace) -> dict[str, Any]:
    from django.core.cache import cache
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from zona.ops.tasks import completions_key, probe
    from zona.surveys.models import Answer, Response

    port, run = args.port, Path(args.run)
    keys = [secrets.token_hex(8) for _ in range(args.tasks)]
    task_ids = [str(probe.enqueue(key, args.task_seconds).id) for key in keys]
    killed: dict[str, int] = {}
    web_before: dict[int, int] = {}

    def kill_mid_load() -> None:
        time.sleep(args.kill_after)
        main, workers = granian_workers(run)
        web_before.update(workers)
        number, victim = min(workers.items())
        assert victim != main
        os.kill(victim, signal.SIGKILL)
        killed["web_worker_pid"] = victim
        killed["web_worker_number"] = number
        killed["web_main_pid"] = main
        worker = int((run / "worker1.pid").read_text())
        # Mid-task, so the retry of a claimed task is what gets tested.
        for _ in range(100):
            running = DBTaskResult.objects.filter(id__in=task_ids, status="RUNNING")
            if any(f":{worker}:" in (r.worker_ids or [""])[-1] for r in running):
                break
            time.sleep(0.05)
        os.kill(worker, signal.SIGKILL)
        killed["task_worker_pid"] = worker

    bench._post = lambda p, path, body, timeout: _request(p, "POST", path, body, timeout=timeout)
    killer = threading.Thread(target=kill_mid_load, daemon=True)
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

    stored_keys = list(
        Response.objects.filter(campaign=campaign).values_list("idempotency_key", flat=True)
    )
    stored = set(stored_keys)
    items = sum(len(v.item_codes) for v in campaign.ordered_versions())
    answers = Answer.objects.filter(campaign=campaign).count()
    deadline = time.monotonic() + 90
    done: list[DBTaskResult] = []
    while time.monotonic() < deadline:
        done = list(
            DBTaskResult.objects.filter(id__in=task_ids, status__in=["SUCCESSFUL", "FAILED"])
        )
        if len(done) == len(task_ids):
            break
        time.sleep(0.5)
    completions = [cache.get(completions_key(k), 0) for k in keys]
    results = DBTaskResult.objects.filter(id__in=task_ids)
    # granian's main process starts a new worker for the killed one (--respawn-failed-workers).
    web_after: dict[int, int] = {}
    main_after = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        main_after, web_after = granian_workers(run)
        if len(web_after) == len(web_before) and killed.get("web_worker_pid") not in set(
            web_after.values()
        ):
            break
        time.sleep(0.5)
    return {
        "survey": bench._summary(stats, elapsed),
        "stored": len(stored_keys),
        "lost": len(stats.confirmed - stored) + len(stats.unconfirmed),
        "duplicated": len(stored_keys) - len(stored) + (answers - items * len(stored_keys)),
        "killed": killed,
        "web_workers": {
            "before": web_before,
            "after": web_after,
            "same_main": main_after == killed.get("web_main_pid"),
            "replaced": bool(web_before)
            and len(web_after) == len(web_before)
            and killed.get("web_worker_pid") not in set(web_after.values()),
        },
        "tasks": {
            "queued": len(task_ids),
            "successful": results.filter(status=TaskResultStatus.SUCCESSFUL).count(),
            "retried_after_a_dead_worker": sum(1 for r in results if len(r.worker_ids) > 1),
            "completed_once": sum(1 for c in completions if c == 1),
            "completed_twice_or_more": sum(1 for c in completions if c > 1),
            "never_completed": sum(1 for c in completions if c == 0),
        },
    }


def check_device_limit(bench: Any, campaign: Any, port: int) -> dict[str, Any]:
    from django.conf import settings

    from zona.surveys.models import Response

    limit = settings.ZONA_SURVEY_DEVICE_REFUSE_AFTER
    make = bench.survey_body_maker(campaign)
    cookie = f"zona_sd={uuid.uuid4().hex}"
    rng = __import__("random").Random(7)
    before = Response.objects.filter(campaign=campaign).count()
    statuses: dict[int, int] = {}
    for _ in range(limit + 10):
        status, _ = _request(
            port, "POST", f"/s/{campaign.public_code}", make(rng, uuid.uuid4().hex), cookie
        )
        statuses[status] = statuses.get(status, 0) + 1
    stored = Response.objects.filter(campaign=campaign).count() - before
    # Four processes counting on their own would each let `limit` through.
    return {"limit": limit, "posted": limit + 10, "stored": stored, "statuses": statuses}


def check_storage() -> dict[str, Any]:
    import boto3
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    payload = os.urandom(256 * 1024)
    digest = hashlib.sha256(payload).hexdigest()
    name = default_storage.save(f"prod-check/{uuid.uuid4().hex}.bin", ContentFile(payload))
    options = settings.STORAGES["default"]["OPTIONS"]
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"],
    )
    in_bucket = s3.get_object(Bucket=options["bucket_name"], Key=name)["Body"].read()
    with default_storage.open(name) as f:
        back = f.read()
    return {
        "backend": settings.STORAGES["default"]["BACKEND"],
        "bytes": len(payload),
        "bucket_hash_equal": hashlib.sha256(in_bucket).hexdigest() == digest,
        "read_back_hash_equal": hashlib.sha256(back).hexdigest() == digest,
    }


def check_backup(run: Path) -> dict[str, Any]:
    """manage.py backup's code, restored into a new database and a new bucket."""
    from django.conf import settings
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper
    from storages.backends.s3 import S3Storage

    from zona.ops.backup import _walk, backup, restore, table_counts

    made = backup(run / "backup")
    source = connections["default"].settings_dict
    name = f"{source['NAME']}_restored"
    with connections["default"].cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    target = DatabaseWrapper({**source, "NAME": name}, alias="restored")
    options = {**settings.STORAGES["default"]["OPTIONS"]}
    options["bucket_name"] = f"{options['bucket_name']}-restored"
    bucket = S3Storage(**options)
    bucket.connection.create_bucket(Bucket=options["bucket_name"])
    done = restore(run / "backup", database=target, storage=bucket)
    with target.cursor() as cursor:
        cursor.execute("SELECT file, sha256 FROM assessments_evidencerevision WHERE file <> ''")
        evidence = dict(cursor.fetchall())
    manifest = json.loads((run / "backup" / "manifest.json").read_text())
    hashes = {o["name"]: o["sha256"] for o in manifest["objects"]}
    restored_hashes = {}
    for key in _walk(bucket):
        with bucket.open(key, "rb") as f:
            restored_hashes[key] = hashlib.sha256(f.read()).hexdigest()
    equal = (
        table_counts(target) == table_counts("default") == manifest["tables"]
        and restored_hashes == hashes
        and all(hashes.get(k) == v for k, v in evidence.items())
    )
    target.close()
    return {
        "rows": made.rows,
        "files": made.files,
        "backup_seconds": made.seconds,
        "restore_seconds": done.seconds,
        "counts_and_hashes_equal": equal,
    }


def prepare_export(sheets: int) -> dict[str, Any]:
    """The export check's data: under the test agency a unit with `sheets` satker, a period
    on the real LKE with a sheet for each, a sample of them answered. Through the services,
    as an administrator would (the world of check_evidence_web exists by now)."""
    import datetime as dt

    from django.utils import timezone

    from zona.accounts.models import Unit, User
    from zona.accounts.services import unit_create
    from zona.assessments.models import Assessment
    from zona.assessments.services import answer_save
    from zona.assessments.services.periods import assessment_create_many, period_create
    from zona.assessments.sheet import sheet_spec
    from zona.frameworks.services import framework_load_file

    started = time.monotonic()
    admin = User.objects.get(username="agency_admin")
    sysadmin = User.objects.get(username="sysadmin")
    agency = Unit.objects.get(code="KC")
    framework = framework_load_file(
        path=ROOT / "frameworks" / "permenpan-rb-90-2021.yaml"
    ).framework
    root = unit_create(
        actor=sysadmin, parent=agency, code="KC-EXP", name="Ditjen Ekspor", kind="echelon_i"
    )
    units = [
        unit_create(
            actor=sysadmin,
            parent=root,
            code=f"KC-EXP-{n:05d}",
            name=f"Satker Ekspor {n:05d}",
            kind="satker",
        )
        for n in range(sheets)
    ]
    today = timezone.localdate()
    period = period_create(
        actor=admin,
        agency=agency,
        year=today.year,
        title="Prod-check recap",
        framework=framework,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    root.refresh_from_db()
    assessment_create_many(actor=admin, period=period, targets=dict.fromkeys(units, "wbk"))
    spec = sheet_spec(framework)
    choice_items = [i for i in spec.items.values() if i.is_choice][:6]
    sample = list(
        Assessment.objects.filter(period=period).select_related("period__framework", "unit")[:10]
    )
    for n, assessment in enumerate(sample):
        for i, item in enumerate(choice_items):
            answer_save(
                actor=sysadmin,
                assessment=assessment,
                item_code=item.code,
                revision=None,
                value=item.options[(n + i) % len(item.options)].key,
            )
    return {
        "period": period,
        "root": root,
        "sheets": sheets,
        "items": len(spec.items),
        "sample": [a.pk for a in sample],
        "seed_seconds": round(time.monotonic() - started, 1),
    }


def check_export(port: int, data: dict[str, Any]) -> dict[str, Any]:
    """The agency administrator asks for the recap of the seeded subtree and follows it."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from zona.accounts.testing import DEFAULT_PASSWORD
    from zona.assessments.models import StoredScore

    browser = Browser(port)
    login = browser.login("agency_admin", DEFAULT_PASSWORD)
    body = json.dumps({"period": data["period"].pk, "unit": data["root"].pk}).encode()
    asked = time.monotonic()
    status, _, created = browser.request("POST", "/api/v1/exports/recap/", body, "application/json")
    result: dict[str, Any] = {
        "login": login,
        "create": status,
        "seed_seconds": data["seed_seconds"],
    }
    if status != 202:
        result["error"] = created[:300].decode(errors="replace")
        return result
    job = json.loads(created)
    polls = 0
    percents: list[int] = []
    statuses: list[str] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        code, _, raw = browser.request("GET", f"/api/v1/exports/{job['id']}/")
        polls += 1
        job = json.loads(raw) if code == 200 else job
        percents.append(job["percent"])
        statuses.append(job["status"])
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    ready = time.monotonic() - asked
    result.update(
        job=job["id"],
        status=job["status"],
        message=job.get("message", ""),
        polls=polls,
        seconds_to_ready=round(ready, 1),
        progress_seen=sorted(
            {p for p, s in zip(percents, statuses, strict=True) if s == "running"}
        ),
        progress_between_0_and_100=any(
            0 < p < 100 for p, s in zip(percents, statuses, strict=True) if s == "running"
        ),
    )
    if job["status"] != "done":
        return result
    code, headers, content = browser.request("GET", job["download"])
    wb = load_workbook(io.BytesIO(content), read_only=True)
    recap = list(wb["Rekap"].iter_rows(values_only=True))
    items_rows = sum(1 for _ in wb["Butir"].iter_rows(values_only=True)) - 1
    header = list(recap[1])
    total_col = header.index(next(h for h in header if str(h).endswith(": total")))
    by_code = {row[0]: row for row in recap[2:]}
    stored = {
        s.assessment.unit.code: s.total
        for s in StoredScore.objects.filter(
            assessment_id__in=data["sample"], key="unit"
        ).select_related("assessment__unit")
    }
    equal = bool(stored) and all(
        by_code.get(code) is not None and Decimal(str(by_code[code][total_col])) == total
        for code, total in stored.items()
    )
    wb.close()
    anonymous, _, _ = Browser(port).request("GET", job["download"])
    result.update(
        download=code,
        content_type=headers.get("Content-Type", ""),
        bytes=len(content),
        sha256_equal=hashlib.sha256(content).hexdigest() == job["sha256"],
        recap_rows=len(recap) - 2,
        item_rows=items_rows,
        expected_sheets=data["sheets"],
        expected_item_rows=data["sheets"] * data["items"],
        sample_totals_equal=equal,
        anonymous_download=anonymous,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--run", required=True, help="the run folder of scripts/prod-check.sh")
    parser.add_argument("--deploy-check", type=int, default=0, help="exit status of check --deploy")
    parser.add_argument("--started", type=float, default=time.time())
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--kill-after", type=float, default=3)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--task-seconds", type=float, default=0.3)
    parser.add_argument("--export-sheets", type=int, default=1000)
    args = parser.parse_args()

    bench = _survey_bench()
    import django

    django.setup()
    campaign = bench.prepare()[bench.BENCH_UNIT]

    figures: dict[str, Any] = {"health": check_health(args.port)}
    figures["request_id_log"] = check_request_id_log(args.port, Path(args.run))
    figures["load"] = check_load(bench, campaign, args)
    figures["device_limit"] = check_device_limit(bench, campaign, args.port)
    figures["storage"] = check_storage()
    figures["evidence_through_web"] = check_evidence_web(args.port)
    figures["login_throttle"] = check_login_throttle(args.port)
    figures["export"] = check_export(args.port, prepare_export(args.export_sheets))
    figures["backup_restore"] = check_backup(Path(args.run))
    figures["check_deploy_clean"] = args.deploy_check == 0
    figures["wall_seconds"] = round(time.time() - args.started, 1)
    print(json.dumps(figures, indent=2))

    load, tasks = figures["load"], figures["load"]["tasks"]
    export = figures["export"]
    failures = [
        name
        for name, ok in (
            ("readyz", figures["health"]["readyz"] == 200 and figures["health"]["healthz"] == 200),
            ("responses lost", load["lost"] == 0),
            ("responses duplicated", load["duplicated"] == 0),
            (
                "a web worker and a task worker killed",
                "web_worker_pid" in load["killed"] and "task_worker_pid" in load["killed"],
            ),
            (
                "granian replaced the killed web worker under the same main process",
                load["web_workers"]["replaced"] and load["web_workers"]["same_main"],
            ),
            (
                "JSON log lines with the request id",
                figures["request_id_log"]["echoed"]
                and figures["request_id_log"]["log_lines_with_id"] >= 1
                and figures["request_id_log"]["log_lines_not_json"] == 0,
            ),
            ("every task completed exactly once", tasks["completed_once"] == tasks["queued"]),
            ("the killed worker's task was retried", tasks["retried_after_a_dead_worker"] >= 1),
            (
                "device limit held across workers",
                figures["device_limit"]["stored"] == figures["device_limit"]["limit"],
            ),
            (
                "S3 hashes",
                figures["storage"]["bucket_hash_equal"]
                and figures["storage"]["read_back_hash_equal"],
            ),
            ("check --deploy", figures["check_deploy_clean"]),
            (
                "evidence uploaded and downloaded through the web, via S3",
                figures["evidence_through_web"].get("download_hash_equal") is True
                and figures["evidence_through_web"].get("bucket_hash_equal") is True
                and figures["evidence_through_web"].get("anonymous_download") != 200,
            ),
            (
                "login throttle held across workers",
                figures["login_throttle"]["refused_as_too_many"],
            ),
            ("backup restored equal", figures["backup_restore"]["counts_and_hashes_equal"]),
            (
                "export done with progress seen, its file read back",
                export.get("status") == "done"
                and export.get("progress_between_0_and_100") is True
                and export.get("sha256_equal") is True
                and export.get("recap_rows") == export.get("expected_sheets")
                and export.get("item_rows") == export.get("expected_item_rows")
                and export.get("sample_totals_equal") is True
                and export.get("anonymous_download") != 200,
            ),
        )
        if not ok
    ]
    survey = load["survey"]
    print(
        f"submissions_per_second={survey['per_second']} p50_ms={survey['latency_ms_p50']} "
        f"p95_ms={survey['latency_ms_p95']} tasks={tasks['queued']} "
        f"tasks_retried={tasks['retried_after_a_dead_worker']}"
    )
    print(
        f"export_sheets={export.get('expected_sheets')} "
        f"export_item_rows={export.get('item_rows')} "
        f"export_seconds={export.get('seconds_to_ready')} "
        f"export_progress={export.get('progress_seen')}"
    )
    for name in failures:
        print(f"FAILED: {name}")
    lost = load["lost"] + tasks["never_completed"]
    duplicated = load["duplicated"] + tasks["completed_twice_or_more"]
    print(f"lost={lost} duplicated={duplicated}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
