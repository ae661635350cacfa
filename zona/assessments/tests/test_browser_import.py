"""In Chromium: a large Excel import runs in the background while its page shows progress,
then says what changed; problems are listed. Screenshots: set ZONA_SCREENSHOTS (conftest.py).

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser <this file>`.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.excel import COL_ANSWER, COL_CODE, FIRST_ROW
from zona.assessments.models import Answer, ImportJob, ImportJobStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shot(screenshot):
    return lambda page, name: screenshot(page, f"import-{name}")


def changed_export(user, assessment, changes: dict[str, str], folder: Path) -> Path:
    client = Client()
    client.force_login(user)
    data = client.get(reverse("assessments:export", args=[assessment.pk])).content
    book = load_workbook(io.BytesIO(data))
    ws = book["LKE"]
    index = {ws.cell(row=r, column=COL_CODE).value: r for r in range(FIRST_ROW, ws.max_row + 1)}
    for code, value in changes.items():
        ws.cell(row=index[code], column=COL_ANSWER, value=value)
    out = io.BytesIO()
    book.save(out)
    path = folder / f"lke-{len(list(folder.iterdir()))}.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_progress_is_polled_until_the_import_is_done(page, login, world, assessment, shot):
    job = ImportJob.objects.create(
        assessment=assessment,
        created_by=world["operator"],
        file_name="LKE-bandung.xlsx",
        status=ImportJobStatus.READING,
        rows_done=40,
        rows_total=160,
    )
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{assessment.pk}/import/{job.pk}/")
    page.wait_for_selector("[data-testid=import-job][data-status=reading]")
    assert page.locator(".progress-bar").inner_text().strip() == "25%"
    shot(page, "progress-1366")
    # The worker finishes; the page notices by itself (htmx polling), no reload.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.DONE, changed=["A.p.m.1.a", "A.p.m.1.b"]
    )
    page.wait_for_selector("[data-testid=import-job][data-status=done]", timeout=5000)
    text = page.locator("[data-testid=import-job]").inner_text()
    assert "Impor selesai" in text
    assert "A.p.m.1.a" in text
    assert "2 butir" in text


def test_a_large_file_goes_to_the_background_and_reports_its_problems(
    page, phone_page, login, world, assessment, settings, shot, tmp_path
):
    settings.ZONA_IMPORT_BACKGROUND_BYTES = 1000
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{assessment.pk}/import/")
    changes = {"A.p.m.1.b": "A", "A.p.m.2.a": "Z"}
    bad = changed_export(world["operator"], assessment, changes, tmp_path)
    page.set_input_files("#import-file", str(bad))
    page.click("main form button[type=submit], form[enctype] button[type=submit]")
    page.wait_for_selector("[data-testid=import-job][data-status=failed]")
    assert "A.p.m.2.a" in page.locator("[data-testid=import-errors]").inner_text()
    assert not Answer.objects.filter(item_code="A.p.m.1.b").exists()
    shot(page, "failed-1366")

    good = changed_export(world["operator"], assessment, {"A.p.m.1.b": "A"}, tmp_path)
    page.goto(f"{page.base_url}/assessments/{assessment.pk}/import/")
    page.set_input_files("#import-file", str(good))
    page.click("main form button[type=submit], form[enctype] button[type=submit]")
    page.wait_for_selector("[data-testid=import-job][data-status=done]")
    assert Answer.objects.get(item_code="A.p.m.1.b").value == "A"
    shot(page, "done-1366")

    login(phone_page, "operator", DEFAULT_PASSWORD)
    phone_page.goto(page.url)
    phone_page.wait_for_selector("[data-testid=import-job][data-status=done]")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone_page, "done-390")
