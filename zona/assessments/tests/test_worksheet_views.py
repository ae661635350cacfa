"""The worksheet page and its per-item autosave, through the HTTP client."""

import pytest
from django.urls import reverse

from zona.assessments.models import Answer, AnswerChange
from zona.assessments.services import answer_save, assessment_carry_forward
from zona.assessments.tests.factories import make_assessment, make_period
from zona.workflow.services.sheet import sheet_submit


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def post_item(client, assessment, code, data):
    return client.post(url("item", assessment.pk, code), data, HTTP_HX_REQUEST="true")


def test_the_operator_sees_the_worksheet(client_for, world, assessment):
    client = client_for(world["operator"])
    response = client.get(url("worksheet", assessment.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A.p.m.1.a" in body
    assert "Tim kerja telah dibentuk." in body
    assert "data-zona-autosave" in body
    # Every area is one click away, and "all" shows them together.
    response = client.get(url("worksheet", assessment.pk) + "?s=B.1")
    assert "B.1.a" in response.content.decode()
    assert 'A.p.m.1.a"' not in response.content.decode()
    response = client.get(url("worksheet", assessment.pk) + "?s=all")
    assert "B.2.a" in response.content.decode()
    assert "A.p.m.1.a" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_operator", "outsider"])
def test_other_units_get_404(client_for, world, assessment, persona):
    client = client_for(world[persona])
    assert client.get(url("worksheet", assessment.pk)).status_code == 404
    assert (
        post_item(client, assessment, "A.p.m.1.a", {"value": "Ya", "revision": 0}).status_code
        == 404
    )
    assert client.get(url("history", assessment.pk, "A.p.m.1.a")).status_code == 404
    assert client.get(url("export", assessment.pk)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, assessment):
    response = client.get(url("worksheet", assessment.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_autosave_updates_status_revision_and_scores(client_for, world, assessment):
    client = client_for(world["operator"])
    response = post_item(
        client, assessment, "A.p.m.1.a", {"value": "Ya", "note": "SK", "revision": 0, "s": "A.p.m"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="status-A-p-m-1-a"' in body
    assert 'data-state="saved"' in body
    assert 'id="rev-A-p-m-1-a" value="1" hx-swap-oob="true"' in body
    assert 'id="zona-side" hx-swap-oob="true"' in body
    assert 'id="score-A-p-m-1"' in body  # the sub-area heading
    answer = Answer.objects.get(item_code="A.p.m.1.a")
    assert answer.value == "Ya"
    assert answer.note == "SK"
    assert answer.revision == 1


def test_pct_counts_and_num4_index_from_the_form(client_for, world, assessment):
    client = client_for(world["operator"])
    r = post_item(
        client,
        assessment,
        "A.r.m.1.a",
        {"count_change_agents": "10", "count_changes_made": "", "revision": 0},
    )
    assert r.status_code == 200
    assert Answer.objects.get(item_code="A.r.m.1.a").value == {"change_agents": 10}
    r = post_item(
        client,
        assessment,
        "A.r.m.1.a",
        {"count_change_agents": "10", "count_changes_made": "7", "revision": 1},
    )
    assert r.status_code == 200
    assert "70" in r.content.decode()
    r = post_item(client, assessment, "B.1.a", {"value": "3,61", "revision": 0})
    assert r.status_code == 200
    assert Answer.objects.get(item_code="B.1.a").value == "3.61"


def test_clearing_an_answer_keeps_the_note(client_for, world, assessment):
    client = client_for(world["operator"])
    post_item(client, assessment, "A.p.m.1.b", {"value": "A", "note": "catatan", "revision": 0})
    r = post_item(client, assessment, "A.p.m.1.b", {"clear": "1", "note": "catatan", "revision": 1})
    assert r.status_code == 200
    answer = Answer.objects.get(item_code="A.p.m.1.b")
    assert answer.value is None
    assert answer.note == "catatan"


def test_invalid_input_is_refused_with_a_message_and_nothing_saved(client_for, world, assessment):
    client = client_for(world["operator"])
    r = post_item(client, assessment, "B.1.a", {"value": "5", "revision": 0})
    assert r.status_code == 400
    assert 'data-state="invalid"' in r.content.decode()
    assert not Answer.objects.exists()


def test_the_second_saver_gets_a_conflict_with_the_other_value(client_for, world, assessment):
    answer_save(
        actor=world["wg_member"],
        assessment=assessment,
        item_code="A.p.m.1.b",
        revision=0,
        value="B",
        note="versi Siti",
    )
    client = client_for(world["operator"])
    r = post_item(
        client, assessment, "A.p.m.1.b", {"value": "A", "note": "versi saya", "revision": 0}
    )
    assert r.status_code == 409
    body = r.content.decode()
    assert 'data-testid="conflict"' in body
    assert "versi Siti" in body
    assert "Wg Member" in body
    assert 'data-revision="1"' in body
    assert Answer.objects.get(item_code="A.p.m.1.b").value == "B"
    # "Save mine over theirs" sends the revision from the conflict.
    r = post_item(
        client, assessment, "A.p.m.1.b", {"value": "A", "note": "versi saya", "revision": 1}
    )
    assert r.status_code == 200
    assert Answer.objects.get(item_code="A.p.m.1.b").value == "A"
    # "Take theirs" reloads the card.
    card = client.get(url("item", assessment.pk, "A.p.m.1.b"))
    assert card.status_code == 200
    assert 'id="item-A-p-m-1-b"' in card.content.decode()


def test_working_group_member_cannot_edit_another_area(client_for, world, assessment):
    client = client_for(world["wg_member"])
    assert (
        post_item(client, assessment, "A.p.t.1.a", {"value": "A", "revision": 0}).status_code == 200
    )
    r = post_item(client, assessment, "B.1.b", {"value": "A", "revision": 0})
    assert r.status_code == 403
    assert "area B" in r.content.decode()
    page = client.get(url("worksheet", assessment.pk) + "?s=B.1").content.decode()
    assert 'id="item-B-1-b"' in page
    assert "data-zona-autosave hx-post" not in page.split('id="item-B-1-b"')[1].split("</form>")[0]


def test_viewer_sees_a_read_only_sheet(client_for, world, assessment):
    client = client_for(world["viewer"])
    page = client.get(url("worksheet", assessment.pk)).content.decode()
    assert "data-zona-autosave" not in page
    assert "disabled" in page
    assert (
        post_item(client, assessment, "A.p.m.1.a", {"value": "Ya", "revision": 0}).status_code
        == 403
    )


def test_a_submitted_sheet_refuses_saves(client_for, world, assessment):
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    client = client_for(world["operator"])
    r = post_item(client, assessment, "A.p.m.1.a", {"value": "Ya", "revision": 0})
    assert r.status_code == 409
    assert 'data-error="submitted"' in r.content.decode()


def test_history_shows_who_changed_what(client_for, world, assessment):
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    answer_save(
        actor=world["wg_member"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=1,
        value="Tidak",
        note="salah",
    )
    client = client_for(world["viewer"])
    body = client.get(url("history", assessment.pk, "A.p.m.1.a")).content.decode()
    assert body.count("<tr>") == 4  # header + 3 changes
    assert "Wg Member" in body
    assert "Operator" in body
    assert "salah" in body


def test_suggestions_are_taken_from_the_page(client_for, world, framework):
    old = make_assessment(
        make_period(world.agency, framework, year=2025, title="2025"), world.bandung
    )
    answer_save(
        actor=world["operator"], assessment=old, item_code="A.p.m.1.a", revision=0, value="Ya"
    )
    # The new sheet was created after the old one, so carry forward from it.
    fresh = make_assessment(
        make_period(world.agency, framework, year=2027, title="2027"), world.bandung
    )
    assessment_carry_forward(actor=world["operator"], assessment=fresh)
    client = client_for(world["operator"])
    page = client.get(url("worksheet", fresh.pk)).content.decode()
    assert 'data-testid="suggestion"' in page
    r = client.post(
        url("accept_suggestion", fresh.pk, "A.p.m.1.a"), {"revision": 0}, HTTP_HX_REQUEST="true"
    )
    # htmx swaps the item's card in place (a redirect to the same page with only another
    # #anchor would not reload it), with the scores out of band.
    assert r.status_code == 200
    assert "HX-Redirect" not in r.headers
    body = r.content.decode()
    assert body.lstrip().startswith('<form class="card zona-item')
    assert 'value="Ya" checked' in body
    assert 'data-testid="suggestion"' not in body
    assert 'id="zona-side" hx-swap-oob="true"' in body
    assert Answer.objects.get(layer__assessment=fresh, item_code="A.p.m.1.a").value == "Ya"
    # Without htmx: back to the item.
    r = client.post(url("accept_suggestion", fresh.pk, "A.p.m.1.a"), {"revision": 1})
    assert r.status_code == 302
    assert r["Location"].endswith("#item-A-p-m-1-a")


def test_assessment_list_is_scoped(client_for, world, period, assessment):
    make_assessment(period, world.bogor)
    body = client_for(world["operator"]).get(url("list")).content.decode()
    assert "Satker Bandung" in body
    assert "Satker Bogor" not in body


def test_history_rows_are_never_edited(world, assessment):
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    from zona.assessments.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        AnswerChange.objects.all().update(after="x")
    with pytest.raises(AppendOnlyError):
        AnswerChange.objects.all().delete()
