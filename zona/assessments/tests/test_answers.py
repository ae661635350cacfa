"""Saving answers: values, history, conflicts, areas and locks."""

from decimal import Decimal
from typing import Any

import pytest

from zona.assessments.models import AnswerChange, Assessment, AssessmentStatus
from zona.assessments.selectors import load_sheet_state, progress_by_section, sheet_scores
from zona.assessments.services import answer_save
from zona.audit.models import AuditEvent
from zona.core.errors import Conflict, PermissionDenied, StateError, ValidationFailed
from zona.frameworks.scoring import score
from zona.frameworks.selectors import compiled_framework
from zona.workflow.services.sheet import sheet_return, sheet_submit


def save(world, assessment, code, value=None, *, who="operator", revision=0, **kw):
    return answer_save(
        actor=world[who],
        assessment=assessment,
        item_code=code,
        revision=revision,
        value=value,
        **kw,
    )


def test_a_saved_answer_is_scored_and_recorded(world, assessment):
    saved = save(world, assessment, "A.p.m.1.a", "Ya", note="SK tim nomor 1")
    assert saved.revision == 1
    assert set(saved.changed) == {"value", "note"}
    state = load_sheet_state(assessment)
    row = state.unit_answers["A.p.m.1.a"]
    assert row.value == "Ya"
    assert row.note == "SK tim nomor 1"
    scores = sheet_scores(state)
    # (1 + 0) / 2 x 10 for the team sub-area
    assert scores.unit.nodes["A.p.m.1"].score == Decimal(5)
    changes = AnswerChange.objects.filter(assessment=assessment, item_code="A.p.m.1.a")
    assert {(c.field, c.before, c.after) for c in changes} == {
        ("value", None, "Ya"),
        ("note", "", "SK tim nomor 1"),
    }
    assert AuditEvent.objects.filter(action="assessment.answer_saved").count() == 1


def test_answers_are_normalised(world, assessment):
    save(world, assessment, "A.p.m.1.a", "ya")
    save(world, assessment, "A.p.m.1.b", " b ")
    save(world, assessment, "B.1.a", "3,61")
    save(world, assessment, "A.r.m.1.a", {"change_agents": "10", "changes_made": 8})
    rows = load_sheet_state(assessment).unit_answers
    assert rows["A.p.m.1.a"].value == "Ya"
    assert rows["A.p.m.1.b"].value == "B"
    assert rows["B.1.a"].value == "3.61"
    assert rows["A.r.m.1.a"].value == {"change_agents": 10, "changes_made": 8}


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("A.p.m.1.a", "Mungkin"),
        ("A.p.m.1.b", "D"),
        ("B.1.a", "4,5"),
        ("B.1.a", "tiga"),
        ("B.1.a", "3.123456"),
        ("A.r.m.1.a", {"change_agents": "-1"}),
        ("A.r.m.1.a", {"change_agents": "2.5"}),
        ("A.r.m.1.a", {"unknown": 1}),
        ("A.r.m.1.a", "10"),
    ],
)
def test_invalid_answers_are_refused_and_change_nothing(world, assessment, code, value):
    with pytest.raises(ValidationFailed) as exc:
        save(world, assessment, code, value)
    assert exc.value.problems
    assert exc.value.problems[0].message
    assert not load_sheet_state(assessment).unit_answers
    assert not AnswerChange.objects.exists()


def test_partial_counts_are_kept_but_not_scored(world, assessment):
    save(world, assessment, "A.r.m.1.a", {"change_agents": 10})
    state = load_sheet_state(assessment)
    assert state.unit_answers["A.r.m.1.a"].value == {"change_agents": 10}
    assert sheet_scores(state).unit.items["A.r.m.1.a"] is None
    assert progress_by_section(state)["A.r.m"].incomplete == 1
    save(world, assessment, "A.r.m.1.a", {"change_agents": 10, "changes_made": 5}, revision=1)
    state = load_sheet_state(assessment)
    assert sheet_scores(state).unit.items["A.r.m.1.a"] == Decimal("0.5")


def test_the_second_of_two_concurrent_saves_gets_a_conflict(world, assessment):
    save(world, assessment, "A.p.m.1.b", "A", who="operator", revision=0)
    with pytest.raises(Conflict) as exc:
        save(world, assessment, "A.p.m.1.b", "C", who="wg_member", revision=0)
    assert exc.value.info.current["value"] == "A"
    assert exc.value.info.by == world["operator"].display_name
    assert load_sheet_state(assessment).unit_answers["A.p.m.1.b"].value == "A"
    # With the current revision the second person may overwrite deliberately.
    saved = save(world, assessment, "A.p.m.1.b", "C", who="wg_member", revision=1)
    assert saved.revision == 2


