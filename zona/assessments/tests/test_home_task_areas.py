"""A working-group member's home task shows the progress of her areas, not the whole sheet."""

from django.urls import reverse

from zona.assessments.services import answer_save
from zona.assessments.sheet import sheet_spec

HOME = reverse("home:home")


def _task(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    (task,) = response.context["tasks"]
    return task, response.content.decode()


def test_the_member_sees_the_progress_of_her_areas(client, world, assessment):
    # Area 1 (hers) gets one answer, area B (not hers) another.
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    answer_save(
        actor=world["operator"], assessment=assessment, item_code="B.1.a", revision=0, value="3,5"
    )
    task, html = _task(client, world["wg_member"])
    spec = sheet_spec(assessment.period.framework)
    hers = [code for code, item in spec.items.items() if item.area in {"1", "2"}]
    assert len(hers) < len(spec.items)
    assert (task.answered, task.items) == (1, len(hers))
    assert task.areas == ("1", "2")
    assert 'data-testid="task-areas"' in html
    # The operator edits every area: the whole sheet.
    task, html = _task(client, world["operator"])
    assert (task.answered, task.items) == (2, len(spec.items))
    assert task.areas == ()
    assert 'data-testid="task-areas"' not in html
