"""The TPN's reach outside its own pages: its review queue lists the sheets waiting for its
desk evaluation (not every submitted sheet of every agency) and the periods it sees are those
of the agencies that nominated units to it."""

from __future__ import annotations

from zona.accounts.access import forget_assignments
from zona.assessments.access import periods_visible_to
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import NominationStatus
from zona.national.tests.tpn_fixtures import nominate
from zona.workflow.selectors.comments import review_queue


def _submitted(period, unit) -> Assessment:
    a = make_assessment(period, unit)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    return Assessment.objects.get(pk=a.pk)


def test_the_tpn_queue_holds_only_sheets_at_desk_evaluation(world) -> None:
    fw = load_mini()
    period = make_period(world.agency, fw, creator=world["agency_admin"])
    other = make_period(world.other_agency, fw, creator=world["sysadmin"])
    bandung = _submitted(period, world.bandung)
    _submitted(period, world.bogor)  # submitted, never nominated
    _submitted(other, world.other_satker)  # another agency's, never nominated
    tpn = world["tpn"]
    assert review_queue(tpn) == []
    assert list(periods_visible_to(tpn)) == []
    nomination = nominate(bandung, by=world["agency_admin"], forget=(tpn,))
    assert review_queue(tpn) == []  # at the administrative selection: not the TPN's layer yet
    assert list(periods_visible_to(tpn)) == [period]
    nomination.__class__.objects.filter(pk=nomination.pk).update(status=NominationStatus.DESK)
    forget_assignments(tpn)
    assert [row.assessment.pk for row in review_queue(tpn)] == [bandung.pk]
