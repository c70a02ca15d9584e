from django import forms
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError

from . import formats, kinds, selectors
from .models import Channel


class ChannelForm(forms.ModelForm):
    """Webhook URL and secret are write-only: never rendered back; empty keeps the stored one."""

    webhook_url = forms.CharField(
        label=_("Webhook URL"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("https on the bot's official host. Never shown again after saving."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("DingTalk and Feishu (SEC…). Never shown again after saving."),
    )
    routes = forms.MultipleChoiceField(
        label=_("Notification kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Which notifications and reminders this group receives."),
    )

    class Meta:
        model = Channel
        fields = [
            "name",
            "kind",
            "language",
            "scope",
            "client",
            "department",
            "routes",
            "is_active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["routes"].choices = [(k, str(label)) for k, label in kinds.choices()]
        self.fields["client"].queryset = selectors.clients_for_channels(user)
        if not selectors.manages_agency_channels(user):
            self.fields["scope"].choices = [(Channel.Scope.CLIENT, Channel.Scope.CLIENT.label)]
            self.fields["department"].widget = forms.HiddenInput()
        if self.instance.pk:
            stored = _("A URL is stored (%(hint)s); leave empty to keep it.") % {
                "hint": self.instance.webhook_hint
            }
            self.fields["webhook_url"].help_text = stored
            if self.instance.has_secret:
                self.fields["secret"].help_text = _("A secret is stored; leave empty to keep it.")

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"].strip()
        kind = self.data.get(self.add_prefix("kind")) or self.instance.kind
        if url and kind in formats.OFFICIAL:
            try:
                formats.check_webhook_url(kind, url)
            except DomainError as e:
                raise forms.ValidationError(e.message) from None
        return url
