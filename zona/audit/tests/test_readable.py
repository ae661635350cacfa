"""The audit log speaks to people (issue 8, §7): action labels in their language, details
without dict syntax or server paths, filters by name rather than internal codes."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from zona.audit.labels import action_label, details_rows
from zona.audit.services import audit_record


def record(world, action, unit=None, **details):
    with transaction.atomic():
        return audit_record(
            actor=world["agency_admin"],
            action=action,
            target=unit or world.bandung,
            unit=unit or world.bandung,
            details=details,
        )


def test_actions_read_as_words_in_indonesian(world, client):
    record(world, "review_tier.created", code="tpm")
    record(world, "survey.kiosk_opened")
    record(world, "unit.moved")  # composed from object and verb
    client.force_login(world["agency_admin"])
    html = client.get(reverse("audit:event_list")).content.decode()
    assert "Tingkat penilaian dibuat" in html
    assert "Kios dibuka" in html
    assert "Unit kerja dipindahkan" in html
    assert "<code>review_tier.created</code>" not in html


def test_every_action_any_app_writes_has_words():
    # Unknown codes never show raw: at least the object is named.
    assert action_label("role.assigned") != "role.assigned"
    assert "_" not in action_label("survey.something_new")
    assert action_label("x.y") == "X · y"


def test_details_have_no_dict_dumps_or_server_paths(world, client):
    record(
        world,
        "survey.campaign_updated",
        before={"name": "SKM 2026", "target": 300},
        after={"name": "SKM 2026 Semester 1", "target": 300},
    )
    record(world, "survey.instrument_loaded", file="/srv/zona/surveys/skm.yaml", key="skm")
    record(world, "role.assigned", role="unit_operator", lke_areas=["1", "2"], covers_subtree=True)
    record(world, "assessment.submitted", counts={"unanswered": 2, "without_evidence": 0})
    client.force_login(world["agency_admin"])
    html = client.get(reverse("audit:event_list")).content.decode()
    assert "SKM 2026 → SKM 2026 Semester 1" in html
    assert "skm.yaml" in html
    assert "/srv/zona" not in html
    assert "Operator unit" in html
    assert "unit_operator" not in html
    assert "{" not in html.split('data-testid="audit-table"')[1]
    assert "&#x27;" not in html
    assert "['" not in html


def test_details_rows_only_show_what_changed():
    rows = details_rows({"before": {"a": 1, "b": 2}, "after": {"a": 1, "b": 3}})
    assert rows == [("b", "2 → 3")]


def test_filter_actions_by_name(world, client):
    record(world, "unit.updated")
    record(world, "role.assigned")
    client.force_login(world["agency_admin"])
    response = client.get(reverse("audit:event_list"))
    html = response.content.decode()
    assert '<select name="action"' in html
    assert ">Unit kerja: semua tindakan<" in html
    assert ">Peran diberikan<" in html
    response = client.get(reverse("audit:event_list"), {"action": "role.assigned"})
    page = response.context["page"]
    assert {e.action for e in page} == {"role.assigned"}
    assert [e.action for e in page if e.pk > world.audit_mark] == ["role.assigned"]
    # A made-up code is an error, not a raw text search.
    response = client.get(reverse("audit:event_list"), {"action": "rol"})
    assert response.context["form"].errors


@pytest.mark.parametrize("typed", ["Satker Bandung", "satker bandung"])
def test_filter_unit_by_name(world, client, typed, settings):
    from zona.accounts import forms as account_forms

    record(world, "unit.updated")
    record(world, "unit.updated", unit=world.bogor)
    client.force_login(world["agency_admin"])
    old = account_forms.SELECT_LIMIT
    account_forms.SELECT_LIMIT = 0  # many units: the filter is typed
    try:
        response = client.get(reverse("audit:event_list"), {"unit": typed})
    finally:
        account_forms.SELECT_LIMIT = old
    assert not response.context["form"].errors
    page = response.context["page"]
    assert {e.unit for e in page} == {world.bandung}
    assert [e.unit for e in page if e.pk > world.audit_mark] == [world.bandung]


def test_fields_we_have_no_label_for_take_the_changed_models_field_name(world, client):
    # A campaign event names the campaign's fields as the campaign form does, in Indonesian,
    # and nested values read as words too: never `opens_on` or `is_test`.
    from zona.surveys.models import Campaign

    with transaction.atomic():
        audit_record(
            actor=world["agency_admin"],
            action="survey.campaign_created",
            target=Campaign(pk=1, unit=world.bandung),
            unit=world.bandung,
            details={"opens_on": "2026-10-15", "services": {"ITAS": {"population": 800}}},
        )
    client.force_login(world["agency_admin"])
    html = client.get(reverse("audit:event_list")).content.decode()
    assert "opens on" not in html
    assert "opens_on" not in html
    assert "population" not in html
    assert details_rows({"opens_on": "x"}, "surveys.campaign")[0][0] == "dibuka tanggal"
    with translation.override("en"):
        assert details_rows({"opens_on": "x"}, "surveys.campaign")[0][0] == "opens on"
