"""Bootstrap classes for Django widgets, added at render time."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CHOICE_GROUPS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _css_for(widget: forms.Widget) -> str:
    if isinstance(widget, (forms.CheckboxInput, *_CHOICE_GROUPS)):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def zona_widget(field: BoundField) -> SafeString:
    """Render the field's widget with Bootstrap classes and ARIA links to help and errors."""
    widget = field.field.widget
    classes = [widget.attrs.get("class", ""), _css_for(widget)]
    if field.errors:
        classes.append("is-invalid")
    attrs: dict[str, str | bool] = {"class": " ".join(c for c in classes if c)}
    if described := _described_by(field):
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, _CHOICE_GROUPS):
        return _choice_group(field, attrs)
    return field.as_widget(attrs=attrs)


def _choice_group(field: BoundField, attrs: dict[str, str | bool]) -> SafeString:
    widget = field.field.widget
    options = widget.subwidgets(
        field.html_name, field.value(), attrs={"id": field.auto_id, **attrs}
    )
    items = []
    for data in options:
        sub = BoundWidget(widget, data, field.form.renderer)
        items.append((sub.tag(), sub.id_for_label, sub.choice_label))
    css = "form-check form-check-inline" if widget.attrs.get("data-inline") else "form-check"
    return format_html_join(
        "",
        '<div class="' + css + '">{} <label class="form-check-label" for="{}">{}</label></div>',
        items,
    )


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_group(field: BoundField) -> bool:
    return isinstance(field.field.widget, _CHOICE_GROUPS)


@register.simple_tag
def zona_errors(field: BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    return format_html(
        '<div class="invalid-feedback d-block" id="{}_error">{}</div>',
        field.auto_id,
        format_html_join(" ", "{}", ((e,) for e in field.errors)),
    )
