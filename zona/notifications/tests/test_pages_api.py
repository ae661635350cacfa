"""The inbox, the preferences page, the API and the navbar badge: each user sees their own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zona.audit.models import AuditEvent
from zona.notifications.models import Delivery, Notification, NotificationPreference
from zona.notifications.services import notify

pytestmark = pytest.mark.django_db


def _entry(user, unit="Bandung", url="/assessments/1/") -> Notification:
    [entry] = notify(recipients=[user], kind="test.returned", params={"unit": unit}, url=url)
    return entry


def test_the_inbox_lists_my_entries_unread_first(world, client_for):
    me = world["operator"]
    old = _entry(me, "Lama")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    _entry(me, "Baru")
    _entry(world["other_operator"], "Bogor")
    response = client_for(me).get(reverse("notifications:inbox"))
    assert response.status_code == 200
    subjects = [e.subject for e in response.context["entries"]]
    assert subjects == ["Sheet of Baru returned", "Sheet of Lama returned"]
    assert "Bogor" not in response.content.decode()
    unread = client_for(me).get(reverse("notifications:inbox") + "?unread=1")
    assert [e.subject for e in unread.context["entries"]] == ["Sheet of Baru returned"]


def test_opening_marks_read_and_goes_to_the_subject(world, client_for):
    entry = _entry(world["operator"])
    client = client_for(world["operator"])
    assert client.get(reverse("notifications:open", args=[entry.pk])).status_code == 405
    response = client.post(reverse("notifications:open", args=[entry.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/assessments/1/"
    entry.refresh_from_db()
    assert entry.read_at is not None


def test_another_users_entry_is_not_found(world, client_for):
    entry = _entry(world["operator"])
    other = client_for(world["other_operator"])
    for name in ("notifications:open", "notifications:mark_read"):
        assert other.post(reverse(name, args=[entry.pk])).status_code == 404
    assert other.post(reverse("notifications:mark_read", args=[10**20])).status_code == 404
    other.post(reverse("notifications:mark_all_read"))
    api = client_for(world["other_operator"])
    assert api.post(f"/api/v1/notifications/{entry.pk}/read/").status_code == 404
    assert api.get("/api/v1/notifications/").json()["results"] == []
    entry.refresh_from_db()
    assert entry.read_at is None


def test_mark_one_and_all_read(world, client_for):
    me = world["operator"]
    first, _second, _third = _entry(me, "A"), _entry(me, "B"), _entry(me, "C")
    client = client_for(me)
    client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 2
    client.post(reverse("notifications:mark_all_read"))
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0


def test_the_api_lists_and_marks_my_own(world, client_for):
    me = world["operator"]
    NotificationPreference.objects.create(user=me, language="en")
    entry = _entry(me)
    api = client_for(me)
    data = api.get("/api/v1/notifications/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert (row["id"], row["subject"], row["is_read"]) == (
        entry.pk,
        "Sheet of Bandung returned",
        False,
    )
    assert api.post(f"/api/v1/notifications/{entry.pk}/read/").json()["is_read"] is True
    assert api.get("/api/v1/notifications/?unread=1").json()["count"] == 0
    _entry(me, "B")
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_preferences_through_the_api(world, client_for):
    api = client_for(world["operator"])
    url = "/api/v1/notifications/preferences/"
    assert api.get(url).json() == {"delivery": "each", "language": "id"}
    response = api.put(
        url, {"delivery": "digest", "language": "en"}, content_type="application/json"
    )
    assert response.json() == {"delivery": "digest", "language": "en"}
    bad = api.put(url, {"delivery": "weekly", "language": "fr"}, content_type="application/json")
    assert bad.status_code == 400
    pref = NotificationPreference.objects.get(user=world["operator"])
    assert (pref.delivery, pref.language) == ("digest", "en")
    # Another user's preference is their own, untouched by mine.
    assert client_for(world["other_operator"]).get(url).json()["delivery"] == "each"


def test_the_preferences_page_saves_and_audits(world, client_for):
    client = client_for(world["operator"])
    page = reverse("notifications:preferences")
    assert client.get(page).status_code == 200
    response = client.post(page, {"delivery": "none", "language": "en"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world["operator"])
    assert (pref.delivery, pref.language) == (Delivery.NONE, "en")
    event = AuditEvent.objects.get(action="notifications.preference_saved")
    assert event.actor == world["operator"]
    bad = client.post(page, {"delivery": "hourly", "language": "en"})
    assert bad.status_code == 200
    assert bad.context["form"].errors
    pref.refresh_from_db()
    assert pref.delivery == Delivery.NONE


def test_the_badge_costs_one_query_per_request(world):
    me = world["operator"]
    _entry(me, "A")
    _entry(me, "B")
    request = RequestFactory().get("/")
    request.user = me
    template = Template("{% load notifications %}{% unread_badge %}{% unread_badge %}")
    with CaptureQueriesContext(connection) as ctx:
        html = template.render(Context({"request": request}))
    assert len(ctx.captured_queries) == 1
    assert html.count('data-testid="unread-count">2<') == 2


def test_the_navbar_shows_the_unread_count(world, client_for):
    _entry(world["operator"])
    html = client_for(world["operator"]).get(reverse("home:home")).content.decode()
    assert 'data-testid="inbox-badge"' in html
    assert 'data-testid="unread-count">1<' in html
    html = client_for(world["other_operator"]).get(reverse("home:home")).content.decode()
    assert 'data-testid="inbox-badge"' in html
    assert "unread-count" not in html
