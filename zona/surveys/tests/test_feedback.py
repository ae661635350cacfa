"""Suggestions (saran): stored apart, moderated and audited, read only by the unit's managers
and reviewers, never published (issue 8 §8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.surveys.models import Response, Suggestion, SuggestionDrop, SuggestionStatus
from zona.surveys.services.feedback import suggestion_leave as leave
from zona.surveys.services.feedback import suggestion_moderate, suggestion_open_rest
from zona.surveys.tasks import sealed_drops_flush
from zona.surveys.tests.conftest import make_campaign, submit


@pytest.fixture
def collecting(world, instruments, settings):
    settings.ZONA_SURVEY_SUGGESTION_BATCH = 1  # written at once, unless a test says otherwise
    campaign = make_campaign(world, instruments, collects_suggestions=True)
    campaign.results_public = True
    campaign.save()
    return campaign


def suggestion_leave(*, campaign, text):
    """Leave one suggestion and return the row the worker wrote for it."""
    leave(campaign=campaign, text=text)
    sealed_drops_flush.call()
    return Suggestion.objects.filter(campaign=campaign, text=text).first()


def full(**extra):
    return {"spak": [5] * 5, "spkp": [5] * 8, "skm": [4] * 9, **extra}


@pytest.mark.django_db
def test_suggestion_is_stored_apart_from_the_response(collecting):
    result = submit(collecting, **full(), suggestion="Antrean\x0b terlalu panjang")
    sealed_drops_flush.call()
    suggestion = Suggestion.objects.get()
    assert suggestion.text == "Antrean\n terlalu panjang"
    assert suggestion.status == SuggestionStatus.PENDING
    # Nothing joins the two: no relation, no time, random keys.
    assert {f.name for f in Suggestion._meta.get_fields()} >= {"campaign", "text"}
    assert not any(
        getattr(f, "related_model", None) is Response for f in Suggestion._meta.get_fields()
    )
    assert suggestion.pk != result.response.pk


@pytest.mark.django_db
def test_suggestions_wait_sealed_and_are_written_in_shuffled_batches(collecting, settings):
    settings.ZONA_SURVEY_SUGGESTION_BATCH = 5
    for i in range(4):
        submit(collecting, **full(), suggestion=f"Saran nomor {i}")
    # Waiting: nothing readable yet, and the queued rows hold no plain text.
    assert not Suggestion.objects.exists()
    assert SuggestionDrop.objects.count() == 4
    assert not any("Saran" in d.sealed for d in SuggestionDrop.objects.all())
    submit(collecting, **full(), suggestion="Saran nomor 4")
    assert SuggestionDrop.objects.count() == 5  # the request opens nothing; the worker does
    assert sealed_drops_flush.call() == 5
    assert SuggestionDrop.objects.count() == 0
    assert sorted(Suggestion.objects.values_list("text", flat=True)) == [
        f"Saran nomor {i}" for i in range(5)
    ]


@pytest.mark.django_db
def test_a_suggestion_queues_no_task_and_its_row_carries_no_time(collecting, settings):
    """The request enqueued `suggestions_flush`, whose task row dated the suggestion's
    response to the second; now the worker's own clock writes it, like the contacts."""
    from django.db import models
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    submit(collecting, **full(), suggestion="Loket kurang")
    assert not DBTaskResult.objects.exists()
    assert SuggestionDrop.objects.count() == 1
    assert not Suggestion.objects.exists()
    sealed_drops_flush.call()  # a run of the worker, on its clock
    suggestion = Suggestion.objects.get()
    assert suggestion.text == "Loket kurang"
    times = [
        f.name
        for f in Suggestion._meta.concrete_fields
        if isinstance(f, models.DateTimeField | models.DateField)
        and getattr(suggestion, f.attname) is not None
    ]
    assert times == []
    # The only task row is the worker's next run, queued by the worker, not the request.
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        sealed_drops_flush.module_path
    ]


@pytest.mark.django_db
def test_the_last_few_open_only_after_the_campaign_closed(world, collecting, settings):
    settings.ZONA_SURVEY_SUGGESTION_BATCH = 5
    leave(campaign=collecting, text="Sisa satu")
    assert sealed_drops_flush.call() == 0
    with pytest.raises(StateError):
        suggestion_open_rest(actor=world["operator"], campaign=collecting)
    collecting.opens_on -= timedelta(days=60)
    collecting.closes_on = timezone.localdate() - timedelta(days=1)
    collecting.save()
    with pytest.raises(PermissionDenied):
        suggestion_open_rest(actor=world["kanwil_reviewer"], campaign=collecting)
    assert suggestion_open_rest(actor=world["operator"], campaign=collecting) == 1
    assert Suggestion.objects.get().text == "Sisa satu"
    assert AuditEvent.objects.filter(action="survey.suggestions_opened").count() == 1


@pytest.mark.django_db
def test_not_collected_when_the_campaign_does_not_ask(world, instruments):
    campaign = make_campaign(world, instruments)
    submit(campaign, **full(), suggestion="Tidak diminta")
    assert leave(campaign=campaign, text="x") is None
    assert not Suggestion.objects.exists()
    assert not SuggestionDrop.objects.exists()


