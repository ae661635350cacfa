"""Staff pages of survey instruments, and the upload of an agency's own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zona.accounts.access import Perm, has_perm_anywhere, units_where
from zona.core.errors import ZonaError
from zona.surveys.access import (
    access_instrument_version_by_id,
    instrument_versions_visible_to,
)
from zona.surveys.forms import (
    InstrumentUploadForm,
)
from zona.surveys.services import (
    instrument_load_texts,
)
from zona.surveys.views.common import page_language

# --- instruments --------------------------------------------------------------------------


def _upload_agencies(user: Any):
    return units_where(user, Perm.SURVEY_MANAGE).filter(depth=1).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def instrument_list(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.SURVEY_VIEW):
        raise Http404
    agencies = _upload_agencies(request.user)
    form = InstrumentUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST":
        if not agencies.exists():
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read(1_000_000).decode("utf-8")
                results = instrument_load_texts(
                    texts=[(upload.name, text)],
                    agency=form.cleaned_data["agency"],
                    actor=request.user,
                )
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except ZonaError as exc:
                for problem in exc.problems or []:
                    form.add_error(None, f"{problem.field}: {problem.message}")
                if not exc.problems:
                    form.add_error(None, exc.message)
            else:
                result = results[0]
                if result.status == "created":
                    messages.success(
                        request, _("%(name)s was loaded.") % {"name": result.instrument_version}
                    )
                else:
                    messages.info(
                        request,
                        _("%(name)s was already loaded with the same content.")
                        % {"name": result.instrument_version},
                    )
                return redirect("surveys:instruments")
    versions = instrument_versions_visible_to(request.user)
    return render(
        request,
        "surveys/instruments.html",
        {
            "versions": versions,
            "form": form if agencies.exists() else None,
            "lang": page_language(),
        },
    )


@login_required
def instrument_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = access_instrument_version_by_id(request.user, version_id)
    lang = page_language()
    doc = version.doc
    items = [
        {
            "code": item.code,
            "text": item.text.get(lang),
            "labels": [label.get(lang) for label in doc.point_labels(item)],
        }
        for item in doc.items
    ]
    return render(
        request,
        "surveys/instrument_detail.html",
        {
            "version": version,
            "doc": doc,
            "items": items,
            "title": version.title(lang),
            "lang": lang,
        },
    )
