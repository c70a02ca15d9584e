from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Client
from agency.limits import InputLimitsMixin
from briefs.uploads import check_image, sniff_any, stored_name

from .models import (
    REHEARSAL_MIN_MINUTES,
    AgendaItem,
    Meeting,
    PresentationRound,
    RoomSetupItem,
    SupportingMaterial,
)
from .selectors import (
    clients_user_may_organise,
    meeting_contacts,
    meeting_invitable_users,
    meeting_people,
    presentation_brief_choices,
    presentation_work_choices,
    round_presenter_choices,
)
from .services import ERR_BRIEF_OTHER_CLIENT, ERR_WORK_NOT_SHOWN

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
DURATION_HELP = _("In minutes.")


class PkMultipleChoiceField(forms.ModelMultipleChoiceField):
    """An id beyond the database's integer range is an invalid choice, not a 500."""

    def _check_values(self, value):
        for pk in value:
            try:
                too_big = abs(int(pk)) > 2**63 - 1
            except (TypeError, ValueError):
                continue  # the parent reports it as an invalid value
            if too_big:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class _MeetingFieldsMixin:
    def _setup(self):
        self.fields["start"].widget = DATETIME_INPUT
        self.fields["start"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["duration_minutes"].validators += [
            MinValueValidator(1),
            MaxValueValidator(24 * 60),
        ]
        self.fields["duration_minutes"].help_text = DURATION_HELP
        self.fields["purpose"].widget = forms.Textarea(attrs={"rows": 2})


class MeetingCreateForm(InputLimitsMixin, _MeetingFieldsMixin, forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Meeting.Kind.CLIENT, Meeting.Kind.CLIENT.label),
            (Meeting.Kind.INTERNAL, Meeting.Kind.INTERNAL.label),
        ],
    )

    class Meta:
        model = Meeting
        fields = ("client", "kind", "title", "purpose", "start", "duration_minutes", "location")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_user_may_organise(user)
        self._setup()

    def clean(self):
        data = super().clean()
        if data.get("kind") == Meeting.Kind.CLIENT and not data.get("client"):
            self.add_error("client", _("A client meeting needs a client."))
        return data


