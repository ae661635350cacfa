"""Anonymity by design: nothing that identifies a respondent is stored with, or reachable
next to, their answers, through any page, export or API."""

import io
import re

import pytest
from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from zona.audit.models import AuditEvent
from zona.surveys.models import Answer, Contact, Response, ValidationDraw
from zona.surveys.services import validation_draw_create
from zona.surveys.views.public import DEVICE_COOKIE

from .conftest import open_contacts
from .test_public import post_data

pytestmark = pytest.mark.django_db

SECRET_CONTACT = "0812-7777-SECRET"
SECRET_NAME = "Rahasia Namanya"
SECRET_IP = "203.0.113.77"
SECRET_DEVICE = "device-token-SECRET-42"
SECRETS = (SECRET_CONTACT, SECRET_NAME, SECRET_IP, SECRET_DEVICE)


def test_the_schema_has_no_place_for_identity():
    suspicious = re.compile(r"name|nik|phone|mail|ip|address|device|contact|ua|agent|created|user")
    allowed = {"excluded_by", "excluded_at"}  # the reviewer who excluded, not the respondent
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            if field.name in allowed or (field.is_relation and field.related_model is not Contact):
                continue
            assert not suspicious.search(field.name), f"{model.__name__}.{field.name}"
    # No relation between answers and contacts, in either direction.
    for model in (Response, Answer):
        assert all(
            f.related_model is not Contact for f in model._meta.get_fields() if f.is_relation
        )
    contact_fields = {f.name for f in Contact._meta.get_fields()}
    assert contact_fields <= {
        "id",
        "campaign",
        "token",
        "name",
        "contact",
        "validationcall",
        "+",
    } | {f.name for f in Contact._meta.get_fields() if f.auto_created}
    assert not any(
        isinstance(f, models.DateTimeField | models.DateField) for f in Contact._meta.fields
    )


@pytest.fixture
def respondent(client, campaign):
    cache.clear()
    client.cookies[DEVICE_COOKIE] = SECRET_DEVICE
    response = client.post(
        reverse("survey_public:form", args=[campaign.public_code]),
        post_data(campaign, contact=SECRET_CONTACT, contact_name=SECRET_NAME),
        REMOTE_ADDR=SECRET_IP,
        HTTP_USER_AGENT="Mozilla/5.0 SECRET-PHONE",
    )
    assert response.status_code == 302
    assert open_contacts() == 1  # the worker's run
    assert Response.objects.count() == 1
    assert Contact.objects.count() == 1
    return Response.objects.get()


def test_nothing_identifying_is_stored_outside_the_contact_table(respondent):
    everything = []
    for model in apps.get_models():
        if model is Contact or model._meta.app_label in ("sessions",):
            continue
        rows = model._default_manager.all()
        if model is Answer:
            rows = rows.order_by("response", "instrument_version", "item")
        everything.append(serializers.serialize("json", rows))
    dump = "\n".join(everything)
    for secret in (*SECRETS, "SECRET-PHONE"):
        assert secret not in dump
    # Public submissions are not audited: an event would time-stamp the respondent.
    assert not AuditEvent.objects.filter(action__startswith="survey.response").exists()


def staff_pages(campaign, draw=None):
    names = ["campaign_detail", "campaign_results", "flagged", "validation", "campaign_edit"]
    urls = [reverse(f"surveys:{name}", args=[campaign.pk]) for name in names]
    urls += [
        reverse("surveys:campaign_list"),
        reverse("surveys:export_summary", args=[campaign.pk]),
        reverse("surveys:export_responses", args=[campaign.pk]),
        reverse("surveys:export_responses", args=[campaign.pk]) + "?format=xlsx",
        reverse("surveys:export_summary", args=[campaign.pk]) + "?format=xlsx",
        f"/api/v1/surveys/campaigns/{campaign.pk}/",
        f"/api/v1/surveys/campaigns/{campaign.pk}/results/",
        "/api/v1/surveys/campaigns/",
    ]
    return urls


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        book = load_workbook(io.BytesIO(response.content))
        return "\n".join(str(c.value) for s in book for row in s.iter_rows() for c in row)
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("username", ["operator", "tpi_reviewer", "agency_admin", "sysadmin"])
def test_no_page_export_or_api_shows_contacts_next_to_answers(
    client_for, world, campaign, respondent, username
):
    campaign.results_public = True
    campaign.save()
    client = client_for(world[username])
    urls = [*staff_pages(campaign), reverse("survey_public:results", args=[campaign.public_code])]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        text = _text(response)
        for secret in SECRETS:
            assert secret not in text, (url, secret)


def test_validation_shows_contacts_but_never_answers(client_for, world, campaign, respondent):
    draw = validation_draw_create(actor=world["tpi_reviewer"], campaign=campaign, size=1)
    html = (
        client_for(world["tpi_reviewer"])
        .get(reverse("surveys:draw", args=[campaign.pk, draw.pk]))
        .content.decode()
    )
    assert SECRET_CONTACT in html
    assert SECRET_NAME in html
    assert respondent.reference not in html
    assert not re.search(r"\bQ\d\b|SPAK|SPKP|IKM|Layanan Paspor", html.split('id="main"')[1])
    assert ValidationDraw.objects.count() == 1


