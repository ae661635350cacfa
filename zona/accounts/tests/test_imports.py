"""Bulk import through the pages: dry run lists every problem by row and column, nothing is
written while any row is wrong, confirm writes all rows in one transaction, and importing
the same file twice changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zona.accounts.imports import UNIT_COLUMNS, USER_COLUMNS
from zona.accounts.models import Role, RoleAssignment, ServiceType, Unit, User
from zona.audit.models import AuditEvent

UNIT_HEADER = list(UNIT_COLUMNS)
USER_HEADER = list(USER_COLUMNS)


def csv_file(header: list[str], rows: list[list[object]], *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_file(header: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, kind: str, content: bytes, name: str = "data.csv"):
    return client.post(
        reverse("accounts:import_start", args=[kind]),
        {"file": SimpleUploadedFile(name, content)},
    )


def file_errors(response) -> list[str]:
    """The codes of the refusals shown on the upload form's file field."""
    return [e.code for e in response.context["form"].errors.as_data().get("file", [])]


def confirm(client, kind: str, response):
    return client.post(
        reverse("accounts:import_confirm", args=[kind]), {"sha256": response.context["digest"]}
    )


def problems(response) -> set[tuple[int | None, str, str]]:
    return {(p.row, p.field, p.code) for p in response.context["problems"]}


def state() -> tuple:
    return (
        list(Unit.objects.order_by("pk").values_list("code", "name", "path", "kind", "echelon")),
        list(User.objects.order_by("pk").values_list("username", "email", "home_unit_id")),
        list(
            RoleAssignment.objects.order_by("pk").values_list(
                "user_id", "role", "unit_id", "covers_subtree", "lke_areas", "review_tier_id"
            )
        ),
        AuditEvent.objects.count(),
    )


def unit_row(code, name, parent, kind="satker", echelon="", region="", service_types=""):
    return [code, name, "", parent, kind, echelon, region, service_types]


@pytest.fixture
def admin(world, client):
    client.force_login(world["agency_admin"])
    return client


# --- Units ------------------------------------------------------------------------------

UNIT_ERRORS = [
    ("unknown parent", unit_row("KC-NEW", "Baru", "KC-NOPE"), "parent_code", "unknown_parent"),
    (
        "parent outside scope",
        unit_row("KC-NEW", "Baru", "KL-SAT"),
        "parent_code",
        "parent_out_of_scope",
    ),
    ("bad kind", unit_row("KC-NEW", "Baru", "KC-BDG", kind="kecamatan"), "kind", "invalid_kind"),
    ("empty kind", unit_row("KC-NEW", "Baru", "KC-BDG", kind=""), "kind", "required"),
    (
        "agency kind with a parent",
        unit_row("KC-NEW", "Baru", "KC-BDG", kind="ministry"),
        "kind",
        "kind_level",
    ),
    (
        "bad echelon",
        unit_row("KC-NEW", "Baru", "KC-BDG", echelon="7"),
        "echelon",
        "invalid_echelon",
    ),
    ("missing name", unit_row("KC-NEW", "", "KC-BDG"), "name", "required"),
    ("bad code", unit_row("KC NEW!", "Baru", "KC-BDG"), "code", "invalid_code"),
    (
        "code of a unit elsewhere",
        unit_row("KL-SAT", "Punyaku", "KC-BDG"),
        "code",
        "code_out_of_scope",
    ),
    (
        "existing unit under another parent",
        unit_row("KC-BGR", "Satker Bogor", "KC-JATIM"),
        "parent_code",
        "parent_changed",
    ),
    (
        "new agency by an agency admin",
        unit_row("KX", "Kementerian X", "", kind="ministry"),
        "parent_code",
        "required",
    ),
    ("own parent", unit_row("KC-NEW", "Baru", "KC-NEW"), "parent_code", "parent_cycle"),
]


