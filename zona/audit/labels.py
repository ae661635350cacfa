"""How audit events read to people: action labels, field names and values in their language.

An action code is `<object>.<verb>` (`unit.created`). Its label is an explicit entry in
ACTION_LABELS, or else composed from OBJECT_LABELS and VERB_LABELS ("Unit" + "created"),
so a new action written by any app still reads as words, never as its code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
    "evidence": gettext_lazy("Evidence"),
    "framework": gettext_lazy("LKE framework"),
    "import": gettext_lazy("Import"),
    "review_tier": gettext_lazy("Review tier"),
    "role": gettext_lazy("Role"),
    "survey": gettext_lazy("Survey"),
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
}

FIELD_LABELS: dict[str, Promise] = {
    "after": gettext_lazy("after"),
    "archived": gettext_lazy("archived"),
    "before": gettext_lazy("before"),
    "bytes": gettext_lazy("size (bytes)"),
    "campaign": gettext_lazy("campaign"),
    "code": gettext_lazy("code"),
    "confirmed": gettext_lazy("confirmed by the unit head"),
    "count": gettext_lazy("count"),
    "counts": gettext_lazy("counts"),
    "covers_subtree": gettext_lazy("covers sub-units"),
    "echelon": gettext_lazy("echelon"),
    "email": gettext_lazy("e-mail"),
    "evidence": gettext_lazy("evidence"),
    "file": gettext_lazy("file"),
    "flags": gettext_lazy("flags"),
    "from": gettext_lazy("from"),
    "to": gettext_lazy("to"),
    "population": gettext_lazy("service users"),
    "full_name": gettext_lazy("full name"),
    "home_unit": gettext_lazy("home unit"),
    "is_active": gettext_lazy("active"),
    "item": gettext_lazy("item"),
    "key": gettext_lazy("key"),
    "items": gettext_lazy("items"),
    "kind": gettext_lazy("kind"),
    "lke_areas": gettext_lazy("LKE areas"),
    "location": gettext_lazy("place"),
    "member": gettext_lazy("member"),
    "mfa_required_for_reviewers": gettext_lazy("two-factor required"),
    "name": gettext_lazy("name"),
    "nip": gettext_lazy("NIP"),
    "outcome": gettext_lazy("outcome"),
    "parent": gettext_lazy("parent unit"),
    "period": gettext_lazy("period"),
    "previous": gettext_lazy("before"),
    "previous_reason": gettext_lazy("previous reason"),
    "rank": gettext_lazy("rank"),
    "reason": gettext_lazy("reason"),
    "region": gettext_lazy("region"),
    "responses": gettext_lazy("responses"),
    "returned_items": gettext_lazy("returned items"),
    "review_tier": gettext_lazy("review tier"),
    "role": gettext_lazy("role"),
    "short_name": gettext_lazy("short name"),
    "size": gettext_lazy("size"),
    "source": gettext_lazy("source"),
    "target": gettext_lazy("target"),
    "tier": gettext_lazy("review tier"),
    "tier_name": gettext_lazy("review tier"),
    "title": gettext_lazy("title"),
    "unit": gettext_lazy("unit"),
    "url": gettext_lazy("link"),
    "username": gettext_lazy("username"),
    "year": gettext_lazy("year"),
}

# Values some fields hold as codes, shown by their label.
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "role": dict(Role.choices),
}

_ABSOLUTE_PATH = re.compile(r"^(?:[A-Za-z]:)?[\\/](?:[^\\/\s]+[\\/])+([^\\/]+)$")


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


def show_value(value: Any, key: str = "") -> str:
    """One value as text: no dict or list syntax, no server paths, codes as labels."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(str(k))}: {show_value(v, str(k))}" for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v, key) for v in value)
    text = str(value)
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
                text = f"{show_value(old, key)} → {show_value(new, key)}"
                rows.append((field_label(key, target_type), text))
    for key, value in details.items():
        if isinstance(value, dict) and set(value) == {"old", "new"}:
            text = f"{show_value(value['old'], key)} → {show_value(value['new'], key)}"
        else:
            text = show_value(value, key)
        rows.append((field_label(key, target_type), text))
    return rows


def _ordered(*dicts: dict[str, Any]) -> Iterable[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        seen.update(dict.fromkeys(d))
    return seen
