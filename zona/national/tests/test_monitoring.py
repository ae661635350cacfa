"""Monitoring of predicates (issue 11 §4): the monitors per kind, rounds coming due (created
once), the monitor's queue with due and overdue rounds, reminders, the round's actions and
its snapshot of the current sheet, and the link to revocation."""

from __future__ import annotations

import datetime as dt

import pytest

from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.core.errors import StateError, ValidationFailed
from zona.national.hooks.predicates import monitoring_windows
from zona.national.models import (
    MonitorAssignment,
    MonitoringRound,
    MonitoringStatus,
    PredicateStatus,
    Revocation,
)
from zona.national.services.monitoring import (
    monitor_assign,
    monitoring_conclude,
    monitoring_link_sheet,
    monitoring_rounds_create,
    monitoring_start,
)
from zona.national.services.predicates import RevocationInput, predicate_revoke
from zona.national.services.register import predicate_grant
from zona.notifications.models import Notification
from zona.notifications.reminders import reminders_send

D = dt.date
TODAY = D(2026, 12, 6)


def grant(world, unit, year, decree, kind="WBK"):
    return predicate_grant(
        actor=world["sysadmin"],
        unit=unit,
        kind=kind,
        year=year,
        decree_number=f"SK/{unit.code}/{year}",
        decree_date=decree,
    )


@pytest.fixture
def monitored(world):
    """WBK monitored by the echelon-I unit with the kanwil reviewer named; three predicates:
    due in four days, overdue by a year, and not due for years."""
    monitor_assign(
        actor=world["agency_admin"],
        agency=world.agency,
        kind="WBK",
        monitor_unit=world.eselon1,
        users=[world["kanwil_reviewer"]],
    )
    return {
        "due": grant(world, world.bandung, 2024, D(2024, 12, 10)),
        "overdue": grant(world, world.bogor, 2023, D(2023, 12, 12)),
        "later": grant(world, world.surabaya, 2026, D(2026, 1, 10)),
    }


def test_due_rounds_are_created_once(world, monitored):
    assert monitoring_rounds_create(today=TODAY) == 2
    assert monitoring_rounds_create(today=TODAY) == 0
    rounds = {r.predicate_id: r for r in MonitoringRound.objects.all()}
    assert rounds[monitored["due"].pk].due_on == D(2026, 12, 10)  # decree + 24 months
    assert rounds[monitored["overdue"].pk].due_on == D(2025, 12, 12)
    assert monitored["later"].pk not in rounds
    assert rounds[monitored["due"].pk].monitor == world.eselon1
    assert rounds[monitored["due"].pk].agency == world.agency
    # The monitor is told once.
    told = Notification.objects.filter(kind="monitoring.round_created")
    assert set(told.values_list("recipient__username", flat=True)) == {"kanwil_reviewer"}
    assert told.count() == 2


def test_the_next_round_comes_a_cycle_after_the_last(world, monitored):
    monitoring_rounds_create(today=TODAY)
    rnd = MonitoringRound.objects.get(predicate=monitored["overdue"])
    monitoring_start(actor=world["kanwil_reviewer"], rnd=rnd)
    monitoring_conclude(
        actor=world["kanwil_reviewer"], rnd=rnd, outcome="maintained", findings="Baik."
    )
    assert monitoring_rounds_create(today=TODAY) == 0  # next due 2027-12-12: not yet
    assert monitoring_rounds_create(today=D(2027, 10, 1)) == 1
    assert MonitoringRound.objects.filter(predicate=monitored["overdue"]).latest(
        "due_on"
    ).due_on == D(2027, 12, 12)


def test_a_revoked_predicate_is_not_monitored(world, monitored):
    predicate_revoke(
        actor=world["tpn"],
        predicate=monitored["due"],
        data=RevocationInput(
            grounds="maladministration",
            source="public_report",
            source_reference="LM/1",
            confirmed_by="Irjen",
            confirmed_on=D(2025, 8, 19),
            decided_on=D(2025, 8, 20),
        ),
    )
    assert monitoring_rounds_create(today=TODAY) == 1


