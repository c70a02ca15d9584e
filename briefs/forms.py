from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client
from accounts.selectors import team_members
from agency.limits import InputLimitsMixin
from agency.roles import ACCOUNT_SERVICE, CREATIVES

from .models import CHECKLIST_FIELDS, Brief, Escalation, JobStage, JobStageTemplate, Judgment
from .services import BRIEF_FIELDS, ERR_AGREED_IN_FUTURE, ERR_STRATEGY_NOT_APPROVED
from .uploads import validate_upload

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ERR_REASON_CODE = _("Choose the reason for a “no”.")
ERR_REASON_TEXT = _("Explain the “no”.")


def _textareas(*names, rows=3):
    return {n: forms.Textarea(attrs={"rows": rows}) for n in names}


class BriefForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = Brief
        fields = BRIEF_FIELDS
        widgets = {
            "deadline": DATE_INPUT,
            **_textareas(
                "client_problem",
                "marketing_problem",
                "communication_problem",
                "target_audience",
                "support",
                "mandatories",
                "deliverables",
            ),
        }

    def __init__(self, *args, client: Client | None, **kwargs):
        super().__init__(*args, **kwargs)
        from plans.selectors import approved_strategies_for

        field = self.fields["strategy"]
        field.queryset = approved_strategies_for(client) if client else field.queryset.none()
        field.help_text = _("Only strategies of the client's approved account plan.")


class BriefCreateForm(BriefForm):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())

    class Meta(BriefForm.Meta):
        fields = ("client", *BRIEF_FIELDS)

    def __init__(self, *args, user, client=None, **kwargs):
        super().__init__(*args, client=client, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(
            memberships__user=user, memberships__team_role__in=list(ACCOUNT_SERVICE)
        ).exclude(status=Client.Status.LOST)
        if client is None:
            # The client is chosen on this form: offer the approved strategies
            # of all of them; the service checks the one chosen fits the client.
            from plans.models import Strategy

            self.fields["strategy"].queryset = Strategy.objects.filter(
                plan__status="approved", plan__client__in=self.fields["client"].queryset
            ).select_related("plan", "plan__client")
        else:
            self.fields["client"].initial = client.pk
            self.fields["client"].disabled = True
            self.fields["client"].queryset = Client.objects.filter(pk=client.pk)

    def clean(self):
        """The strategy must come from the CHOSEN client's approved plan (the
        list offers those of all the user's clients until one is chosen)."""
        data = super().clean()
        client, strategy = data.get("client"), data.get("strategy")
        if client is not None and strategy is not None:
            from plans.selectors import approved_strategies_for

            if not approved_strategies_for(client).filter(pk=strategy.pk).exists():
                self.add_error("strategy", ERR_STRATEGY_NOT_APPROVED)
        return data


class ReasonForm(InputLimitsMixin, forms.Form):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(InputLimitsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CreativeReviewForm(InputLimitsMixin, forms.Form):
    agree = forms.TypedChoiceField(
        label=_("Do you agree with the strategy?"),
        choices=[("yes", _("Agree")), ("no", _("Object"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (required to object)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("agree") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Give your reasons for objecting."))
        return data


class AgreementForm(InputLimitsMixin, forms.Form):
    contact = forms.ModelChoiceField(label=_("Who agreed"), queryset=None)
    agreed_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    via = forms.ChoiceField(label=_("How"), choices=Brief.AgreedVia.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, brief: Brief, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = brief.client.contacts.all()

    def clean_agreed_on(self):
        agreed_on = self.cleaned_data["agreed_on"]
        if agreed_on > timezone.localdate():
            raise forms.ValidationError(ERR_AGREED_IN_FUTURE)
        return agreed_on


class PlannerReviewForm(InputLimitsMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        checks = {
            name: forms.BooleanField(label=Brief._meta.get_field(name).verbose_name, required=False)
            for name in CHECKLIST_FIELDS
        }
        self.fields = {**checks, **self.fields}

    @property
    def checklist(self) -> dict:
        return {n: self.cleaned_data.get(n, False) for n in CHECKLIST_FIELDS}


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """An id too large for the database is an invalid choice, not a 500."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ", ".join(str(v) for v in value)},
            ) from None


class BriefCreativesForm(InputLimitsMixin, forms.Form):
    creatives = SafeModelMultipleChoiceField(
        label=_("Creative team"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Briefing note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, brief: Brief, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["creatives"].queryset = team_members(brief.client, CREATIVES)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class WorkForm(InputLimitsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(
        label=_("Files (images or PDF)"),
        help_text=_("Checked by content; at most %(mb)s MB each."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["files"].help_text = self.fields["files"].help_text % {
            "mb": settings.MAX_UPLOAD_MB
        }

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = []
        for f in files:
            try:
                validate_upload(f)
            except forms.ValidationError as e:
                errors.extend(e.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class JudgmentForm(InputLimitsMixin, forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=Judgment.Verdict.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("Reason (for a “no”)"),
        choices=[("", "---------"), *Judgment.Reason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Explanation (for a “no”)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("verdict") == Judgment.Verdict.NO:
            if not data.get("reason"):
                self.add_error("reason", ERR_REASON_CODE)
            if not (data.get("comment") or "").strip():
                self.add_error("comment", ERR_REASON_TEXT)
        return data


class StatementForm(InputLimitsMixin, forms.Form):
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(InputLimitsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Escalation.Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


def _team_users(brief: Brief):
    """Owners and hand-off targets: active members of THIS client's team."""
    return team_members(brief.client)


class JobForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Deliverable type"),
        queryset=JobStageTemplate.objects.filter(steps__isnull=False).distinct(),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner of the first stage"), queryset=None, required=False
    )

    def __init__(self, *args, brief: Brief, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _team_users(brief)


class StageForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = JobStage
        fields = ("owner", "due_date")
        widgets = {"due_date": DATE_INPUT}

    def __init__(self, *args, brief: Brief, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _team_users(brief)


class HandOffForm(InputLimitsMixin, forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Hand to (owner of the next stage)"), queryset=None, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, brief: Brief, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _team_users(brief)
