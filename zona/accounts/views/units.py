from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zona.accounts import selectors, services
from zona.accounts.access import (
    Perm,
    access_unit_by_id,
    is_system_admin,
)
from zona.accounts.forms import ServiceTypeFormSet, UnitFilterForm, UnitForm, add_problems
from zona.accounts.http import AuthedHttpRequest
from zona.accounts.models import Unit
from zona.accounts.views._common import paginate, require_perm_anywhere
from zona.core.errors import PermissionDenied, ValidationFailed


@login_required
def unit_list(request: AuthedHttpRequest) -> HttpResponse:
    require_perm_anywhere(request.user, Perm.UNIT_MANAGE)
    under = None
    if request.GET.get("under"):
        under = access_unit_by_id(request.user, request.GET["under"], perm=Perm.UNIT_MANAGE)
    filters = UnitFilterForm(request.GET)
    filters.is_valid()
    data = filters.cleaned_data
    units = selectors.units_for_admin(
        request.user, q=data.get("q", "").strip(), kind=data.get("kind", ""), under=under
    )
    page = paginate(request, units)
    # A search shows units from anywhere in the tree, so each row names its parent instead
    # of being indented under it.
    searching = bool(data.get("q") or data.get("kind"))
    parents = selectors.parents_of(page.object_list) if searching else {}
    base_depth = min((u.depth for u in page.object_list), default=1)
    rows = [
        {
            "unit": u,
            "parent": parents.get(u.pk),
            "indent": 0 if searching else u.depth - base_depth,
        }
        for u in page.object_list
    ]
    return render(
        request,
        "accounts/unit_list.html",
        {
            "page": page,
            "filters": filters,
            "under": under,
            "breadcrumbs": selectors.ancestors_of(under) if under else [],
            "rows": rows,
            "searching": searching,
            "can_add_root": is_system_admin(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthedHttpRequest) -> HttpResponse:
    require_perm_anywhere(request.user, Perm.UNIT_MANAGE)
    initial = {}
    if request.GET.get("parent"):
        parent = access_unit_by_id(request.user, request.GET["parent"], perm=Perm.UNIT_MANAGE)
        initial = {"parent": parent, "kind": "satker"}
    form = UnitForm(
        request.POST or None,
        initial=initial,
        parents=selectors.parent_choices(request.user),
        root_allowed=is_system_admin(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user,
                parent=data["parent"],
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                short_name=data["short_name"],
                echelon=data["echelon"],
                region=data["region"],
                is_active=data["is_active"],
            )
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("accounts:unit_edit", unit_id=unit.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "unit": None})


def _service_initial(unit: Unit) -> list[dict]:
    return [
        {"code": s.code, "name": s.name, "is_active": s.is_active}
        for s in selectors.service_types_of(unit)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit_by_id(request.user, unit_id, for_change=True)
    parent = selectors.parent_of(unit)
    initial = {
        "parent": parent,
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "echelon": unit.echelon,
        "region": unit.region,
        "is_active": unit.is_active,
    }
    parents = selectors.parent_choices(request.user, keep=parent)
    form = UnitForm(
        request.POST or None,
        initial=initial,
        parents=parents,
        root_allowed=unit.is_agency,
    )
    services_formset = ServiceTypeFormSet(
        request.POST or None, initial=_service_initial(unit), prefix="svc"
    )
    if request.method == "POST" and form.is_valid() and services_formset.is_valid():
        data = form.cleaned_data
        items = [
            services.ServiceTypeInput(
                code=f.cleaned_data.get("code", ""),
                name=f.cleaned_data.get("name", ""),
                is_active=f.cleaned_data.get("is_active", False),
            )
            for f in services_formset
            if f.cleaned_data.get("code") or f.cleaned_data.get("name")
        ]
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                parent=data["parent"],
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                short_name=data["short_name"],
                echelon=data["echelon"],
                region=data["region"],
                is_active=data["is_active"],
                service_types=items,
            )
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(form, exc, fields={"service_types": "__all__"})
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:unit_edit", unit_id=unit.pk)
    return render(
        request,
        "accounts/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "services_formset": services_formset,
            "breadcrumbs": selectors.ancestors_of(unit),
        },
    )
