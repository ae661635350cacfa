"""How the agency dashboard's audit events read (zona.audit.labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def register_agency_labels() -> None:
    from zona.audit.labels import register_labels

    register_labels(
        objects={"agency_target": gettext_lazy("Agency target")},
        actions={
            "agency_target.set": gettext_lazy("Agency target set"),
            "agency_target.deleted": gettext_lazy("Agency target removed"),
        },
        fields={"number": gettext_lazy("number")},
    )
