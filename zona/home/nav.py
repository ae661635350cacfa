"""The navigation menu, by role. Each entry names a URL and the permission it needs.

Apps add their entries here; the menu shows an entry when the user holds the permission
on at least one unit, or one of the entry's roles (the page itself still checks the unit).
An agency's page (its dashboard, its proposals) is linked for the user's own agency: the
root of the unit of their first assignment with one of the entry's roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zona.accounts.access import Perm, assignments_of, has_perm_anywhere
from zona.accounts.models import Role, Unit


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    icon: str
    perm: Perm | None = None
    # Shown only to holders of one of these roles (and superusers), when given.
    roles: tuple[str, ...] = ()
    # The URL takes the user's agency (see the module's docstring).
    agency: bool = False


_NATIONAL = (Role.SYSTEM_ADMIN, Role.NATIONAL_EVALUATOR)


NAV_ITEMS: list[NavItem] = [
    NavItem("home:home", _("Home"), "house"),
    NavItem("assessments:list", _("Self-assessment"), "ui-checks", Perm.ASSESSMENT_VIEW),
    NavItem("workflow:comments_queue", _("Review queue"), "inboxes", Perm.ASSESSMENT_REVIEW),
    NavItem("national:tpn_queue", _("TPN work queue"), "list-task", roles=_NATIONAL),
    NavItem(
        "national:zi_home",
        _("Declaration & candidacy"),
        "flag",
        roles=(Role.AGENCY_ADMIN, Role.UNIT_HEAD, Role.UNIT_OPERATOR),
    ),
    NavItem(
        "insight:agency_dashboard",
        _("Agency dashboard"),
        "bar-chart-line",
        roles=(Role.AGENCY_ADMIN, Role.VIEWER, Role.REVIEWER),
        agency=True,
    ),
    NavItem(
        "national:proposals",
        _("Proposals to the TPN"),
        "send",
        roles=(Role.AGENCY_ADMIN,),
        agency=True,
    ),
    NavItem(
        "national:monitoring",
        _("Predicate monitoring"),
        "binoculars",
        # Monitors are named per agency and kind (a compliance unit's viewer, a TPI reviewer,
        # a head ...); the page lists only the rounds the user monitors.
        roles=(Role.AGENCY_ADMIN, Role.REVIEWER, Role.UNIT_HEAD, Role.VIEWER, *_NATIONAL),
    ),
    NavItem("insight:national", _("National view"), "globe2", roles=_NATIONAL),
    NavItem("national:predicates", _("Predicate register"), "award", roles=_NATIONAL),
    NavItem("assessments:evidence_library", _("Evidence"), "folder2-open", Perm.EVIDENCE_EDIT),
    NavItem("insight:exports_list", _("Exports"), "download", Perm.ASSESSMENT_VIEW),
    NavItem("surveys:campaign_list", _("Surveys"), "clipboard-data", Perm.SURVEY_VIEW),
    NavItem("assessments:period_list", _("Periods"), "calendar-range", Perm.PERIOD_MANAGE),
    NavItem("accounts:unit_list", _("Units"), "diagram-3", Perm.UNIT_MANAGE),
    NavItem("accounts:user_list", _("Users"), "people", Perm.USER_MANAGE),
    NavItem("audit:event_list", _("Audit log"), "journal-text", Perm.AUDIT_VIEW),
    NavItem("national:settings", _("National settings"), "sliders", roles=(Role.SYSTEM_ADMIN,)),
]


def _holds(user, roles: tuple[str, ...]) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(a.role in roles for a in assignments_of(user))


def _agency_of(user, roles: tuple[str, ...]) -> int | None:
    """The root unit of the user's first assignment with one of `roles` on a unit (one
    query per request at most: kept on the user object like the assignments)."""
    for a in assignments_of(user):
        if a.role in roles and a.unit is not None:
            roots: dict[int, int] = user.__dict__.setdefault("_zona_nav_roots", {})
            if a.unit.pk not in roots:
                root = Unit.objects.only("pk").get(path=a.unit.path[: Unit.steplen])
                roots[a.unit.pk] = root.pk
            return roots[a.unit.pk]
    return None


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
        if item.roles and not _holds(user, item.roles):
            continue
        args: list[int] = []
        if item.agency:
            agency = _agency_of(user, item.roles)
            if agency is None:
                continue
            args = [agency]
        try:
            entries.append((reverse(item.url_name, args=args), item))
        except NoReverseMatch:
            # The page is not built yet in this version; do not show a dead link.
            continue
    matching = [url for url, _item in entries if _matches(url, current_path)]
    active = max(matching, key=len) if matching else None
    return [
        {"url": url, "label": item.label, "icon": item.icon, "active": url == active}
        for url, item in entries
    ]