def test_a_save_that_changes_nothing_never_conflicts(world, assessment):
    save(world, assessment, "A.p.m.1.b", "A", revision=0)
    saved = save(world, assessment, "A.p.m.1.b", "A", who="wg_member", revision=0)
    assert saved.changed == ()
    assert saved.revision == 1


def test_note_only_saves_keep_the_answer(world, assessment):
    save(world, assessment, "A.p.m.1.b", "A")
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="A.p.m.1.b", revision=1, note="x"
    )
    row = load_sheet_state(assessment).unit_answers["A.p.m.1.b"]
    assert row.value == "A"
    assert row.note == "x"
    assert row.revision == 2


def test_working_group_members_edit_only_their_areas(world, assessment):
    save(world, assessment, "A.p.t.1.a", "A", who="wg_member")
    save(world, assessment, "A.r.m.2.a", "B", who="wg_member")
    with pytest.raises(PermissionDenied):
        save(world, assessment, "B.1.b", "A", who="wg_member")


@pytest.mark.parametrize("persona", ["viewer", "kanwil_reviewer", "other_operator", "agency_admin"])
def test_people_without_edit_rights_cannot_save(world, assessment, persona):
    with pytest.raises(PermissionDenied):
        save(world, assessment, "A.p.m.1.a", "Ya", who=persona)


def test_unknown_items_are_refused(world, assessment):
    with pytest.raises(ValidationFailed):
        save(world, assessment, "A.I.9.z", "Ya")
    with pytest.raises(ValidationFailed):
        save(world, assessment, "A.p.m", "Ya")


def test_a_submitted_sheet_is_read_only_until_items_are_returned(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    with pytest.raises(StateError):
        save(world, assessment, "A.p.m.1.b", "A")
    sheet_return(
        actor=world["kanwil_reviewer"],
        assessment=assessment,
        items=["A.p.m.1.b"],
        reason="Lengkapi",
    )
    assessment.refresh_from_db()
    save(world, assessment, "A.p.m.1.b", "A")
    with pytest.raises(StateError):
        save(world, assessment, "A.p.m.1.a", "Tidak", revision=1)


def test_reviewer_layers_are_kept_apart_and_the_highest_wins(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    save(world, assessment, "A.p.m.1.b", "A")
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    answer_save(
        actor=world["kanwil_reviewer"],
        assessment=assessment,
        item_code="A.p.m.1.b",
        revision=0,
        value="B",
        tier=world.tier_kanwil,
    )
    answer_save(
        actor=world["tpi_reviewer"],
        assessment=assessment,
        item_code="A.p.m.1.b",
        revision=0,
        value="C",
        note="Tidak ada SK",
        tier=world.tier_tpi,
    )
    with pytest.raises(PermissionDenied):
        answer_save(
            actor=world["kanwil_reviewer"],
            assessment=assessment,
            item_code="A.p.m.1.a",
            revision=0,
            value="Tidak",
            tier=world.tier_tpi,
        )
    state = load_sheet_state(assessment)
    assert [layer.code for layer in state.layers] == ["unit", "kanwil", "tpi"]
    scores = sheet_scores(state)
    assert scores.unit.items["A.p.m.1.b"] == Decimal(1)
    assert scores.layers[state.layers[1].key].items["A.p.m.1.b"] == Decimal("0.5")
    assert scores.effective.items["A.p.m.1.b"] == Decimal(0)
    assert scores.effective.items["A.p.m.1.a"] == Decimal(1)


def test_reviewers_cannot_answer_a_sheet_still_being_filled(world, assessment):
    with pytest.raises(StateError):
        answer_save(
            actor=world["tpi_reviewer"],
            assessment=assessment,
            item_code="A.p.m.1.b",
            revision=0,
            value="B",
            tier=world.tier_tpi,
        )


def test_scores_match_the_engine_for_the_same_answers(world, assessment):
    answers: dict[str, Any] = {
        "A.p.m.1.a": "Ya",
        "A.p.m.1.b": "B",
        "A.p.m.2.a": "B",
        "A.p.m.2.b": "C",
        "A.p.t.1.a": "A",
        "A.r.m.1.a": {"change_agents": 7, "changes_made": 3},
        "A.r.m.1.b": {"violations_last_year": 4, "violations_this_year": 1, "sanctioned": 1},
        "B.1.a": "3.61",
        "B.2.a": "3.2",
    }
    for code, value in answers.items():
        save(world, assessment, code, value)
    state = load_sheet_state(assessment)
    mine = sheet_scores(state).unit
    engine_answers = {
        k: (Decimal(v) if k.startswith("B.") and "." in str(v) else v) for k, v in answers.items()
    }
    theirs = score(compiled_framework(assessment.period.framework), engine_answers)
    assert mine.as_dict() == theirs.as_dict()


def test_assessment_status_is_refreshed_on_the_caller(world, assessment):
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
