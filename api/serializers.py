"""What the API shows of each resource (read) and accepts (write).

Money and hours travel as strings ("1234.50"): a JSON number is refused,
never passed through float.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Client, Contact, Party, TeamMembership, User
from agency.limits import InputLimitsSerializerMixin
from billing.forms import PaymentForm
from billing.models import Invoice, InvoiceLine, Payment, RedLetterInvoice, TimeEntry
from briefs.models import Brief
from meetings.models import Attendee, Meeting, Presentation, PresentationRound
from plans.models import AccountPlan, Activity, PhaseGoal, Strategy

ERR_DECIMAL_AS_STRING = _('Send this number as a string, e.g. "12.50", not as a JSON number.')


class DecimalString(serializers.DecimalField):
    """A decimal that must arrive as a string (or an integer): never a float."""

    def to_internal_value(self, data):
        if isinstance(data, float | bool):
            raise serializers.ValidationError(ERR_DECIMAL_AS_STRING)
        return super().to_internal_value(data)


# --- People and clients ----------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name")

    class Meta:
        model = User
        fields = ["id", "username", "name", "role"]


class ClientRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Client
        fields = ["id", "name"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "title", "email", "phone", "audience_role"]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "name", "kind", "contact_name", "contact_phone", "contact_email"]


class TeamMemberSerializer(serializers.ModelSerializer):
    user = PersonSerializer()

    class Meta:
        model = TeamMembership
        fields = ["id", "user", "team_role", "is_lead", "joined"]


class ClientSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True)
    parties = PartySerializer(many=True)
    team = TeamMemberSerializer(many=True, source="memberships")

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "short_name",
            "industry",
            "status",
            "since",
            "invoice_title",
            "tax_id",
            "payment_terms_days",
            "currency",
            "contacts",
            "parties",
            "team",
            "created_at",
            "updated_at",
        ]


# --- Plans ------------------------------------------------------------------------


class PhaseGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseGoal
        fields = ["id", "title", "measure", "due_date", "status", "position"]


class StrategySerializer(serializers.ModelSerializer):
    phase_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = ["id", "title", "description", "phase_goals", "position"]


class ActivitySerializer(serializers.ModelSerializer):
    owner = PersonSerializer(allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "what",
            "owner",
            "quarter",
            "budget",
            "account_hours",
            "creative_hours",
            "planner_hours",
            "media_hours",
            "position",
        ]


class PlanSerializer(serializers.ModelSerializer):
    client = ClientRefSerializer()
    phase_goals = PhaseGoalSerializer(many=True)
    strategies = StrategySerializer(many=True)
    activities = ActivitySerializer(many=True)

    class Meta:
        model = AccountPlan
        fields = [
            "id",
            "client",
            "year",
            "revision",
            "status",
            "posture",
            "annual_goals",
            "training_plan",
            "revenue_target",
            "cost_target",
            "phase_goals",
            "strategies",
            "activities",
            "submitted_at",
            "signed_off_at",
            "created_at",
            "updated_at",
        ]


# --- Briefs -----------------------------------------------------------------------


class StrategyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Strategy
        fields = ["id", "title"]


class BriefSerializer(serializers.ModelSerializer):
    client = ClientRefSerializer()
    strategy = StrategyRefSerializer(allow_null=True)
    author = PersonSerializer()

    class Meta:
        model = Brief
        fields = [
            "id",
            "client",
            "title",
            "status",
            "strategy",
            *Brief.STRATEGY_FIELDS,
            "deadline",
            "budget",
            "author",
            "created_at",
            "updated_at",
        ]


# --- Meetings and presentations ---------------------------------------------------


class AttendeeSerializer(serializers.ModelSerializer):
    user = PersonSerializer(allow_null=True)
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Attendee
        fields = ["id", "user", "contact"]

    def get_contact(self, obj) -> dict | None:
        if obj.contact_id is None:
            return None
        return {"id": obj.contact_id, "name": obj.contact.name}


class RoundRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PresentationRound
        fields = ["id", "number", "meeting", "outcome", "outcome_recorded_at"]


class PresentationSerializer(serializers.ModelSerializer):
    rounds = RoundRefSerializer(many=True)

    class Meta:
        model = Presentation
        fields = ["id", "title", "status", "brief", "creative_work", "rounds"]


class RoundSerializer(serializers.ModelSerializer):
    presentation = PresentationSerializer()

    class Meta:
        model = PresentationRound
        fields = [
            "id",
            "number",
            "outcome",
            "client_feedback",
            "outcome_recorded_at",
            "failure_cause",
            "failure_note",
            "presentation",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    client = ClientRefSerializer(allow_null=True)
    organiser = PersonSerializer()
    attendees = AttendeeSerializer(many=True)
    presentation_round = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "client",
            "kind",
            "status",
            "title",
            "purpose",
            "start",
            "duration_minutes",
            "location",
            "organiser",
            "attendees",
            "agenda_sent_at",
            "held_at",
            "conclusions",
            "closed_at",
            "presentation_round",
        ]

    def get_presentation_round(self, obj) -> RoundSerializer(allow_null=True):  # type: ignore[valid-type]
        try:
            round_ = obj.presentation_round
        except PresentationRound.DoesNotExist:
            return None
        return RoundSerializer(round_, context=self.context).data


# --- Billing ----------------------------------------------------------------------


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["id", "position", "description", "quantity", "unit_price", "tax_rate"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "date", "amount", "method", "reference", "created_at"]


class RedLetterSerializer(serializers.ModelSerializer):
    """A red-letter invoice (红字发票) correcting the invoice it belongs to."""

    class Meta:
        model = RedLetterInvoice
        fields = [
            "id",
            "number",
            "fapiao_number",
            "issue_date",
            "reason",
            "is_full",
            "subtotal",
            "tax_amount",
            "total",
        ]


class InvoiceSerializer(serializers.ModelSerializer):
    client = ClientRefSerializer()
    lines = InvoiceLineSerializer(many=True)
    payments = PaymentSerializer(many=True)
    red_letters = RedLetterSerializer(many=True, read_only=True)
    open_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "client",
            "status",
            "currency",
            "number",
            "fapiao_number",
            "issue_date",
            "due_date",
            "invoice_title",
            "tax_id",
            "subtotal",
            "tax_amount",
            "total",
            "amount_paid",
            "open_amount",
            "lines",
            "payments",
            "red_letters",
            "requested_at",
            "issued_at",
            "paid_at",
            "voided_at",
            "created_at",
            "updated_at",
        ]


class PaymentInputSerializer(InputLimitsSerializerMixin, serializers.Serializer):
    """A payment as finance records it (billing.services.payment_record)."""

    date = serializers.DateField()
    amount = DecimalString(max_digits=14, decimal_places=2)
    method = serializers.ChoiceField(
        choices=Payment.Method.choices, default=Payment.Method.BANK_TRANSFER
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        # Then the invoice page's own form rules (no future date, more than zero...).
        form = PaymentForm(data={key: str(value) for key, value in attrs.items()})
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        return form.cleaned_data


class TimeEntrySerializer(serializers.ModelSerializer):
    user = PersonSerializer()
    client = ClientRefSerializer()

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "user",
            "client",
            "date",
            "hours",
            "activity",
            "note",
            "role",
            "presentation_round",
            "created_at",
            "updated_at",
        ]


class TimeEntryInputSerializer(InputLimitsSerializerMixin, serializers.Serializer):
    """One entry of the caller's own time (billing.services.time_entry_record).

    `client` may be any client id: the service refuses those whose team the
    caller is not on. `presentation_round` (re-presentation hours only) must be
    a round of a meeting the caller sees; the service checks it is the client's.
    """

    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.all())
    date = serializers.DateField()
    hours = DecimalString(max_digits=5, decimal_places=2)
    activity = serializers.ChoiceField(choices=TimeEntry.Activity.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    presentation_round = serializers.PrimaryKeyRelatedField(
        queryset=PresentationRound.objects.none(), required=False, allow_null=True, default=None
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["presentation_round"].queryset = PresentationRound.objects.filter(
                meeting__in=meetings
            )
