"""Starting a sheet from the unit's previous one."""

import pytest

from zona.assessments.models import Answer
from zona.assessments.selectors import load_sheet_state, sheet_scores
from zona.assessments.services import (
    answer_accept_suggestion,
    answer_save,
    answers_accept_suggestions,
    assessment_carry_forward,
    evidence_link,
    evidence_upload,
)
from zona.assessments.tests.factories import make_assessment, make_period, pdf_file
from zona.core.errors import PermissionDenied, ValidationFailed


@pytest.fixture
def previous(world, framework):
    period = make_period(world.agency, framework, year=2025, title="PMPZI 2025")
    old = make_assessment(period, world.bandung)
    op = world["operator"]
    answer_save(
        actor=op, assessment=old, item_code="A.p.m.1.a", revision=0, value="Ya", note="SK 2025"
    )
    answer_save(actor=op, assessment=old, item_code="B.1.b", revision=0, value="B")
    answer_save(
        actor=op,
        assessment=old,
        item_code="A.r.m.1.a",
        revision=0,
        value={"change_agents": 4, "changes_made": 4},
    )
    doc = evidence_upload(actor=op, unit=world.bandung, file=pdf_file()).evidence
    evidence_link(actor=op, assessment=old, item_code="A.p.m.1.a", evidence=doc)
    return old


@pytest.fixture
def fresh(world, framework, previous):
    return make_assessment(
        make_period(world.agency, framework, year=2026, title="PMPZI 2026"), world.bandung
    )


def test_answers_come_as_suggestions_and_links_are_kept(world, previous, fresh):
    carried = assessment_carry_forward(actor=world["operator"], assessment=fresh)
    assert carried.source == previous
    assert carried.suggestions == 3
    assert carried.links == 1
    state = load_sheet_state(fresh)
    row = state.unit_answers["A.p.m.1.a"]
    assert row.value is None
    assert row.suggested_value == "Ya"
    assert row.suggested_note == "SK 2025"
    assert sheet_scores(state).unit.total == 0
    assert [link.title for link in state.links["A.p.m.1.a"]] == ["sk-tim"]
    # Running it again adds nothing twice.
    assert assessment_carry_forward(actor=world["operator"], assessment=fresh).links == 0


def test_a_suggestion_is_taken_item_by_item_or_all_at_once(world, previous, fresh):
    assessment_carry_forward(actor=world["operator"], assessment=fresh)
    saved = answer_accept_suggestion(
        actor=world["operator"], assessment=fresh, item_code="A.p.m.1.a", revision=0
    )
    assert saved.revision == 1
    row = load_sheet_state(fresh).unit_answers["A.p.m.1.a"]
    assert row.value == "Ya"
    assert row.note == "SK 2025"
    # The working group member takes only the ones in their areas (1 and 2).
    assert answers_accept_suggestions(actor=world["wg_member"], assessment=fresh) == 1
    assert Answer.objects.get(layer__assessment=fresh, item_code="B.1.b").value is None
    assert answers_accept_suggestions(actor=world["operator"], assessment=fresh) == 1
    assert sheet_scores(load_sheet_state(fresh)).unit.items["B.1.b"] is not None


def test_carry_forward_rules(world, fresh):
    with pytest.raises(PermissionDenied):
        assessment_carry_forward(actor=world["wg_member"], assessment=fresh)
    other = make_assessment(fresh.period, world.bogor)
    with pytest.raises(ValidationFailed):
        assessment_carry_forward(actor=world["other_operator"], assessment=other)
