"""The evidence library, attaching evidence to items, and the authorised file view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.access import Perm, access_unit_by_id, user_can
from zona.accounts.models import Unit, User
from zona.assessments.access import (
    access_assessment_by_id,
    access_evidence_by_id,
    access_evidence_link_by_id,
    access_evidence_revision_by_id,
    sheet_rights,
    units_for_evidence,
)
from zona.assessments.presenters import SheetView, slug
from zona.assessments.selectors import PREVIEWABLE_TYPES, load_sheet_state
from zona.assessments.selectors.library import (
    evidence_library,
    evidence_to_pick,
    links_of_evidence,
)
from zona.assessments.services import (
    evidence_add_link,
    evidence_add_revision,
    evidence_link,
    evidence_unlink,
    evidence_update,
    evidence_upload,
)
from zona.assessments.sheet import text
from zona.assessments.uploads import ALLOWED_EXTENSIONS, allowed_types_text, max_upload_bytes
from zona.assessments.views._common import (
    AuthedRequest,
    error_text,
    flash_error,
    section_param,
)
from zona.core.errors import ValidationFailed, ZonaError

ACCEPT = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


def _dates(data: Any) -> tuple[dt.date | None, dt.date | None]:
    """Effective and expiry dates from a form; a malformed date is refused, not ignored."""
    values: list[dt.date | None] = []
    for key in ("effective_date", "expires_on"):
        raw = (data.get(key) or "").strip()
        if not raw:
            values.append(None)
            continue
        try:
            parsed = parse_date(raw)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationFailed(_("Give dates as YYYY-MM-DD."))
        values.append(parsed)
    return values[0], values[1]


def _upload_many(user: User, unit: Unit, files: list, data: Any) -> tuple[list, list]:
    """Upload each file on its own: a refused file leaves the others and the library as is."""
    done: list[dict[str, Any]] = []
    refused: list[dict[str, str]] = []
    try:
        effective, expires = _dates(data)
    except ValidationFailed as exc:
        return [], [{"name": "", "message": error_text(exc)}]
    if not files:
        refused.append({"name": "", "message": _("Choose one or more files first.")})
    for upload in files:
        try:
            result = evidence_upload(
                actor=user, unit=unit, file=upload, effective_date=effective, expires_on=expires
            )
        except ZonaError as exc:
            refused.append({"name": upload.name, "message": error_text(exc)})
        else:
            done.append(
                {"name": upload.name, "evidence": result.evidence, "duplicate": result.duplicate}
            )
    return done, refused


# --- library ---------------------------------------------------------------------------------


def _library_unit(request: AuthedRequest) -> tuple[Unit, list[Unit]]:
    choices = list(units_for_evidence(request.user))
    wanted = request.GET.get("unit") or request.POST.get("unit")
    if wanted:
        return access_unit_by_id(request.user, wanted, perm=Perm.ASSESSMENT_VIEW), choices
    if not choices:
        raise Http404
    home = request.user.home_unit_id
    return next((u for u in choices if u.pk == home), choices[0]), choices


@login_required
def library(request: AuthedRequest) -> HttpResponse:
    unit, choices = _library_unit(request)
    can_edit = user_can(request.user, Perm.EVIDENCE_EDIT, unit)
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    archived = request.GET.get("archived") == "1"
    qs = evidence_library(unit, archived=archived, query=query, kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "assessments/library.html",
        {
            "unit": unit,
            "choices": choices,
            "can_edit": can_edit,
            "page": page,
            "query": query,
            "kind": kind,
            "archived": archived,
            "querystring": params.urlencode(),
            "accept": ACCEPT,
            "types": allowed_types_text(),
            "max_bytes": max_upload_bytes(),
        },
    )


def _library_url(unit: Unit) -> str:
    return f"{reverse('assessments:evidence_library')}?unit={unit.pk}"


@login_required
@require_POST
def library_upload(request: AuthedRequest) -> HttpResponse:
    unit = access_unit_by_id(request.user, request.POST.get("unit", ""), perm=Perm.EVIDENCE_EDIT)
    done, refused = _upload_many(request.user, unit, request.FILES.getlist("files"), request.POST)
    new = [d for d in done if not d["duplicate"]]
    if new:
        messages.success(request, _("%(n)d files added to the library.") % {"n": len(new)})
    for d in done:
        if d["duplicate"]:
            messages.info(
                request,
                _("%(name)s is already in the library as “%(title)s”.")
                % {"name": d["name"], "title": d["evidence"].title},
            )
    for r in refused:
        messages.error(request, r["message"])
    return redirect(_library_url(unit))


@login_required
@require_POST
def library_add_link(request: AuthedRequest) -> HttpResponse:
    unit = access_unit_by_id(request.user, request.POST.get("unit", ""), perm=Perm.EVIDENCE_EDIT)
    try:
        effective, expires = _dates(request.POST)
        evidence_add_link(
            actor=request.user,
            unit=unit,
            url=request.POST.get("url", ""),
            title=request.POST.get("title", ""),
            effective_date=effective,
            expires_on=expires,
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The link was added to the library."))
    return redirect(_library_url(unit))


@login_required
@require_http_methods(["GET", "POST"])
def evidence_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = access_evidence_by_id(request.user, pk)
    can_edit = user_can(request.user, Perm.EVIDENCE_EDIT, evidence.unit)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            if request.POST.get("action") == "revision":
                effective, expires = _dates(request.POST)
                evidence_add_revision(
                    actor=request.user,
                    evidence=evidence,
                    file=request.FILES.get("file"),
                    url=request.POST.get("url", ""),
                    effective_date=effective,
                    expires_on=expires,
                )
                messages.success(
                    request, _("The new version was saved; earlier versions are kept.")
                )
            else:
                evidence_update(
                    actor=request.user,
                    evidence=evidence,
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                    archived=request.POST.get("archived") == "1",
                )
                messages.success(request, _("Saved."))
        except ZonaError as exc:
            flash_error(request, exc)
        return redirect("assessments:evidence_detail", pk=pk)
    revisions = list(evidence.revisions.select_related("uploaded_by").order_by("-number"))
    links = links_of_evidence(evidence)
    return render(
        request,
        "assessments/evidence_detail.html",
        {
            "evidence": evidence,
            "revisions": revisions,
            "links": links,
            "can_edit": can_edit,
            "accept": ACCEPT,
            "types": allowed_types_text(),
            "previewable": PREVIEWABLE_TYPES,
        },
    )


# --- files -----------------------------------------------------------------------------------


@csp_exempt()  # type: ignore[arg-type]
@login_required
def evidence_file(request: AuthedRequest, revision_id: int) -> HttpResponseBase:
    """Serve a stored file after the access check; never through a public media URL."""
    revision = access_evidence_revision_by_id(request.user, revision_id)
    if not revision.file:
        raise Http404
    try:
        handle = default_storage.open(revision.file.name or "", "rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = revision.content_type in PREVIEWABLE_TYPES and request.GET.get("download") != "1"
    response = FileResponse(
        handle,
        content_type=revision.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=revision.original_name or "evidence",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    # The file is shown on its own, never as a page that could run scripts of ours.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        if revision.content_type == "application/pdf"
        else "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; sandbox"
    )
    return response


@login_required
def evidence_preview(request: AuthedRequest, revision_id: int) -> HttpResponse:
    revision = access_evidence_revision_by_id(request.user, revision_id)
    if revision.content_type not in PREVIEWABLE_TYPES:
        raise Http404
    return render(request, "assessments/_preview.html", {"revision": revision})


# --- attaching evidence to an item -----------------------------------------------------------


def _dialog(
    request: AuthedRequest,
    pk: int,
    code: str,
    extra: dict[str, Any] | None = None,
    *,
    oob: bool = False,
) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    view = SheetView.build(load_sheet_state(assessment), sheet_rights(request.user, assessment))
    item = view.state.spec.items.get(code)
    if item is None:
        raise Http404
    card = view.item_card(item)
    current = section_param(
        view.state.spec.sections, request.POST.get("s") or request.GET.get("s"), item.section
    )
    context = {
        "assessment": assessment,
        "card": card,
        "code": code,
        "question": text(item.question),
        "accept": ACCEPT,
        "types": allowed_types_text(),
        "max_bytes": max_upload_bytes(),
        "oob": oob,
        "current": current,
        "nav": view.nav(current),
        "panel": view.panel(),
        **(extra or {}),
    }
    return render(request, "assessments/_evidence_dialog.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_evidence(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """The "add evidence" dialog: upload files, add a link or pick from the library."""
    if request.method == "GET":
        return _dialog(request, pk, code)
    assessment = access_assessment_by_id(request.user, pk)
    action = request.POST.get("action", "upload")
    done: list[dict[str, Any]] = []
    refused: list[dict[str, str]] = []
    if action == "upload":
        uploaded, refused = _upload_many(
            request.user, assessment.unit, request.FILES.getlist("files"), request.POST
        )
        for entry in uploaded:
            try:
                evidence_link(
                    actor=request.user,
                    assessment=assessment,
                    item_code=code,
                    evidence=entry["evidence"],
                )
            except ZonaError as exc:
                refused.append({"name": entry["name"], "message": error_text(exc)})
            else:
                done.append(entry)
    else:
        try:
            if action == "url":
                effective, expires = _dates(request.POST)
                evidence = evidence_add_link(
                    actor=request.user,
                    unit=assessment.unit,
                    url=request.POST.get("url", ""),
                    title=request.POST.get("title", ""),
                    effective_date=effective,
                    expires_on=expires,
                )
            else:
                evidence = access_evidence_by_id(
                    request.user, request.POST.get("evidence"), perm=Perm.EVIDENCE_EDIT
                )
            evidence_link(
                actor=request.user, assessment=assessment, item_code=code, evidence=evidence
            )
        except ZonaError as exc:
            refused.append({"name": "", "message": error_text(exc)})
        else:
            done.append({"name": evidence.title, "evidence": evidence, "duplicate": False})
    return _dialog(
        request, pk, code, {"done": done, "refused": refused, "action": action}, oob=True
    )


@login_required
def evidence_picker(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    query = request.GET.get("q", "").strip()
    qs = evidence_to_pick(assessment, code, query)
    return render(
        request,
        "assessments/_evidence_picker.html",
        {"assessment": assessment, "code": code, "items": qs[:40], "query": query},
    )


@login_required
@require_POST
def unlink(request: AuthedRequest, pk: int, link_id: int) -> HttpResponse:
    link = access_evidence_link_by_id(request.user, pk, link_id)
    assessment = link.assessment
    error = ""
    try:
        evidence_unlink(actor=request.user, assessment=assessment, link_id=link.pk)
    except ZonaError as exc:
        error = error_text(exc)
    view = SheetView.build(load_sheet_state(assessment), sheet_rights(request.user, assessment))
    item = view.state.spec.items.get(link.item_code)
    if item is None:
        raise Http404
    current = section_param(view.state.spec.sections, request.POST.get("s"), item.section)
    return render(
        request,
        "assessments/_unlink_response.html",
        {
            "assessment": assessment,
            "card": view.item_card(item),
            "error": error,
            "nav": view.nav(current),
            "panel": view.panel(),
            "current": current,
            "slug": slug(item.code),
        },
    )
