"""B.I.a (IPAK) and B.II.a (IPKP) come from the unit's surveys in Zona when it runs them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zona.assessments.models import Answer, AnswerChange
from zona.assessments.services import (
    answer_save,
    answers_fill_from_surveys,
    assessment_submit,
)
from zona.core.errors import StateError

INDICES = {"ipak": Decimal("3.51"), "ipkp": None, "skm_rounds": 1}


@pytest.fixture
def surveys(monkeypatch):
    indices = dict(INDICES)
    monkeypatch.setattr(
        "zona.assessments.services.surveys.survey_indices_for", lambda unit, year: indices
    )
    return indices


def test_without_surveys_in_zona_the_unit_types_the_index(world, assessment):
    # The real selector: this unit has no campaign, so nothing is filled.
    assert answers_fill_from_surveys(assessment=assessment) == []
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="B.I.a", revision=0, value="3,2"
    )
    assert Answer.objects.get(item_code="B.I.a").source == "manual"


def test_the_survey_index_is_filled_and_read_only_for_the_unit(
    client_for, world, assessment, surveys
):
    client = client_for(world["operator"])
    page = client.get(
        reverse("assessments:worksheet", args=[assessment.pk]) + "?s=B.I"
    ).content.decode()
    answer = Answer.objects.get(item_code="B.I.a")
    assert answer.value == "3.51" and answer.source == "survey" and answer.updated_by is None
    assert not Answer.objects.filter(item_code="B.II.a").exists()
    card = page.split('id="item-B-I-a"')[1].split("</form>")[0]
    assert "data-zona-autosave" not in card and "3,51" in card
    with pytest.raises(StateError):
        answer_save(
            actor=world["operator"], assessment=assessment, item_code="B.I.a", revision=1, value="4"
        )
    # Evidence (the survey report) can still be attached to it.
    assert 'data-testid="attach-B.I.a"' in card
    change = AnswerChange.objects.get(item_code="B.I.a")
    assert change.via == "survey" and change.after == "3.51"
    # Opening the page again changes nothing.
    client.get(reverse("assessments:worksheet", args=[assessment.pk]))
    assert AnswerChange.objects.filter(item_code="B.I.a").count() == 1


def test_a_new_index_replaces_the_old_one_until_submission(world, assessment, surveys):
    answers_fill_from_surveys(assessment=assessment)
    surveys["ipak"] = Decimal("3.60")
    assert answers_fill_from_surveys(assessment=assessment) == ["B.I.a"]
    assert Answer.objects.get(item_code="B.I.a").value == "3.6"
    assessment_submit(actor=world["unit_head"], assessment=assessment)
    surveys["ipak"] = Decimal("2.00")
    assert answers_fill_from_surveys(assessment=assessment) == []
    assert Answer.objects.get(item_code="B.I.a").value == "3.6"


def test_submission_takes_the_latest_index(world, assessment, surveys):
    answers_fill_from_surveys(assessment=assessment)
    surveys["ipkp"] = Decimal("3.10")
    assessment_submit(actor=world["unit_head"], assessment=assessment)
    assert Answer.objects.get(item_code="B.II.a").value == "3.1"


def test_when_the_survey_goes_away_the_unit_may_type_again(world, assessment, surveys):
    answers_fill_from_surveys(assessment=assessment)
    surveys["ipak"] = None
    assert answers_fill_from_surveys(assessment=assessment) == ["B.I.a"]
    answer = Answer.objects.get(item_code="B.I.a")
    assert answer.source == "manual" and answer.value == "3.51"
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="B.I.a",
        revision=answer.revision,
        value="3,4",
    )


def test_a_reviewer_layer_may_give_its_own_index(world, assessment, surveys):
    answers_fill_from_surveys(assessment=assessment)
    assessment_submit(actor=world["unit_head"], assessment=assessment)
    answer_save(
        actor=world["tpi_reviewer"],
        assessment=assessment,
        item_code="B.I.a",
        revision=0,
        value="3.2",
        tier=world.tier_tpi,
    )