class MeetingEditForm(InputLimitsMixin, _MeetingFieldsMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ("title", "purpose", "start", "duration_minutes", "location")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()


class PresentationCreateForm(InputLimitsMixin, _MeetingFieldsMixin, forms.ModelForm):
    """A presentation and the meeting of its first round.

    The brief and creative-work choices are the chosen client's only (briefs
    the user may see, the latest version of each piece of work): the client
    comes from the posted data, else `initial` (?client=), else the user's
    only client. A hand-made POST with another client's id is a form error.
    """

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    brief = forms.ModelChoiceField(
        label=_("Brief"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": ERR_BRIEF_OTHER_CLIENT},
    )
    creative_work = forms.ModelChoiceField(
        label=_("Creative work shown"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": ERR_WORK_NOT_SHOWN},
    )

    class Meta:
        model = Meeting
        fields = ("title", "purpose", "start", "duration_minutes", "location")

    field_order = ("client", "title", "brief", "creative_work", "purpose", "start")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        clients = clients_user_may_organise(user)
        self.fields["client"].queryset = clients
        client = self._chosen_client(clients)
        if client is not None and not self.is_bound:
            self.initial["client"] = client.pk
        self.fields["brief"].queryset = presentation_brief_choices(user, client)
        self.fields["creative_work"].queryset = presentation_work_choices(user, client)
        if client is None:
            for name in ("brief", "creative_work"):
                self.fields[name].help_text = _("Choose the client first.")
        self._setup()

    def _chosen_client(self, clients):
        key = self.data.get("client") if self.is_bound else self.initial.get("client")
        if key in (None, ""):
            return clients.first() if len(clients[:2]) == 1 else None
        try:
            return clients.filter(pk=int(key)).first()
        except (TypeError, ValueError, OverflowError):
            return None

    def clean(self):
        data = super().clean()
        brief, work = data.get("brief"), data.get("creative_work")
        if work and not brief:
            data["brief"] = brief = work.brief
        if work and brief and work.brief_id != brief.pk:
            self.add_error("creative_work", _("This creative work belongs to another brief."))
        return data


class RehearsalForm(InputLimitsMixin, _MeetingFieldsMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ("start", "duration_minutes", "location", "purpose")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()
        self.fields["purpose"].required = False
        self.fields["duration_minutes"].initial = 60
        self.fields["duration_minutes"].help_text = _("At least %(n)s minutes.") % {
            "n": REHEARSAL_MIN_MINUTES
        }


class AttendeeForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Agency colleague"), queryset=None, required=False)
    contact = forms.ModelChoiceField(label=_("Client contact"), queryset=None, required=False)
    receives_agenda = forms.BooleanField(
        label=_("Send the agenda to this client contact"), required=False, initial=True
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = meeting_invitable_users(meeting)
        self.fields["contact"].queryset = meeting_contacts(meeting)
        if not meeting.client_id:
            del self.fields["contact"]
            del self.fields["receives_agenda"]

    def clean(self):
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("contact")):
            raise forms.ValidationError(_("Choose either an agency colleague or a client contact."))
        return data


class RoomSetupItemForm(forms.ModelForm):
    class Meta:
        model = RoomSetupItem
        fields = ("position", "label", "responsible", "done")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people
        self.fields["position"].required = False
        if self.instance.pk is None:
            self.initial["position"] = None  # a new row without a position goes last


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ("position", "topic", "owner", "minutes")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
        self.fields["position"].required = False
        if self.instance.pk is None:
            self.initial["position"] = None  # a new row without a position goes last
        self.fields["minutes"].validators += [MinValueValidator(1), MaxValueValidator(24 * 60)]


RoomSetupFormSet = forms.modelformset_factory(
    RoomSetupItem, form=RoomSetupItemForm, extra=1, can_delete=True, max_num=50, validate_max=True
)
AgendaFormSet = forms.modelformset_factory(
    AgendaItem, form=AgendaItemForm, extra=1, can_delete=True, max_num=50, validate_max=True
)


class MinutesForm(InputLimitsMixin, forms.Form):
    """Notes per agenda item plus the conclusions."""

    conclusions = forms.CharField(
        label=_("Conclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to close the meeting."),
    )

    def __init__(self, *args, meeting: Meeting, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        self.fields["conclusions"].initial = meeting.conclusions
        for item in agenda:
            self.fields[f"notes_{item.pk}"] = forms.CharField(
                label=f"{item.position}. {item.topic}",
                required=False,
                initial=item.notes,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"notes_{item.pk}", "") for item in self.agenda}


class DecisionForm(InputLimitsMixin, forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))


class ActionItemForm(InputLimitsMixin, forms.Form):
    text = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = meeting_people(meeting)


class StorylineForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = PresentationRound
        fields = ("opening_remarks", "flow", "closing_remarks", "presenters", "decision_makers")
        widgets = {
            "opening_remarks": forms.Textarea(attrs={"rows": 4}),
            "flow": forms.Textarea(attrs={"rows": 5}),
            "closing_remarks": forms.Textarea(attrs={"rows": 4}),
            "presenters": forms.CheckboxSelectMultiple,
            "decision_makers": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "presenters": PkMultipleChoiceField,
            "decision_makers": PkMultipleChoiceField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance.meeting
        self.fields["presenters"].queryset = round_presenter_choices(meeting)
        self.fields["decision_makers"].queryset = meeting_contacts(meeting)


class MaterialForm(forms.ModelForm):
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    class Meta:
        model = SupportingMaterial
        fields = ("kind", "title", "url", "file", "ready")

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if f and hasattr(f, "content_type"):  # a new upload, not the stored file
            f.seek(0)
            kind = sniff_any(f.read(16))
            f.seek(0)
            if kind in ("png", "jpeg", "gif", "webp"):
                check_image(f, f.name)
            # Stored (and later offered) under the DETECTED type's extension.
            f.name = stored_name(f.name, kind)
        return f

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("file"):
            raise forms.ValidationError(_("Give a link or upload a file."))
        return data


class OutcomeForm(InputLimitsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (PresentationRound.Outcome.ACCEPTED, PresentationRound.Outcome.ACCEPTED.label),
            (PresentationRound.Outcome.REVISE, PresentationRound.Outcome.REVISE.label),
            (PresentationRound.Outcome.REJECTED, PresentationRound.Outcome.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    client_feedback = forms.CharField(
        label=_("Client feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the client asks to revise or rejects."),
    )


class NextRoundForm(InputLimitsMixin, _MeetingFieldsMixin, forms.Form):
    failure_cause = forms.ChoiceField(
        label=_("Why did the previous round fail?"),
        choices=[("", "---------"), *PresentationRound.FailureCause.choices],
    )
    failure_note = forms.CharField(
        label=_("Cause in detail"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The hours the re-presentation costs are booked in the timesheet "
            "(activity “Re-presentation”)."
        ),
    )
    start = forms.DateTimeField(label=_("Next presentation starts"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=60)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    purpose = forms.CharField(required=False)  # unused; keeps the mixin simple

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()
        del self.fields["purpose"]


class AgendaSendForm(forms.Form):
    include_contacts = forms.BooleanField(
        label=_("Also send it to the client contacts marked to receive the agenda"),
        required=False,
    )