@pytest.mark.django_db
def test_moderation_needs_a_reason_to_hide_and_is_audited(world, collecting):
    suggestion = suggestion_leave(campaign=collecting, text="Petugas ramah")
    assert suggestion is not None
    with pytest.raises(ValidationFailed) as caught:
        suggestion_moderate(actor=world["operator"], suggestion=suggestion, approve=False)
    assert caught.value.problems[0].code == "required"
    suggestion_moderate(
        actor=world["operator"], suggestion=suggestion, approve=False, reason="Menyebut nama"
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.moderation_reason) == ("hidden", "Menyebut nama")
    event = AuditEvent.objects.get(action="survey.suggestion_hidden")
    assert event.details["reason"] == "Menyebut nama"
    assert "Petugas ramah" not in str(event.details)  # the text stays out of the audit log
    suggestion_moderate(actor=world["operator"], suggestion=suggestion, approve=True)
    assert AuditEvent.objects.filter(action="survey.suggestion_approved").count() == 1
    # A reviewer reads, but does not moderate.
    with pytest.raises(PermissionDenied):
        suggestion_moderate(actor=world["kanwil_reviewer"], suggestion=suggestion, approve=True)


@pytest.mark.django_db
def test_managers_read_all_and_reviewers_only_the_approved(client_for, world, collecting):
    approved = suggestion_leave(campaign=collecting, text="Ruang tunggu nyaman")
    pending = suggestion_leave(campaign=collecting, text="Parkir sempit")
    hidden = suggestion_leave(campaign=collecting, text="Pak Budi lambat")
    assert approved
    assert pending
    assert hidden
    suggestion_moderate(actor=world["operator"], suggestion=approved, approve=True)
    suggestion_moderate(
        actor=world["operator"], suggestion=hidden, approve=False, reason="Menyebut nama"
    )
    url = reverse("surveys:suggestions", args=[collecting.pk])

    manager = client_for(world["operator"])
    assert "Parkir sempit" in manager.get(url).content.decode()  # pending by default
    assert "Pak Budi lambat" in manager.get(url, {"show": "hidden"}).content.decode()

    reviewer = client_for(world["kanwil_reviewer"]).get(url, {"show": "pending"})
    html = reviewer.content.decode()
    assert reviewer.status_code == 200
    assert "Ruang tunggu nyaman" in html
    assert "Parkir sempit" not in html
    assert "Pak Budi lambat" not in html
    assert "Menyebut nama" in html  # why one was hidden, without its text


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "other_operator", "outsider"])
def test_others_get_404(client_for, world, collecting, persona):
    suggestion = suggestion_leave(campaign=collecting, text="Rahasia")
    assert suggestion is not None
    client = client_for(world[persona])
    assert client.get(reverse("surveys:suggestions", args=[collecting.pk])).status_code == 404
    moderate = reverse("surveys:suggestion_moderate", args=[collecting.pk, suggestion.pk])
    assert client.post(moderate, {"action": "approve"}).status_code == 404
    opening = reverse("surveys:suggestions_open", args=[collecting.pk])
    assert client.post(opening).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


@pytest.mark.django_db
def test_moderation_through_the_page(client_for, world, collecting):
    suggestion = suggestion_leave(campaign=collecting, text="Tambah kursi")
    assert suggestion is not None
    client = client_for(world["operator"])
    url = reverse("surveys:suggestion_moderate", args=[collecting.pk, suggestion.pk])
    assert client.post(url, {"action": "hide", "reason": ""}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING  # refused: no reason, nothing lost
    assert client.post(url, {"action": "approve"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.APPROVED
    assert client.get(url).status_code == 405  # a GET never writes


@pytest.mark.django_db
def test_never_published(client, client_for, world, collecting):
    suggestion = suggestion_leave(campaign=collecting, text="Sangat rahasia sekali")
    assert suggestion is not None
    suggestion_moderate(actor=world["operator"], suggestion=suggestion, approve=True)
    public = client.get(reverse("survey_public:results", args=[collecting.public_code]))
    assert "Sangat rahasia sekali" not in public.content.decode()
    staff = client_for(world["operator"])
    for name in ("export_summary", "export_responses"):
        for fmt in ("csv", "xlsx"):
            response = staff.get(reverse(f"surveys:{name}", args=[collecting.pk]), {"format": fmt})
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert b"Sangat rahasia" not in body


@pytest.mark.django_db
def test_public_form_offers_the_suggestion_box(client, world, collecting, instruments):
    html = client.get(reverse("survey_public:form", args=[collecting.public_code])).content
    assert b'name="suggestion"' in html
    plain = make_campaign(world, instruments, period_label="Semester II")
    html = client.get(reverse("survey_public:form", args=[plain.public_code])).content
    assert b'name="suggestion"' not in html


@pytest.mark.django_db
def test_a_kiosk_sends_the_suggestion_on_its_own(client, world, collecting):
    from zona.surveys.services.kiosks import kiosk_open

    kiosk = kiosk_open(
        actor=world["operator"], campaign=collecting, name="Tablet 1", location="Loket"
    )
    url = reverse("survey_public:form", args=[collecting.public_code])
    response = client.post(
        url,
        {"kiosk": kiosk.key, "contact_only": "1", "suggestion": "Tambah kipas"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    sealed_drops_flush.call()
    assert Suggestion.objects.get().text == "Tambah kipas"
    assert not Response.objects.exists()
    # Without a kiosk key nothing is taken this way.
    assert client.post(url, {"contact_only": "1", "suggestion": "x"}).status_code != 201
    sealed_drops_flush.call()
    assert Suggestion.objects.count() == 1
