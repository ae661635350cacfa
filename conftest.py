import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from zona.accounts.testing import World, cached_world

ROOT = Path(__file__).resolve().parent


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Each test runs in the pass where it says something.

    `make test` runs the whole suite on SQLite first; the second pass on PostgreSQL is there
    for what the database decides (locks, constraints, SQL). Pure tests, and tests marked
    `sqlite_pass_only` (a subprocess with its own database, a settings check), would only
    repeat themselves there. Tests marked `postgres_only` (pg_dump, PostgreSQL's own SQL) are
    left out of the SQLite pass rather than skipped: a skip would read as a hidden failure.
    """
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        if on_postgres:
            needs_db = bool(DB_FIXTURES & set(getattr(item, "fixturenames", ()))) or (
                item.get_closest_marker("django_db") is not None
            )
            wanted = needs_db and item.get_closest_marker("sqlite_pass_only") is None
        else:
            wanted = item.get_closest_marker("postgres_only") is None
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages():
    """Compile stale translation catalogues, so a bare `pytest` tests the current ones."""
    for po in ROOT.glob("zona/**/locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        # Written aside, then renamed: parallel test workers never read a half-written file.
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo")
        os.close(fd)
        subprocess.run(["msgfmt", "--check-format", "-o", tmp, str(po)], check=True)  # noqa: S603, S607
        os.replace(tmp, mo)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the project's default language (Indonesian). A request through
    the test client leaves its language active on the thread, which would otherwise carry
    into whichever test the worker runs next."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(db) -> World:
    return cached_world()


@pytest.fixture
def client_for(db):
    """A client logged in as `user`: `client_for(world["operator"])`.

    A new client per call, so two personas can act in one test.
    """
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


# --- Browser tests (Playwright driving Debian's Chromium; no browser download) ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context at laptop size (1366x768); use `phone_page` for a phone."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


def browser_login(pg, username: str, password: str) -> None:
    """Log in through the real login form."""
    pg.goto(pg.base_url + "/accounts/login/")
    pg.fill("input[name=login]", username)
    pg.fill("input[name=password]", password)
    pg.click("button[type=submit]")
    # Signed in once the browser has left the login page (for home, or a 2FA step).
    pg.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def login():
    return browser_login


def take_screenshot(pg, name: str, *, full_page: bool = True) -> None:
    """Save `name`.png for a person to review, only when ZONA_SCREENSHOTS names a folder.

    Screenshots cost time and assert nothing, so an ordinary run takes none:
    `ZONA_SCREENSHOTS=/tmp/zona-shots pytest -m browser` takes them all.
    """
    folder = os.environ.get("ZONA_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


@pytest.fixture
def screenshot():
    """`screenshot(page, "name")`: see take_screenshot."""
    return take_screenshot
