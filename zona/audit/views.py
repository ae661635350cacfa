from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zona.accounts.access import (
    AnyUser,
    Perm,
    has_perm_anywhere,
    units_where,
)
from zona.accounts.forms import UnitCodeField
from zona.accounts.http import AuthedHttpRequest
from zona.accounts.models import Unit
from zona.audit.labels import ACTION_LABELS, OBJECT_LABELS, action_label, group_label
from zona.audit.models import AuditEvent
from zona.audit.selectors import audit_actions_seen, audit_events_for


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=pgettext_lazy("audit log", "Action"), required=False)
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
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = action_choices(user)


def action_choices(user: AnyUser) -> list:
    """Actions by name, grouped by what they act on; each group can be taken whole."""
    seen = audit_actions_seen(user)
    codes = seen | set(ACTION_LABELS)
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(code.partition(".")[0], []).append(code)
    choices: list = [("", _("All actions"))]
    for obj in sorted(groups, key=lambda o: group_label(o).lower()):
        options = [(f"{obj}.", group_label(obj))]
        options += sorted(((c, action_label(c)) for c in groups[obj]), key=lambda o: o[1])
        choices.append((str(OBJECT_LABELS.get(obj) or group_label(obj)), options))
    return choices


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
    events: list[AuditEvent] | QuerySet[AuditEvent] = (
        [] if form.errors else audit_events_for(request.user, **filters)
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})
