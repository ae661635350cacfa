"""How audit events read to people: action labels, field names and values in their language.

An action code is `<object>.<verb>` (`unit.created`). Its label is an explicit entry in
ACTION_LABELS, or else composed from OBJECT_LABELS and VERB_LABELS ("Unit" + "created"),
so a new action written by any app still reads as words, never as its code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from zona.accounts.models import Role

OBJECT_LABELS: dict[str, Promise] = {
    "account": gettext_lazy("Own account"),
    # "Agency" alone is the unit kind (Lembaga) in accounts' catalogue; here it is the instansi.
    "agency": pgettext_lazy("audit object", "Agency"),
    "assessment": gettext_lazy("Self-assessment"),
    "chain": gettext_lazy("Review chain"),
    "chain_step": gettext_lazy("Chain step"),
    "comment": gettext_lazy("Comment"),
    "desk": gettext_lazy("Desk evaluation"),
    "evidence": gettext_lazy("Evidence"),
    "export": gettext_lazy("Export"),
    "framework": gettext_lazy("LKE framework"),
    "import": gettext_lazy("Import"),
    "koefisien": gettext_lazy("Koefisien"),
    "notifications": gettext_lazy("Notifications"),
    "review_team": gettext_lazy("Review team"),
    "review_tier": gettext_lazy("Review tier"),
    "role": gettext_lazy("Role"),
    "selection_round": gettext_lazy("Selection round"),
    "survey": gettext_lazy("Survey"),
    "tier_review": gettext_lazy("Tier review"),
    "tpi": pgettext_lazy("audit object", "TPI"),
    "tpi_panel": gettext_lazy("TPI panel"),
    "tpi_stage": gettext_lazy("TPI stage"),
    "unit": gettext_lazy("Unit"),
    "user": gettext_lazy("User account"),
}

VERB_LABELS: dict[str, Promise] = {
    "created": gettext_lazy("created"),
    "updated": pgettext_lazy("audit verb", "changed"),
    "deleted": gettext_lazy("deleted"),
    "moved": gettext_lazy("moved"),
    "assigned": gettext_lazy("given"),
    "revoked": gettext_lazy("revoked"),
    "repaired": gettext_lazy("repaired"),
    "submitted": gettext_lazy("submitted"),
    "returned": gettext_lazy("returned"),
    "imported": gettext_lazy("imported"),
    "uploaded": gettext_lazy("uploaded"),
    "revised": gettext_lazy("revised"),
    "copied": gettext_lazy("copied"),
    "added": gettext_lazy("added"),
}

ACTION_LABELS: dict[str, Promise] = {
    "account.email_added": gettext_lazy("New e-mail address requested"),
    "account.email_changed": gettext_lazy("E-mail address changed"),
    "account.email_removed": gettext_lazy("E-mail address removed"),
    "account.password_changed": gettext_lazy("Own password changed"),
    "account.password_reset": gettext_lazy("Password reset through the e-mailed link"),
    "agency.mfa_required_changed": gettext_lazy("Two-factor rule of the agency changed"),
    "assessment.answer_saved": gettext_lazy("Answer saved"),
    "assessment.carried_forward": gettext_lazy("Carried forward from last year"),
    "assessment.evidence_linked": gettext_lazy("Evidence linked"),
    "assessment.import_queued": gettext_lazy("Worksheet import queued"),
    "assessment.imported": gettext_lazy("Worksheet imported"),
    "assessment.period_created": gettext_lazy("Assessment period created"),
    "assessment.period_updated": gettext_lazy("Assessment period changed"),
    # The sheet's transitions (zona/workflow/tables/sheet.py; before issue 10 they were
    # recorded as assessment.submitted / assessment.returned, read by the composed labels).
    "assessment.submit": gettext_lazy("Self-assessment submitted"),
    "assessment.return": gettext_lazy("Self-assessment returned for revision"),
    "assessment.evidence_unlinked": gettext_lazy("Evidence unlinked"),
    "assessment.scores_repaired": gettext_lazy("Stored scores repaired"),
    "assessment.suggestions_accepted": gettext_lazy("Suggestions accepted"),
    "assessment.survey_indices_filled": gettext_lazy("Survey indices taken into the sheet"),
    "assessment.working_group_areas_set": gettext_lazy("Working-group areas set"),
    "evidence.link_added": gettext_lazy("Evidence link added"),
    "framework.created": gettext_lazy("LKE framework loaded"),
    "import.units": gettext_lazy("Units imported"),
    "import.users": gettext_lazy("User accounts imported"),
    "user.password_set": gettext_lazy("Password set by an administrator"),
    "survey.campaign_created": gettext_lazy("Survey campaign created"),
    "survey.campaign_updated": gettext_lazy("Survey campaign changed"),
    "survey.codes_created": gettext_lazy("Respondent codes created"),
    "survey.instrument_loaded": gettext_lazy("Survey instrument loaded"),
    "survey.kiosk_closed": gettext_lazy("Kiosk closed"),
    "survey.kiosk_opened": gettext_lazy("Kiosk opened"),
    "survey.lke_source_pinned": gettext_lazy("Campaign chosen for the LKE"),
    "survey.lke_source_switched": gettext_lazy("Campaign for the LKE switched"),
    "survey.lke_source_unpinned": gettext_lazy("Campaign for the LKE released"),
    "survey.response_excluded": gettext_lazy("Survey response excluded"),
    "survey.response_restored": gettext_lazy("Survey response restored"),
    "survey.results_published": gettext_lazy("Survey results published"),
    "survey.suggestion_approved": gettext_lazy("Suggestion approved"),
    "survey.suggestion_hidden": gettext_lazy("Suggestion hidden"),
    "survey.suggestions_opened": gettext_lazy("Suggestions opened"),
    "survey.validation_call_recorded": gettext_lazy("Validation call recorded"),
    "survey.validation_drawn": gettext_lazy("Validation sample drawn"),
    # The review chain (zona/workflow): comments, desk evaluation, koefisien, selection, TPI.
    # Transitions of zona/workflow/tables/*.py are recorded as "<audit_prefix>.<action>".
    "comment.replied": gettext_lazy("Comment answered"),
    "comment.reopened": gettext_lazy("Comment reopened"),
    "comment.resolved": gettext_lazy("Comment resolved"),
    "desk.assistance.finish": gettext_lazy("Assistance follow-up finished"),
    "desk.assistance.reopen": gettext_lazy("Assistance follow-up reopened"),
    "desk.assistance.start": gettext_lazy("Assistance follow-up started"),
    "desk.assistance_saved": gettext_lazy("Assistance notes saved"),
    "desk.confirmation_answered": gettext_lazy("Confirmation answered by a respondent"),
    "desk.confirmations_created": gettext_lazy("Confirmation links created for the sample"),
    "desk.confirmations_emailed": gettext_lazy("Confirmation links sent by e-mail"),
    "desk.note_saved": gettext_lazy("Interview note saved"),
    "desk.session.cancel": gettext_lazy("Desk-evaluation session cancelled"),
    "desk.session.hold": gettext_lazy("Desk-evaluation session held"),
    "desk.session.replan": gettext_lazy("Desk-evaluation session planned again"),
    "desk.session_created": gettext_lazy("Desk-evaluation session planned"),
    "desk.session_updated": gettext_lazy("Desk-evaluation session changed"),
    "desk.survey_questionnaire_answered": gettext_lazy("Survey validation questionnaire answered"),
    "desk.survey_report_checked": gettext_lazy("Survey report checked"),
    "desk.survey_validation_begun": gettext_lazy("Survey validation begun"),
    "evidence.marked": gettext_lazy("Evidence marked by a reviewer"),
    "export.requested": gettext_lazy("Export requested"),
    "export.retried": gettext_lazy("Export tried again"),
    "framework.replaced": gettext_lazy("LKE framework replaced"),
    "framework.unchanged": gettext_lazy("LKE framework loaded again, unchanged"),
    "koefisien.kind_created": gettext_lazy("Koefisien kind created"),
    "koefisien.kind_updated": gettext_lazy("Koefisien kind changed"),
    "koefisien.kinds_loaded": gettext_lazy("Koefisien kinds loaded"),
    "koefisien.record": gettext_lazy("Koefisien event recorded"),
    "koefisien.withdraw": gettext_lazy("Koefisien event withdrawn"),
    "notifications.preference_saved": gettext_lazy("Notification settings saved"),
    "selection_round.close": gettext_lazy("Selection round closed and applied"),
    "selection_round.confirm": gettext_lazy("Selection round confirmed"),
    "selection_round.create": gettext_lazy("Selection round created"),
    "selection_round.override": gettext_lazy("Selection decision set by hand"),
    "selection_round.override_remove": gettext_lazy("Hand-set selection decision removed"),
    "selection_round.reopen": gettext_lazy("Selection round reopened"),
    "selection_round.update": gettext_lazy("Selection round changed"),
    "survey.results_unpublished": gettext_lazy("Survey results unpublished"),
    "tier_review.close": gettext_lazy("Tier review closed"),
    "tier_review.complete": gettext_lazy("Tier review completed"),
    "tier_review.open": gettext_lazy("Tier review opened"),
    "tier_review.reopen": gettext_lazy("Tier review reopened"),
    "tier_review.resume": gettext_lazy("Tier review resumed"),
    "tier_review.return": gettext_lazy("Sheet returned to the unit by the tier"),
    "tier_review.send_back": gettext_lazy("Sheet sent back to the tier below"),
    "tier_review.sign_off": gettext_lazy("Tier review signed off"),
    "tpi.fact_recorded": gettext_lazy("TPI gate value recorded"),
    "tpi.gate_created": gettext_lazy("TPI gate created"),
    "tpi.gate_overridden": gettext_lazy("TPI gate overridden"),
    "tpi.gate_updated": gettext_lazy("TPI gate changed"),
    "tpi.gates_loaded": gettext_lazy("TPI gates loaded"),
    "tpi.override_withdrawn": gettext_lazy("TPI gate override withdrawn"),
    "tpi.step_marked": gettext_lazy("TPI step of the chain chosen"),
    "tpi_panel.confirm": gettext_lazy("TPI panel minutes confirmed"),
    "tpi_panel.decided": gettext_lazy("TPI panel decision recorded"),
    "tpi_stage.decide": gettext_lazy("TPI decision made"),
    "tpi_stage.return_findings": gettext_lazy("TPI findings returned to the unit"),
    "tpi_stage.skip_findings": gettext_lazy("TPI findings stage closed without findings"),
}

FIELD_LABELS: dict[str, Promise] = {
    "active": gettext_lazy("active"),
    "after": gettext_lazy("after"),
    "archived": gettext_lazy("archived"),
    "area": gettext_lazy("LKE area"),
    "assessment": pgettext_lazy("audit field", "self-assessment"),
    "at": pgettext_lazy("audit field", "time"),
    "before": gettext_lazy("before"),
    "by_tier": gettext_lazy("reopened by tier"),
    "bytes": gettext_lazy("size (bytes)"),
    "campaign": gettext_lazy("campaign"),
    "changed": gettext_lazy("changed fields"),
    "changes": gettext_lazy("changes"),
    "checks": gettext_lazy("report checklist"),
    "code": gettext_lazy("code"),
    "confirmed": gettext_lazy("confirmed by the unit head"),
    "count": gettext_lazy("count"),
    "counts": gettext_lazy("counts"),
    "covers_subtree": gettext_lazy("covers sub-units"),
    "created": gettext_lazy("new record"),
    "decision": gettext_lazy("decision"),
    "draw": gettext_lazy("sample draw"),
    "echelon": gettext_lazy("echelon"),
    "email": gettext_lazy("e-mail"),
    "evidence": gettext_lazy("evidence"),
    "file": gettext_lazy("file"),
    "flags": gettext_lazy("flags"),
    "from": gettext_lazy("from"),
    "from_period": gettext_lazy("copied from period"),
    "full_name": gettext_lazy("full name"),
    "gate": gettext_lazy("gate"),
    "gates": gettext_lazy("gates"),
    "home_unit": gettext_lazy("home unit"),
    "is_active": gettext_lazy("active"),
    "item": gettext_lazy("item"),
    "items": gettext_lazy("items"),
    "justification": gettext_lazy("justification"),
    "key": gettext_lazy("key"),
    "kind": gettext_lazy("kind"),
    "kinds": gettext_lazy("koefisien kinds"),
    "link": gettext_lazy("evidence link"),
    "links": gettext_lazy("links"),
    "lke_areas": gettext_lazy("LKE areas"),
    "location": gettext_lazy("place"),
    "member": gettext_lazy("member"),
    "mfa_required_for_reviewers": gettext_lazy("two-factor required"),
    "mode": gettext_lazy("deduction"),
    "name": gettext_lazy("name"),
    "nip": gettext_lazy("NIP"),
    "note": gettext_lazy("note"),
    "outcome": gettext_lazy("outcome"),
    "panel": gettext_lazy("panel meeting"),
    "parent": gettext_lazy("parent unit"),
    "period": gettext_lazy("period"),
    "population": gettext_lazy("service users"),
    "previous": gettext_lazy("before"),
    "previous_reason": gettext_lazy("previous reason"),
    "propose": gettext_lazy("proposed to the TPN"),
    "rank": gettext_lazy("rank"),
    "reason": gettext_lazy("reason"),
    "region": gettext_lazy("region"),
    "removed": gettext_lazy("removed"),
    "responses": gettext_lazy("responses"),
    "returned_items": gettext_lazy("returned items"),
    "review_tier": gettext_lazy("review tier"),
    "role": gettext_lazy("role"),
    "roles_granted": gettext_lazy("roles given"),
    "seed": gettext_lazy("random seed"),
    "served": gettext_lazy("was served"),
    "sha256": gettext_lazy("SHA-256"),
    "short_name": gettext_lazy("short name"),
    "simulated": gettext_lazy("simulated answer"),
    "size": gettext_lazy("size"),
    "source": gettext_lazy("source"),
    "step": gettext_lazy("step"),
    "steps": gettext_lazy("steps"),
    "target": gettext_lazy("target"),
    "thread": gettext_lazy("comment thread"),
    "tier": gettext_lazy("review tier"),
    "tier_name": gettext_lazy("review tier"),
    "title": gettext_lazy("title"),
    "to": gettext_lazy("to"),
    "to_tier": gettext_lazy("sent back to tier"),
    "took_part": gettext_lazy("took part in the survey"),
    "unit": gettext_lazy("unit"),
    "url": gettext_lazy("link"),
    "username": gettext_lazy("username"),
    "value": gettext_lazy("value"),
    "verdict": gettext_lazy("verdict"),
    "version": gettext_lazy("version"),
    "views": gettext_lazy("stored views"),
    "year": gettext_lazy("year"),
}

# Values some fields hold as codes, shown by their label.
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "role": dict(Role.choices),
}

_ABSOLUTE_PATH = re.compile(r"^(?:[A-Za-z]:)?[\\/](?:[^\\/\s]+[\\/])+([^\\/]+)$")


def register_labels(
    *,
    objects: Mapping[str, Promise] | None = None,
    verbs: Mapping[str, Promise] | None = None,
    actions: Mapping[str, Promise] | None = None,
    fields: Mapping[str, Promise] | None = None,
) -> None:
    """Add an app's labels (called from its `AppConfig.ready()`, so an app above audit keeps
    its own words beside its own actions)."""
    OBJECT_LABELS.update(objects or {})
    VERB_LABELS.update(verbs or {})
    ACTION_LABELS.update(actions or {})
    FIELD_LABELS.update(fields or {})


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    obj, _sep, verb = action.partition(".")
    obj_label = OBJECT_LABELS.get(obj)
    verb_label = VERB_LABELS.get(verb)
    if obj_label is not None and verb_label is not None:
        return _("%(object)s %(verb)s") % {"object": obj_label, "verb": verb_label}
    words = (verb or obj).replace("_", " ")
    return f"{obj_label}: {words}" if obj_label is not None else _humanize(action)


def group_label(prefix: str) -> str:
    obj = prefix.rstrip(".")
    return _("%(object)s: all actions") % {"object": OBJECT_LABELS.get(obj) or _humanize(obj)}


def field_label(key: str, target_type: str = "") -> str:
    """A detail's name: our own label, else the changed model's field name, else the key."""
    label = FIELD_LABELS.get(key)
    if label is None and target_type:
        label = _model_field_name(target_type, key)
    return str(label) if label is not None else key.replace("_", " ").replace(".", " · ")


def _model_field_name(target_type: str, key: str) -> Any:
    # Every app names its fields with translated verbose names; events about its rows (a
    # campaign created, a period changed) read them, so a new field never shows as a code.
    try:
        model = apps.get_model(target_type)
        return model._meta.get_field(key).verbose_name
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return None


def _humanize(code: str) -> str:
    text = code.replace("_", " ").replace(".", " · ").strip()
    return text[:1].upper() + text[1:]


def value_labels(key: str, target_type: str = "") -> Mapping[str, Any] | None:
    """The labels of a detail's coded values: our own, else the changed model's choices.

    A workflow transition records the states it moved between as `from`/`to`: those are
    codes of the model's `status` field ("in_progress" reads "Sedang berjalan").
    """
    labels = VALUE_LABELS.get(key)
    if labels is not None or not target_type:
        return labels
    name = "status" if key in ("from", "to") else key
    try:
        field = apps.get_model(target_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return None
    choices = getattr(field, "flatchoices", None)
    return {str(code): label for code, label in choices} if choices else None


def show_value(
    value: Any, key: str = "", labels: Mapping[str, Any] | None = None, target_type: str = ""
) -> str:
    """One value as text: no dict or list syntax, no server paths, codes as labels.

    Nested keys (a `changes` dict of the changed row's fields) are named, and their codes
    read, as the changed model (`target_type`) names them.
    """
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(str(k), target_type)}: "
            f"{show_value(v, str(k), value_labels(str(k), target_type), target_type)}"
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v, key, labels, target_type) for v in value)
    text = str(value)
    if labels is None:
        labels = VALUE_LABELS.get(key)
    if labels and text in labels:
        return str(labels[text])
    match = _ABSOLUTE_PATH.match(text)
    if match:
        return match.group(1)  # a file on the server: its name only
    return text


def details_rows(details: dict[str, Any] | None, target_type: str = "") -> list[tuple[str, str]]:
    """The event's details as (label, text) rows a person can read.

    `{"old": a, "new": b}` reads "a → b"; a `before`/`after` pair of dicts reads one row per
    field that changed; nested dicts read "field: value; field: value".
    """
    details = dict(details or {})
    rows: list[tuple[str, str]] = []
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        details.pop("before")
        details.pop("after")
        for key in _ordered(before, after):
            old, new = before.get(key), after.get(key)
            if old != new:
                labels = value_labels(key, target_type)
                shown = [show_value(v, key, labels, target_type) for v in (old, new)]
                text = " → ".join(shown)
                rows.append((field_label(key, target_type), text))
    for key, value in details.items():
        labels = value_labels(key, target_type)
        if isinstance(value, dict) and set(value) == {"old", "new"}:
            old, new = value["old"], value["new"]
            shown = [show_value(v, key, labels, target_type) for v in (old, new)]
            text = " → ".join(shown)
        else:
            text = show_value(value, key, labels, target_type)
        rows.append((field_label(key, target_type), text))
    return rows


def _ordered(*dicts: dict[str, Any]) -> Iterable[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        seen.update(dict.fromkeys(d))
    return seen
