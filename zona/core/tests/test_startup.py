"""What a web process pays at start-up: heavy libraries wait until a view needs them."""

import subprocess
import sys

import pytest
from django.conf import settings

# WeasyPrint alone takes about a second to import; openpyxl and segno are only for downloads.
HEAVY = ("weasyprint", "openpyxl", "segno")


@pytest.mark.sqlite_pass_only
def test_loading_the_urls_imports_no_pdf_or_spreadsheet_library() -> None:
    # A fresh interpreter: this test process has long imported them for other tests.
    probe = (
        "import sys, django; django.setup(); import config.urls; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == ""
