"""Validation of plan input only; services do the writes."""

from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import team_members
from agency.dates import MAX_YEAR, MIN_YEAR
from agency.limits import InputLimitsMixin

from .models import AccountPlan, Activity, PhaseGoal, PlanReview, Strategy
from .services import RowChanges

ERR_NEGATIVE = _("Cannot be negative.")
ERR_DATE_OUTSIDE_YEAR = _("The due date must fall within the plan year %(year)s.")
ERR_ROW_GONE = _(
    "This row was removed by someone else meanwhile: remove it here too, or add it again."
)


def owner_choices_queryset(plan: AccountPlan):
    """Team members, plus anyone already owning an activity of this plan (who
    may have left the team since): an old owner must not block saving."""
    current = User.objects.filter(pk__in=plan.activities.values("owner_id"))
    return (team_members(plan.client) | current).order_by("full_name")


def plan_row_choices(plan: AccountPlan) -> dict:
    """The select choices of every row form, loaded once per page instead of
    once per row (a plan has dozens of rows)."""
    return {
        "phase_goals": [(g.pk, str(g)) for g in plan.phase_goals.all()],
        "owner": [("", "---------")] + [(u.pk, str(u)) for u in owner_choices_queryset(plan)],
    }


class PlanForm(InputLimitsMixin, forms.ModelForm):
    # The version the form was loaded with (optimistic locking); never saved from here.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = AccountPlan
        fields = ["posture", "annual_goals", "training_plan", "revenue_target", "cost_target"]
        widgets = {
            "annual_goals": forms.Textarea(attrs={"rows": 4}),
            "training_plan": forms.Textarea(attrs={"rows": 3}),
            "revenue_target": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
            "cost_target": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }
        help_texts = {
            "annual_goals": _("One goal a line. At least one before submitting."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        for name in ("revenue_target", "cost_target"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, ERR_NEGATIVE)
        return data

    def _post_clean(self):
        # Validate the fields only: the instance is the service's to change.
        pass


class PhaseGoalForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = PhaseGoal
        fields = ["title", "measure", "due_date", "status"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, plan: AccountPlan, choices: dict | None = None, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)

    def clean_due_date(self):
        value = self.cleaned_data["due_date"]
        if value and value.year != self.plan.year:
            raise forms.ValidationError(ERR_DATE_OUTSIDE_YEAR % {"year": self.plan.year})
        return value

    def _post_clean(self):
        pass


class StrategyForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "description", "phase_goals"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "phase_goals": forms.CheckboxSelectMultiple,
        }
        help_texts = {"phase_goals": _("Save the plan first to link newly added phase goals.")}

    def __init__(self, *args, plan: AccountPlan, choices: dict | None = None, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        # Only this plan's saved phase goals can be linked.
        self.fields["phase_goals"].queryset = plan.phase_goals.all()
        self.fields["phase_goals"].required = False
        if choices is not None:
            self.fields["phase_goals"].choices = choices["phase_goals"]

    def _post_clean(self):
        pass


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "what",
            "owner",
            "quarter",
            "budget",
            "account_hours",
            "creative_hours",
            "planner_hours",
            "media_hours",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"min": "0", "step": step})
            for name, step in [
                ("budget", "0.01"),
                ("account_hours", "0.5"),
                ("creative_hours", "0.5"),
                ("planner_hours", "0.5"),
                ("media_hours", "0.5"),
            ]
        }

    def __init__(self, *args, plan: AccountPlan, choices: dict | None = None, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices_queryset(plan)
        if choices is not None:
            self.fields["owner"].choices = choices["owner"]

    def clean(self):
        data = super().clean()
        for name in ("budget", "account_hours", "creative_hours", "planner_hours", "media_hours"):
            value = data.get(name)
            if value is not None and value < Decimal(0):
                self.add_error(name, ERR_NEGATIVE)
        return data

    def _post_clean(self):
        pass


class RowFormSet(BaseInlineFormSet):
    """Rows of one plan; the deleted and kept rows become `RowChanges` for the service."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = form.fields[self._pk_field.name]
        # Only this plan's rows: Django's row id field accepts any row of the
        # model, so another plan's (another client's) row id in a hand-made POST
        # would be taken as a new row instead of refused.
        pk.queryset = self.model._default_manager.filter(plan=self.instance)
        # A hidden row id not among them: a row deleted by a concurrent save (or a foreign id).
        pk.error_messages["invalid_choice"] = ERR_ROW_GONE

    def changes(self) -> RowChanges:
        changes = RowChanges()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # an untouched blank row
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    changes.delete.append(form.instance)
                continue
            data = {k: v for k, v in form.cleaned_data.items() if k in form._meta.fields}
            changes.upsert.append((form.instance if form.instance.pk else None, data))
        return changes


def _formset(model, form):
    return inlineformset_factory(
        AccountPlan,
        model,
        form=form,
        formset=RowFormSet,
        extra=0,
        can_delete=True,
        min_num=0,
    )


PhaseGoalFormSet = _formset(PhaseGoal, PhaseGoalForm)
StrategyFormSet = _formset(Strategy, StrategyForm)
ActivityFormSet = _formset(Activity, ActivityForm)


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Plan year"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class ReviewForm(InputLimitsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=PlanReview.Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you object."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == PlanReview.Decision.OBJECT
            and not data.get("comment", "").strip()
        ):
            self.add_error("comment", _("An objection must say why."))
        return data


class SignOffForm(InputLimitsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(InputLimitsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PhaseGoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Progress"), choices=PhaseGoal.Status.choices)