def test_the_monitors_queue_shows_due_and_overdue(world, monitored, client_for):
    monitoring_rounds_create(today=TODAY)
    body = client_for(world["kanwil_reviewer"]).get("/monitoring/").content.decode()
    assert f'data-testid="queue-{world.bogor.code}-WBK" data-state="overdue"' in body
    # Due in four days (or fewer: the suite may run on a later day).
    assert f'data-testid="queue-{world.bandung.code}-WBK" data-state=' in body
    # The TPN sees every open round; someone else nothing.
    assert world.bogor.code in client_for(world["tpn"]).get("/monitoring/").content.decode()
    assert (
        world.bogor.code in client_for(world["agency_admin"]).get("/monitoring/").content.decode()
    )
    other = client_for(world["outsider"]).get("/monitoring/").content.decode()
    assert 'data-testid="queue-empty"' in other
    api = client_for(world["kanwil_reviewer"]).get("/api/v1/monitoring/rounds/").json()
    assert [r["unit_code"] for r in api["results"]] == [world.bogor.code, world.bandung.code]
    assert api["results"][0]["state"] == "overdue"
    assert api["results"][0]["allowed_actions"] == {"start": None}


def test_reminders_go_to_the_monitors(world, monitored):
    monitoring_rounds_create(today=TODAY)
    windows = {w.key: w for w in monitoring_windows(TODAY)}
    assert len(windows) == 2
    window = next(w for w in windows.values() if w.closes_on == D(2026, 12, 10))
    assert [u.username for u in window.recipients] == ["kanwil_reviewer"]
    assert reminders_send(today=D(2026, 12, 7)) >= 1  # 3 days before 2026-12-10
    kinds = set(
        Notification.objects.filter(recipient=world["kanwil_reviewer"]).values_list(
            "kind", flat=True
        )
    )
    assert "reminder.closing" in kinds


