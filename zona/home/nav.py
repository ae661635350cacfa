"""The navigation menu, by role. Each entry names a URL and the permission it needs.

Apps add their entries here; the menu shows an entry when the user holds the permission
on at least one unit (the page itself still checks the unit).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zona.accounts.access import Perm, has_perm_anywhere


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    icon: str
    perm: Perm | None = None


NAV_ITEMS: list[NavItem] = [
    NavItem("home:home", _("Home"), "house"),
    NavItem("assessments:list", _("Self-assessment"), "ui-checks", Perm.ASSESSMENT_VIEW),
    NavItem("workflow:comments_queue", _("Review queue"), "inboxes", Perm.ASSESSMENT_REVIEW),
    NavItem("assessments:evidence_library", _("Evidence"), "folder2-open", Perm.EVIDENCE_EDIT),
    NavItem("insight:exports_list", _("Exports"), "download", Perm.ASSESSMENT_VIEW),
    NavItem("surveys:campaign_list", _("Surveys"), "clipboard-data", Perm.SURVEY_VIEW),
    NavItem("assessments:period_list", _("Periods"), "calendar-range", Perm.PERIOD_MANAGE),
    NavItem("accounts:unit_list", _("Units"), "diagram-3", Perm.UNIT_MANAGE),
    NavItem("accounts:user_list", _("Users"), "people", Perm.USER_MANAGE),
    NavItem("audit:event_list", _("Audit log"), "journal-text", Perm.AUDIT_VIEW),
]


def _matches(url: str, current_path: str) -> bool:
    return url == current_path or (url != "/" and current_path.startswith(url))


def nav_for(user, current_path: str = "") -> list[dict]:
    """The entries the user may open; the active one is the entry whose URL is the longest
    prefix of the current path (the evidence library under /assessments/evidence/ lights up
    "Evidence", not "Self-assessment" at /assessments/)."""
    entries: list[tuple[str, NavItem]] = []
    for item in NAV_ITEMS:
        if item.perm is not None and not has_perm_anywhere(user, item.perm):
            continue
        try:
            entries.append((reverse(item.url_name), item))
        except NoReverseMatch:
            # The page is not built yet in this version; do not show a dead link.
            continue
    matching = [url for url, _item in entries if _matches(url, current_path)]
    active = max(matching, key=len) if matching else None
    return [
        {"url": url, "label": item.label, "icon": item.icon, "active": url == active}
        for url, item in entries
    ]
