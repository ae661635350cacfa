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
    NavItem("core:home", _("Home"), "house"),
    NavItem("assessments:list", _("Self-assessment"), "ui-checks", Perm.ASSESSMENT_VIEW),
    NavItem("assessments:evidence_library", _("Evidence"), "folder2-open", Perm.EVIDENCE_EDIT),
    NavItem("surveys:campaign_list", _("Surveys"), "clipboard-data", Perm.SURVEY_VIEW),
    NavItem("assessments:period_list", _("Periods"), "calendar-range", Perm.PERIOD_MANAGE),
    NavItem("accounts:unit_list", _("Units"), "diagram-3", Perm.UNIT_MANAGE),
    NavItem("accounts:user_list", _("Users"), "people", Perm.USER_MANAGE),
    NavItem("audit:event_list", _("Audit log"), "journal-text", Perm.AUDIT_VIEW),
]


def nav_for(user, current_path: str = "") -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.perm is not None and not has_perm_anywhere(user, item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # The page is not built yet in this version; do not show a dead link.
            continue
        active = (url != "/" and current_path.startswith(url)) or url == current_path
        items.append({"url": url, "label": item.label, "icon": item.icon, "active": active})
    return items
