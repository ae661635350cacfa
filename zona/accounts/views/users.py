from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts import selectors, services
from zona.accounts.access import (
    Perm,
    access_role_assignment_by_id,
    access_user_by_id,
    can_assign_role,
    units_where,
)
from zona.accounts.forms import RoleForm, UserFilterForm, UserForm, add_problems
from zona.accounts.http import AuthedHttpRequest
from zona.accounts.models import User
from zona.accounts.views._common import paginate, require_perm_anywhere
from zona.core.errors import PermissionDenied, ValidationFailed


@login_required
def user_list(request: AuthedHttpRequest) -> HttpResponse:
    require_perm_anywhere(request.user, Perm.USER_MANAGE)
    filters = UserFilterForm(request.GET)
    filters.is_valid()
    data = filters.cleaned_data
    users = selectors.users_for_admin(
        request.user,
        q=data.get("q", "").strip(),
        role=data.get("role", ""),
        active=data.get("active", ""),
    )
    return render(
        request,
        "accounts/user_list.html",
        {"page": paginate(request, users), "filters": filters},
    )


def _units(request: AuthedHttpRequest):
    return units_where(request.user, Perm.USER_MANAGE)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    require_perm_anywhere(request.user, Perm.USER_MANAGE)
    form = UserForm(request.POST or None, actor=request.user, units=_units(request), editing=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                home_unit=data["home_unit"],
                full_name=data["full_name"],
                nip=data["nip"],
                is_active=data["is_active"],
                password=data["password1"] or None,
                send_welcome=True,
            )
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(form, exc, fields={"password": "password1"})
        else:
            messages.success(
                request,
                _("Account %(name)s created. Now give it a role.") % {"name": account.username},
            )
            return redirect("accounts:user_edit", user_id=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


def _render_edit(
    request: AuthedHttpRequest,
    account: User,
    *,
    form: UserForm | None = None,
    role_form: RoleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = UserForm(
            initial={
                "full_name": account.full_name,
                "email": account.email,
                "nip": account.nip,
                "home_unit": account.home_unit,
                "is_active": account.is_active,
            },
            actor=request.user,
            units=_units(request),
            editing=True,
        )
    if role_form is None:
        role_form = RoleForm(actor=request.user, units=_units(request))
    assignments = selectors.role_assignments_of(account)
    rows = [
        (
            a,
            can_assign_role(request.user, a.role, a.unit, covers_subtree=a.covers_subtree),
        )
        for a in assignments
    ]
    return render(
        request,
        "accounts/user_edit.html",
        {"account": account, "form": form, "role_form": role_form, "assignments": rows},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    account = access_user_by_id(request.user, user_id)
    if request.method != "POST":
        return _render_edit(request, account)
    form = UserForm(request.POST, actor=request.user, units=_units(request), editing=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=account,
                email=data["email"],
                home_unit=data["home_unit"],
                full_name=data["full_name"],
                nip=data["nip"],
                is_active=data["is_active"],
                password=data["password1"] or None,
            )
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(form, exc, fields={"password": "password1"})
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_edit", user_id=account.pk)
    return _render_edit(request, account, form=form)


@login_required
@require_POST
def role_add(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    account = access_user_by_id(request.user, user_id)
    role_form = RoleForm(request.POST, actor=request.user, units=_units(request))
    if role_form.is_valid():
        data = role_form.cleaned_data
        try:
            services.role_assign(
                actor=request.user,
                user=account,
                role=data["role"],
                unit=data["unit"],
                covers_subtree=data["covers_subtree"],
                review_tier=data["review_tier"],
                lke_areas=data["lke_areas"],
            )
        except (ValidationFailed, PermissionDenied) as exc:
            add_problems(role_form, exc)
        else:
            messages.success(request, _("Role given."))
            return redirect("accounts:user_edit", user_id=account.pk)
    return _render_edit(request, account, role_form=role_form)


@login_required
@require_POST
def role_revoke(request: AuthedHttpRequest, user_id: int, assignment_id: int) -> HttpResponse:
    account = access_user_by_id(request.user, user_id)
    assignment = access_role_assignment_by_id(request.user, assignment_id, account=account)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except (ValidationFailed, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user_edit", user_id=account.pk)
