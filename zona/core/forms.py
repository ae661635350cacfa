"""Form rendering: every Django form renders with Bootstrap 5 markup.

`{{ form }}` and `{{ field.as_field_group }}` go through the templates named here; the
widgets get their Bootstrap classes from the `zona_widget` tag (zona/core/templatetags),
so forms need no per-field CSS and the Django admin keeps its own look.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class ZonaFormRenderer(DjangoTemplates):
    form_template_name = "zona/forms/form.html"
    field_template_name = "zona/forms/field.html"
