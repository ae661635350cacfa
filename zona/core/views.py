from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.generic.base import RedirectView

from zona.accounts.access import units_visible_to
from zona.accounts.selectors import role_assignments_of
from zona.core.http import AuthedHttpRequest


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
    return render(
        request,
        "core/home.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "assignments": role_assignments_of(request.user),
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


class FaviconRedirect(RedirectView):
    """/favicon.ico -> the static SVG icon, permanently.

    The address is worked out per request, not when the URLconf loads: with hashed static
    file names (manifest storage) it is only known once collectstatic has run.
    """

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("zona/favicon.svg")
