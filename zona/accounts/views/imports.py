"""Bulk import: upload → dry run listing every problem → confirm → one transaction.

Between the dry run and the confirmation the parsed rows wait in the session (plain
strings, checked again on confirm), never as a file on disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts import imports
from zona.accounts.access import (
    Perm,
    units_where,
    units_with_subtree_where,
    visible_review_tiers,
)
from zona.accounts.forms import ImportUploadForm
from zona.accounts.http import AuthedHttpRequest
from zona.accounts.imports.reader import MAX_BYTES
from zona.accounts.services.imports import import_units, import_users
from zona.accounts.views._common import require_perm_anywhere
from zona.core.errors import PermissionDenied, ValidationFailed

SESSION_KEY = "zona_import"
PREVIEW_LIMIT = 200


@dataclass(frozen=True)
class Kind:
    key: str
    perm: Perm
    title: str | Promise
    list_url: str


KINDS = {
    "units": Kind("units", Perm.UNIT_MANAGE, gettext_lazy("Import units"), "accounts:unit_list"),
    "users": Kind(
        "users", Perm.USER_MANAGE, gettext_lazy("Import users and roles"), "accounts:user_list"
    ),
}


def _kind(request: AuthedHttpRequest, key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404
    require_perm_anywhere(request.user, kind.perm)
    return kind


def _validate(request: AuthedHttpRequest, kind: Kind, headers, rows):
    if kind.key == "units":
        return imports.validate_unit_rows(request.user, headers, rows)
    return imports.validate_user_rows(request.user, headers, rows)


def _preview(request, kind: Kind, plan, *, file_name: str, digest: str, status: int = 200):
    if kind.key == "units":
        counts = {
            "create": plan.count(imports.CREATE),
            "update": plan.count(imports.UPDATE),
            "unchanged": plan.count(imports.UNCHANGED),
        }
        changes = [c for c in plan.changes if c.action != imports.UNCHANGED]
        role_counts = None
    else:
        counts = {
            "create": plan.count(imports.CREATE),
            "update": plan.count(imports.UPDATE),
            "unchanged": plan.count(imports.UNCHANGED),
        }
        role_counts = {
            "create": plan.count(imports.CREATE, roles=True),
            "update": plan.count(imports.UPDATE, roles=True),
            "unchanged": plan.count(imports.UNCHANGED, roles=True),
        }
        changes = [c for c in [*plan.accounts, *plan.roles] if c.action != imports.UNCHANGED]
        changes.sort(key=lambda c: c.row.row)
    return render(
        request,
        "accounts/import_preview.html",
        {
            "kind": kind,
            "plan": plan,
            "problems": plan.problems,
            "counts": counts,
            "role_counts": role_counts,
            "changes": changes[:PREVIEW_LIMIT],
            "more_changes": max(0, len(changes) - PREVIEW_LIMIT),
            "file_name": file_name,
            "digest": digest,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    k = _kind(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error(
                "file", ValidationError(_("The file is larger than 10 MB."), code="too_large")
            )
        else:
            content = upload.read()
            digest = hashlib.sha256(content).hexdigest()
            try:
                table = imports.read_table(content, upload.name)
            except ValidationFailed as exc:
                # The reader's code (unreadable_file, unsupported_type) stays on the form error.
                code = exc.problems[0].code if exc.problems else exc.code
                form.add_error("file", ValidationError(exc.message, code=code))
            else:
                plan = _validate(request, k, table.headers, table.rows)
                request.session.pop(SESSION_KEY, None)
                if plan.ok:
                    request.session[SESSION_KEY] = {
                        "kind": k.key,
                        "file": upload.name,
                        "sha256": digest,
                        "headers": table.headers,
                        "rows": [r.as_json() for r in table.rows],
                    }
                return _preview(request, k, plan, file_name=upload.name, digest=digest)
    return render(request, "accounts/import_start.html", {"kind": k, "form": form})


@login_required
@require_POST
def import_confirm(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    k = _kind(request, kind)
    stored = request.session.get(SESSION_KEY)
    if (
        not stored
        or stored.get("kind") != k.key
        or stored.get("sha256") != request.POST.get("sha256")
    ):
        messages.error(request, _("The checked file is no longer waiting; upload it again."))
        return redirect("accounts:import_start", kind=k.key)
    rows = [imports.RawRow.from_json(r) for r in stored["rows"]]
    apply = import_units if k.key == "units" else import_users
    try:
        result = apply(
            actor=request.user, headers=stored["headers"], rows=rows, file_name=stored["file"]
        )
    except (ValidationFailed, PermissionDenied):
        # Something changed since the dry run (another admin, a unit moved): show why.
        request.session.pop(SESSION_KEY, None)
        plan = _validate(request, k, stored["headers"], rows)
        return _preview(
            request, k, plan, file_name=stored["file"], digest=stored["sha256"], status=409
        )
    request.session.pop(SESSION_KEY, None)
    if k.key == "units":
        text = _("Import done: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
    else:
        text = _(
            "Import done: %(created)d accounts created, %(updated)d updated, %(unchanged)d "
            "unchanged; %(roles_created)d roles given, %(roles_updated)d changed."
        )
    messages.success(request, text % result.__dict__)
    return redirect(k.list_url)


@login_required
def import_template(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    k = _kind(request, kind)
    if k.key == "units":
        example = units_with_subtree_where(request.user, Perm.UNIT_MANAGE).order_by("path").first()
        content = imports.units_template(example)
        name = "zona-units-template.xlsx"
    else:
        example = units_where(request.user, Perm.USER_MANAGE).order_by("path").first()
        content = imports.users_template(example, list(visible_review_tiers(request.user)))
        name = "zona-users-template.xlsx"
    response = HttpResponse(content, content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
