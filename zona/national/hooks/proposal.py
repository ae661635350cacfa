"""The proposal part's registrations: its audit actions and its hand-off kinds (called from
NationalConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

KINDS = {
    "proposal.submitted": (
        gettext_lazy("%(agency)s proposed %(count)s units to the TPN"),
        gettext_lazy(
            "%(agency)s submitted its proposal for %(year)s (letter %(number)s): %(units)s. "
            "The nominations wait for the administrative selection."
        ),
    ),
    "proposal.unit_nominated": (
        gettext_lazy("%(unit)s is proposed to the TPN"),
        gettext_lazy(
            "%(agency)s proposed %(unit)s to the TPN for %(year)s. The TPN starts with the "
            "administrative selection."
        ),
    ),
}


def ready() -> None:
    from zona.audit.labels import register_labels
    from zona.notifications.kinds import register_kind

    for code, (subject, body) in KINDS.items():
        register_kind(code, subject=subject, body=body)
    register_labels(
        objects={
            "proposal_policy": gettext_lazy("Who proposes to the TPN"),
            "national_settings": gettext_lazy("National settings"),
        },
        actions={
            "proposal.created": gettext_lazy("Proposal to the TPN drafted"),
            "proposal.updated": gettext_lazy("Proposal to the TPN changed"),
            "proposal.deleted": gettext_lazy("Draft proposal deleted"),
            "proposal.documents_generated": gettext_lazy("Proposal package generated"),
            "proposal.submit": gettext_lazy("Proposal submitted to the TPN"),
            "proposal.withdraw": gettext_lazy("Proposal withdrawn"),
            "proposal_policy.changed": gettext_lazy("Changed who proposes to the TPN"),
            "program_year.saved": gettext_lazy("Program year rules saved"),
            "national_settings.saved": gettext_lazy("National settings saved"),
        },
        fields={
            "letter_number": gettext_lazy("letter number"),
            "letter_date": gettext_lazy("letter date"),
            "signer_name": gettext_lazy("signed by"),
            "proposer": gettext_lazy("who proposes"),
            "proposal_deadline": gettext_lazy("proposal deadline"),
            "appeal_window_days": gettext_lazy("appeal window (days)"),
            "follow_up_days": gettext_lazy("follow-up window (days)"),
            "revocation_block_months": gettext_lazy("block after revocation (months)"),
            "monitoring_cycle_months": gettext_lazy("monitoring cycle (months)"),
            "public_registry": gettext_lazy("public predicate register"),
            "units": gettext_lazy("units"),
            "documents": gettext_lazy("documents"),
        },
    )