@pytest.mark.parametrize(
    ("label", "row", "column", "code"), UNIT_ERRORS, ids=[e[0] for e in UNIT_ERRORS]
)
def test_unit_dry_run_reports_each_problem_by_row_and_column(admin, label, row, column, code):
    good = unit_row("KC-OK", "Satker Baik", "KC-JABAR")
    before = state()
    response = upload(admin, "units", csv_file(UNIT_HEADER, [good, row]))
    assert response.status_code == 200
    assert (3, column, code) in problems(response), problems(response)
    # The good row is not reported, and nothing at all is written or kept for confirming.
    assert not any(p.row == 2 for p in response.context["problems"])
    assert state() == before
    assert "zona_import" not in admin.session
    assert b'data-testid="import-confirm"' not in response.content


def test_unit_dry_run_lists_every_problem_of_the_file_at_once(admin):
    rows = [
        unit_row("KC-A", "A", "KC-NOPE"),
        unit_row("KC-A", "A lagi", "KC-BDG"),
        unit_row("KC-B", "B", "KC-BDG", kind="kecamatan", echelon="9"),
    ]
    response = upload(admin, "units", csv_file(UNIT_HEADER, rows))
    assert problems(response) == {
        (2, "parent_code", "unknown_parent"),
        (3, "code", "duplicate_in_file"),
        (4, "kind", "invalid_kind"),
        (4, "echelon", "invalid_echelon"),
    }
    # Indonesian by default, with row and column in the table.
    text = response.content.decode()
    assert "Tidak ada unit dengan kode KC-NOPE" in text
    assert "Berkas memiliki 4 masalah" in text


def test_parent_codes_going_round_in_a_circle(admin):
    rows = [unit_row("KC-X", "X", "KC-Y"), unit_row("KC-Y", "Y", "KC-X")]
    response = upload(admin, "units", csv_file(UNIT_HEADER, rows))
    assert {(2, "parent_code", "parent_cycle"), (3, "parent_code", "parent_cycle")} <= problems(
        response
    )


def test_unknown_and_missing_columns(admin):
    header = ["code", "nama", "parent_code", "kind"]
    response = upload(admin, "units", csv_file(header, [["KC-A", "A", "KC-BDG", "satker"]]))
    assert problems(response) == {
        (1, "nama", "unknown_column"),
        (1, "name", "missing_column"),
    }


def test_files_that_cannot_be_read(admin):
    response = upload(admin, "units", b"not a workbook", name="units.xlsx")
    assert response.status_code == 200
    assert file_errors(response) == ["unreadable_file"]
    response = upload(admin, "units", b"x", name="units.pdf")
    assert file_errors(response) == ["unsupported_type"]


def test_unit_import_creates_the_tree_then_a_second_import_changes_nothing(admin, world):
    rows = [
        # A child before its parent in the file: the import orders them.
        unit_row("KC-BDG-2", "Layanan Bandung Timur", "KC-BDG-X", echelon="4"),
        unit_row("KC-BDG-X", "Kantor Bandung Raya", "KC-JABAR", kind="other", echelon="III"),
        unit_row("KC-SBY", "Satker Surabaya (baru)", "KC-JATIM", echelon="3", region="Surabaya"),
        unit_row("KC-BGR", "Satker Bogor", "KC-JABAR", echelon="3", region="Bogor"),
    ]
    content = xlsx_file(UNIT_HEADER, rows)
    dry = upload(admin, "units", content, name="units.xlsx")
    assert dry.context["counts"] == {"create": 2, "update": 1, "unchanged": 1}
    assert Unit.objects.filter(code__in=["KC-BDG-2", "KC-BDG-X"]).count() == 0

    done = confirm(admin, "units", dry)
    assert done.status_code == 302
    parent = Unit.objects.get(code="KC-BDG-X")
    child = Unit.objects.get(code="KC-BDG-2")
    assert parent.echelon == 3
    assert Unit.objects.get_parent(parent) == world.kanwil_jabar
    assert Unit.objects.get_parent(child) == parent
    assert Unit.objects.get(code="KC-SBY").name == "Satker Surabaya (baru)"
    assert Unit.objects.get_tree().count() == Unit.objects.count()  # tree stays consistent
    assert not Unit.objects.find_problems()[0]
    assert not any(Unit.objects.find_problems())
    assert world.new_events().filter(action="unit.created").count() == 2
    assert world.new_events().filter(action="unit.updated").count() == 1
    summary = world.new_events().get(action="import.units")
    assert summary.details["created"] == 2

    before = state()
    again = upload(admin, "units", content, name="units.xlsx")
    assert again.context["counts"] == {"create": 0, "update": 0, "unchanged": 4}
    assert b"disabled" in again.content
    confirm(admin, "units", again)
    assert state() == before


