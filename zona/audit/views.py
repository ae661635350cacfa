from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from zona.accounts.access import Perm, has_perm_anywhere, units_where
from zona.audit.selectors import audit_events_for


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_where(user, Perm.AUDIT_VIEW).order_by("path")  # type: ignore[attr-defined]


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.AUDIT_VIEW):
        raise Http404
    form = AuditFilterForm(request.GET or None, user=request.user)
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "action": data["action"],
            "actor": data["actor"],
            "unit_id": data["unit"].pk if data["unit"] else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = audit_events_for(request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
    )
