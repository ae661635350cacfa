"""Staff forms. They only parse input; rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Case, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zona.accounts.models import Unit
from zona.surveys.models import CallOutcome, Campaign, InstrumentVersion
from zona.surveys.selectors import instrument_versions_for
from zona.surveys.services import MAX_BATCH, MAX_DRAW, CampaignFields

_TEXT = {"class": "form-control"}
_CHECK = {"class": "form-check-input"}


class VersionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InstrumentVersion) -> str:
        return f"{obj.abbreviation} · {obj.title(get_language() or 'id')} (v{obj.version})"


class CampaignForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(_TEXT)
    )
    period_label = forms.CharField(
        label=_("Period"),
        max_length=64,
        help_text=_("For example Semester I, Triwulan III or Tahunan."),
        widget=forms.TextInput(_TEXT),
    )
    # <input type="date"> only understands ISO dates, whatever the page's language.
    opens_on = forms.DateField(
        label=_("Opens on"), widget=forms.DateInput({**_TEXT, "type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput({**_TEXT, "type": "date"}, format="%Y-%m-%d")
    )
    instruments = VersionChoiceField(
        label=_("Instruments on the form"),
        queryset=InstrumentVersion.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=_CHECK),
        help_text=_("Several instruments share one public form, so respondents answer once."),
    )
    sample_method = forms.ChoiceField(
        label=_("Sample size method"),
        choices=Campaign.Method.choices,
        widget=forms.Select({"class": "form-select"}),
    )
    margin = forms.DecimalField(
        label=_("Margin of error"),
        min_value=Decimal("0.01"),
        max_value=Decimal("0.20"),
        decimal_places=3,
        initial=Decimal("0.05"),
        widget=forms.NumberInput({**_TEXT, "step": "0.01"}),
    )
    requires_code = forms.BooleanField(
        label=_("Require a one-time code (printed for service counters)"),
        required=False,
        widget=forms.CheckboxInput(_CHECK),
    )
    feeds_lke = forms.BooleanField(
        label=_("This round's IPAK and IPKP fill the LKE of its year"),
        required=False,
        widget=forms.CheckboxInput(_CHECK),
    )
    is_test = forms.BooleanField(
        label=_("Test round (never feeds the LKE nor counts as an SKM round)"),
        required=False,
        widget=forms.CheckboxInput(_CHECK),
    )
    asks_profile = forms.BooleanField(
        label=_("Ask the respondent profile (age group, sex, education, occupation; optional)"),
        required=False,
        widget=forms.CheckboxInput(_CHECK),
    )
    collects_suggestions = forms.BooleanField(
        label=_("Collect written suggestions (read by managers and reviewers, never published)"),
        required=False,
        widget=forms.CheckboxInput(_CHECK),
    )

    def __init__(self, *args: Any, unit: Unit, campaign: Campaign | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.unit = unit
        available = {v.pk for v in instrument_versions_for(unit)}
        if campaign is not None:
            available |= {v.pk for v in campaign.ordered_versions()}
        form_order = Case(
            *(When(instrument__key=key, then=Value(i)) for key, i in _ORDER.items()),
            default=Value(len(_ORDER)),
        )
        self.fields["instruments"].queryset = (  # type: ignore[attr-defined]
            InstrumentVersion.objects.filter(pk__in=available)
            .select_related("instrument")
            .order_by(form_order, "instrument__key", "-version")
        )
        self.service_fields: list[tuple[str, Any]] = []
        populations = {}
        if campaign is not None:
            populations = {s.service_type_id: s.population for s in campaign.services.all()}
        for service in unit.service_types.filter(is_active=True).order_by("name"):
            name = f"population_{service.pk}"
            self.fields[name] = forms.IntegerField(
                label=service.name,
                required=False,
                min_value=0,
                initial=populations.get(service.pk),
                widget=forms.NumberInput({**_TEXT, "inputmode": "numeric", "min": "0"}),
            )
            self.service_fields.append((name, service))
        if campaign is not None and not self.is_bound:
            self.initial.update(
                {
                    "year": campaign.year,
                    "period_label": campaign.period_label,
                    "opens_on": campaign.opens_on,
                    "closes_on": campaign.closes_on,
                    "instruments": [v.pk for v in campaign.ordered_versions()],
                    "sample_method": campaign.sample_method,
                    "margin": campaign.margin.normalize(),
                    "requires_code": campaign.requires_code,
                    "feeds_lke": campaign.feeds_lke,
                    "is_test": campaign.is_test,
                    "asks_profile": campaign.asks_profile,
                    "collects_suggestions": campaign.collects_suggestions,
                }
            )

    def service_rows(self) -> list[tuple[forms.BoundField, Any]]:
        return [(self[name], service) for name, service in self.service_fields]

    def campaign_fields(self) -> CampaignFields:
        data = self.cleaned_data
        versions = sorted(data["instruments"], key=lambda v: _ORDER.get(v.instrument.key, 9))
        return CampaignFields(
            year=data["year"],
            period_label=data["period_label"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            instrument_versions=versions,
            populations={
                service.pk: data[name] for name, service in self.service_fields if data.get(name)
            },
            sample_method=data["sample_method"],
            margin=data["margin"],
            requires_code=data["requires_code"],
            feeds_lke=data["feeds_lke"],
            is_test=data["is_test"],
            asks_profile=data["asks_profile"],
            collects_suggestions=data["collects_suggestions"],
        )


# Form order: the short anti-corruption questions first, satisfaction last.
_ORDER = {"spak": 0, "spkp": 1, "skm": 2}


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput({**_TEXT, "class": "form-control form-control-sm"}),
    )


class DrawForm(forms.Form):
    size = forms.IntegerField(
        label=_("Contacts to draw"),
        min_value=1,
        max_value=MAX_DRAW,
        initial=10,
        widget=forms.NumberInput(_TEXT),
    )
    seed = forms.IntegerField(
        label=_("Seed (leave empty for a new random one)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(_TEXT),
    )


class KioskForm(forms.Form):
    name = forms.CharField(label=_("Device name"), max_length=80, widget=forms.TextInput(_TEXT))
    location = forms.CharField(
        label=_("Where it stands"),
        max_length=160,
        help_text=_("e.g. Passport counter, ground floor"),
        widget=forms.TextInput(_TEXT),
    )


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in CallOutcome.choices if c[0] != CallOutcome.PENDING],
        widget=forms.Select({"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.TextInput({**_TEXT, "class": "form-control form-control-sm"}),
    )


class CodeBatchForm(forms.Form):
    size = forms.IntegerField(
        label=_("Number of codes"),
        min_value=1,
        max_value=MAX_BATCH,
        initial=100,
        widget=forms.NumberInput(_TEXT),
    )
    label = forms.CharField(
        label=_("Label (e.g. the counter)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(_TEXT),
    )


class InstrumentUploadForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Unit.objects.none(),
        widget=forms.Select({"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("Instrument file (YAML)"), widget=forms.ClearableFileInput(_TEXT)
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
