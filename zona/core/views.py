from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from zona.accounts.access import assignments_of, units_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    units = units_visible_to(request.user).order_by("path")
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/home.html",
        {
            "page": page,
            "query": query,
            "assignments": assignments_of(request.user),
            "min_depth": min((u.depth for u in page.object_list), default=1),
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
