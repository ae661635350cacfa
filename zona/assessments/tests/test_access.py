"""The access chokepoints: one 404 for missing and forbidden, scopes per persona."""

import pytest
from django.http import Http404

from zona.accounts.access import Perm
from zona.assessments.access import (
    access_assessment_by_id,
    access_evidence_by_id,
    access_period_by_id,
    assessments_visible_to,
    periods_visible_to,
    sheet_rights,
)
from zona.assessments.services import evidence_upload
from zona.assessments.tests.factories import make_assessment, pdf_file


@pytest.mark.parametrize(
    "persona",
    [
        "operator",
        "wg_member",
        "unit_head",
        "viewer",
        "kanwil_reviewer",
        "tpi_reviewer",
        "agency_admin",
        "sysadmin",
    ],
)
def test_people_of_the_unit_and_above_see_the_sheet(world, assessment, persona):
    assert access_assessment_by_id(world[persona], assessment.pk) == assessment


def test_the_tpn_sees_the_sheet_once_the_unit_is_nominated(world, assessment):
    from zona.national.tests.tpn_fixtures import nominate

    with pytest.raises(Http404):
        access_assessment_by_id(world["tpn"], assessment.pk)
    nominate(assessment, by=world["agency_admin"], forget=(world["tpn"],))
    assert access_assessment_by_id(world["tpn"], assessment.pk) == assessment


@pytest.mark.parametrize("persona", ["other_operator", "outsider"])
def test_other_units_get_the_same_404_as_a_missing_sheet(world, assessment, persona):
    with pytest.raises(Http404):
        access_assessment_by_id(world[persona], assessment.pk)
    with pytest.raises(Http404):
        access_assessment_by_id(world[persona], assessment.pk + 999)
    with pytest.raises(Http404):
        access_assessment_by_id(world[persona], "nonsense")


@pytest.mark.parametrize("persona", ["viewer", "kanwil_reviewer", "agency_admin"])
def test_edit_access_needs_the_edit_permission(world, assessment, persona):
    with pytest.raises(Http404):
        access_assessment_by_id(world[persona], assessment.pk, perm=Perm.ASSESSMENT_EDIT)


def test_lists_are_scoped(world, period, assessment):
    bogor = make_assessment(period, world.bogor)
    assert set(assessments_visible_to(world["operator"])) == {assessment}
    assert set(assessments_visible_to(world["other_operator"])) == {bogor}
    assert set(assessments_visible_to(world["agency_admin"])) == {assessment, bogor}
    assert not assessments_visible_to(world["outsider"]).exists()


def test_periods_are_seen_within_the_agency_only(world, period):
    assert period in periods_visible_to(world["operator"])
    # The TPN sees an agency's periods once the agency nominated a unit (national tests).
    assert period not in periods_visible_to(world["tpn"])
    assert period not in periods_visible_to(world["outsider"])
    assert access_period_by_id(world["agency_admin"], period.pk) == period
    with pytest.raises(Http404):
        access_period_by_id(world["operator"], period.pk)
    assert access_period_by_id(world["operator"], period.pk, perm=Perm.ASSESSMENT_VIEW) == period
    with pytest.raises(Http404):
        access_period_by_id(world["outsider"], period.pk, perm=Perm.ASSESSMENT_VIEW)


def test_evidence_of_another_unit_is_hidden(world, assessment):
    doc = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file()).evidence
    assert access_evidence_by_id(world["kanwil_reviewer"], doc.pk) == doc
    for persona in ("other_operator", "outsider"):
        with pytest.raises(Http404):
            access_evidence_by_id(world[persona], doc.pk)
    with pytest.raises(Http404):
        access_evidence_by_id(world["viewer"], doc.pk, perm=Perm.EVIDENCE_EDIT)


def test_sheet_rights_per_persona(world, assessment):
    operator = sheet_rights(world["operator"], assessment)
    assert operator.can_edit
    assert operator.areas is None
    assert operator.can_assign
    assert not operator.can_submit
    member = sheet_rights(world["wg_member"], assessment)
    assert member.areas == frozenset({"1", "2"})
    assert member.may_edit_area("1")
    assert not member.may_edit_area("B")
    head = sheet_rights(world["unit_head"], assessment)
    assert head.can_submit
    viewer = sheet_rights(world["viewer"], assessment)
    assert not viewer.can_edit
    assert not viewer.may_edit_area("1")
    reviewer = sheet_rights(world["tpi_reviewer"], assessment)
    assert [t.code for t in reviewer.review_tiers] == ["tpi"]
