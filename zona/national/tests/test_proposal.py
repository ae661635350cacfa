"""The agency's proposal to the TPN (issue 11 §2), through its pages and services: the draft
lists the units the TPI panel recommended; submission is refused with each unit's reason and
changes nothing; a good submission creates the nominations, the package and the hand-offs;
withdrawal; who may propose; access from another agency and from a unit operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from zona.accounts.testing import World
from zona.national.models import (
    DocumentKind,
    Nomination,
    NominationStatus,
    Predicate,
    Proposal,
    ProposalDocument,
    ProposalLine,
    ProposalStatus,
    Proposer,
)
from zona.national.services.proposal import (
    ProposalInput,
    proposal_create,
    proposal_policy_set,
    proposal_submit,
    proposal_update,
)
from zona.national.tests.proposal_fixtures import ProposalWorld, build_proposal_world
from zona.national.tests.tpn_fixtures import nominate
from zona.notifications.models import Notification
from zona.workflow import handoffs

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> ProposalWorld:
    return build_proposal_world(world)


@pytest.fixture(autouse=True)
def recorded_handoffs() -> Any:
    with handoffs.recording() as made:
        yield made


def url(pw: ProposalWorld) -> str:
    return f"/agencies/{pw.world.agency.pk}/proposals/{pw.year}/"


def draft(pw: ProposalWorld, *units: str, **letter: Any) -> Proposal:
    """A draft by the agency administrator listing `units` (all three by default)."""
    admin = pw["agency_admin"]
    proposal = proposal_create(actor=admin, agency=pw.world.agency, year=pw.year)
    values = {**pw.letter, **letter}
    date = values.pop("letter_date")
    return proposal_update(
        actor=admin,
        proposal=proposal,
        data=ProposalInput(
            letter_date=dt.date.fromisoformat(date) if date else None,
            assessment_ids=[pw.sheets[u].pk for u in (units or pw.sheets)],
            **values,
        ),
    )


def refused(pw: ProposalWorld, proposal: Proposal, **kwargs: Any) -> list[dict[str, Any]]:
    """Submit through the service (English messages); returns the problems, asserting that
    nothing changed."""
    from zona.core.errors import ZonaError

    with translation.override("en"), pytest.raises(ZonaError) as caught:
        proposal_submit(actor=pw["agency_admin"], proposal=proposal, **kwargs)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert not Nomination.objects.filter(proposal=proposal).exists()
    assert not ProposalDocument.objects.filter(proposal=proposal).exists()
    assert not pw.world.new_events().filter(action="proposal.submit").exists()
    return [p.as_dict() for p in caught.value.problems]


# --- the draft page ---------------------------------------------------------------------------


def test_draft_lists_the_units_the_tpi_panel_recommended(pw: ProposalWorld, client_for) -> None:
    client = client_for(pw["agency_admin"])
    page = client.get(url(pw))
    assert page.status_code == 200
    assert 'data-testid="start-draft"' in page.content.decode()
    response = client.post(url(pw), {"action": "create"})
    assert response.status_code == 302
    proposal = Proposal.objects.get(agency=pw.world.agency, year=pw.year)
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.period == pw.period
    page = client.get(url(pw)).content.decode()
    for unit in ("Satker Bandung", "Satker Bogor", "Satker Surabaya"):
        assert unit in page
    assert page.count('name="units"') == 3
    # Save the letter and two units through the form.
    response = client.post(
        url(pw),
        {
            "action": "save",
            **pw.letter,
            "units": [pw.sheets["bandung"].pk, pw.sheets["bogor"].pk],
        },
    )
    assert response.status_code == 302
    lines = ProposalLine.objects.filter(proposal=proposal).order_by("unit__code")
    assert [(line.unit.code, line.target) for line in lines] == [
        ("KC-BDG", "WBK"),
        ("KC-BGR", "WBK"),
    ]
    proposal.refresh_from_db()
    assert proposal.letter_number == "B-123/KC/V/2026"
    assert pw.world.new_events().filter(action="proposal.updated").count() == 1


def test_saving_a_sheet_the_panel_did_not_recommend_is_refused(
    pw: ProposalWorld, client_for
) -> None:
    from zona.assessments.tests.factories import make_assessment

    other = make_assessment(pw.period, pw.world.itjen)
    client = client_for(pw["agency_admin"])
    client.post(url(pw), {"action": "create"})
    response = client.post(url(pw), {"action": "save", **pw.letter, "units": [other.pk]})
    assert response.status_code == 400
    assert not ProposalLine.objects.exists()


# --- submission refused, each with its reason -----------------------------------------------


def test_past_the_deadline(pw: ProposalWorld) -> None:
    proposal = draft(pw)
    late = dt.datetime(pw.year, 12, 31, 12, tzinfo=dt.UTC) + dt.timedelta(days=1)
    problems = refused(pw, proposal, now=late)
    assert problems[0]["code"] == "deadline_passed"
    assert f"Proposals for {pw.year} closed on 31 December {pw.year}." in problems[0]["message"]


def test_a_unit_that_is_not_a_candidate(pw: ProposalWorld) -> None:
    pw.world.bogor.candidacies.all().delete()
    problems = refused(pw, draft(pw))
    assert problems == [
        {
            "code": "not_candidate",
            "message": f"Satker Bogor is not a candidate for {pw.year}.",
            "field": "KC-BGR",
        }
    ]


def test_a_unit_under_a_revocation_block_says_until_when(pw: ProposalWorld) -> None:
    until = dt.date(pw.year + 1, 8, 20)
    Predicate.objects.create(
        unit=pw.world.bandung,
        kind="WBK",
        year=pw.year - 3,
        decree_number="SK-1",
        decree_date=dt.date(pw.year - 3, 12, 1),
        status="revoked",
        blocked_until=until,
        granted_at=timezone.now(),
    )
    problems = refused(pw, draft(pw))
    assert [p["code"] for p in problems] == ["revocation_block"]
    assert problems[0]["message"] == (
        f"Satker Bandung is blocked until 20 August {pw.year + 1} after a revoked predicate."
    )


def test_the_refusal_reads_in_indonesian_on_the_page(pw: ProposalWorld, client_for) -> None:
    Predicate.objects.create(
        unit=pw.world.bandung,
        kind="WBK",
        year=pw.year - 3,
        decree_number="SK-1",
        decree_date=dt.date(pw.year - 3, 12, 1),
        status="revoked",
        blocked_until=dt.date(pw.year + 1, 8, 20),
        granted_at=timezone.now(),
    )
    proposal = draft(pw)
    client = client_for(pw["agency_admin"])
    response = client.post(url(pw), {"action": "submit"}, follow=True)
    text = response.content.decode()
    assert f"diblokir sampai 20 Agustus {pw.year + 1}" in text
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert not Nomination.objects.exists()


def test_wbbm_without_a_held_wbk(pw: ProposalWorld) -> None:
    sheet = pw.sheets["surabaya"]
    type(sheet).objects.filter(pk=sheet.pk).update(target="wbbm")
    problems = refused(pw, draft(pw))
    assert problems == [
        {
            "code": "wbbm_without_wbk",
            "message": "Satker Surabaya aims at WBBM but does not hold a WBK.",
            "field": "KC-SBY",
        }
    ]


def test_wbbm_with_a_held_wbk_goes(pw: ProposalWorld) -> None:
    sheet = pw.sheets["surabaya"]
    type(sheet).objects.filter(pk=sheet.pk).update(target="wbbm")
    Predicate.objects.create(
        unit=pw.world.surabaya,
        kind="WBK",
        year=pw.year - 2,
        decree_number="SK-2",
        decree_date=dt.date(pw.year - 2, 12, 1),
        granted_at=timezone.now(),
    )
    proposal = proposal_submit(actor=pw["agency_admin"], proposal=draft(pw, "surabaya"))
    assert proposal.status == ProposalStatus.SUBMITTED
    assert Nomination.objects.get(unit=pw.world.surabaya).target == "WBBM"


def test_a_unit_the_last_confirmed_panel_no_longer_recommends(pw: ProposalWorld) -> None:
    from zona.national.tests.proposal_fixtures import confirmed_panel

    proposal = draft(pw)
    confirmed_panel(pw.period, pw.step, {pw.sheets["bogor"]: False}, pw["tpi_reviewer"])
    problems = refused(pw, proposal)
    assert problems == [
        {
            "code": "not_recommended",
            "message": "Satker Bogor is not recommended by a confirmed TPI panel.",
            "field": "KC-BGR",
        }
    ]


def test_a_unit_already_nominated_that_year(pw: ProposalWorld) -> None:
    from zona.assessments.tests.factories import make_assessment, make_period

    other_period = make_period(
        pw.world.agency, pw.period.framework, year=pw.year, title="PMPZI susulan"
    )
    nominate(make_assessment(other_period, pw.world.bandung), by=pw["agency_admin"])
    problems = refused(pw, draft(pw))
    assert problems == [
        {
            "code": "already_nominated",
            "message": f"Satker Bandung is already nominated for {pw.year}.",
            "field": "KC-BDG",
        }
    ]


def test_the_letter_must_be_complete(pw: ProposalWorld) -> None:
    proposal = draft(pw, letter_number="", letter_date="", signer_name="")
    codes = [p["code"] for p in refused(pw, proposal)]
    assert codes == ["letter_number", "letter_date", "signer"]


def test_every_reason_at_once_one_per_unit(pw: ProposalWorld) -> None:
    pw.world.bogor.candidacies.all().delete()
    sheet = pw.sheets["surabaya"]
    type(sheet).objects.filter(pk=sheet.pk).update(target="wbbm")
    codes = [(p["code"], p.get("field")) for p in refused(pw, draft(pw))]
    assert codes == [("not_candidate", "KC-BGR"), ("wbbm_without_wbk", "KC-SBY")]


# --- submission -----------------------------------------------------------------------------


def test_submission_creates_the_nominations_package_and_handoffs(
    pw: ProposalWorld, client_for, recorded_handoffs: list[dict[str, Any]]
) -> None:
    proposal = draft(pw)
    client = client_for(pw["agency_admin"])
    response = client.post(url(pw), {"action": "submit"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.submitted_by == pw["agency_admin"]
    assert proposal.submitted_at is not None
    nominations = Nomination.objects.filter(proposal=proposal).order_by("unit__code")
    assert [(n.unit.code, n.status, n.target, n.year) for n in nominations] == [
        ("KC-BDG", NominationStatus.ADMIN, "WBK", pw.year),
        ("KC-BGR", NominationStatus.ADMIN, "WBK", pw.year),
        ("KC-SBY", NominationStatus.ADMIN, "WBK", pw.year),
    ]
    assert {n.assessment_id for n in nominations} == {s.pk for s in pw.sheets.values()}
    kinds = sorted(
        ProposalDocument.objects.filter(proposal=proposal).values_list("kind", flat=True)
    )
    assert kinds == sorted(
        [
            DocumentKind.LETTER_DOCX,
            DocumentKind.LETTER_PDF,
            DocumentKind.SPTJM_DOCX,
            DocumentKind.SPTJM_PDF,
        ]
        + [DocumentKind.LKE_XLSX] * 3
    )
    made = {h["kind"]: h for h in recorded_handoffs if h["kind"] == "proposal.submitted"}
    assert made["proposal.submitted"]["recipients"] == [pw["tpn"].pk]
    nominated = [h for h in recorded_handoffs if h["kind"] == "proposal.unit_nominated"]
    assert len(nominated) == 3
    bandung = next(h for h in nominated if h["params"]["unit"] == "Satker Bandung")
    assert set(bandung["recipients"]) == {pw["operator"].pk, pw["unit_head"].pk}
    assert Notification.objects.filter(recipient=pw["tpn"], kind="proposal.submitted").exists()
    event = pw.world.new_events().get(action="proposal.submit")
    assert event.details["units"] == ["KC-BDG", "KC-BGR", "KC-SBY"]
    assert event.actor == pw["agency_admin"]
    page = client.get(url(pw)).content.decode()
    assert 'data-testid="nomination-KC-BDG"' in page


def test_withdraw_while_every_nomination_is_at_admin(pw: ProposalWorld, client_for) -> None:
    proposal = proposal_submit(actor=pw["agency_admin"], proposal=draft(pw))
    client = client_for(pw["agency_admin"])
    client.post(url(pw), {"action": "withdraw", "reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED  # a reason is required
    Nomination.objects.filter(unit=pw.world.bogor).update(status=NominationStatus.DESK)
    client.post(url(pw), {"action": "withdraw", "reason": "Salah unit"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    Nomination.objects.filter(unit=pw.world.bogor).update(status=NominationStatus.ADMIN)
    client.post(url(pw), {"action": "withdraw", "reason": "Salah unit"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert not Nomination.objects.filter(proposal=proposal).exists()
    assert pw.world.new_events().filter(action="proposal.withdraw").count() == 1


# --- who proposes ------------------------------------------------------------------------------


def test_the_policy_decides_who_submits(pw: ProposalWorld, client_for) -> None:
    proposal = draft(pw, "bandung")
    admin = client_for(pw["agency_admin"])
    response = admin.post(
        f"/agencies/{pw.world.agency.pk}/proposals/policy/", {"proposer": Proposer.HEAD}
    )
    assert response.status_code == 302
    assert pw.world.new_events().filter(action="proposal_policy.changed").count() == 1
    admin.post(url(pw), {"action": "submit"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    with translation.override("en"), pytest.raises(Exception, match="Only the agency head"):
        proposal_submit(actor=pw["agency_admin"], proposal=proposal)
    client_for(pw["agency_head"]).post(url(pw), {"action": "submit"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_only_the_agency_administrator_sets_the_policy(pw: ProposalWorld) -> None:
    from zona.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        proposal_policy_set(actor=pw["agency_head"], agency=pw.world.agency, proposer=Proposer.HEAD)


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["outsider", "operator", "unit_head", "tpi_reviewer"])
def test_others_get_404(pw: ProposalWorld, client_for, username: str) -> None:
    proposal = proposal_submit(actor=pw["agency_admin"], proposal=draft(pw, "bandung"))
    document = ProposalDocument.objects.filter(proposal=proposal).first()
    assert document is not None
    client = client_for(pw[username])
    agency = pw.world.agency.pk
    assert client.get(url(pw)).status_code == 404
    assert client.get(f"/agencies/{agency}/proposals/").status_code == 404
    assert client.post(url(pw), {"action": "withdraw", "reason": "x"}).status_code == 404
    doc_url = f"/agencies/{agency}/proposals/{pw.year}/documents/{document.pk}/"
    assert client.get(doc_url).status_code == 404
    assert client.get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404
    assert client.get(f"/api/v1/proposals/{proposal.pk}/documents/").status_code == 404
    assert (
        client.post(
            f"/api/v1/proposals/{proposal.pk}/withdraw/",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_the_tpn_reads_but_does_not_propose(pw: ProposalWorld, client_for) -> None:
    proposal = draft(pw, "bandung")
    client = client_for(pw["tpn"])
    assert client.get(url(pw)).status_code == 200
    client.post(url(pw), {"action": "submit"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


def test_a_unit_operator_cannot_prepare_through_the_service(pw: ProposalWorld) -> None:
    from zona.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        proposal_create(actor=pw["operator"], agency=pw.world.agency, year=pw.year)
    assert not Proposal.objects.exists()


def test_downloads_go_through_access(pw: ProposalWorld, client_for) -> None:
    proposal = proposal_submit(actor=pw["agency_admin"], proposal=draft(pw, "bandung"))
    document = ProposalDocument.objects.get(proposal=proposal, kind=DocumentKind.LETTER_PDF)
    client = client_for(pw["agency_head"])
    response = client.get(
        f"/agencies/{pw.world.agency.pk}/proposals/{pw.year}/documents/{document.pk}/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
