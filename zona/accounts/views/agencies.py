from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts import services
from zona.accounts.access import (
    Perm,
    access_agency_by_id,
    access_review_tier_by_id,
    is_system_admin,
    manageable_agencies,
)
from zona.accounts.forms import AgencySettingsForm, ReviewTierForm, add_problems
from zona.accounts.http import AuthedHttpRequest
from zona.accounts.models import ReviewTier, Unit
from zona.accounts.selectors import national_review_tiers
from zona.accounts.views._common import paginate, require_perm_anywhere
from zona.core.errors import PermissionDenied, ValidationFailed

AGENCY_QUERY_MAX = 100


@login_required
def agency_list(request: AuthedHttpRequest) -> HttpResponse:
    require_perm_anywhere(request.user, Perm.UNIT_MANAGE)
    system_admin = is_system_admin(request.user)
    # A search box by name or code, 50 agencies a page (like the unit and user lists).
    query = request.GET.get("q", "").strip()[:AGENCY_QUERY_MAX]
    agencies = manageable_agencies(request.user)
    if query:
        agencies = agencies.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query)
        )
    page = paginate(request, agencies.order_by("name", "pk"))
    return render(
        request,
        "accounts/agency_list.html",
        {
            "page": page,
            "agencies": page.object_list,
            "query": query,
            "national_tiers": national_review_tiers() if system_admin else None,
            "tier_form": ReviewTierForm() if system_admin else None,
        },
    )


def _render_agency(
    request: AuthedHttpRequest,
    agency: Unit,
    *,
    settings_form: AgencySettingsForm | None = None,
    tier_form: ReviewTierForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "accounts/agency_settings.html",
        {
            "agency": agency,
            "settings_form": settings_form
            or AgencySettingsForm(
                initial={"mfa_required_for_reviewers": agency.mfa_required_for_reviewers}
            ),
            "tiers": agency.review_tiers.order_by("rank"),
            "tier_form": tier_form or ReviewTierForm(),
        },
    )


@login_required
def agency_settings(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    agency = access_agency_by_id(request.user, unit_id)
    return _render_agency(request, agency)


@login_required
@require_POST
def agency_mfa(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    agency = access_agency_by_id(request.user, unit_id)
    form = AgencySettingsForm(request.POST)
    if form.is_valid():
        try:
            services.agency_set_mfa_required(
                actor=request.user,
                agency=agency,
                required=form.cleaned_data["mfa_required_for_reviewers"],
            )
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:agency_settings", unit_id=agency.pk)
    return _render_agency(request, agency, settings_form=form)


@login_required
@require_POST
def tier_create(request: AuthedHttpRequest) -> HttpResponse:
    """Add a tier to an agency (`agency` in the form) or, for system admins, a national one."""
    require_perm_anywhere(request.user, Perm.UNIT_MANAGE)
    agency = None
    if request.POST.get("agency"):
        agency = access_agency_by_id(request.user, request.POST["agency"])
    elif not is_system_admin(request.user):
        raise Http404
    form = ReviewTierForm(request.POST)
    if form.is_valid():
        try:
            services.review_tier_create(actor=request.user, agency=agency, **form.cleaned_data)
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("Review tier added."))
            if agency is None:
                return redirect("accounts:agency_list")
            return redirect("accounts:agency_settings", unit_id=agency.pk)
    if agency is None:
        return render(
            request,
            "accounts/agency_list.html",
            {
                "agencies": manageable_agencies(request.user).order_by("name"),
                "national_tiers": national_review_tiers(),
                "tier_form": form,
            },
        )
    return _render_agency(request, agency, tier_form=form)


def _back(tier: ReviewTier) -> HttpResponse:
    if tier.agency_id is None:
        return redirect("accounts:agency_list")
    return redirect("accounts:agency_settings", unit_id=tier.agency_id)


@login_required
@require_http_methods(["GET", "POST"])
def tier_edit(request: AuthedHttpRequest, tier_id: int) -> HttpResponse:
    tier = access_review_tier_by_id(request.user, tier_id, for_change=True)
    form = ReviewTierForm(
        request.POST or None, initial={"code": tier.code, "name": tier.name, "rank": tier.rank}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_tier_update(actor=request.user, tier=tier, **form.cleaned_data)
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _back(tier)
    return render(request, "accounts/tier_form.html", {"form": form, "tier": tier})


@login_required
@require_POST
def tier_delete(request: AuthedHttpRequest, tier_id: int) -> HttpResponse:
    tier = access_review_tier_by_id(request.user, tier_id, for_change=True)
    try:
        services.review_tier_delete(actor=request.user, tier=tier)
    except (ValidationFailed, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Review tier deleted."))
    return _back(tier)
