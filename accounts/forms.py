from django import forms
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.limits import InputLimitsMixin
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
from .team_roles import (
    ERR_OWN_LEAD,
    ROLES_ON_TEAMS,
    check_member_add,
    check_member_change,
    default_team_role,
    team_roles_settable_by,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        widgets = {"since": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the client's name."))
        return name


class ContactForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "their_words": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class PartyForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = Party
        fields = PARTY_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class _TeamRoleRules:
    """Shows the team-role rules of `accounts.team_roles` as form errors.

    The form asks the same check the service runs, so a refusal is a form
    error on the field it is about rather than a message after the post.
    """

    def _limit_team_roles(self, actor, keep=None):
        settable = team_roles_settable_by(actor)
        field = self.fields["team_role"]
        field.choices = [("", "---------")] + [
            (value, label) for value, label in Role.choices if value in settable or value == keep
        ]

    def _run_check(self, check, **kwargs):
        try:
            check(actor=self.actor, **kwargs)
        except DomainError as e:
            field = "is_lead" if e.template == ERR_OWN_LEAD else "team_role"
            self.add_error(field, e.message)


class MembershipAddForm(InputLimitsMixin, _TeamRoleRules, forms.ModelForm):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    class Meta:
        model = TeamMembership
        fields = ("user", *MEMBERSHIP_FIELDS)
        widgets = {"expectations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, client: Client, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.actor = actor
        # Active people whose agency role may be on a team (not finance, not admins).
        self.fields["user"].queryset = User.objects.filter(is_active=True, role__in=ROLES_ON_TEAMS)
        self.fields["team_role"].required = False
        self.fields["team_role"].help_text = _("Leave empty to use the person's agency role.")
        self._limit_team_roles(actor)

    def clean_user(self):
        user = self.cleaned_data["user"]
        if TeamMembership.objects.filter(client=self.client, user=user).exists():
            raise forms.ValidationError(ERR_DUPLICATE_MEMBER)
        return user

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user is not None and "team_role" not in self.errors:
            self._run_check(
                check_member_add,
                user=user,
                team_role=cleaned.get("team_role") or default_team_role(user),
                is_lead=bool(cleaned.get("is_lead")),
            )
        return cleaned


class MembershipForm(InputLimitsMixin, _TeamRoleRules, forms.ModelForm):
    class Meta:
        model = TeamMembership
        fields = MEMBERSHIP_FIELDS
        widgets = {"expectations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        # The current role stays offered, so editing the expectations of a BD works.
        self._limit_team_roles(actor, keep=self.instance.team_role)

    def clean(self):
        cleaned = super().clean()
        if "team_role" not in self.errors:
            # clean() runs before the posted values are copied onto the instance.
            self._run_check(
                check_member_change,
                membership=self.instance,
                team_role=cleaned.get("team_role"),
                is_lead=bool(cleaned.get("is_lead")),
            )
        return cleaned


class CheckInForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = CHECKIN_FIELDS
        widgets = {"date": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}


class LanguageForm(InputLimitsMixin, forms.Form):
    language = forms.ChoiceField(choices=())
    next = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
