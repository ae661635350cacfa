"""Every insight page and API endpoint of issue 12, walked twice: once by the role that should
see it (200, or the redirect a form answers with) and once by a user of another unit (404 or
403, the object's existence not revealed). One world holds a Bandung sheet reviewed by the
Kanwil with its LHE issued and signed, a survey round of Bandung, and a finished recap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zona.accounts.testing import add_unit
from zona.insight.models import ExportJob
from zona.insight.services.exports import recap_export_request
from zona.insight.tests.test_documents import issue, minimal_pdf, sheet
from zona.surveys.tests.conftest import instruments, make_campaign, submit

__all__ = ["instruments", "sheet"]  # fixtures, used by name

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@dataclass
class Scene:
    sheet: Any
    tier: Any
    campaign: Any
    job: ExportJob
    agency: Any
    period: Any


@pytest.fixture
def scene(world, client_for, sheet, instruments) -> Scene:
    tier = world.tier_kanwil
    reviewer = client_for(world["kanwil_reviewer"])
    assert issue(reviewer, sheet, tier).status_code == 302
    upload = SimpleUploadedFile("signed.pdf", minimal_pdf(), content_type="application/pdf")
    signed = reviewer.post(
        f"/assessments/{sheet.pk}/lhe/{tier.pk}/signed/upload/", {"file": upload}
    )
    assert signed.status_code == 302
    campaign = make_campaign(world, instruments, keys=("skm",), asks_profile=True)
    for _ in range(3):
        submit(campaign, skm=[4, 3, 2, 4, 3, 4, 2, 4, 3], profile={"sex": "f"})
    job = recap_export_request(
        actor=world["agency_admin"], period_id=sheet.period_id, unit_id=world.agency.pk
    )
    return Scene(sheet, tier, campaign, job, world.agency, sheet.period)


Url = Callable[[Scene], str]


@dataclass(frozen=True)
class Case:
    name: str
    url: Url
    allowed: str  # the persona who should see it
    refused: str  # a persona of another unit (or outside the audience)
    method: str = "get"
    data: dict[str, Any] | None = None
    ok: tuple[int, ...] = (200,)


def _s(suffix: str) -> Url:
    return lambda sc: f"/assessments/{sc.sheet.pk}/{suffix}"


def _lhe(suffix: str = "") -> Url:
    return lambda sc: f"/assessments/{sc.sheet.pk}/lhe/{sc.tier.pk}/{suffix}"


def _skm(suffix: str = "") -> Url:
    return lambda sc: f"/documents/skm/{sc.campaign.pk}/{suffix}"


def _agency(suffix: str, api: bool = False) -> Url:
    prefix = "/api/v1" if api else ""
    return lambda sc: f"{prefix}/agencies/{sc.agency.pk}/{suffix}"


def _job(suffix: str = "", api: bool = False) -> Url:
    prefix = "/api/v1" if api else ""
    return lambda sc: f"{prefix}/exports/{sc.job.pk}/{suffix}"


def _fixed(url: str) -> Url:
    return lambda sc: url


CASES = [
    # The unit dashboard, the planner and the sheet's documents: Bandung vs Bogor.
    Case("dashboard", _s("dashboard/"), "operator", "other_operator"),
    Case("dashboard-head", _s("dashboard/"), "unit_head", "outsider"),
    Case("planner", _s("path/"), "operator", "other_operator"),
    Case("planner-wg", _s("path/"), "wg_member", "other_operator"),
    Case("what-if", _s("path/what-if/"), "operator", "other_operator", method="post", data={}),
    Case("documents", _s("documents/"), "operator", "other_operator"),
    Case("profile-pdf", _s("profile.pdf"), "operator", "other_operator"),
    Case("lhe-page", _lhe(), "kanwil_reviewer", "other_operator"),
    Case("lhe-page-unit", _lhe(), "unit_head", "outsider"),
    Case("lhe-docx", _lhe("lhe.docx"), "operator", "other_operator"),
    Case("lhe-pdf", _lhe("lhe.pdf"), "operator", "other_operator"),
    Case("lhe-signed", _lhe("signed/"), "unit_head", "other_operator"),
    Case("lke-xlsx", _s("export.xlsx"), "operator", "other_operator"),
    # The SKM report of Bandung's round.
    Case("skm", _skm(), "operator", "other_operator"),
    Case("skm-pdf", _skm("skm.pdf"), "viewer", "other_operator"),
    Case("skm-docx", _skm("skm.docx"), "operator", "outsider"),
    # Exports: the requester only.
    Case("job", _job(), "agency_admin", "operator"),
    Case("job-outsider", _job(), "agency_admin", "outsider"),
    # The agency and subtree dashboard: the agency's people, not a satker's nor another agency.
    Case("agency", _agency("dashboard/"), "agency_admin", "outsider"),
    Case("agency-satker", _agency("dashboard/"), "agency_admin", "other_operator"),
    Case("agency-xlsx", _agency("dashboard/units.xlsx"), "agency_admin", "outsider"),
    Case("agency-funnel-xlsx", _agency("dashboard/funnel.xlsx"), "tpi_reviewer", "outsider"),
    Case("targets", _agency("targets/"), "agency_admin", "outsider"),
    # The national view: the TPN, not an agency.
    Case("national", _fixed("/national/"), "tpn", "agency_admin"),
    Case("national-sysadmin", _fixed("/national/"), "sysadmin", "outsider"),
    Case("national-xlsx", _fixed("/national/export.xlsx"), "tpn", "agency_admin"),
    # The API.
    Case("api-agency", _agency("dashboard/", api=True), "agency_admin", "outsider"),
    Case("api-targets", _agency("targets/", api=True), "agency_admin", "outsider"),
    Case("api-job", _job(api=True), "agency_admin", "operator"),
    Case("api-national", _fixed("/api/v1/national/"), "tpn", "agency_admin"),
]
API_CASES = [
    Case("api-sheet-dashboard", _s("dashboard/"), "operator", "other_operator"),
    Case("api-path", _s("path/"), "operator", "other_operator"),
    Case(
        "api-what-if",
        _s("path/what-if/"),
        "operator",
        "other_operator",
        method="post",
        data={"answers": {}},
    ),
    Case("api-lhe", _s("lhe/"), "operator", "other_operator"),
]


def _call(client: Client, case: Case, url: str, *, api: bool = False):
    if case.method == "post":
        if api:
            return client.post(url, case.data or {}, content_type="application/json")
        return client.post(url, case.data or {})
    return client.get(url)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_right_role_sees_it_and_another_units_user_does_not(world, client_for, scene, case):
    url = case.url(scene)
    allowed = _call(client_for(world[case.allowed]), case, url)
    assert allowed.status_code in case.ok, (case.allowed, url, allowed.status_code)
    refused = _call(client_for(world[case.refused]), case, url)
    assert refused.status_code in (403, 404), (case.refused, url, refused.status_code)


@pytest.mark.parametrize("case", API_CASES, ids=[c.name for c in API_CASES])
def test_the_api_answers_its_readers_only(world, client_for, scene, case):
    url = "/api/v1" + case.url(scene)
    allowed = _call(client_for(world[case.allowed]), case, url, api=True)
    assert allowed.status_code in case.ok, (case.allowed, url, allowed.status_code)
    refused = _call(client_for(world[case.refused]), case, url, api=True)
    assert refused.status_code in (403, 404), (case.refused, url, refused.status_code)


def test_a_period_of_another_agency_is_refused_for_the_lke_files_and_the_recap(
    world, client_for, scene
):
    """The two export forms take a period and a unit: another agency's user cannot name ours."""
    outsider = client_for(world["outsider"])
    assert outsider.get("/documents/lke-files/new/").status_code == 200
    assert outsider.get("/exports/recap/new/").status_code == 200
    body = {"period": scene.period.pk, "unit": scene.agency.pk}
    before = ExportJob.objects.count()
    for url in ("/documents/lke-files/new/", "/exports/recap/new/"):
        answer = outsider.post(url, body)
        assert answer.status_code in (400, 403, 404), (url, answer.status_code)
    assert ExportJob.objects.count() == before
    admin = client_for(world["agency_admin"])
    assert admin.post("/documents/lke-files/new/", body).status_code == 302
    assert ExportJob.objects.count() == before + 1


