"""B.1.a (IPAK) and B.2.a (IPKP) come from the unit's surveys in Zona when it runs them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zona.assessments.models import Answer, AnswerChange
from zona.assessments.services import answer_save
from zona.core.errors import StateError
from zona.workflow.services.sheet import sheet_return, sheet_submit

INDICES = {"ipak": Decimal("3.51"), "ipkp": None, "skm_rounds": 1}


@pytest.fixture
def surveys(monkeypatch):
    indices = dict(INDICES)
    monkeypatch.setattr("zona.surveys.feed.survey_indices_for", lambda unit, year: indices)
    return indices


def test_without_surveys_in_zona_the_unit_types_the_index(world, assessment):
    # The real selector: this unit has no campaign, so nothing is offered or filled.
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert not Answer.objects.filter(item_code="B.1.a").exists()


def _snapshot():
    return (
        list(Answer.objects.order_by("id").values()),
        list(AnswerChange.objects.order_by("id").values()),
    )


def _read_everything(client, assessment, *, tier=None):
    pk = assessment.pk
    urls = [
        reverse("assessments:worksheet", args=[pk]) + "?s=all",
        reverse("assessments:worksheet", args=[pk]) + "?s=B.1",
        reverse("workflow:review", args=[pk]) + "?s=all",
        reverse("workflow:sheet_submit", args=[pk]),
        reverse("assessments:item", args=[pk, "B.1.a"]),
        reverse("assessments:history", args=[pk, "B.1.a"]),
        reverse("assessments:export", args=[pk]),
        reverse("assessments:list"),
        reverse("assessments:working_group", args=[pk]),
        reverse("assessments:item_evidence", args=[pk, "B.1.a"]),
        reverse("assessments:import", args=[pk]),
        f"/api/v1/assessments/{pk}/",
        f"/api/v1/assessments/{pk}/answers/",
        f"/api/v1/assessments/{pk}/answers/B.1.a/",
        f"/api/v1/assessments/{pk}/scores/",
        f"/api/v1/assessments/{pk}/layers/",
    ]
    if tier is not None:
        urls.append(reverse("workflow:review_tier", args=[pk, tier]) + "?s=all")
        urls.append(reverse("workflow:review_item", args=[pk, tier, "B.1.a"]))
        urls.append(reverse("workflow:sheet_return", args=[pk]))
    for url in urls:
        # Some pages are not for every role (404); none may fail or write.
        assert client.get(url).status_code in (200, 404), url


def test_reading_never_writes_the_survey_index(client_for, world, assessment, surveys):
    # The unit's own IPAK, from a survey report; Zona's survey says otherwise.
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="B.1.a", revision=0, value="3,61"
    )
    surveys["ipak"] = Decimal("3.39")
    surveys["ipkp"] = Decimal("3.10")
    before = _snapshot()
    _read_everything(client_for(world["operator"]), assessment)
    _read_everything(client_for(world["viewer"]), assessment)
    assert _snapshot() == before
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    before = _snapshot()
    _read_everything(client_for(world["tpi_reviewer"]), assessment, tier="tpi")
    assert _snapshot() == before


def test_reading_an_empty_sheet_creates_no_answer(client_for, world, assessment, surveys):
    _read_everything(client_for(world["operator"]), assessment)
    assert not Answer.objects.exists()
    assert not AnswerChange.objects.exists()


def test_the_index_is_offered_beside_the_item_and_taken_with_one_click(
    client_for, world, assessment, surveys
):
    client = client_for(world["operator"])
    page = client.get(
        reverse("assessments:worksheet", args=[assessment.pk]) + "?s=B.1"
    ).content.decode()
    card = page.split('id="item-B-1-a"')[1].split("</form>")[0]
    assert 'data-testid="survey-suggestion"' in card
    assert "IPAK 3,51" in card
    assert 'data-testid="take-survey-suggestion"' in card
    assert "data-zona-autosave" in card
    assert not Answer.objects.filter(item_code="B.1.a").exists()
    # Read again when taken, not trusted from the page.
    surveys["ipak"] = Decimal("3.6")
    response = client.post(
        reverse("assessments:accept_survey_suggestion", args=[assessment.pk, "B.1.a"]),
        {"revision": 0, "s": "B.1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    answer = Answer.objects.get(item_code="B.1.a")
    assert answer.value == "3.6"
    assert answer.source == "survey"
    assert answer.updated_by == world["operator"]
    change = AnswerChange.objects.get(item_code="B.1.a")
    assert change.via == "survey"
    assert change.changed_by == world["operator"]
    assert 'value="3,60"' in response.content.decode()
    # Taken, it is still the unit's to change: typing over it makes it the unit's own.
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="B.1.a",
        revision=answer.revision,
        value="3,7",
    )
    answer.refresh_from_db()
    assert answer.value == "3.7"
    assert answer.source == "manual"


def test_submission_takes_the_index_only_where_the_item_is_empty(world, assessment, surveys):
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="B.1.a", revision=0, value="3,61"
    )
    surveys["ipak"] = Decimal("3.39")
    surveys["ipkp"] = Decimal("3.10")
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    own = Answer.objects.get(item_code="B.1.a")
    assert own.value == "3.61"
    assert own.source == "manual"
    filled = Answer.objects.get(item_code="B.2.a")
    assert filled.value == "3.1"
    assert filled.source == "survey"
    change = AnswerChange.objects.get(item_code="B.2.a")
    assert change.via == "survey"
    assert change.changed_by == world["unit_head"]


def test_reviewers_see_the_unit_value_and_the_survey_figure(client_for, world, assessment, surveys):
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="B.1.a", revision=0, value="3,61"
    )
    surveys["ipak"] = Decimal("3.39")
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    html = (
        client_for(world["tpi_reviewer"])
        .get(reverse("workflow:review", args=[assessment.pk]) + "?s=B.1")
        .content.decode()
    )
    card = html.split('id="item-B-1-a"')[1].split("</form>")[0]
    assert 'data-testid="answer-unit-B.1.a">3,61<' in card
    info = card.split('data-testid="survey-info"')[1].split("</p>")[0]
    assert "IPAK 3,39" in info
    assert "text-warning-emphasis" in card


def test_a_reviewer_layer_may_give_its_own_index(world, assessment, surveys):
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    answer_save(
        actor=world["tpi_reviewer"],
        assessment=assessment,
        item_code="B.1.a",
        revision=0,
        value="3.2",
        tier=world.tier_tpi,
    )
    # The reviewer's index stands in their layer; the unit's, filled from its surveys, stays.
    assert Answer.objects.get(layer__tier=world.tier_tpi, item_code="B.1.a").value == "3.2"
    assert Answer.objects.get(layer__tier__isnull=True, item_code="B.1.a").value == "3.51"


def test_after_a_return_of_chosen_items_only_those_are_filled(world, assessment, surveys):
    surveys["ipkp"] = None
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert Answer.objects.get(item_code="B.1.a").value == "3.51"
    sheet_return(
        actor=world["tpi_reviewer"], assessment=assessment, items=["A.p.m.1.a"], reason="SK"
    )
    surveys["ipak"] = Decimal("2.00")
    surveys["ipkp"] = Decimal("3.00")
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    # B.1.a and B.2.a were not returned: the submitted values stay, nothing is added.
    assert Answer.objects.get(item_code="B.1.a").value == "3.51"
    assert not Answer.objects.filter(item_code="B.2.a").exists()
    sheet_return(actor=world["tpi_reviewer"], assessment=assessment, reason="semua")
    with pytest.raises(StateError):
        # Whole sheet back with the unit: still the unit's own index until it changes it.
        sheet_return(actor=world["tpi_reviewer"], assessment=assessment, reason="lagi")
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert Answer.objects.get(item_code="B.1.a").value == "3.51"
    assert Answer.objects.get(item_code="B.2.a").value == "3"


# --- A.I.6.iv.a: the number of SKM rounds, offered and never applied by itself ----------------


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [(0, "E"), (1, "D"), (2, "C"), (3, "B"), (4, "A"), (7, "A"), (None, None)],
)
def test_skm_rounds_map_to_the_options_of_a_i_6_iv_a(rounds, expected):
    from zona.assessments.sheet import build_sheet_spec, skm_rounds_answer
    from zona.assessments.tests.factories import REAL
    from zona.frameworks.schema import parse_framework
    from zona.frameworks.scoring import compile_framework

    # The mapping is the framework file's `skm_rounds`, read for the item it names.
    doc = parse_framework(REAL.read_text(encoding="utf-8"))
    spec = build_sheet_spec(doc, compile_framework(doc))
    assert skm_rounds_answer(spec.items["A.I.6.iv.a"], rounds) == expected
    assert skm_rounds_answer(spec.items["A.I.6.iv.b"], rounds) is None


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
    assert "dilaksanakan 2 kali pada 2026" in card
    assert "<strong>C</strong>" in card
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
    assert 'id="item-A-I-6-iv-a"' in swapped
    assert 'value="B" checked' in swapped
    assert 'data-testid="survey-suggestion"' not in swapped
    answer = Answer.objects.get(item_code=SKM_ITEM)
    assert answer.value == "B"
    assert answer.updated_by == world["operator"]
    assert answer.source == "survey"  # taken from the survey; the unit may still change it
    change = AnswerChange.objects.get(item_code=SKM_ITEM)
    assert change.via == "survey"
    assert change.changed_by == world["operator"]
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
            actor=world["operator"], assessment=assessment, item_code="A.p.m.1.a", revision=0
        )


def test_reviewers_see_the_rounds_beside_the_unit_answer(client_for, world, real_sheet, surveys):
    surveys["skm_rounds"] = 1
    answer_save(
        actor=world["operator"], assessment=real_sheet, item_code=SKM_ITEM, revision=0, value="A"
    )
    sheet_submit(actor=world["unit_head"], assessment=real_sheet)
    html = (
        client_for(world["tpi_reviewer"])
        .get(reverse("workflow:review", args=[real_sheet.pk]) + "?s=A.I.6")
        .content.decode()
    )
    card = html.split('id="item-A-I-6-iv-a"')[1].split("</form>")[0]
    assert 'data-testid="survey-info"' in card
    assert "<strong>D</strong>" in card


# --- the API reads what the pages read --------------------------------------------------------


def test_api_offers_the_index_beside_the_unit_value(client_for, world, assessment, surveys):
    client = client_for(world["operator"])
    assert client.get(f"/api/v1/assessments/{assessment.pk}/answers/").json() == []
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="B.1.a", revision=0, value="3,61"
    )
    detail = client.get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert detail["survey_suggestions"]["B.1.a"] == {
        "value": "3.51",
        "unit_value": "3.61",
        "index": "ipak",
    }
    assert Answer.objects.get(item_code="B.1.a").value == "3.61"


def test_api_detail_offers_the_skm_suggestion(client_for, world, real_sheet, surveys):
    surveys["skm_rounds"] = 5
    detail = client_for(world["operator"]).get(f"/api/v1/assessments/{real_sheet.pk}/").json()
    assert detail["survey_suggestions"][SKM_ITEM] == {
        "value": "A",
        "unit_value": None,
        "skm_rounds": 5,
    }
    assert not Answer.objects.filter(item_code=SKM_ITEM).exists()
