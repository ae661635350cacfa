"""How the national stage's audit events read (zona.audit.labels): the objects here; each
part adds its own actions from its hooks module."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def register_national_labels() -> None:
    from zona.audit.labels import register_labels

    register_labels(
        objects={
            "candidacy": gettext_lazy("Candidacy"),
            "declaration": gettext_lazy("Declaration (pencanangan)"),
            "nomination": gettext_lazy("Nomination to the TPN"),
            "predicate": gettext_lazy("Predicate"),
            "program_year": gettext_lazy("Program year"),
            "proposal": gettext_lazy("Proposal to the TPN"),
        },
        actions={
            # The workflow event of a first designation (the audit event is "designated").
            "candidacy.designate": gettext_lazy("Unit designated as a candidate"),
            "predicate.granted": gettext_lazy("Predicate recorded in the register"),
        },
        fields={
            "decree_number": gettext_lazy("decree number"),
            "decree_date": gettext_lazy("decree date"),
        },
    )
