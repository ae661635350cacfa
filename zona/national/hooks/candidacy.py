"""The candidacy part's hooks: its audit labels and its hand-off kinds (a unit told it was
designated a candidate, or that the designation was withdrawn)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def ready() -> None:
    from zona.audit.labels import register_labels
    from zona.notifications.kinds import register_kind

    register_labels(
        objects={
            "integrity_pact": gettext_lazy("Integrity pact"),
            "eligibility_criterion": gettext_lazy("Eligibility criterion"),
            "eligibility_answer": gettext_lazy("Eligibility answer"),
        },
        actions={
            "declaration.recorded": gettext_lazy("Declaration (pencanangan) recorded"),
            "declaration.updated": gettext_lazy("Declaration (pencanangan) corrected"),
            "integrity_pact.roster_imported": gettext_lazy("Staff roster imported"),
            "integrity_pact.signed": gettext_lazy("Integrity pact recorded as signed"),
            "integrity_pact.unsigned": gettext_lazy("Integrity pact recorded as not signed"),
            "eligibility_criterion.started": gettext_lazy(
                "Eligibility checklist started from the defaults"
            ),
            "eligibility_criterion.created": gettext_lazy("Eligibility criterion added"),
            "eligibility_criterion.updated": gettext_lazy("Eligibility criterion changed"),
            "eligibility_answer.saved": gettext_lazy("Eligibility answered"),
            "candidacy.designated": gettext_lazy("Unit designated as a candidate"),
            "candidacy.withdraw": gettext_lazy("Candidate designation withdrawn"),
            "candidacy.redesignate": gettext_lazy("Unit designated as a candidate again"),
        },
        fields={
            "declared_on": gettext_lazy("date of the declaration"),
            "signer_name": gettext_lazy("signed by"),
            "signer_nip": gettext_lazy("NIP"),
            "signer_position": gettext_lazy("signer's position"),
            "signer_echelon": gettext_lazy("signer's echelon"),
            "signed_on": gettext_lazy("signed on"),
            "left": gettext_lazy("left the roster"),
            "left_signed": gettext_lazy("left the roster with a signed pact"),
            "criterion": gettext_lazy("criterion"),
            "criteria": gettext_lazy("criteria"),
            "target": gettext_lazy("target predicate"),
            "previous_target": gettext_lazy("previous target"),
        },
    )
    register_kind(
        "candidacy.designated",
        subject=gettext_lazy("%(unit)s is a candidate for %(target)s %(year)s"),
        body=gettext_lazy(
            "%(unit)s was designated a candidate unit for %(year)s, aiming at %(target)s."
        ),
    )
    register_kind(
        "candidacy.withdrawn",
        subject=gettext_lazy("%(unit)s is no longer a candidate for %(year)s"),
        body=gettext_lazy(
            "The designation of %(unit)s as a candidate for %(year)s was withdrawn. "
            "Reason: %(reason)s"
        ),
    )
