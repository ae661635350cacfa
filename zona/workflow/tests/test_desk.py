"""Desk-evaluation sessions and assistance (issue 10 §5), through the pages and services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow import handoffs
from zona.workflow.models import (
    AssistanceRecord,
    AssistanceStatus,
    DeskNote,
    DeskSession,
    DeskSessionStatus,
    WorkflowEvent,
)
from zona.workflow.services.desk import (
    AssistanceInput,
    SessionInput,
    assistance_follow_up,
    assistance_save,
    desk_note_save,
    desk_session_act,
    desk_session_create,
)
from zona.workflow.tests.desk_fixtures import DeskWorld, desk_world
from zona.workflow.views import desk as desk_views


@pytest.fixture
def dw(world) -> DeskWorld:
    handoffs.recorded().clear()
    return desk_world(world)


def _when(days: int = 3, hour: int = 9) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def _session(dw: DeskWorld, **extra) -> DeskSession:
    data = SessionInput(
        starts_at=timezone.now() + dt.timedelta(days=2),
        area="1",
        place="Ruang rapat Kanwil",
        reviewer_names=["Kanwil Reviewer"],
        unit_users=[dw["wg_member"].pk],
        **extra,
    )
    return desk_session_create(
        actor=dw["kanwil_reviewer"],
        assessment=dw.assessment,
        tier=dw.world.tier_kanwil,
        data=data,
    )


# --- sessions ---------------------------------------------------------------------------


def test_reviewer_schedules_a_session_on_the_page_and_the_unit_is_told(dw, client_for):
    url = reverse("workflow:desk_session_new", args=[dw.assessment.pk])
    client = client_for(dw["kanwil_reviewer"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "tier": "kanwil",
            "area": "1",
            "starts_at": _when(),
            "ends_at": _when(hour=11),
            "place": "",
            "meeting_url": "https://meet.example.id/zi-bdg",
            "agenda": "Wawancara area 1",
            "unit_users": [str(dw["wg_member"].pk), str(dw["operator"].pk)],
            "reviewer_names": "Kanwil Reviewer\nAuditor Tamu",
            "unit_names": "Kepala Subbag",
        },
    )
    session = DeskSession.objects.get()
    assert response.status_code == 302
    assert session.tier == dw.world.tier_kanwil
    assert session.status == DeskSessionStatus.PLANNED
    assert sorted(a.name for a in session.attendees.all()) == [
        "Auditor Tamu",
        "Kanwil Reviewer",
        "Kepala Subbag",
        "Operator",
        "Wg Member",
    ]
    (told,) = handoffs.recorded()
    assert told["kind"] == "desk.session_scheduled"
    # The unit's operator, head and the working group of area 1.
    assert set(told["recipients"]) == {
        dw["operator"].pk,
        dw["unit_head"].pk,
        dw["wg_member"].pk,
    }
    assert dw.world.new_events().filter(action="desk.session_created").count() == 1


def test_bad_session_input_is_refused_and_changes_nothing(dw, client_for):
    client = client_for(dw["kanwil_reviewer"])
    url = reverse("workflow:desk_session_new", args=[dw.assessment.pk])
    response = client.post(
        url, {"tier": "kanwil", "starts_at": _when(), "ends_at": _when(hour=7), "place": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html or "is-invalid" in html
    assert not DeskSession.objects.exists()
    with pytest.raises(ValidationFailed) as exc:
        desk_session_create(
            actor=dw["kanwil_reviewer"],
            assessment=dw.assessment,
            tier=dw.world.tier_kanwil,
            data=SessionInput(starts_at=timezone.now(), area="Z", meeting_url="not a link"),
        )
    codes = {p.code for p in exc.value.problems}
    assert {"unknown_area", "invalid_url"} <= codes
    assert not DeskSession.objects.exists()


def test_only_reviewers_of_the_unit_schedule(dw, client_for):
    url = reverse("workflow:desk_session_new", args=[dw.assessment.pk])
    assert client_for(dw["operator"]).get(url).status_code == 404
    assert client_for(dw["other_operator"]).get(url).status_code == 404
    assert client_for(dw["outsider"]).get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        desk_session_create(
            actor=dw["operator"],
            assessment=dw.assessment,
            tier=dw.world.tier_kanwil,
            data=SessionInput(starts_at=timezone.now(), place="x"),
        )


def test_the_unit_sees_the_schedule_but_not_the_interview_notes(dw, client_for):
    session = _session(dw)
    desk_note_save(
        actor=dw["kanwil_reviewer"],
        session=session,
        item_code="A.p.m.1.a",
        note="SK tim belum ditandatangani kepala.",
    )
    list_url = reverse("workflow:desk_list", args=[dw.assessment.pk])
    detail = reverse("workflow:desk_session", args=[dw.assessment.pk, session.pk])
    unit_html = client_for(dw["operator"]).get(list_url).content.decode()
    assert "Ruang rapat Kanwil" in unit_html
    unit_detail = client_for(dw["operator"]).get(detail).content.decode()
    assert "Ruang rapat Kanwil" in unit_detail
    assert "belum ditandatangani" not in unit_detail
    reviewer_detail = client_for(dw["kanwil_reviewer"]).get(detail).content.decode()
    assert "belum ditandatangani" in reviewer_detail
    # The unit cannot post to the session.
    assert client_for(dw["operator"]).post(detail, {"place": "x"}).status_code == 404
    for other in ("other_operator", "outsider"):
        assert client_for(dw[other]).get(list_url).status_code == 404
        assert client_for(dw[other]).get(detail).status_code == 404


def test_notes_are_per_item_and_an_empty_note_removes_it(dw, client_for):
    session = _session(dw)
    url = reverse("workflow:desk_session_note", args=[dw.assessment.pk, session.pk])
    client = client_for(dw["kanwil_reviewer"])
    client.post(url, {"item": "A.p.m.1.b", "note": "Pemilihan anggota tanpa SK."})
    assert DeskNote.objects.get().note == "Pemilihan anggota tanpa SK."
    client.post(url, {"item": "NOPE", "note": "x"})
    assert DeskNote.objects.count() == 1
    client.post(url, {"item": "A.p.m.1.b", "note": ""})
    assert not DeskNote.objects.exists()
    # The TPI reviewer sees the notes' page but writes only in its own tier's sessions.
    with pytest.raises(PermissionDenied):
        desk_note_save(actor=dw["tpi_reviewer"], session=session, item_code="A.p.m.1.a", note="x")


def test_holding_needs_an_outcome_and_goes_through_the_table(dw, client_for):
    session = _session(dw)
    url = reverse("workflow:desk_session_action", args=[dw.assessment.pk, session.pk])
    client = client_for(dw["kanwil_reviewer"])
    client.post(url, {"action": "hold", "outcome": "  "})
    session.refresh_from_db()
    assert session.status == DeskSessionStatus.PLANNED
    client.post(url, {"action": "hold", "outcome": "Eviden area 1 lengkap; 2 item diperbaiki."})
    session.refresh_from_db()
    assert session.status == DeskSessionStatus.HELD
    assert session.outcome.startswith("Eviden area 1")
    event = WorkflowEvent.objects.get(subject_kind="desk_session", subject_id=session.pk)
    assert (event.from_state, event.to_state, event.tier_id) == (
        "planned",
        "held",
        dw.world.tier_kanwil.pk,
    )
    # Held: no second hold; the unit sees the outcome.
    with pytest.raises(StateError):
        desk_session_act(actor=dw["kanwil_reviewer"], session=session, action="hold", outcome="x")
    detail = reverse("workflow:desk_session", args=[dw.assessment.pk, session.pk])
    assert "2 item diperbaiki" in client_for(dw["unit_head"]).get(detail).content.decode()
    # Another tier's reviewer may not cancel it.
    with pytest.raises(StateError) as exc:
        desk_session_act(actor=dw["tpi_reviewer"], session=session, action="replan")
    assert exc.value.problems[0].code == "not_tier_reviewer"


# --- assistance --------------------------------------------------------------------------------


def test_assistance_with_simulated_score_and_advice_handed_to_the_unit(dw, client_for):
    url = reverse("workflow:desk_assistance", args=[dw.assessment.pk])
    client = client_for(dw["kanwil_reviewer"])
    client.post(
        url,
        {
            "item_code": "A.p.m.1.b",
            "document_check": "incomplete",
            "simulated_answer": "b",
            "advice": "Lampirkan SK penunjukan anggota.",
        },
    )
    record = AssistanceRecord.objects.get()
    assert (record.document_check, record.simulated_answer) == ("incomplete", "B")
    assert record.status == AssistanceStatus.OPEN
    (told,) = handoffs.recorded()
    assert told["kind"] == "desk.assistance_advice"
    assert dw["wg_member"].pk in told["recipients"]
    html = client.get(url).content.decode()
    # B on an ABC item is worth 0.5 in the mini framework.
    assert "50%" in html
    assert 'data-testid="simulated-total"' in html
    # A bad simulated answer is refused and changes nothing.
    client.post(url, {"item_code": "A.p.m.1.b", "simulated_answer": "Z", "advice": "other"})
    record.refresh_from_db()
    assert record.advice == "Lampirkan SK penunjukan anggota."
    assert len(handoffs.recorded()) == 1


def test_the_unit_moves_the_follow_up_through_to_done(dw, client_for):
    record = assistance_save(
        actor=dw["kanwil_reviewer"],
        assessment=dw.assessment,
        tier=dw.world.tier_kanwil,
        data=AssistanceInput(item_code="A.p.m.1.a", document_check="missing", advice="Unggah SK."),
    )
    url = reverse("workflow:desk_assistance_follow_up", args=[dw.assessment.pk, record.pk])
    client = client_for(dw["wg_member"])  # areas 1 and 2: A.p.m.1.a is area 1
    client.post(url, {"status": "in_progress"})
    record.refresh_from_db()
    assert record.status == AssistanceStatus.IN_PROGRESS
    assert record.status_by == dw["wg_member"]
    client.post(url, {"status": "done"})
    record.refresh_from_db()
    assert record.status == AssistanceStatus.DONE
    assert record.status_at is not None
    # Filters by status.
    page = reverse("workflow:desk_assistance", args=[dw.assessment.pk])
    done = client.get(page + "?status=done").content.decode()
    assert 'data-testid="assistance-A.p.m.1.a"' in done
    assert 'data-testid="assistance-empty"' in client.get(page + "?status=open").content.decode()
    # Another unit's people: 404; a viewer may not move it.
    for other in ("other_operator", "outsider"):
        assert client_for(dw[other]).post(url, {"status": "open"}).status_code == 404
        assert client_for(dw[other]).get(page).status_code == 404
    with pytest.raises(StateError):
        assistance_follow_up(actor=dw["viewer"], record=record, status="open")


def test_a_working_group_member_follows_up_only_their_areas(dw):
    record = assistance_save(
        actor=dw["kanwil_reviewer"],
        assessment=dw.assessment,
        tier=dw.world.tier_kanwil,
        data=AssistanceInput(item_code="B.1.a", advice="Perbaiki laporan survei."),
    )
    with pytest.raises(StateError) as exc:
        assistance_follow_up(actor=dw["wg_member"], record=record, status="done")
    assert exc.value.problems[0].code == "not_follow_up"
    assistance_follow_up(actor=dw["operator"], record=record, status="done")
    record.refresh_from_db()
    assert record.status == AssistanceStatus.DONE


# --- the review page's hooks --------------------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_review_hooks_show_notes_assistance_and_validation_in_constant_queries(dw):
    session = _session(dw)
    desk_note_save(
        actor=dw["kanwil_reviewer"], session=session, item_code="A.p.m.1.a", note="Catatan 1"
    )
    assistance_save(
        actor=dw["kanwil_reviewer"],
        assessment=dw.assessment,
        tier=dw.world.tier_kanwil,
        data=AssistanceInput(item_code="A.p.m.1.a", advice="Saran 1"),
    )
    request = _request(dw["kanwil_reviewer"])
    extras = desk_views.review_item_extras(request, dw.assessment, None)
    assert "Catatan 1" in extras["A.p.m.1.a"]
    assert "Saran 1" in extras["A.p.m.1.a"]
    assert 'data-testid="desk-survey-validation"' in extras["B.1.a"]
    assert 'data-testid="desk-survey-validation"' in extras["B.2.a"]
    with CaptureQueriesContext(connection) as few:
        desk_views.review_item_extras(_request(dw["kanwil_reviewer"]), dw.assessment, None)
    for code in ("A.p.m.1.b", "A.p.m.2.a", "A.p.m.2.b", "A.p.t.1.a"):
        desk_note_save(actor=dw["kanwil_reviewer"], session=session, item_code=code, note="n")
        assistance_save(
            actor=dw["kanwil_reviewer"],
            assessment=dw.assessment,
            tier=dw.world.tier_kanwil,
            data=AssistanceInput(item_code=code, advice="s"),
        )
    with CaptureQueriesContext(connection) as many:
        desk_views.review_item_extras(_request(dw["kanwil_reviewer"]), dw.assessment, None)
    assert len(many) == len(few)
    # The unit's view: no interview notes.
    unit_extras = desk_views.review_item_extras(_request(dw["operator"]), dw.assessment, None)
    assert "Catatan 1" not in unit_extras.get("A.p.m.1.a", "")
    panel = desk_views.review_panel(request, dw.assessment, None)
    assert 'data-testid="desk-panel"' in panel


def test_the_review_page_shows_the_desk_panel_and_item_extras(dw, client_for):
    session = _session(dw)
    desk_note_save(
        actor=dw["kanwil_reviewer"], session=session, item_code="A.p.m.1.a", note="Catatan X"
    )
    page = client_for(dw["kanwil_reviewer"]).get(
        reverse("workflow:review", args=[dw.assessment.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="desk-panel"' in html
    assert "Catatan X" in html
    # The Hasil section shows the survey validation beside the survey item.
    hasil = client_for(dw["kanwil_reviewer"]).get(
        reverse("workflow:review", args=[dw.assessment.pk]) + "?s=B.1"
    )
    assert 'data-testid="desk-survey-validation"' in hasil.content.decode()


def test_a_closed_period_refuses_every_desk_change(dw, client_for):
    from zona.assessments.models import PeriodStatus

    session = _session(dw)
    record = assistance_save(
        actor=dw["kanwil_reviewer"],
        assessment=dw.assessment,
        tier=dw.world.tier_kanwil,
        data=AssistanceInput(item_code="A.p.m.1.a", advice="Saran"),
    )
    period = dw.assessment.period
    period.status = PeriodStatus.CLOSED
    period.save(update_fields=["status"])
    dw.assessment.refresh_from_db()
    assessment = dw.assessment
    session.assessment = assessment
    record.assessment = assessment
    with pytest.raises(StateError) as exc:
        desk_note_save(
            actor=dw["kanwil_reviewer"], session=session, item_code="A.p.m.1.a", note="x"
        )
    assert exc.value.problems[0].code == "period_closed"
    with pytest.raises(StateError) as exc:
        desk_session_act(actor=dw["kanwil_reviewer"], session=session, action="cancel")
    assert exc.value.problems[0].code == "period_closed"
    with pytest.raises(StateError):
        assistance_follow_up(actor=dw["operator"], record=record, status="done")
    record.refresh_from_db()
    session.refresh_from_db()
    assert (record.status, session.status) == ("open", "planned")
    # The pages stay readable but offer no change.
    html = (
        client_for(dw["kanwil_reviewer"])
        .get(reverse("workflow:desk_list", args=[assessment.pk]))
        .content.decode()
    )
    assert 'data-testid="desk-new"' not in html


def test_session_notice_shows_a_readable_time_and_no_stray_punctuation():
    from zona.notifications.kinds import render

    params = {
        "tier": "Kanwil",
        "unit": "Kantor X",
        "area": "1",
        "starts_at": "2026-12-12T13:00:00.498209+07:00",
        "place": "Ruang Rapat",
        "meeting_url": "",
    }
    body = render("desk.session_scheduled", params, "en").body
    assert "T13:00" not in body
    assert "+07:00" not in body
    assert body.endswith("at Ruang Rapat.")
    body_id = render("desk.session_rescheduled", {**params, "place": ""}, "id").body
    assert "memindahkan" in body_id
    assert " ." not in body_id
