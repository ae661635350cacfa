from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zona.accounts.access import AnyUser, Perm, has_perm_anywhere, units_where
from zona.accounts.forms import UnitCodeField
from zona.accounts.models import Unit
from zona.audit.models import AuditEvent
from zona.audit.selectors import audit_events_for
from zona.core.http import AuthedHttpRequest


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=pgettext_lazy("audit log", "Action"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. role.")}),
    )
    actor = forms.CharField(label=_("Actor"), required=False)
    unit = UnitCodeField(Unit.objects.none(), label=_("Unit and its sub-units"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user: AnyUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitCodeField(
            units_where(user, Perm.AUDIT_VIEW),
            label=_("Unit and its sub-units"),
            required=False,
            help_text="",
            empty_label=_("All units"),
        )


@login_required
def event_list(request: AuthedHttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.AUDIT_VIEW):
        raise Http404
    form = AuditFilterForm(request.GET or None, user=request.user)
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "action": data["action"].strip(),
            "actor": data["actor"].strip(),
            "unit": data["unit"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    # An invalid filter (e.g. a unit outside the scope) shows nothing rather than everything.
    events = AuditEvent.objects.none() if form.errors else audit_events_for(request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})
