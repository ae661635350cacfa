"""Issue 11 §1: declaration, integrity pacts, eligibility and designation of candidates,
through the pages (and the services where the page only relays them).

Personas from `build_world()`, plus the head of the echelon-I unit "Ditjen Pelayanan"
(`es1_head`), who designates Satker Bandung and Satker Bogor.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zona.accounts.models import Role, User
from zona.accounts.services import role_assign, user_create
from zona.accounts.testing import DEFAULT_PASSWORD, World
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.national.models import (
    Candidacy,
    CandidacyStatus,
    Declaration,
    EligibilityAnswer,
    EligibilityCriterion,
    IntegrityPact,
)
from zona.national.selectors.candidacy import default_criteria, pact_summary
from zona.national.services.candidacy import (
    AnswerInput,
    DeclarationInput,
    PactInput,
    candidacy_designate,
    candidacy_withdraw,
    declaration_save,
    eligibility_answer_save,
    pact_sign,
)
from zona.workflow.models import WorkflowEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NIP = "198501012010011001"
YEAR = timezone.localdate().year


def pdf(name: str = "piagam.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def es1_head(world: World) -> User:
    user = user_create(
        actor=world["sysadmin"],
        username="es1_head",
        email="es1_head@example.go.id",
        full_name="Kepala Ditjen",
        home_unit=world.eselon1,
        password=DEFAULT_PASSWORD,
        send_welcome=False,
    )
    role_assign(actor=world["sysadmin"], user=user, role=Role.UNIT_HEAD, unit=world.eselon1)
    return user


def declare(world: World, unit=None, **over) -> Declaration:
    data: dict[str, Any] = {
        "declared_on": timezone.localdate() - dt.timedelta(days=30),
        "signer_name": "Budi Santoso",
        "signer_nip": NIP,
        "signer_position": "Kepala Kantor",
        "signer_echelon": 3,
        "charter": pdf(),
    } | over
    return declaration_save(
        actor=world["unit_head"] if unit is None else world["sysadmin"],
        unit=unit or world.bandung,
        year=YEAR,
        data=DeclarationInput(**data),
    )


def answer_all(world: World, unit=None, *, value: bool = True, skip: str = "") -> None:
    for c in default_criteria():
        if c.code == skip:
            continue
        eligibility_answer_save(
            actor=world["agency_admin"],
            unit=unit or world.bandung,
            year=YEAR,
            data=AnswerInput(code=c.code, answer=value, note="ok"),
        )


def declaration_post(**over) -> dict:
    return {
        "year": str(YEAR),
        "declared_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "signer_name": "Budi Santoso",
        "signer_nip": NIP,
        "signer_position": "Kepala Kantor Imigrasi",
        "signer_echelon": "3",
        "charter": pdf(),
    } | over


# --- access --------------------------------------------------------------------------------


def test_the_unit_page_is_for_the_unit_and_those_above(world: World, client_for):
    url = f"/units/{world.bandung.pk}/zi/"
    for name in ("operator", "unit_head", "viewer", "agency_admin", "kanwil_reviewer"):
        assert client_for(world[name]).get(url).status_code == 200, name
    for name in ("other_operator", "outsider"):
        assert client_for(world[name]).get(url).status_code == 404, name
    # The echelon-I head designates Bandung without any other role on it.
    assert client_for(es1_head(world)).get(url).status_code == 200
    assert client_for(world["operator"]).get("/units/99999999999999999999/zi/").status_code == 404


def test_not_a_candidate_is_said_clearly(world: World, client_for):
    page = client_for(world["operator"]).get(f"/units/{world.bandung.pk}/zi/")
    html = page.content.decode()
    assert 'data-testid="not-candidate"' in html
    assert 'data-status="none"' in html
    # The reasons a designation would be refused are listed, by code.
    assert 'data-error="no_declaration"' in html
    assert 'data-error="eligibility_missing"' in html


# --- declaration ---------------------------------------------------------------------------


def test_the_operator_records_the_declaration_with_its_charter(world: World, client_for):
    r = client_for(world["operator"]).post(
        f"/units/{world.bandung.pk}/zi/declaration/", declaration_post()
    )
    assert r.status_code == 302
    d = Declaration.objects.get(unit=world.bandung, year=YEAR)
    assert d.signer_echelon == 3
    assert d.signer_nip == NIP
    assert len(d.file_sha256) == 64
    assert d.file_type == "application/pdf"
    event = world.new_events().get(action="declaration.recorded")
    assert event.details["sha256"] == d.file_sha256
    # The agency sees it, and the charter is served after the access check.
    page = client_for(world["agency_admin"]).get(f"/units/{world.bandung.pk}/zi/")
    assert 'data-testid="charter-link"' in page.content.decode()
    charter = client_for(world["agency_admin"]).get(
        f"/units/{world.bandung.pk}/zi/declaration/charter/?year={YEAR}"
    )
    assert charter.status_code == 200
    assert b"".join(charter.streaming_content) == PDF
    assert (
        client_for(world["outsider"])
        .get(f"/units/{world.bandung.pk}/zi/declaration/charter/?year={YEAR}")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        ({"signer_echelon": "4"}, "signer_echelon", "echelon_too_low"),
        (
            {"declared_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
            "declared_on",
            "date_in_future",
        ),
        ({"signer_nip": "12345"}, "signer_nip", "invalid_nip"),
        ({"charter": SimpleUploadedFile("piagam.pdf", b"not a pdf")}, "charter", ""),
    ],
)
def test_a_bad_declaration_changes_nothing(world: World, client_for, over, field, code):
    r = client_for(world["operator"]).post(
        f"/units/{world.bandung.pk}/zi/declaration/", declaration_post(**over)
    )
    assert r.status_code == 400
    assert f'id="id_{field}_error"' in r.content.decode() or "alert" in r.content.decode()
    assert not Declaration.objects.exists()
    assert not world.new_events().filter(action__startswith="declaration.").exists()
    if code:
        with pytest.raises(ValidationFailed) as exc:
            declare(world, **{k: v for k, v in over.items() if k != "year"} | _typed(over))
        assert code in {p.code for p in exc.value.problems}


def _typed(over: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "signer_echelon" in over:
        out["signer_echelon"] = int(over["signer_echelon"])
    if "declared_on" in over:
        out["declared_on"] = dt.date.fromisoformat(over["declared_on"])
    return out


def test_only_the_unit_records_its_declaration(world: World, client_for):
    for name in ("other_operator", "viewer", "agency_admin"):
        r = client_for(world[name]).post(
            f"/units/{world.bandung.pk}/zi/declaration/", declaration_post()
        )
        assert r.status_code == 404, name
    with pytest.raises(PermissionDenied):
        declaration_save(
            actor=world["other_operator"],
            unit=world.bandung,
            year=YEAR,
            data=DeclarationInput(timezone.localdate(), "A", NIP, "B", 3, pdf()),
        )
    assert not Declaration.objects.exists()


# --- integrity pacts ----------------------------------------------------------------------------

GOOD_CSV = (
    "name,nip,position\n"
    "Ani Lestari,198601012010012001,Analis\n"
    "Budi Hartono,198702022011011002,Pengadministrasi\n"
    "Citra Dewi,198803032012012003,Pranata Komputer\n"
)


def upload(client, world: World, content: str, name: str = "roster.csv"):
    return client.post(
        f"/units/{world.bandung.pk}/zi/pacts/",
        {"year": str(YEAR), "file": SimpleUploadedFile(name, content.encode())},
    )


def test_a_roster_with_bad_rows_lists_each_and_saves_nothing(world: World, client_for):
    client = client_for(world["operator"])
    bad = (
        "nama,nip,jabatan\n"
        "Ani Lestari,198601012010012001,Analis\n"
        ",198702022011011002,Pengadministrasi\n"
        "Citra Dewi,12ab,Pranata\n"
        "Dodi,198601012010012001,Analis\n"
    )
    r = upload(client, world, bad)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-testid="roster-problems"' in html
    for code in ("required", "invalid_nip", "duplicate_nip"):
        assert f'data-error="{code}"' in html
    assert not IntegrityPact.objects.exists()
    # Nothing waits to be confirmed either.
    r = client.post(f"/units/{world.bandung.pk}/zi/pacts/confirm/", {"sha256": "x"})
    assert r.status_code == 302
    assert not IntegrityPact.objects.exists()


def test_roster_dry_run_then_import_then_signatures_and_the_percentage(world: World, client_for):
    client = client_for(world["operator"])
    r = upload(client, world, GOOD_CSV)
    assert r.status_code == 200
    assert not IntegrityPact.objects.exists()  # the dry run saves nothing
    digest = r.context["digest"]
    r = client.post(f"/units/{world.bandung.pk}/zi/pacts/confirm/", {"sha256": digest})
    assert r.status_code == 302
    assert IntegrityPact.objects.filter(unit=world.bandung, year=YEAR).count() == 3
    assert world.new_events().filter(action="integrity_pact.roster_imported").count() == 1

    ani = IntegrityPact.objects.get(nip="198601012010012001")
    r = client.post(
        f"/units/{world.bandung.pk}/zi/pacts/{ani.pk}/",
        {
            "signed": "on",
            "signed_on": timezone.localdate().isoformat(),
            "document": pdf("pakta.pdf"),
        },
    )
    assert r.status_code == 302
    ani.refresh_from_db()
    assert ani.signed
    assert len(ani.file_sha256) == 64
    assert pact_summary(world.bandung, YEAR).percent == Decimal("33.3")
    page = client_for(world["agency_admin"]).get(f"/units/{world.bandung.pk}/zi/?year={YEAR}")
    assert "33,3%" in page.content.decode()

    # A signature without its document is refused; so is a date in the future.
    budi = IntegrityPact.objects.get(nip="198702022011011002")
    with pytest.raises(ValidationFailed) as exc:
        pact_sign(
            actor=world["operator"],
            pact=budi,
            data=PactInput(signed=True, signed_on=timezone.localdate() + dt.timedelta(days=2)),
        )
    assert {p.code for p in exc.value.problems} == {"date_in_future", "required"}

    # Re-import without Ani and with a new position for Budi: matched by NIP; Ani leaves
    # the roster with her signed pact kept, and the percentage counts the roster.
    again = (
        "name,nip,position\n"
        "Budi Hartono,198702022011011002,Analis Kebijakan\n"
        "Citra Dewi,198803032012012003,Pranata Komputer\n"
    )
    r = upload(client, world, again)
    assert r.status_code == 200
    counts = r.context["counts"]
    assert counts == {"create": 0, "update": 1, "unchanged": 1, "leave": 1}
    assert "signed pact kept" in r.content.decode() or "pakta" in r.content.decode()
    client.post(f"/units/{world.bandung.pk}/zi/pacts/confirm/", {"sha256": r.context["digest"]})
    ani.refresh_from_db()
    assert ani.signed
    assert not ani.in_roster
    assert IntegrityPact.objects.count() == 3
    assert pact_summary(world.bandung, YEAR).percent == Decimal("0.0")
    event = world.new_events().filter(action="integrity_pact.roster_imported").order_by("pk").last()
    assert event is not None
    assert event.details["left_signed"] == ["198601012010012001"]


def test_the_roster_belongs_to_the_unit(world: World, client_for):
    client_for(world["operator"])  # Bandung's operator imports
    r = upload(client_for(world["other_operator"]), world, GOOD_CSV)
    assert r.status_code == 404
    r = upload(client_for(world["viewer"]), world, GOOD_CSV)
    assert r.status_code == 404
    assert (
        client_for(world["outsider"]).get(f"/units/{world.bandung.pk}/zi/pacts/").status_code == 404
    )


# --- eligibility and designation -------------------------------------------------------------


def test_designation_is_refused_without_declaration_or_with_a_no(world: World, client_for):
    head = es1_head(world)
    with pytest.raises(StateError) as exc:
        candidacy_designate(actor=head, unit=world.bandung, year=YEAR, target="WBK")
    codes = {p.code for p in exc.value.problems}
    assert codes == {"no_declaration", "eligibility_missing"}
    declare(world)
    answer_all(world, skip="resources")
    with pytest.raises(StateError) as exc:
        candidacy_designate(actor=head, unit=world.bandung, year=YEAR, target="WBK")
    assert [p.field for p in exc.value.problems] == ["resources"]
    eligibility_answer_save(
        actor=world["operator"],
        unit=world.bandung,
        year=YEAR,
        data=AnswerInput(code="resources", answer=False, evidence_url="https://example.go.id/x"),
    )
    r = client_for(head).post(
        f"/units/{world.bandung.pk}/zi/designate/", {"year": str(YEAR), "target": "WBK"}
    )
    assert r.status_code == 400
    assert "eligibility_no" in r.content.decode()
    assert not Candidacy.objects.exists()


def test_the_echelon_i_head_designates_and_withdraws(world: World, client_for):
    head = es1_head(world)
    declare(world)
    answer_all(world)
    # The unit's own operator and another agency's people cannot designate.
    for name in ("operator", "unit_head", "outsider"):
        r = client_for(world[name]).post(
            f"/units/{world.bandung.pk}/zi/designate/", {"year": str(YEAR), "target": "WBK"}
        )
        assert r.status_code == 404, name
    r = client_for(head).post(
        f"/units/{world.bandung.pk}/zi/designate/", {"year": str(YEAR), "target": "WBK"}
    )
    assert r.status_code == 302
    candidacy = Candidacy.objects.get(unit=world.bandung, year=YEAR)
    assert candidacy.status == CandidacyStatus.DESIGNATED
    assert candidacy.target == "WBK"
    assert world.new_events().filter(action="candidacy.designated").count() == 1
    page = client_for(world["operator"]).get(f"/units/{world.bandung.pk}/zi/?year={YEAR}")
    assert 'data-status="designated"' in page.content.decode()

    # Withdrawing needs a reason; then the unit is no longer a candidate.
    r = client_for(head).post(f"/candidacies/{candidacy.pk}/withdraw/", {"reason": " "})
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.DESIGNATED
    assert (
        client_for(world["other_operator"])
        .post(f"/candidacies/{candidacy.pk}/withdraw/", {"reason": "x"})
        .status_code
        == 404
    )
    client_for(head).post(
        f"/candidacies/{candidacy.pk}/withdraw/", {"reason": "Belum siap tahun ini."}
    )
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.WITHDRAWN
    event = WorkflowEvent.objects.get(subject_kind="candidacy", action="withdraw")
    assert event.reason == "Belum siap tahun ini."
    assert world.new_events().filter(action="candidacy.withdraw").count() == 1
    html = client_for(world["operator"]).get(f"/units/{world.bandung.pk}/zi/").content.decode()
    assert 'data-testid="not-candidate"' in html
    assert "Belum siap tahun ini." in html

    # Designated again (by the agency administrator) with another target.
    again = candidacy_designate(
        actor=world["agency_admin"], unit=world.bandung, year=YEAR, target="WBBM"
    )
    assert again.pk == candidacy.pk
    assert again.status == CandidacyStatus.DESIGNATED
    assert again.target == "WBBM"
    with pytest.raises(StateError):
        candidacy_designate(actor=head, unit=world.bandung, year=YEAR, target="WBK")
    candidacy_withdraw(actor=head, candidacy=again, reason="Ditunda")


def test_the_agency_page_and_bulk_designation(world: World, client_for):
    declare(world)
    answer_all(world)
    url = f"/agencies/{world.agency.pk}/candidates/{YEAR}/"
    page = client_for(world["agency_admin"]).get(url)
    assert page.status_code == 200
    rows = {r.unit.code: r for r in page.context["rows"]}
    assert rows["KC-BDG"].ready
    assert not rows["KC-BGR"].ready
    checklist_link = f"/agencies/{world.agency.pk}/eligibility/"
    assert checklist_link in page.content.decode()
    head_page = client_for(es1_head(world)).get(url)
    assert head_page.status_code == 200
    assert checklist_link not in head_page.content.decode()
    # The head sees its echelon-I unit's subtree: Itjen is not in it.
    codes = {r.unit.code for r in head_page.context["rows"]}
    assert codes == {"KC-DJP", "KC-JABAR", "KC-BDG", "KC-BGR", "KC-JATIM", "KC-SBY"}
    may = {r.unit.code for r in head_page.context["rows"] if r.may_designate}
    assert "KC-DJP" not in may
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["other_operator"]).get(url).status_code == 404
    r = client_for(world["agency_admin"]).post(
        url, {"units": [world.bandung.pk, world.bogor.pk], "target": "WBK"}, follow=True
    )
    html = r.content.decode()
    assert "no_declaration" in html  # Bogor refused, with its reason
    assert list(Candidacy.objects.values_list("unit__code", flat=True)) == ["KC-BDG"]


def test_the_agency_administrator_keeps_the_checklist(world: World, client_for):
    url = f"/agencies/{world.agency.pk}/eligibility/"
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["operator"]).get(url).status_code == 404
    admin = client_for(world["agency_admin"])
    assert admin.get(url).status_code == 200
    assert not EligibilityCriterion.objects.exists()  # reading writes nothing
    r = admin.post(url, {"name": "Memiliki SK Tim ZI", "code": "", "position": "", "active": "on"})
    assert r.status_code == 302
    codes = list(
        EligibilityCriterion.objects.filter(agency=world.agency).values_list("code", flat=True)
    )
    assert codes == [c.code for c in default_criteria()] + ["memiliki-sk-tim-zi"]
    r = admin.post(
        f"{url}resources/", {"name": "Sumber daya besar", "code": "resources", "position": "4"}
    )
    assert r.status_code == 302
    resources = EligibilityCriterion.objects.get(code="resources")
    assert not resources.active
    assert resources.name == "Sumber daya besar"
    assert world.new_events().filter(action="eligibility_criterion.updated").count() == 1
    # A deactivated criterion is no longer asked; the new one is.
    declare(world)
    answer_all(world, skip="resources")
    with pytest.raises(StateError) as exc:
        candidacy_designate(
            actor=world["agency_admin"], unit=world.bandung, year=YEAR, target="WBK"
        )
    assert [p.field for p in exc.value.problems] == ["memiliki-sk-tim-zi"]


def test_an_answer_keeps_its_evidence(world: World, client_for):
    r = client_for(world["operator"]).post(
        f"/units/{world.bandung.pk}/zi/eligibility/",
        {
            "year": str(YEAR),
            "code": "echelon",
            "answer": "yes",
            "note": "Eselon III",
            "evidence_file": pdf("sk.pdf"),
        },
    )
    assert r.status_code == 302
    a = EligibilityAnswer.objects.get()
    assert a.answer
    assert a.file_name == "sk.pdf"
    assert len(a.file_sha256) == 64
    f = client_for(world["agency_admin"]).get(
        f"/units/{world.bandung.pk}/zi/eligibility/{a.pk}/file/"
    )
    assert f.status_code == 200
    assert (
        client_for(world["other_operator"])
        .get(f"/units/{world.bandung.pk}/zi/eligibility/{a.pk}/file/")
        .status_code
        == 404
    )
    r = client_for(world["operator"]).post(
        f"/units/{world.bandung.pk}/zi/eligibility/",
        {"year": str(YEAR), "code": "echelon", "answer": "no", "evidence_url": "not a link"},
    )
    assert r.status_code == 400
    a.refresh_from_db()
    assert a.answer


def test_the_menu_entry_leads_each_to_their_page(world: World, client_for):
    year = timezone.localdate().year
    expected = {
        "agency_admin": f"/agencies/{world.agency.pk}/candidates/{year}/",
        "sysadmin": f"/agencies/{world.agency.pk}/candidates/{year}/",
        "operator": f"/units/{world.bandung.pk}/zi/",
        "viewer": f"/units/{world.bandung.pk}/zi/",
        "outsider": f"/units/{world.other_satker.pk}/zi/",
    }
    for name, url in expected.items():
        r = client_for(world[name]).get("/zi/")
        assert r.status_code == 302, name
        assert r["Location"] == url, name
    assert client_for(es1_head(world)).get("/zi/")["Location"] == expected["agency_admin"]
