from django import forms
from django.utils.translation import gettext_lazy as _

from agency.roles import Role

from .models import CheckIn, Client, Contact, Party, TeamMembership, User
from .services import (
    CHECKIN_FIELDS,
    CLIENT_FIELDS,
    CONTACT_FIELDS,
    ERR_DUPLICATE_MEMBER,
    MEMBERSHIP_FIELDS,
    PARTY_FIELDS,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        widgets = {"since": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the client's name."))
        return name


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "their_words": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = PARTY_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class MembershipAddForm(forms.ModelForm):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    class Meta:
        model = TeamMembership
        fields = ("user", *MEMBERSHIP_FIELDS)
        widgets = {"expectations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["user"].queryset = User.objects.filter(is_active=True).exclude(role=Role.ADMIN)
        self.fields["team_role"].required = False
        self.fields["team_role"].help_text = _("Leave empty to use the person's agency role.")

    def clean_user(self):
        user = self.cleaned_data["user"]
        if TeamMembership.objects.filter(client=self.client, user=user).exists():
            raise forms.ValidationError(ERR_DUPLICATE_MEMBER)
        return user


class MembershipForm(forms.ModelForm):
    class Meta:
        model = TeamMembership
        fields = MEMBERSHIP_FIELDS
        widgets = {"expectations": forms.Textarea(attrs={"rows": 3})}


class CheckInForm(forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = CHECKIN_FIELDS
        widgets = {"date": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=())
    next = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
