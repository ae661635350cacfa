"""The predicates part's hooks (called from NationalConfig.ready()): its audit labels, the
hand-off kinds it sends, and its reminder windows (open monitoring rounds by their due
date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy

from zona.notifications.reminders import Window


def monitoring_windows(today: dt.date) -> Iterator[Window]:
    """Open monitoring rounds (scheduled or in progress), due on their `due_on`, for the
    monitors of their kind in their agency. Three queries for the whole run."""
    from zona.national.models import MonitorAssignment, MonitoringRound, MonitoringStatus
    from zona.national.selectors.predicates import monitor_people

    rounds = list(
        MonitoringRound.objects.exclude(status=MonitoringStatus.CONCLUDED).select_related(
            "predicate__unit"
        )
    )
    if not rounds:
        return
    assignments = {
        (a.agency_id, a.kind): a
        for a in MonitorAssignment.objects.filter(
            agency_id__in={r.agency_id for r in rounds}
        ).select_related("team")
    }
    people = monitor_people(assignments.values())
    for rnd in rounds:
        assignment = assignments.get((rnd.agency_id, rnd.predicate.kind))
        if assignment is None:
            continue
        recipients = list(people.get(assignment.pk, {}).values())
        if not recipients:
            continue
        p = rnd.predicate
        yield Window(
            key=f"monitoring:{rnd.pk}",
            recipients=recipients,
            closes_on=rnd.due_on,
            title=f"{p.kind} {p.year}, {p.unit.name}",
            url=reverse("national:monitoring_round", args=[rnd.pk]),
        )


def _monitoring_rounds() -> int:
    from zona.national.services.monitoring import monitoring_rounds_create

    return monitoring_rounds_create()


def ready() -> None:
    from zona.notifications.daily import register_daily_job

    register_daily_job("monitoring_rounds", _monitoring_rounds)
    from zona.audit.labels import register_labels
    from zona.notifications.kinds import register_kind
    from zona.notifications.reminders import register_window_source

    register_labels(
        objects={
            "monitoring_round": gettext_lazy("Monitoring round"),
            "monitor": gettext_lazy("Monitor of predicates"),
            "revocation": gettext_lazy("Revocation"),
        },
        actions={
            "predicate.revoke": gettext_lazy("Predicate revoked"),
            "monitor.assigned": gettext_lazy("Monitor of predicates set"),
            "monitoring_round.created": gettext_lazy("Monitoring round scheduled"),
            "monitoring_round.start": gettext_lazy("Monitoring round started"),
            "monitoring_round.sheet_linked": gettext_lazy("Sheet linked to the monitoring round"),
            "monitoring_round.conclude": gettext_lazy("Monitoring round concluded"),
        },
        fields={
            "grounds": gettext_lazy("grounds"),
            "decided_on": gettext_lazy("decision date"),
            "blocked_until": gettext_lazy("blocked until"),
            "monitor_unit": gettext_lazy("monitoring unit"),
        },
    )
    register_kind(
        "monitoring.round_created",
        subject=gettext_lazy("Monitoring of %(kind)s %(year)s due: %(unit)s"),
        body=gettext_lazy(
            "A monitoring round of the %(kind)s predicate of %(unit)s (%(year)s) is due on "
            "%(due_on)s. Start it, link the unit's current sheet and record the findings."
        ),
    )
    register_kind(
        "predicate.revoked",
        subject=gettext_lazy("%(kind)s predicate of %(unit)s revoked"),
        body=gettext_lazy(
            "The %(kind)s predicate of %(unit)s (%(year)s) has been revoked. The unit cannot "
            "be proposed again before %(blocked_until)s."
        ),
    )
    register_window_source(monitoring_windows)
