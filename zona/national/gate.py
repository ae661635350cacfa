"""The national tier's layer follows the nomination (issue 11 §3, desk evaluation).

`TpnGate` wraps the review gate registered before it (the workflow's chain): for a national
tier (no agency) the layer is open only while the sheet's nomination is at desk evaluation
and in the TPN's sample (when the agency's nominations are sampled); everything else is the
previous gate's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zona.core.errors import Refusal
from zona.national.models import Nomination, NominationStatus


class TpnGate:
    def __init__(self, previous: Any) -> None:
        self.previous = previous

    def layer_lock(self, assessment: Any, tier: Any, today: Any) -> Refusal | None:
        if tier is None or getattr(tier, "agency_id", None) is not None:
            return self.previous.layer_lock(assessment, tier, today)
        return national_layer_lock(assessment)

    def refusal(self, assessment: Any, action: str, actor: Any) -> Refusal | None:
        return self.previous.refusal(assessment, action, actor)

    def governs(self, assessment: Any) -> bool:
        return bool(self.previous.governs(assessment))

    def returned_by(self, assessment: Any) -> tuple[str, str] | None:
        return self.previous.returned_by(assessment)

    def layer_changed(self, assessment: Any, tier: Any) -> None:
        self.previous.layer_changed(assessment, tier)


def national_layer_lock(assessment: Any) -> Refusal | None:
    """Why the national tier cannot change its layer on this sheet now, or None."""
    nomination = Nomination.objects.filter(assessment_id=assessment.pk).first()
    if nomination is None:
        return Refusal(
            "not_nominated", _("The TPN evaluates a sheet once its unit is nominated to it.")
        )
    if nomination.sampled is False:
        return Refusal(
            "not_sampled",
            _("This nomination is outside the TPN's sample: it goes straight to clearance."),
        )
    if nomination.status != NominationStatus.DESK:
        return Refusal(
            "not_at_desk",
            _(
                "The TPN answers on the sheet during desk evaluation (the nomination is at "
                "“%(stage)s”)."
            )
            % {"stage": nomination.get_status_display()},
        )
    return None
