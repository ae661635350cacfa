"""What people read: count labels for PCT items, indices with two decimals, decimal commas
in Indonesian, translated sources in the item history."""

from django.urls import reverse
from django.utils import translation

from zona.assessments.services import answer_save
from zona.assessments.sheet import display_value, sheet_spec
from zona.workflow.services.sheet import sheet_submit

PCT = "A.r.m.1.a"


def _card(html: str, code: str) -> str:
    return html.split(f'id="item-{code.replace(".", "-")}"')[1].split("</form>")[0]


def test_pct_items_show_their_count_labels_never_raw_keys(client_for, world, assessment):
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code=PCT,
        revision=0,
        value={"change_agents": 4, "changes_made": 2},
    )
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    reviewer = client_for(world["tpi_reviewer"])
    review = reviewer.get(reverse("workflow:review", args=[assessment.pk]) + "?s=A.r.m")
    card = _card(review.content.decode(), PCT)
    compare = card.split(f'data-testid="compare-{PCT}"')[1].split("</ul>")[0]
    assert "Jumlah agen perubahan: 4" in compare
    assert "change_agents" not in compare
    history = reviewer.get(reverse("assessments:history", args=[assessment.pk, PCT]))
    body = history.content.decode()
    assert "Perubahan yang dibuat: 2" in body
    assert "changes_made" not in body
    worksheet = client_for(world["operator"]).get(
        reverse("assessments:worksheet", args=[assessment.pk]) + "?s=A.r.m"
    )
    assert "Jumlah agen perubahan" in _card(worksheet.content.decode(), PCT)


def test_indices_show_two_decimals_with_the_languages_separator(client_for, world, assessment):
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="B.1.a", revision=0, value="3,5"
    )
    client = client_for(world["operator"])
    page = client.get(reverse("assessments:worksheet", args=[assessment.pk]) + "?s=B.1")
    assert 'value="3,50"' in _card(page.content.decode(), "B.1.a")
    item = sheet_spec(assessment.period.framework).items["B.1.a"]
    with translation.override("id"):
        assert display_value(item, "3.5") == "3,50"
        assert display_value(item, "4") == "4,00"
        assert display_value(item, "3.6125") == "3,6125"
    with translation.override("en"):
        assert display_value(item, "3.5") == "3.50"
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    review = client_for(world["tpi_reviewer"]).get(
        reverse("workflow:review", args=[assessment.pk]) + "?s=B.1"
    )
    assert 'data-testid="answer-unit-B.1.a">3,50<' in review.content.decode()


def test_history_names_its_sources_in_words(client_for, world, assessment):
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
        via="api",
    )
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=1,
        value="Tidak",
        via="import",
    )
    body = (
        client_for(world["operator"])
        .get(reverse("assessments:history", args=[assessment.pk, "A.p.m.1.a"]))
        .content.decode()
    )
    vias = [part.split("</span>")[0] for part in body.split('data-testid="via">')[1:]]
    assert vias == ["impor Excel", "API"]