def test_semicolon_csv_from_an_indonesian_spreadsheet(admin):
    content = csv_file(
        UNIT_HEADER, [unit_row("KC-C", "C", "KC-BDG", kind="Satuan kerja (satker)")], delimiter=";"
    )
    dry = upload(admin, "units", content)
    assert not dry.context["problems"]
    assert dry.context["counts"]["create"] == 1


def test_confirm_checks_again_and_writes_nothing_when_the_tree_changed(admin, world):
    dry = upload(admin, "units", csv_file(UNIT_HEADER, [unit_row("KC-NEW", "Baru", "KC-BDG")]))
    assert dry.context["counts"]["create"] == 1
    # Meanwhile someone else gives the code to a unit of another agency.
    Unit.objects.add_child(
        world.other_agency, create_kwargs={"code": "KC-NEW", "name": "X", "kind": "satker"}
    )
    before = state()
    response = confirm(admin, "units", dry)
    assert response.status_code == 409
    assert (2, "code", "code_out_of_scope") in problems(response)
    assert state() == before


def test_a_failure_while_applying_rolls_back_every_row(admin, monkeypatch):
    from zona.accounts.services import imports as import_services

    real = import_services.unit_create
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["code"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(import_services, "unit_create", flaky)
    rows = [unit_row("KC-N1", "N1", "KC-BDG"), unit_row("KC-N2", "N2", "KC-BDG")]
    dry = upload(admin, "units", csv_file(UNIT_HEADER, rows))
    before = state()
    admin.raise_request_exception = False
    response = confirm(admin, "units", dry)
    assert response.status_code == 500
    assert state() == before


def test_confirm_without_a_checked_file_does_nothing(admin):
    before = state()
    response = admin.post(reverse("accounts:import_confirm", args=["units"]), {"sha256": "abc"})
    assert response.status_code == 302
    assert state() == before


def test_downloaded_template_imports_its_example_row(admin):
    response = admin.get(reverse("accounts:import_template", args=["units"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == UNIT_HEADER
    assert sheet.max_row == 2  # header + example row
    assert book.worksheets[1].title == "Petunjuk"
    dry = upload(admin, "units", response.content, name="template.xlsx")
    assert not dry.context["problems"]
    assert dry.context["counts"]["create"] == 1


def test_system_admin_may_import_new_agencies(world, client):
    client.force_login(world["sysadmin"])
    rows = [
        unit_row("KN", "Kementerian Baru", "", kind="ministry"),
        unit_row("KN-1", "Satker Baru", "KN", echelon="3"),
    ]
    dry = upload(client, "units", csv_file(UNIT_HEADER, rows))
    assert not dry.context["problems"]
    confirm(client, "units", dry)
    assert Unit.objects.get(code="KN").depth == 1
    assert Unit.objects.get(code="KN-1").depth == 2


SERVICE_TYPE_ERRORS = [
    ("pair without a name", "PASPOR=Paspor; ITAS", "invalid_service_type"),
    ("name without a code", "=Paspor", "invalid_service_type"),
    ("bad code", "PAS.POR=Paspor", "invalid_service_code"),
    ("empty name", "PASPOR=  ", "required"),
    ("same code twice", "PASPOR=Paspor; paspor=Paspor lagi", "duplicate_service_code"),
]


@pytest.mark.parametrize(
    ("label", "cell", "code"), SERVICE_TYPE_ERRORS, ids=[e[0] for e in SERVICE_TYPE_ERRORS]
)
def test_unit_dry_run_reports_bad_service_types_by_row_and_column(admin, label, cell, code):
    good = unit_row("KC-OK", "Satker Baik", "KC-JABAR", service_types="ITAS=Izin Tinggal")
    bad = unit_row("KC-BDG", "Satker Bandung", "KC-JABAR", echelon="3", service_types=cell)
    before = (state(), list(ServiceType.objects.values_list("unit_id", "code", "name")))
    response = upload(admin, "units", csv_file(UNIT_HEADER, [good, bad]))
    assert problems(response) == {(3, "service_types", code)}
    assert before == (state(), list(ServiceType.objects.values_list("unit_id", "code", "name")))
    assert "zona_import" not in admin.session


def services_of(code: str) -> dict[str, tuple[str, bool]]:
    return {s.code: (s.name, s.is_active) for s in ServiceType.objects.filter(unit__code=code)}


def test_unit_import_adds_service_types_and_a_second_import_changes_nothing(admin, world):
    ServiceType.objects.filter(unit=world.bandung, code="IZIN").update(is_active=False)
    rows = [
        unit_row(
            "KC-BDG",
            "Satker Bandung",
            "KC-JABAR",
            echelon="3",
            region="Bandung",
            service_types="paspor=Layanan Paspor; ITAS=Izin Tinggal Terbatas;",
        ),
        unit_row("KC-NEW", "Satker Baru", "KC-BDG", service_types="PASPOR=Penerbitan Paspor"),
    ]
    # A semicolon CSV, as an Indonesian spreadsheet saves it: the cell is quoted.
    content = csv_file(UNIT_HEADER, rows, delimiter=";")
    dry = upload(admin, "units", content)
    assert not dry.context["problems"]
    assert dry.context["counts"] == {"create": 1, "update": 1, "unchanged": 0}
    assert services_of("KC-BDG")["PASPOR"] == ("Layanan Paspor", True)
    assert "ITAS" not in services_of("KC-BDG")

    confirm(admin, "units", dry)
    # IZIN is not listed: kept, and still inactive; PASPOR already matched.
    assert services_of("KC-BDG") == {
        "PASPOR": ("Layanan Paspor", True),
        "IZIN": ("Layanan Izin Tinggal", False),
        "ITAS": ("Izin Tinggal Terbatas", True),
    }
    assert services_of("KC-NEW") == {"PASPOR": ("Penerbitan Paspor", True)}
    updated = world.new_events().get(action="unit.updated")
    assert updated.details == {"service_types": ["ITAS"]}
    created = world.new_events().get(action="unit.created")
    assert created.details["service_types"] == ["PASPOR"]

    before = (state(), list(ServiceType.objects.order_by("pk").values_list()))
    again = upload(admin, "units", content)
    assert again.context["counts"] == {"create": 0, "update": 0, "unchanged": 2}
    confirm(admin, "units", again)
    assert before == (state(), list(ServiceType.objects.order_by("pk").values_list()))


def test_unit_import_renames_a_service_type_by_its_code(admin, world):
    row = unit_row(
        "KC-BGR",
        "Satker Bogor",
        "KC-JABAR",
        echelon="3",
        region="Bogor",
        service_types="PASPOR=Penerbitan Paspor",
    )
    dry = upload(admin, "units", csv_file(UNIT_HEADER, [row]))
    assert dry.context["counts"] == {"create": 0, "update": 1, "unchanged": 0}
    (change,) = dry.context["changes"]
    assert change.changes == {
        "service_types": ["PASPOR=Layanan Paspor", "PASPOR=Penerbitan Paspor"]
    }
    confirm(admin, "units", dry)
    assert services_of("KC-BGR") == {
        "PASPOR": ("Penerbitan Paspor", True),
        "IZIN": ("Layanan Izin Tinggal", True),
    }
    assert Unit.objects.get(code="KC-BGR").name == "Satker Bogor"
    event = world.new_events().get(action="unit.updated")
    assert event.details == {"service_types": ["PASPOR"]}


# --- Users with roles -------------------------------------------------------------------


def user_row(
    username="budi",
    email="budi@example.go.id",
    full_name="Budi",
    nip="",
    home="KC-BDG",
    active="ya",
    role="unit_operator",
    role_unit="KC-BDG",
    covers="",
    tier="",
    areas="",
):
    return [username, email, full_name, nip, home, active, role, role_unit, covers, tier, areas]


USER_ERRORS = [
    ("bad email", user_row(email="budi(at)example"), "email", "invalid_email"),
    ("bad username", user_row(username="budi santoso"), "username", "invalid_username"),
    ("unknown role", user_row(role="kepala"), "role", "invalid_role"),
    ("reviewer without tier", user_row(role="reviewer"), "review_tier", "tier_required"),
    ("unknown tier", user_row(role="reviewer", tier="tpm"), "review_tier", "unknown_tier"),
    ("tier for an operator", user_row(tier="kanwil"), "review_tier", "tier_not_allowed"),
    (
        "areas not in 1-6/B",
        user_row(role="working_group", areas="1,7,C"),
        "lke_areas",
        "invalid_areas",
    ),
    ("working group without areas", user_row(role="working_group"), "lke_areas", "areas_required"),
    ("areas for a viewer", user_row(role="viewer", areas="1"), "lke_areas", "areas_not_allowed"),
    ("bad yes/no", user_row(active="mungkin"), "active", "invalid_bool"),
    ("unknown home unit", user_row(home="KC-NOPE"), "home_unit_code", "unknown_unit"),
    ("home unit outside scope", user_row(home="KL-SAT"), "home_unit_code", "unit_out_of_scope"),
    (
        "role unit outside scope",
        user_row(role_unit="KL-SAT"),
        "role_unit_code",
        "role_out_of_scope",
    ),
    (
        "global role",
        user_row(role="system_admin", role_unit=""),
        "role_unit_code",
        "role_out_of_scope",
    ),
    ("role without unit", user_row(role_unit=""), "role_unit_code", "required"),
    (
        "account of another agency",
        user_row(username="outsider", email="outsider@example.go.id"),
        "username",
        "unavailable",
    ),
    (
        "e-mail of an account of another agency",
        user_row(email="outsider@example.go.id"),
        "email",
        "unavailable",
    ),
    (
        "e-mail of another account in scope",
        user_row(email="operator@example.go.id"),
        "email",
        "duplicate_email",
    ),
]


@pytest.mark.parametrize(
    ("label", "row", "column", "code"), USER_ERRORS, ids=[e[0] for e in USER_ERRORS]
)
def test_user_dry_run_reports_each_problem_by_row_and_column(admin, label, row, column, code):
    good = user_row(username="siti", email="siti@example.go.id", role="viewer")
    before = state()
    response = upload(admin, "users", csv_file(USER_HEADER, [good, row]))
    assert (3, column, code) in problems(response), problems(response)
    assert not any(p.row == 2 for p in response.context["problems"])
    assert state() == before
    assert "zona_import" not in admin.session


def test_a_dry_run_does_not_tell_accounts_of_other_agencies(admin):
    # The clash is refused, but the message is the same whoever holds the name or address
    # and never says that an account exists elsewhere.
    rows = [
        user_row(username="outsider", email="baru@example.go.id"),
        user_row(username="baru2", email="outsider@example.go.id"),
    ]
    response = upload(admin, "users", csv_file(USER_HEADER, rows))
    found = {(p.row, p.field): p for p in response.context["problems"]}
    assert found[(2, "username")].code == found[(3, "email")].code == "unavailable"
    messages = [str(p.message).lower() for p in response.context["problems"]]
    assert not any("lingkup" in m or "akun lain" in m or "instansi" in m for m in messages)


def test_rows_of_one_account_must_agree_and_not_repeat(admin):
    rows = [
        user_row(),
        user_row(full_name="Budi S.", role="viewer"),
        user_row(),
        user_row(username="andi", email="budi@example.go.id"),
    ]
    response = upload(admin, "users", csv_file(USER_HEADER, rows))
    assert problems(response) == {
        (3, "full_name", "inconsistent_account"),
        (4, "role", "duplicate_in_file"),
        (5, "email", "duplicate_in_file"),
    }


def test_user_import_creates_accounts_and_roles_then_changes_nothing(admin, world):
    rows = [
        user_row(
            "siti.r",
            "Siti.R@Example.go.id",
            "Siti Rahma",
            "1980",
            "KC-BDG",
            "ya",
            "working_group",
            "KC-BDG",
            "",
            "",
            "2,1",
        ),
        user_row(
            "siti.r",
            "siti.r@example.go.id",
            "Siti Rahma",
            "1980",
            "KC-BDG",
            "ya",
            "Penilai",
            "KC-JABAR",
            "ya",
            "kanwil",
            "",
        ),
        user_row("andi", "andi@example.go.id", "Andi", "", "KC-JATIM", "", "", "", "", "", ""),
        # An existing account: a new role and a changed name.
        user_row(
            "operator",
            "operator@example.go.id",
            "Operator Bandung",
            "",
            "KC-BDG",
            "ya",
            "unit_operator",
            "KC-BDG",
        ),
    ]
    content = csv_file(USER_HEADER, rows)
    dry = upload(admin, "users", content)
    assert not dry.context["problems"], problems(dry)
    assert dry.context["counts"] == {"create": 2, "update": 1, "unchanged": 0}
    assert dry.context["role_counts"] == {"create": 2, "update": 0, "unchanged": 1}
    assert confirm(admin, "users", dry).status_code == 302

    siti = User.objects.get(username="siti.r")
    assert siti.email == "siti.r@example.go.id"
    assert not siti.has_usable_password()  # sets it through "forgot password"
    roles = {
        (a.role, a.unit and a.unit.code, a.covers_subtree, tuple(a.lke_areas), a.review_tier_id)
        for a in siti.role_assignments.all()
    }
    assert roles == {
        (Role.WORKING_GROUP, "KC-BDG", False, ("1", "2"), None),
        (Role.REVIEWER, "KC-JABAR", True, (), world.tier_kanwil.pk),
    }
    assert User.objects.get(username="andi").role_assignments.count() == 0
    assert User.objects.get(username="operator").full_name == "Operator Bandung"

    before = state()
    again = upload(admin, "users", content)
    assert again.context["counts"] == {"create": 0, "update": 0, "unchanged": 3}
    assert again.context["role_counts"] == {"create": 0, "update": 0, "unchanged": 3}
    confirm(admin, "users", again)
    assert state() == before


def test_user_import_widens_an_existing_role_without_revoking_others(admin, world):
    rows = [
        user_row(
            "wg_member",
            "wg_member@example.go.id",
            "Wg Member",
            "",
            "KC-BDG",
            "ya",
            "working_group",
            "KC-BDG",
            "",
            "",
            "1,2,B",
        )
    ]
    dry = upload(admin, "users", csv_file(USER_HEADER, rows))
    assert dry.context["role_counts"]["update"] == 1
    confirm(admin, "users", dry)
    assignment = world["wg_member"].role_assignments.get()
    assert assignment.lke_areas == ["1", "2", "B"]
    event = world.new_events().get(action="role.updated")
    assert event.details["lke_areas"] == {"old": ["1", "2"], "new": ["1", "2", "B"]}


def test_users_template_has_the_columns_and_an_example(admin):
    response = admin.get(reverse("accounts:import_template", args=["users"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == USER_HEADER
    dry = upload(admin, "users", response.content, name="template.xlsx")
    assert not dry.context["problems"], problems(dry)
