"""Summary and submission, working groups and periods through the pages."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zona.accounts.models import RoleAssignment
from zona.assessments.models import Assessment, Period, PeriodDeadline
from zona.assessments.services import answer_save


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def submit_url(pk):
    # The submit page belongs to the workflow (its path stays under /assessments/<id>/).
    return reverse("workflow:sheet_submit", args=[pk])


def test_summary_lists_gaps_and_the_head_submits(client_for, world, assessment):
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.r.m.1.a",
        revision=0,
        value={"change_agents": 2},
    )
    operator = client_for(world["operator"])
    page = operator.get(submit_url(assessment.pk)).content.decode()
    assert 'data-testid="count-unanswered">12<' in page
    assert "Jumlah belum lengkap" in page
    assert 'data-testid="submit-button"' not in page
    assert operator.post(submit_url(assessment.pk), {"confirm": "1"}).status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    head = client_for(world["unit_head"])
    page = head.get(submit_url(assessment.pk)).content.decode()
    assert 'data-testid="submit-button"' in page
    head.post(submit_url(assessment.pk), {})  # no confirmation
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    # Confirming without the counts the page shows is refused as stale.
    head.post(submit_url(assessment.pk), {"confirm": "1"})
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    counts = {
        f"count_{key}": page.split(f'name="count_{key}" value="')[1].split('"')[0]
        for key in ("unanswered", "no_evidence", "failing")
    }
    r = head.post(submit_url(assessment.pk), {"confirm": "1", **counts})
    assert r.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    sheet = head.get(url("worksheet", assessment.pk)).content.decode()
    assert "data-zona-autosave" not in sheet


def test_a_late_submission_shows_the_reason(client_for, world, assessment):
    PeriodDeadline.objects.create(
        period=assessment.period,
        level=world.bandung.depth,
        fill_deadline=timezone.localdate() - dt.timedelta(days=2),
    )
    head = client_for(world["unit_head"])
    page = head.get(submit_url(assessment.pk)).content.decode()
    assert 'data-testid="submit-refusal" data-error="deadline_passed"' in page
    r = head.post(submit_url(assessment.pk), {"confirm": "1"}, follow=True)
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    assert 'role="alert" data-error="deadline_passed"' in r.content.decode()


def test_operator_assigns_areas_and_sees_who_did_what(client_for, world, assessment):
    answer_save(
        actor=world["wg_member"],
        assessment=assessment,
        item_code="A.p.t.1.a",
        revision=0,
        value="A",
    )
    client = client_for(world["operator"])
    page = client.get(url("working_group", assessment.pk)).content.decode()
    assert "Wg Member" in page
    assert 'data-testid="activity"' in page
    assignment = RoleAssignment.objects.get(user=world["wg_member"])
    r = client.post(
        url("working_group", assessment.pk), {"assignment": assignment.pk, "areas": ["2", "B"]}
    )
    assert r.status_code == 302
    assignment.refresh_from_db()
    assert assignment.lke_areas == ["2", "B"]
    # A member cannot hand themselves more areas.
    member = client_for(world["wg_member"])
    assert (
        member.post(
            url("working_group", assessment.pk), {"assignment": assignment.pk, "areas": ["1"]}
        ).status_code
        == 404
    )


def test_admin_opens_a_period_and_creates_assessments_in_bulk(client_for, world, framework):
    client = client_for(world["agency_admin"])
    assert client.get(url("period_list")).status_code == 200
    form = client.get(url("period_create")).content.decode()
    assert "deadline-4-fill" in form
    r = client.post(
        url("period_create"),
        {
            "agency": world.agency.pk,
            "framework": framework.pk,
            "year": 2026,
            "title": "PMPZI 2026",
            "opens_on": "2026-01-05",
            "closes_on": "2026-12-20",
            "deadline-4-fill": "2026-11-21",
            "deadline-4-review": "2026-11-30",
        },
    )
    assert r.status_code == 302
    period = Period.objects.get()
    assert period.deadlines.get().fill_deadline == dt.date(2026, 11, 21)
    detail = client.get(url("period_detail", period.pk)).content.decode()
    assert "Satker Bandung" in detail
    assert "Satker Lain" not in detail
    r = client.post(
        url("period_detail", period.pk),
        {
            "units": [world.bandung.pk, world.bogor.pk, world.other_satker.pk],
            f"target-{world.bogor.pk}": "wbbm",
        },
    )
    assert r.status_code == 302
    assert set(Assessment.objects.values_list("unit__code", "target")) == {
        ("KC-BDG", "wbk"),
        ("KC-BGR", "wbbm"),
    }
    r = client.post(
        url("period_edit", period.pk),
        {
            "title": "PMPZI 2026",
            "opens_on": "2026-01-05",
            "closes_on": "2026-12-20",
            "status": "closed",
            "deadline-4-fill": "2026-11-25",
        },
    )
    assert r.status_code == 302
    period.refresh_from_db()
    assert period.status == "closed"
    assert period.deadlines.get().fill_deadline == dt.date(2026, 11, 25)


def test_period_pages_are_for_admins(client_for, world, period):
    for persona in ("operator", "outsider", "viewer"):
        client = client_for(world[persona])
        assert client.get(url("period_list")).status_code == 404
        assert client.get(url("period_detail", period.pk)).status_code == 404


def test_invalid_period_shows_problems(client_for, world, framework):
    client = client_for(world["agency_admin"])
    r = client.post(
        url("period_create"),
        {
            "agency": world.agency.pk,
            "framework": framework.pk,
            "year": 2026,
            "title": "x",
            "opens_on": "2026-05-01",
            "closes_on": "2026-04-01",
        },
    )
    assert r.status_code == 200
    assert not Period.objects.exists()
    assert "alert-danger" in r.content.decode()
