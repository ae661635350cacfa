"""The shell: the active menu entry and the favicon address."""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from zona.home.nav import nav_for


def active_labels(user, path: str) -> list[str]:
    with translation.override("id"):
        return [str(entry["label"]) for entry in nav_for(user, path) if entry["active"]]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", ["Beranda"]),
        ("/assessments/", ["Penilaian mandiri"]),
        ("/assessments/12/", ["Penilaian mandiri"]),
        ("/assessments/12/review/tpi/", ["Penilaian mandiri"]),
        ("/assessments/evidence/", ["Data dukung"]),
        ("/assessments/evidence/5/", ["Data dukung"]),
        ("/assessments/periods/", ["Periode"]),
        ("/assessments/periods/3/edit/", ["Periode"]),
        ("/manage/users/7/", ["Pengguna"]),
        ("/audit/", ["Log audit"]),
        ("/lke/", []),
    ],
)
def test_the_longest_matching_entry_is_the_active_one(world, path, expected):
    # The system administrator sees every entry, so every prefix competes.
    assert active_labels(world["sysadmin"], path) == expected


def test_the_page_marks_one_entry_as_current(world, client):
    client.force_login(world["operator"])
    html = client.get(reverse("assessments:evidence_library")).content.decode()
    sidebar = html.split('id="zona-sidebar"')[1]
    assert sidebar.count('aria-current="page"') == 1
    current = sidebar.split('aria-current="page"')[0].rsplit("<a", 1)[1]
    assert reverse("assessments:evidence_library") in current


def test_favicon_ico_redirects_permanently_to_the_svg(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("zona/favicon.svg")
    assert reverse("home:favicon") == "/favicon.ico"