def test_response_rows_are_ordered_by_a_random_key_not_by_time(campaign):
    from .conftest import submit

    refs = [submit(campaign, spak=[5] * 5).response.pk for _ in range(30)]
    assert refs != sorted(refs)  # primary keys carry no arrival order
    assert len({r.submitted_hour for r in Response.objects.all()}) <= 2  # only the hour is kept


def _xmins(table: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table}")  # noqa: S608 (fixed table names)
        return [int(row[0]) for row in cursor.fetchall()]


def test_contacts_are_written_in_shuffled_batches_apart_from_responses(campaign, settings):
    """On PostgreSQL a plain SELECT of xmin linked each contact to its response (issue 8)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from zona.surveys.models import ContactDrop
    from zona.surveys.tasks import sealed_drops_flush

    from .conftest import submit

    settings.ZONA_SURVEY_CONTACT_BATCH = 5
    for i in range(4):
        submit(campaign, spak=[5] * 5, contact=f"0812{i:07d}", contact_name=SECRET_NAME)
    # Waiting for the worker, and sealed: nothing readable sits next to the responses.
    assert Contact.objects.count() == 0
    assert ContactDrop.objects.count() == 4
    dump = serializers.serialize("json", ContactDrop.objects.all())
    assert "0812" not in dump
    assert SECRET_NAME not in dump
    # The request queued no task either: a task row would date the response to the second.
    assert not DBTaskResult.objects.exists()
    sealed_drops_flush.call()  # a run of the worker: fewer than a batch wait, nothing opens
    assert Contact.objects.count() == 0
    submit(campaign, spak=[5] * 5, contact="08120000004")
    assert not DBTaskResult.objects.exists()
    assert sealed_drops_flush.call() == 5
    assert ContactDrop.objects.count() == 0
    assert sorted(Contact.objects.values_list("contact", flat=True)) == [
        f"0812{i:07d}" for i in range(5)
    ]
    if connection.vendor == "postgresql":
        contact_xmins = set(_xmins("surveys_contact"))
        response_xmins = set(_xmins("surveys_response"))
        assert len(contact_xmins) == 1  # one transaction of the worker for the whole batch
        assert not contact_xmins & response_xmins


def test_a_draw_cannot_take_the_whole_pool_and_is_audited(campaign, world, settings):
    from zona.core.errors import ValidationFailed

    from .conftest import submit

    settings.ZONA_SURVEY_DRAW_MAX_SHARE = 0.25
    settings.ZONA_SURVEY_DRAW_MAX = 100
    for i in range(20):
        submit(campaign, spak=[5] * 5, contact=f"0813{i:07d}")
    with pytest.raises(ValidationFailed) as caught:
        validation_draw_create(actor=world["tpi_reviewer"], campaign=campaign, size=20)
    assert caught.value.problems[0].code == "too_large"
    with pytest.raises(ValidationFailed):
        validation_draw_create(actor=world["tpi_reviewer"], campaign=campaign, size=6)
    draw = validation_draw_create(actor=world["tpi_reviewer"], campaign=campaign, size=5)
    assert draw.calls.count() == 5
    settings.ZONA_SURVEY_DRAW_MAX = 3
    with pytest.raises(ValidationFailed):
        validation_draw_create(actor=world["tpi_reviewer"], campaign=campaign, size=4)
    events = AuditEvent.objects.filter(action="survey.validation_drawn")
    assert events.count() == 1
    assert events.get().details["pool_size"] == 20
    assert events.get().details["cap"] == 5


def test_the_worker_keeps_its_own_clock(campaign, settings):
    """With the database backend each run queues the next one, never two at once."""
    from django_tasks_db.models import DBTaskResult

    from zona.surveys.tasks import schedule_sealed_drops_flush, sealed_drops_flush

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ZONA_SURVEY_CONTACT_FLUSH_SECONDS = 300
    assert schedule_sealed_drops_flush() is True
    assert schedule_sealed_drops_flush() is False  # one pending run is enough
    sealed_drops_flush.call()
    pending = DBTaskResult.objects.filter(status="READY")
    assert pending.count() == 1
    assert pending.get().run_after is not None


def test_the_flush_command_opens_waiting_contacts(campaign):
    from django.core.management import call_command

    from .conftest import submit

    for i in range(2):
        submit(campaign, spak=[5] * 5, contact=f"0814{i:07d}")
    out = io.StringIO()
    call_command("survey_contacts_flush", stdout=out)
    assert out.getvalue().strip() == "0"
    assert Contact.objects.count() == 0
    call_command("survey_contacts_flush", "--all", stdout=out)
    assert Contact.objects.count() == 2
