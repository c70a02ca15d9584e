"""Input validation only. Money fields are forms.DecimalField: never float."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, User
from agency.dates import MAX_YEAR, MIN_YEAR, in_range
from agency.limits import InputLimitsMixin

from .models import Invoice, InvoiceLine, Payment, RedLetterInvoice, TaxRate, TimeEntry
from .selectors import rounds_for_client, rounds_for_clients
from .services import (
    ERR_ROUND_NOT_REPRESENTATION,
    ERR_ROUND_OTHER_CLIENT,
    INVOICE_FIELDS,
    LINE_FIELDS,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_MONEY = Decimal("999999999999.99")


class InvoiceForm(InputLimitsMixin, forms.ModelForm):
    class Meta:
        model = Invoice
        fields = INVOICE_FIELDS
        widgets = {"note_to_finance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older client, the API), the invoice keeps its kind.
        self.fields["kind"].required = False
        if self.instance.pk is None:
            self.initial.setdefault("kind", Invoice.Kind.DIGITAL_ORDINARY)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind


class InvoiceCreateForm(InvoiceForm):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())

    class Meta(InvoiceForm.Meta):
        fields = ("client", *INVOICE_FIELDS)

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        # Left blank, the invoice takes the client's currency (a USD client's
        # invoice must not silently default to CNY).
        currency = self.fields["currency"]
        currency.required = False
        currency.choices = [("", _("The client's currency")), *Client.Currency.choices]
        self.initial.setdefault("currency", "")


class InvoiceLineForm(forms.ModelForm):
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=14, decimal_places=2, min_value=Decimal(0)
    )
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )

    class Meta:
        model = InvoiceLine
        fields = LINE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tax rates are configuration (TaxRate, edited in the admin).
        rates = list(TaxRate.objects.filter(is_active=True))
        self._rates = {r.rate for r in rates}
        tax_rate = self.fields["tax_rate"]
        if rates:
            tax_rate.widget = forms.Select(choices=[(f"{r.rate:.2f}", str(r)) for r in rates])
        default = next((r.rate for r in rates if r.is_default), None)
        if default is not None and self.instance.pk is None:
            tax_rate.initial = f"{default:.2f}"
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
            field.widget.attrs.setdefault("aria-label", field.label)

    def clean_tax_rate(self):
        value = self.cleaned_data["tax_rate"]
        if self._rates and value not in self._rates:
            raise forms.ValidationError(_("Choose a tax rate from the list."))
        return value

    def has_changed(self):
        # A blank extra row (only the default tax rate filled in) is not a line.
        return any(
            self[name].data not in (None, "") for name in ("description", "quantity", "unit_price")
        ) or bool(self.instance.pk and super().has_changed())


class BaseLineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        lines = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
        ]
        if not lines:
            raise forms.ValidationError(_("Add at least one line."))
        # With tax, as the invoice will store it: the total column holds at most
        # MAX_MONEY (a larger one is a database error, a 500, on PostgreSQL).
        total = sum(InvoiceLine(**{k: line[k] for k in LINE_FIELDS}).gross for line in lines)
        if total > MAX_MONEY:
            raise forms.ValidationError(_("The total is too large."))

    def line_data(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in LINE_FIELDS}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
        ]


InvoiceLineFormSet = forms.inlineformset_factory(
    Invoice,
    InvoiceLine,
    form=InvoiceLineForm,
    formset=BaseLineFormSet,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class IssueForm(InputLimitsMixin, forms.Form):
    fapiao_number = forms.CharField(label=_("Fapiao number"), max_length=40)
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE_INPUT)

    def clean_fapiao_number(self):
        value = self.cleaned_data["fapiao_number"].strip()
        if not value:
            raise forms.ValidationError(_("Enter the official invoice (fapiao) number."))
        return value

    def clean_issue_date(self):
        value = self.cleaned_data["issue_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The issue date cannot be in the future."))
        return value


class RedLetterForm(InputLimitsMixin, forms.Form):
    """Finance reverses all or part of an issued invoice (红冲)."""

    reason = forms.ChoiceField(label=_("Reason"), choices=RedLetterInvoice.Reason.choices)
    full = forms.BooleanField(
        label=_("Reverse the whole invoice"),
        required=False,
        initial=True,
        help_text=_("Leave unticked and enter an amount for a partial red-letter invoice."),
    )
    amount = forms.DecimalField(
        label=_("Amount to reverse, with tax"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    fapiao_number = forms.CharField(label=_("Red-letter fapiao number"), max_length=40)
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_issue_date(self):
        value = self.cleaned_data["issue_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The issue date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("full") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount to reverse, or tick the whole invoice."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "fapiao_number": data["fapiao_number"].strip(),
            "issue_date": data["issue_date"],
            "amount": None if data["full"] else data["amount"],
            "note": data["note"],
        }


class StatementForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, currencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in currencies]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


class PaymentForm(InputLimitsMixin, forms.ModelForm):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )

    class Meta:
        model = Payment
        fields = ("date", "amount", "method", "reference")
        widgets = {"date": DATE_INPUT}

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The payment date cannot be in the future."))
        return value


class ReasonForm(InputLimitsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(_("Give a reason."))
        return value


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Invoice.Status.choices]
    )
    client = forms.ModelChoiceField(
        label=_("Client"),
        required=False,
        queryset=Client.objects.none(),
        empty_label=_("Any client"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # The ageing report's drill-down: unpaid invoices, all or in one ageing bucket.
    bucket = forms.ChoiceField(label=_("Unpaid"), required=False, choices=[])
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", _("Any currency")), *Client.Currency.choices],
    )
    fapiao_missing = forms.BooleanField(label=_("Missing a fapiao number"), required=False)

    def __init__(self, *args, clients, **kwargs):
        from .selectors import BUCKETS

        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["bucket"].choices = [
            ("", _("Any")),
            ("open", _("All unpaid")),
            *BUCKETS,
        ]
        for name in ("status", "client", "bucket", "currency"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
        self.fields["fapiao_missing"].widget.attrs["class"] = "form-check-input"


class AgeingFilterForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        required=False,
        queryset=Client.objects.none(),
        empty_label=_("Any client"),
    )
    lead = forms.ModelChoiceField(
        label=_("Account lead"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Any account lead"),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=Client.Currency.choices
    )
    group = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("client", _("Client")), ("lead", _("Account lead"))],
    )

    def __init__(self, *args, clients, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["lead"].queryset = leads
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select"


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False
    )


class TimesheetRowForm(forms.Form):
    """One row of the weekly timesheet: a client, an activity, seven days."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    activity = forms.ChoiceField(label=_("Activity"), choices=TimeEntry.Activity.choices)

    def __init__(self, *args, clients, client_choices=None, round_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        # Re-presentation hours may name the round that failed, one of the
        # row's client's rounds (checked in clean() and again in the service).
        self.fields["presentation_round"] = forms.ModelChoiceField(
            label=_("Round presented again"),
            queryset=rounds_for_clients(clients),
            required=False,
        )
        if client_choices is not None:
            # The options, read once for the whole week (not one query per row);
            # the querysets still validate what is posted.
            self.fields["client"].widget.choices = client_choices
        if round_choices is not None:
            self.fields["presentation_round"].widget.choices = [("", "—"), *round_choices]
        for name in ("client", "activity", "presentation_round"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for i in range(7):
            self.fields[f"d{i}"] = forms.DecimalField(
                required=False,
                max_digits=4,
                decimal_places=2,
                min_value=Decimal("0"),
                max_value=Decimal(24),
                widget=forms.NumberInput(attrs={"step": "0.25", "class": "form-control hours"}),
            )

    def clean(self):
        data = super().clean()
        round_ = data.get("presentation_round")
        if round_ is None:
            return data
        if data.get("activity") != TimeEntry.Activity.REPRESENTATION:
            self.add_error("presentation_round", ERR_ROUND_NOT_REPRESENTATION)
        elif data.get("client") and not (
            rounds_for_client(data["client"]).filter(pk=round_.pk).exists()
        ):
            self.add_error("presentation_round", ERR_ROUND_OTHER_CLIENT)
        return data

    @property
    def day_fields(self):
        return [self[f"d{i}"] for i in range(7)]

    def hours(self) -> list:
        return [self.cleaned_data.get(f"d{i}") for i in range(7)]


class BaseTimesheetFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("client"):
                continue
            round_ = data.get("presentation_round")
            key = (data["client"].pk, data["activity"], getattr(round_, "pk", None))
            if key in seen:
                raise forms.ValidationError(
                    _("Each client, activity and round may appear only once in the week.")
                )
            seen.add(key)

    def rows(self) -> list[dict]:
        out = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("client"):
                continue
            out.append(
                {
                    "client": data["client"],
                    "activity": data["activity"],
                    "presentation_round": data.get("presentation_round"),
                    "hours": form.hours(),
                }
            )
        return out


TimesheetFormSet = forms.formset_factory(
    TimesheetRowForm,
    formset=BaseTimesheetFormSet,
    extra=1,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


def parse_week(value) -> dt.date:
    """A week from ?week=YYYY-MM-DD (any day of it); bad input means this week."""
    try:
        day = dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        day = timezone.localdate()
    if not in_range(day):
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())