def test_a_round_rescores_the_unit_and_concludes(world, monitored, client_for):
    framework = load_mini()
    period = make_period(world.agency, framework, creator=world["agency_admin"])
    sheet = make_assessment(period, world.bogor)
    scores_refresh(sheet)
    monitoring_rounds_create(today=TODAY)
    rnd = MonitoringRound.objects.get(predicate=monitored["overdue"])
    url = f"/monitoring/{rnd.pk}/"
    monitor = client_for(world["kanwil_reviewer"])
    # Someone who sees the unit reads the round but cannot act on it.
    operator = client_for(world["other_operator"])
    assert operator.get(url).status_code == 200
    operator.post(f"{url}start/")
    rnd.refresh_from_db()
    assert rnd.status == MonitoringStatus.SCHEDULED
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["outsider"]).post(f"{url}start/").status_code == 404
    # Linking before the start is refused.
    with pytest.raises(StateError):
        monitoring_link_sheet(actor=world["kanwil_reviewer"], rnd=rnd, assessment_id=sheet.pk)
    assert monitor.post(f"{url}start/").status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == MonitoringStatus.IN_PROGRESS
    # Another unit's sheet is not a choice.
    other_sheet = make_assessment(period, world.bandung)
    with pytest.raises(ValidationFailed):
        monitoring_link_sheet(actor=world["kanwil_reviewer"], rnd=rnd, assessment_id=other_sheet.pk)
    assert monitor.post(f"{url}link/", {"assessment": sheet.pk}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.assessment == sheet
    assert rnd.snapshot["assessment"] == sheet.pk
    assert rnd.snapshot["total"] is not None
    assert set(rnd.snapshot["indices"]) >= {"ipak", "ipkp", "skm_rounds"}
    # Findings are required; nothing changes without them.
    refused = monitor.post(f"{url}conclude/", {"outcome": "warning", "findings": ""})
    assert refused.status_code == 400
    rnd.refresh_from_db()
    assert rnd.status == MonitoringStatus.IN_PROGRESS
    done = monitor.post(
        f"{url}conclude/",
        {"outcome": "recommend_revocation", "findings": "Pungli terbukti.", "follow_up": "-"},
    )
    assert done.status_code == 302
    rnd.refresh_from_db()
    assert (rnd.status, rnd.outcome) == (MonitoringStatus.CONCLUDED, "recommend_revocation")
    page = client_for(world["tpn"]).get(url).content.decode()
    assert 'data-testid="to-revocation"' in page
    assert {
        "monitoring_round.start",
        "monitoring_round.sheet_linked",
        "monitoring_round.conclude",
    } <= set(world.new_events().values_list("action", flat=True))
    # The revocation that follows links the round.
    revoked = predicate_revoke(
        actor=world["tpn"],
        predicate=monitored["overdue"],
        data=RevocationInput(
            grounds="monitoring",
            source="monitoring",
            monitoring_round=rnd,
            confirmed_by="Irjen",
            confirmed_on=TODAY,
            decided_on=TODAY,
        ),
    )
    assert revoked.status == PredicateStatus.REVOKED
    assert Revocation.objects.get(predicate=revoked).monitoring_round == rnd


def test_a_maintained_round_cannot_ground_a_revocation(world, monitored):
    monitoring_rounds_create(today=TODAY)
    rnd = MonitoringRound.objects.get(predicate=monitored["overdue"])
    monitoring_start(actor=world["kanwil_reviewer"], rnd=rnd)
    monitoring_conclude(actor=world["kanwil_reviewer"], rnd=rnd, outcome="maintained", findings="x")
    rnd.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        predicate_revoke(
            actor=world["tpn"],
            predicate=monitored["overdue"],
            data=RevocationInput(
                grounds="monitoring",
                source="monitoring",
                monitoring_round=rnd,
                confirmed_by="Irjen",
                confirmed_on=TODAY,
                decided_on=TODAY,
            ),
        )
    assert {p.code for p in exc.value.problems} == {"round_not_recommending"}


def test_the_api_runs_a_round(world, monitored, client_for):
    monitoring_rounds_create(today=TODAY)
    rnd = MonitoringRound.objects.get(predicate=monitored["overdue"])
    api = client_for(world["kanwil_reviewer"])
    base = f"/api/v1/monitoring/rounds/{rnd.pk}/"
    assert client_for(world["outsider"]).get(base).status_code == 404
    refused = client_for(world["other_operator"]).post(f"{base}start/")
    assert refused.status_code == 409
    assert refused.json()["error"]["problems"][0]["code"] == "not_monitor"
    assert api.post(f"{base}start/").json()["status"] == "in_progress"
    bad = api.post(f"{base}conclude/", {"outcome": "nope", "findings": "x"}, "application/json")
    assert bad.status_code == 409
    done = api.post(
        f"{base}conclude/", {"outcome": "warning", "findings": "Catatan."}, "application/json"
    )
    assert done.json()["outcome"] == "warning"


def test_the_agency_admin_sets_the_monitors(world, client_for):
    url = f"/agencies/{world.agency.pk}/monitors/"
    admin = client_for(world["agency_admin"])
    page = admin.get(url).content.decode()
    assert 'data-testid="monitor-WBBM"' in page
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["unit_head"]).get(url).status_code == 404
    done = admin.post(
        url,
        {
            "kind": "WBBM",
            "wbbm-monitor_unit": str(world.itjen.pk),
            "wbbm-users": [str(world["tpi_reviewer"].pk)],
        },
    )
    assert done.status_code == 302
    a = MonitorAssignment.objects.get(agency=world.agency, kind="WBBM")
    assert a.monitor_unit == world.itjen
    assert list(a.users.values_list("username", flat=True)) == ["tpi_reviewer"]
    # A unit of another agency is refused with nothing changed.
    with pytest.raises(ValidationFailed):
        monitor_assign(
            actor=world["agency_admin"],
            agency=world.agency,
            kind="WBBM",
            monitor_unit=world.other_satker,
        )
    assert (
        MonitorAssignment.objects.get(agency=world.agency, kind="WBBM").monitor_unit == world.itjen
    )
    api = client_for(world["agency_admin"]).put(
        f"/api/v1/national/agencies/{world.agency.pk}/monitors/",
        {"kind": "WBK", "monitor_unit": world.eselon1.pk, "users": ["nobody"]},
        "application/json",
    )
    assert api.status_code == 400
    assert (
        client_for(world["outsider"])
        .get(f"/api/v1/national/agencies/{world.agency.pk}/monitors/")
        .status_code
        == 404
    )


def test_the_daily_run_and_the_command_create_due_rounds(world, monitored, monkeypatch):
    """The worker's daily run creates the rounds (before its reminders); the command does the
    same for cron or a missed day; neither creates a round twice."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from zona.notifications.daily import daily_jobs_run

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    assert daily_jobs_run()["monitoring_rounds"] == 2
    out = StringIO()
    call_command("monitoring_rounds", "--date", TODAY.isoformat(), stdout=out)
    assert "monitoring rounds created: 0" in out.getvalue()
    assert MonitoringRound.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("monitoring_rounds", "--date", "06-12-2026")
