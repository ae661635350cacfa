from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zona.notifications.models import Delivery


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("E-mail"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Language of notifications"),
        choices=settings.LANGUAGES,
        help_text=_("Inbox entries and e-mails are written in this language."),
    )
