"""Survey validation (SHPZI): the report check, the respondents' single-use confirmation
links (e-mailed once by the worker, or sent by hand), and the unit's questionnaire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow import handoffs
from zona.workflow.models import ConfirmationRequest, SurveyValidation
from zona.workflow.services.desk_validation import (
    confirmation_answer,
    confirmation_emails_send,
    confirmations_create,
    confirmations_email,
    parse_validation_spec,
    questionnaire_answer,
    survey_report_check,
    survey_validation_begin,
    validation_spec,
)
from zona.workflow.tests.desk_fixtures import DeskWorld, desk_world, feeding_campaign


@pytest.fixture
def dw(world, settings) -> DeskWorld:
    # Let a draw take the whole (small) pool, so the tests see both kinds of contact.
    settings.ZONA_SURVEY_DRAW_MAX_SHARE = 1.0
    handoffs.recorded().clear()
    return desk_world(world)


@pytest.fixture
def validation(dw) -> SurveyValidation:
    feeding_campaign(dw.world, emails=3, phones=3)
    return survey_validation_begin(
        actor=dw["kanwil_reviewer"], assessment=dw.assessment, tier=dw.world.tier_kanwil
    )


def test_begin_takes_the_feeding_round_and_asks_the_unit(dw, client_for):
    campaign = feeding_campaign(dw.world)
    url = reverse("workflow:desk_validation", args=[dw.assessment.pk])
    client = client_for(dw["kanwil_reviewer"])
    assert client.post(url, {"action": "begin"}).status_code == 302
    validation = SurveyValidation.objects.get()
    assert validation.campaign == campaign
    assert validation.tier == dw.world.tier_kanwil
    (told,) = handoffs.recorded()
    assert told["kind"] == "desk.survey_questionnaire"
    assert dw["operator"].pk in told["recipients"]
    # Idempotent.
    client.post(url, {"action": "begin"})
    assert SurveyValidation.objects.count() == 1
    # Only reviewers who validate; others get a 404 page.
    with pytest.raises(PermissionDenied):
        survey_validation_begin(
            actor=dw["operator"], assessment=dw.assessment, tier=dw.world.tier_kanwil
        )
    for other in ("other_operator", "outsider"):
        assert client_for(dw[other]).get(url).status_code == 404


def test_report_check_records_checklist_verdict_and_note(dw, validation, client_for):
    url = reverse("workflow:desk_validation", args=[dw.assessment.pk])
    client = client_for(dw["kanwil_reviewer"])
    # A verdict other than adequate needs a note: refused, nothing changes.
    client.post(url, {"action": "report", "checks": ["sample_size"], "verdict": "inadequate"})
    validation.refresh_from_db()
    assert validation.report_verdict == "pending"
    client.post(
        url,
        {
            "action": "report",
            "checks": ["sample_size", "period"],
            "verdict": "needs_improvement",
            "note": "Layanan izin tinggal tidak terwakili.",
        },
    )
    validation.refresh_from_db()
    assert validation.report_verdict == "needs_improvement"
    assert validation.report_checks["sample_size"] is True
    assert validation.report_checks["services"] is False
    assert validation.checked_by == dw["kanwil_reviewer"]
    with pytest.raises(ValidationFailed):
        survey_report_check(
            actor=dw["kanwil_reviewer"],
            validation=validation,
            checks={"nope": True},
            verdict="adequate",
        )
    # Another tier's reviewer cannot change this tier's check.
    with pytest.raises(PermissionDenied):
        survey_report_check(
            actor=dw["tpi_reviewer"], validation=validation, checks={}, verdict="adequate"
        )


def test_links_for_a_draw_emails_once_and_lists_phones_for_whatsapp(dw, validation, client_for):
    url = reverse("workflow:desk_validation", args=[dw.assessment.pk])
    client = client_for(dw["kanwil_reviewer"])
    client.post(url, {"action": "draw", "size": "6"})
    assert ConfirmationRequest.objects.count() == 6
    # The same draw again makes no second link for a contact.
    draw_id = ConfirmationRequest.objects.get(call__position=1).call.draw_id
    client.post(url, {"action": "draw", "draw": str(draw_id)})
    assert ConfirmationRequest.objects.count() == 6
    html = client.get(url).content.decode()
    assert html.count('data-testid="whatsapp-link"') == 3
    assert "https://wa.me/62812345678" in html
    # Queue the e-mails: the (immediate) worker sends the three e-mail contacts once.
    mail.outbox.clear()
    client.post(url, {"action": "email"})
    assert sorted(m.to[0] for m in mail.outbox) == [
        "warga0@example.id",
        "warga1@example.id",
        "warga2@example.id",
    ]
    assert "/s/k/" in mail.outbox[0].body
    # A retried or doubled task sends nothing more.
    assert confirmation_emails_send(validation_id=validation.pk) == 0
    assert len(mail.outbox) == 3
    with pytest.raises(StateError):
        confirmations_email(actor=dw["kanwil_reviewer"], validation=validation)
    # The unit never sees the contacts or the links.
    unit_html = client_for(dw["operator"]).get(url).content.decode()
    assert "warga0@example.id" not in unit_html
    assert "/s/k/" not in unit_html


def test_public_link_is_single_use_and_shows_the_rate(dw, validation, client):
    confirmations_create(actor=dw["kanwil_reviewer"], validation=validation, size=2)
    first, second = ConfirmationRequest.objects.order_by("call__position")
    url = reverse("workflow:desk_confirm", args=[first.token])
    assert url.endswith(f"/s/k/{first.token}/")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Satker Bandung" in html
    # Only two questions: nothing of the survey's answers.
    assert html.count('type="radio"') == 4
    # One question left out: refused, nothing recorded.
    assert client.post(url, {"served": "yes"}).status_code == 400
    first.refresh_from_db()
    assert first.answered_at is None
    done = client.post(url, {"served": "yes", "took_part": "yes"})
    assert done.status_code == 200
    assert 'data-error="thanks"' in done.content.decode()
    again = client.post(url, {"served": "no", "took_part": "no"})
    assert again.status_code == 410
    assert 'data-error="used"' in again.content.decode()
    first.refresh_from_db()
    assert (first.was_served, first.took_part) == (True, True)
    assert client.get(url).status_code == 410
    client.post(
        reverse("workflow:desk_confirm", args=[second.token]),
        {"served": "yes", "took_part": "no"},
    )
    staff = reverse("workflow:desk_validation", args=[dw.assessment.pk])
    html = client_for_reviewer(dw).get(staff).content.decode()
    assert "50%" in html  # 1 confirmed of 2 answered
    with pytest.raises(StateError) as exc:
        confirmation_answer(token=first.token, was_served=True, took_part=True)
    assert exc.value.problems[0].code == "used"
    assert dw.world.new_events().filter(action="desk.confirmation_answered").count() == 2


def client_for_reviewer(dw):
    from django.test import Client

    c = Client()
    c.force_login(dw["kanwil_reviewer"])
    return c


def test_expired_and_unknown_links_get_a_clear_page(dw, validation, client):
    confirmations_create(
        actor=dw["kanwil_reviewer"],
        validation=validation,
        size=1,
        now=timezone.now() - dt.timedelta(days=60),
    )
    request = ConfirmationRequest.objects.get()
    url = reverse("workflow:desk_confirm", args=[request.token])
    page = client.get(url)
    assert page.status_code == 410
    assert 'data-error="expired"' in page.content.decode()
    assert client.post(url, {"served": "yes", "took_part": "yes"}).status_code == 410
    request.refresh_from_db()
    assert request.answered_at is None
    unknown = client.get(reverse("workflow:desk_confirm", args=["x" * 30]))
    assert unknown.status_code == 404
    assert 'data-error="unknown"' in unknown.content.decode()
    # English on request.
    english = client.get(url + "?lang=en").content.decode()
    assert "This link has expired" in english


def test_the_unit_answers_the_questionnaire(dw, validation, client_for):
    url = reverse("workflow:desk_validation", args=[dw.assessment.pk])
    client = client_for(dw["operator"])
    page = client.get(url).content.decode()
    assert 'data-testid="questionnaire-form"' in page
    bad = client.post(url, {"action": "questionnaire", "method": "carrier-pigeon"})
    assert bad.status_code == 200
    validation.refresh_from_db()
    assert validation.answered_at is None
    client.post(
        url,
        {
            "action": "questionnaire",
            "method": "kiosk",
            "period_from": "2026-07-01",
            "period_to": "2026-09-30",
            "respondents": "412",
            "staff_present": "no",
            "independent": "yes",
            "notes": "",
        },
    )
    validation.refresh_from_db()
    assert validation.questionnaire_answers["respondents"] == 412
    assert validation.questionnaire_answers["staff_present"] is False
    assert validation.questionnaire_version == validation_spec().version
    assert validation.answered_by == dw["operator"]
    # The reviewer reads the answers; a viewer cannot answer.
    reviewer_html = client_for(dw["kanwil_reviewer"]).get(url).content.decode()
    assert 'data-testid="questionnaire-answers"' in reviewer_html
    with pytest.raises(PermissionDenied):
        questionnaire_answer(actor=dw["viewer"], validation=validation, answers={})


def test_the_questions_are_data():
    spec = parse_validation_spec(
        "version: 2\nconfirmation_valid_days: 3\nreport_checklist: []\n"
        "questionnaire:\n  - {key: q, type: yesno, label: {id: 'Ya?', en: 'Yes?'}}\n"
    )
    assert spec.valid_days == 3
    assert [q.key for q in spec.questionnaire] == ["q"]
    with pytest.raises(ValueError, match="unknown type"):
        parse_validation_spec(
            "questionnaire:\n  - {key: q, type: essay, label: {id: 'a', en: 'a'}}\n"
        )


def test_questionnaire_dates_are_shown_in_the_readers_format():
    from types import SimpleNamespace

    from django.utils import translation

    from zona.workflow.views.desk_validation import _answer_text

    question = SimpleNamespace(type="date", options=())
    with translation.override("id"):
        assert _answer_text(question, "2026-04-01") == "1 April 2026"
    assert _answer_text(question, "not a date") == "not a date"
