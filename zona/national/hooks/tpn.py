"""The TPN part's hooks, called from NationalConfig.ready(): the national tier's layer
follows the nomination (gate.py), national evaluators cover nominated units (the accounts
port), the stages' audit labels and the hand-offs' texts."""

from __future__ import annotations

from typing import cast

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


def ready() -> None:
    from zona.accounts.access import register_national_scope
    from zona.assessments.ports import register_review_gate, review_gate
    from zona.audit.labels import register_labels
    from zona.national.gate import TpnGate
    from zona.national.selectors.tpn import NominatedUnits
    from zona.national.tables.nomination import NOMINATION
    from zona.notifications.kinds import register_kind

    if not isinstance(review_gate(), TpnGate):
        register_review_gate(TpnGate(review_gate()))
    register_national_scope(NominatedUnits())
    register_labels(
        objects={
            "follow_up": gettext_lazy("Follow-up"),
            "sampling_plan": gettext_lazy("Sampling plan"),
        },
        actions={
            **{
                f"nomination.{a}": cast(Promise, t.label) for a, t in NOMINATION.transitions.items()
            },
            "nomination.follow_up_uploaded": gettext_lazy("Follow-up document sent to the TPN"),
            "nomination.follow_up_accepted": gettext_lazy("Follow-up document accepted by the TPN"),
            "nomination.field_scheduled": gettext_lazy("Field evaluation scheduled"),
            "nomination.field_recorded": gettext_lazy("Field evaluation findings recorded"),
            "nomination.clearance_recorded": gettext_lazy("Clearance recorded"),
            "nomination.sampling_set": gettext_lazy("TPN sample drawn"),
        },
        fields={
            "held_on": gettext_lazy("date"),
            "members": gettext_lazy("members"),
            "due_on": gettext_lazy("deadline"),
            "follow_up": gettext_lazy("follow-up"),
            "scheduled_on": gettext_lazy("date of the evaluation"),
            "evaluation_mode": gettext_lazy("mode of the evaluation"),
            "body": gettext_lazy("from"),
            "result": gettext_lazy("result"),
            "issued_on": gettext_lazy("date"),
            "reference": gettext_lazy("reference"),
            "sampled": gettext_lazy("in the sample"),
            "not_sampled": gettext_lazy("outside the sample"),
        },
    )
    register_kind(
        "nomination.stage",
        subject=gettext_lazy("%(unit)s: the TPN's stage changed"),
        body=gettext_lazy(
            "The nomination of %(unit)s (%(year)s) to the TPN moved on. Open it to see the "
            "stage and what it needs. %(note)s"
        ),
    )
    register_kind(
        "nomination.appealed",
        subject=gettext_lazy("%(unit)s appealed the administrative selection"),
        body=gettext_lazy(
            "The agency appealed the failed administrative selection of %(unit)s (%(year)s). "
            "The TPN decides on the appeal."
        ),
    )
    register_kind(
        "nomination.follow_up_sent",
        subject=gettext_lazy("%(unit)s sent a follow-up document"),
        body=gettext_lazy(
            "%(unit)s (%(year)s) sent a document the administrative selection asked for. "
            "The TPN checks and accepts it."
        ),
    )
