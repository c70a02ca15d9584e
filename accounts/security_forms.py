from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(CodeForm):
    recovery = forms.BooleanField(label=_("This is a recovery code"), required=False)