# --- every list of units pages, folds or searches (issue 12 §4) ------------------------------

TREE_SIZE = 130


@pytest.fixture
def large_tree(world):
    """A Kanwil with 130 more satker: more than any page of units shows at once."""
    parent = world.kanwil_jabar
    for i in range(TREE_SIZE):
        add_unit(parent, code=f"KC-X{i:03d}", name=f"Satker Uji {i:03d}", kind="satker")
        parent.refresh_from_db()
    return parent


def _items(html: str, testid: str) -> int:
    block = html.split(f'data-testid="{testid}"', 1)[1].split("</ul>", 1)[0]
    return block.count('class="list-group-item')


@pytest.mark.parametrize(("user", "url"), [("agency_admin", "/"), ("sysadmin", "/manage/units/")])
def test_a_long_list_of_units_is_paged_and_searched(world, client_for, large_tree, user, url):
    client = client_for(world[user])
    first = client.get(url).content.decode()
    assert _items(first, "unit-list") <= 50
    last = client.get(url, {"page": 4}).content.decode()
    assert 0 < _items(last, "unit-list") <= 50
    found = client.get(url, {"q": "KC-X107"}).content.decode()
    assert _items(found, "unit-list") == 1
    assert "Satker Uji 107" in found


def test_the_home_of_an_agency_user_folds_its_units_under_the_summary(
    world, client_for, large_tree
):
    html = client_for(world["agency_admin"]).get("/").content.decode()
    assert 'data-testid="home-summary"' in html
    units = html.split('data-testid="units"', 1)[0].rsplit("<details", 1)[1]
    assert " open" not in units
    # The operator of one satker has no summary: its one unit is shown open.
    mine = client_for(world["operator"]).get("/").content.decode()
    assert 'data-testid="home-summary"' not in mine
    assert _items(mine, "unit-list") == 1
