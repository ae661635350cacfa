"""B.I.a (IPAK) and B.II.a (IPKP) come from the unit's surveys in Zona when it runs them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zona.assessments.models import Answer, AnswerChange
from zona.assessments.services import (
    answer_save,
    answers_fill_from_surveys,
    assessment_return,
    assessment_submit,
)
from zona.core.errors import StateError

INDICES = {"ipak": Decimal("3.51"), "ipkp": None, "skm_rounds": 1}


@pytest.fixture
def surveys(monkeypatch):
    indices = dict(INDICES)
    monkeypatch.setattr("zona.assessments.selectors.survey_indices_for", lambda unit, year: indices)
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


def test_after_a_return_of_chosen_items_only_those_follow_the_survey(world, assessment, surveys):
    answers_fill_from_surveys(assessment=assessment)
    assessment_submit(actor=world["unit_head"], assessment=assessment)
    assessment_return(
        actor=world["tpi_reviewer"], assessment=assessment, items=["A.I.1.i.a"], reason="SK"
    )
    surveys["ipak"] = Decimal("2.00")
    surveys["ipkp"] = Decimal("3.00")
    # B.I.a and B.II.a were not returned: the submitted values stay.
    assert answers_fill_from_surveys(assessment=assessment) == []
    assert Answer.objects.get(item_code="B.I.a").value == "3.51"
    assert not Answer.objects.filter(item_code="B.II.a").exists()
    assessment_submit(actor=world["unit_head"], assessment=assessment)
    assessment_return(actor=world["tpi_reviewer"], assessment=assessment, reason="semua")
    assert answers_fill_from_surveys(assessment=assessment) == ["B.I.a", "B.II.a"]
    assert Answer.objects.get(item_code="B.I.a").value == "2"


# --- A.I.6.iv.a: the number of SKM rounds, offered and never applied by itself ----------------


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [(0, "E"), (1, "D"), (2, "C"), (3, "B"), (4, "A"), (7, "A"), (None, None)],
)
def test_skm_rounds_map_to_the_options_of_a_i_6_iv_a(rounds, expected):
    from zona.assessments.sheet import SKM_ROUNDS_ITEM, ItemSpec, OptionSpec, skm_rounds_answer

    def item(code: str) -> ItemSpec:
        options = tuple(OptionSpec(k, Decimal(0), None) for k in "ABCDE")
        return ItemSpec(code, "ABCDE", "", "", "6", None, None, options, (), (), None, None, None)

    assert skm_rounds_answer(item(SKM_ROUNDS_ITEM), rounds) == expected
    assert skm_rounds_answer(item("A.I.6.iv.b"), rounds) is None


@pytest.fixture
def real_sheet(world):
    from zona.assessments.tests.factories import REAL, make_assessment, make_period
    from zona.frameworks.services import framework_load_file

    real = framework_load_file(path=REAL).framework
    return make_assessment(make_period(world.agency, real, title="PMPZI LKE"), world.bandung)


SKM_ITEM = "A.I.6.iv.a"


def skm_card(client, sheet) -> str:
    html = client.get(
        reverse("assessments:worksheet", args=[sheet.pk]) + "?s=A.I.6"
    ).content.decode()
    return html.split('id="item-A-I-6-iv-a"')[1].split("</form>")[0]


def test_the_skm_rounds_are_offered_and_taken_with_one_click(
    client_for, world, real_sheet, surveys
):
    surveys["skm_rounds"] = 2
    client = client_for(world["operator"])
    card = skm_card(client, real_sheet)
    assert 'data-testid="survey-suggestion"' in card
    assert "dilaksanakan 2 kali pada 2026" in card and "<strong>C</strong>" in card
    assert 'data-testid="take-survey-suggestion"' in card
    # Offered, not applied: nothing is stored until someone takes it.
    assert not Answer.objects.filter(item_code=SKM_ITEM).exists()

    # The rounds are read again when taken (3 by now), not trusted from the page.
    surveys["skm_rounds"] = 3
    response = client.post(
        reverse("assessments:accept_survey_suggestion", args=[real_sheet.pk, SKM_ITEM]),
        {"revision": 0, "s": "A.I.6"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    swapped = response.content.decode()
    assert 'id="item-A-I-6-iv-a"' in swapped and 'value="B" checked' in swapped
    assert 'data-testid="survey-suggestion"' not in swapped
    answer = Answer.objects.get(item_code=SKM_ITEM)
    assert answer.value == "B" and answer.updated_by == world["operator"]
    assert answer.source == "manual"  # the unit's own answer from now on: it may change it
    change = AnswerChange.objects.get(item_code=SKM_ITEM)
    assert change.via == "survey" and change.changed_by == world["operator"]
    # Taken: no longer offered.
    assert 'data-testid="survey-suggestion"' not in skm_card(client, real_sheet)
    answer_save(
        actor=world["operator"],
        assessment=real_sheet,
        item_code=SKM_ITEM,
        revision=answer.revision,
        value="A",
    )
    assert 'data-testid="survey-suggestion"' in skm_card(client, real_sheet)


def test_only_people_who_may_change_the_item_can_take_it(client_for, world, real_sheet, surveys):
    surveys["skm_rounds"] = 4
    viewer = client_for(world["viewer"])
    card = skm_card(viewer, real_sheet)
    assert 'data-testid="survey-suggestion"' in card
    assert 'data-testid="take-survey-suggestion"' not in card
    viewer.post(
        reverse("assessments:accept_survey_suggestion", args=[real_sheet.pk, SKM_ITEM]),
        {"revision": 0},
    )
    # The wg member's areas are 1 and 2; A.I.6 is area 6.
    client_for(world["wg_member"]).post(
        reverse("assessments:accept_survey_suggestion", args=[real_sheet.pk, SKM_ITEM]),
        {"revision": 0},
    )
    assert not Answer.objects.filter(item_code=SKM_ITEM).exists()
    assert (
        client_for(world["other_operator"])
        .post(reverse("assessments:accept_survey_suggestion", args=[real_sheet.pk, SKM_ITEM]))
        .status_code
        == 404
    )


def test_no_suggestion_for_other_items_or_frameworks_without_the_item(world, assessment, surveys):
    from zona.assessments.services import answer_accept_survey_suggestion
    from zona.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        answer_accept_survey_suggestion(
            actor=world["operator"], assessment=assessment, item_code="A.I.1.i.a", revision=0
        )


def test_reviewers_see_the_rounds_beside_the_unit_answer(client_for, world, real_sheet, surveys):
    surveys["skm_rounds"] = 1
    answer_save(
        actor=world["operator"], assessment=real_sheet, item_code=SKM_ITEM, revision=0, value="A"
    )
    assessment_submit(actor=world["unit_head"], assessment=real_sheet)
    html = (
        client_for(world["tpi_reviewer"])
        .get(reverse("assessments:review", args=[real_sheet.pk]) + "?s=A.I.6")
        .content.decode()
    )
    card = html.split('id="item-A-I-6-iv-a"')[1].split("</form>")[0]
    assert 'data-testid="survey-info"' in card and "<strong>D</strong>" in card


# --- the API reads what the pages read --------------------------------------------------------


def test_api_reads_fill_the_indices_like_the_pages(client_for, world, assessment, surveys):
    client = client_for(world["operator"])
    rows = client.get(f"/api/v1/assessments/{assessment.pk}/answers/").json()
    assert {row["item"]: row["value"] for row in rows} == {"B.I.a": "3.51"}
    assert rows[0]["source"] == "survey"
    surveys["ipak"] = Decimal("3.70")
    scores = client.get(f"/api/v1/assessments/{assessment.pk}/scores/").json()
    assert scores["layers"]["unit"]["items"]["B.I.a"] is not None
    assert Answer.objects.get(item_code="B.I.a").value == "3.7"
    surveys["ipak"] = Decimal("3.80")
    detail = client.get(f"/api/v1/assessments/{assessment.pk}/answers/B.I.a/").json()
    assert detail["value"] == "3.8"


def test_api_detail_offers_the_skm_suggestion(client_for, world, real_sheet, surveys):
    surveys["skm_rounds"] = 5
    detail = client_for(world["operator"]).get(f"/api/v1/assessments/{real_sheet.pk}/").json()
    assert detail["survey_suggestions"] == {SKM_ITEM: {"value": "A", "skm_rounds": 5}}
    assert not Answer.objects.filter(item_code=SKM_ITEM).exists()
