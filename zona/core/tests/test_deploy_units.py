"""The shipped web server: the systemd unit, `make prod-check` and the scaling lab start the
same granian, and granian's log configuration writes JSON lines like Django's (docs/deploy.md).
"""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
import shlex
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

ROOT = Path(__file__).resolve().parents[3]
# What every granian of Zona must say: WSGI, a worker replaced when it dies, a bounded stop,
# JSON logs. Host, port, pid file and the worker count differ by place.
REQUIRED = {
    "--interface": "wsgi",
    "--respawn-failed-workers": None,
    "--workers-kill-timeout": "25",
    "--blocking-threads": "4",
    "--log-config": "deploy/granian-logging.json",
}


def _granian_args(text: str) -> dict[str, str | None]:
    """The options of the first granian command in a shell text (continuation lines joined)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    line = next(line for line in joined.splitlines() if "bin/granian " in line)
    words = shlex.split(line.split("bin/granian ", 1)[1])
    options: dict[str, str | None] = {}
    for i, word in enumerate(words):
        if word.startswith("--"):
            following = words[i + 1] if i + 1 < len(words) else ""
            options[word] = None if following.startswith("--") or not following else following
    options["app"] = next(w for w in words if re.fullmatch(r"[\w.]+:\w+", w))
    return options


def test_the_unit_prod_check_and_the_lab_start_the_same_granian() -> None:
    unit = _granian_args((ROOT / "deploy" / "zona-web.service").read_text())
    check = _granian_args((ROOT / "scripts" / "prod-check.sh").read_text())
    lab = (ROOT / "scripts" / "scale-lab.sh").read_text()
    machines = _granian_args(lab[lab.index("  machines)") :])
    for options in (unit, check, machines):
        for name, value in REQUIRED.items():
            assert name in options, name
            if value is not None:
                assert options[name] == value, name
    assert unit["--workers"] == "4"
    assert unit["--host"] == "127.0.0.1"
    assert unit["app"] == check["app"] == "config.wsgi:application"


def test_no_gunicorn_in_the_shipped_units() -> None:
    for path in (ROOT / "deploy").iterdir():
        assert "gunicorn" not in path.read_text().lower(), path.name


def test_granian_log_lines_are_json_with_a_request_id() -> None:
    config = json.loads((ROOT / "deploy" / "granian-logging.json").read_text())
    stream = io.StringIO()
    config["handlers"]["console"]["stream"] = stream
    logger = logging.getLogger("_granian")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    try:
        logging.config.dictConfig(config)
        logger.info("Spawning worker-1 with PID: 4242")
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
    record = json.loads(stream.getvalue().strip())
    assert record["message"] == "Spawning worker-1 with PID: 4242"
    assert record["level"] == "INFO"
    assert record["logger"] == "_granian"
    assert record["request_id"] == "-"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$", record["time"])


def test_django_request_log_lines_carry_the_request_id(
    client: Client, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """django.request logs a 404 after the middleware chain has returned; the JSON line must
    still carry the proxy's id (the one a user quotes)."""
    from zona.ops.requestid import RequestIdFilter

    settings.MIDDLEWARE = ["zona.ops.requestid.RequestIdMiddleware", *settings.MIDDLEWARE]
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page-here/", HTTP_X_REQUEST_ID="req-abcdef12")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abcdef12"
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    for record in records:
        RequestIdFilter().filter(record)
        assert record.__dict__["request_id"] == "req-abcdef12"
