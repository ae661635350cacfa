"""Forms of the administration pages. They only parse input; services apply the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zona.accounts.access import AnyUser, assignable_roles, is_system_admin, visible_review_tiers
from zona.accounts.areas import lke_areas
from zona.accounts.models import ReviewTier, Role, Unit, UnitKind
from zona.core.errors import ZonaError

# Above this many units a drop-down gets unwieldy (and heavy on a phone); admins type the code.
SELECT_LIMIT = 300


def add_problems(form: forms.Form, exc: ZonaError, *, fields: dict[str, str] | None = None) -> None:
    """Show a service's problems on the form, each on its field where the form has it.

    Each error keeps the problem's code (`form.errors.as_data()`), so tests and templates can
    tell refusals apart without reading their wording.
    """
    fields = fields or {}
    if not exc.problems:
        form.add_error(None, ValidationError(exc.message, code=exc.code))
        return
    for problem in exc.problems:
        name = fields.get(problem.field, problem.field)
        error = ValidationError(problem.message, code=problem.code)
        form.add_error(name if name in form.fields else None, error)


class UnitCodeField(forms.ModelChoiceField):
    """A unit within a queryset, picked from a list or typed as its code when there are many."""

    default_error_messages = {
        "invalid_choice": _("No unit with this code in your scope."),
    }

    def __init__(self, queryset: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "—")
        super().__init__(queryset=queryset.order_by("path"), to_field_name="code", **kwargs)
        if queryset.count() > SELECT_LIMIT:
            self.widget = forms.TextInput(
                attrs={"placeholder": _("Unit code or name, e.g. KC-BDG")}
            )
            self.help_text = self.help_text or _("Type the unit's code or its full name.")

    def to_python(self, value: Any) -> Unit | None:
        typed = value.strip() if isinstance(value, str) else ""
        try:
            return super().to_python(typed.upper() if isinstance(value, str) else value)
        except ValidationError:
            # People know their units by name: a name that matches one unit is as good.
            if typed and self.queryset is not None:
                named = list(self.queryset.filter(name__iexact=typed)[:2])
                if len(named) == 1:
                    return named[0]
            raise

    def label_from_instance(self, obj: Unit) -> str:
        indent = "\u2003" * max(0, obj.depth - 1)
        return f"{indent}{obj.name} ({obj.code})"


class TierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReviewTier) -> str:
        owner = (obj.agency.short_name or obj.agency.name) if obj.agency else _("national")
        return f"{obj.name} · {owner}"


ECHELON_CHOICES = [("", "—")] + [(str(i), str(i)) for i in range(1, 6)]


class UnitForm(forms.Form):
    parent = UnitCodeField(Unit.objects.none(), label=_("Parent unit"), required=False)
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("Unique, e.g. KC-BDG. Letters, digits, dots, dashes."),
    )
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=64, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    echelon = forms.TypedChoiceField(
        label=_("Echelon level"),
        choices=ECHELON_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    region = forms.CharField(
        label=_("Region"),
        max_length=128,
        required=False,
        help_text=_("City or regency where the unit serves."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, parents: QuerySet[Unit], root_allowed: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitCodeField(
            parents,
            label=_("Parent unit"),
            required=not root_allowed,
            empty_label=_("(none: a new agency)") if root_allowed else "—",
        )


class ServiceTypeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64, required=False)
    name = forms.CharField(label=_("Service"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


ServiceTypeFormSet = forms.formset_factory(ServiceTypeForm, extra=2)


class UserForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _; cannot be changed later."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=255, required=False)
    email = forms.EmailField(label=_("E-mail"))
    nip = forms.CharField(label=_("NIP"), max_length=32, required=False)
    home_unit = UnitCodeField(Unit.objects.none(), label=_("Home unit"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    password1 = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Optional. Leave empty and the person sets a password with “Forgot password?”."
        ),
    )
    password2 = forms.CharField(
        label=_("Initial password (again)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(
        self, *args: Any, actor: AnyUser, units: QuerySet[Unit], editing: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_unit"] = UnitCodeField(
            units, label=_("Home unit"), required=not is_system_admin(actor)
        )
        if editing:
            del self.fields["username"]
            self.fields["password1"].label = pgettext_lazy("account form", "New password")
            self.fields["password1"].help_text = _("Leave empty to keep the current password.")
            self.fields["password2"].label = _("New password (again)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1", "") != data.get("password2", ""):
            self.add_error("password2", _("The two passwords differ."))
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    unit = UnitCodeField(Unit.objects.none(), label=_("Unit"), required=False)
    covers_subtree = forms.BooleanField(label=_("Also covers its sub-units"), required=False)
    review_tier = TierChoiceField(
        ReviewTier.objects.none(),
        empty_label="—",
        label=_("Review tier"),
        required=False,
        help_text=_("Reviewers only: the layer they review in."),
    )
    lke_areas = forms.MultipleChoiceField(
        label=_("LKE areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        # The loaded frameworks' areas, set per form: they are data, not code.
        choices=[],
        help_text=_("Working-group members only: the areas they fill in."),
    )

    def __init__(self, *args: Any, actor: AnyUser, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = assignable_roles(actor)
        self.fields["role"].choices = [("", "—")] + [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]
        self.fields["lke_areas"].choices = [(a.key, a.title) for a in lke_areas()]  # type: ignore[attr-defined]
        self.fields["unit"] = UnitCodeField(
            units,
            label=_("Unit"),
            required=False,
            help_text=_("Empty only for a system administrator or a national evaluator (TPN).")
            if Role.SYSTEM_ADMIN in roles
            else "",
        )
        tier_field = self.fields["review_tier"]
        assert isinstance(tier_field, TierChoiceField)
        tier_field.queryset = visible_review_tiers(actor).order_by("agency__path", "rank")


class ReviewTierForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("Lower case, e.g. kanwil, tpi.")
    )
    name = forms.CharField(label=_("Name"), max_length=128)
    rank = forms.IntegerField(
        label=_("Rank"),
        min_value=1,
        max_value=1000,
        help_text=_(
            "Higher ranks review later; their answers win in the effective score. "
            "Agency tiers rank below the national tiers."
        ),
    )


class AgencySettingsForm(forms.Form):
    mfa_required_for_reviewers = forms.BooleanField(
        label=_("Reviewers and administrators must use two-factor authentication"),
        required=False,
        help_text=_(
            "Reviewers and administrators of this agency without an authenticator app are "
            "sent to set one up before they can open any page."
        ),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV (.csv), at most 10 MB, with the template's columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *UnitKind.choices]
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))],
    )
