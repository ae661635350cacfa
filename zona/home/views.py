from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.generic.base import RedirectView

from zona.accounts.access import Perm, units_visible_to
from zona.accounts.http import AuthedHttpRequest
from zona.accounts.selectors import role_assignments_of
from zona.assessments.access import assessment_tasks_for
from zona.assessments.selectors import assessment_tasks
from zona.insight.national import home_summary
from zona.surveys.selectors import campaigns_for, progress_by_campaign
from zona.workflow.selectors.reviews import waiting_for_user

# The home page lists this many tasks and campaigns; the full lists have their own pages.
HOME_LIST_LIMIT = 20


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    units = units_visible_to(request.user).order_by("path")
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    # Indent by depth below the shallowest unit shown; a search result is a flat list.
    base = min((u.depth for u in page.object_list), default=1)
    rows = [(u, 0 if query else u.depth - base) for u in page.object_list]
    # In a review chain a submitted sheet is a reviewer's task only while their tier holds it.
    sheets = waiting_for_user(request.user, assessment_tasks_for(request.user))
    tasks, task_count = assessment_tasks(request.user, sheets, limit=HOME_LIST_LIMIT)
    today = timezone.localdate()
    # Rounds running today in units where the user runs surveys, soonest closing first.
    campaigns = list(
        campaigns_for(request.user, Perm.SURVEY_MANAGE)
        .filter(opens_on__lte=today, closes_on__gte=today)
        .order_by("closes_on", "unit__path", "pk")[:HOME_LIST_LIMIT]
    )
    progress = progress_by_campaign(c.pk for c in campaigns)
    # Agency and national users see their scope's figures first; their long list of units
    # stays folded under them until they search or page through it.
    summary = home_summary(request.user, today=today)
    campaign_rows = []
    for campaign in campaigns:
        counted, target = progress[campaign.pk]
        percent = min(100, round(100 * counted / target)) if target else 0
        campaign_rows.append(
            {"campaign": campaign, "counted": counted, "target": target, "percent": percent}
        )
    return render(
        request,
        "home/home.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "assignments": role_assignments_of(request.user),
            "tasks": tasks,
            "task_count": task_count,
            "task_total": task_count + len(campaign_rows),
            "campaign_rows": campaign_rows,
            "today": today,
            "summary": summary,
            "units_open": summary is None or bool(query) or "page" in request.GET,
        },
    )


class FaviconRedirect(RedirectView):
    """/favicon.ico -> the static SVG icon, permanently.

    The address is worked out per request, not when the URLconf loads: with hashed static
    file names (manifest storage) it is only known once collectstatic has run.
    """

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("zona/favicon.svg")
