"""REST API v1: thin views over the apps' selectors and services.

Reading: the list is the app's `<resource>_list_for_user`, the detail its
`<resource>_get_for_user` (404 for what the user may not see). Writing: the
same access object as the UI (403), then the app's service (its DomainError is
a 400 with its message). No rule about who may see or do what is written here.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Client, TeamMembership
from accounts.selectors import client_get_for_user, client_list_for_user
from agency.permissions import deny_unless, object_or_404
from billing import services as billing_services
from billing.models import Invoice, TimeEntry
from billing.selectors import invoice_get_for_user, invoice_list_for_user
from briefs.models import Brief
from briefs.selectors import brief_get_for_user, brief_list_for_user
from meetings.models import Attendee, Meeting, PresentationRound
from meetings.selectors import meeting_get_for_user, meeting_list_for_user
from plans.models import AccountPlan
from plans.selectors import plan_get_for_user, plan_list_for_user

from . import filters, serializers
from .selectors import time_entry_list_for_user


class ResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """list() reads `list_for_user(user)`; retrieve() goes through `get_for_user`."""

    list_for_user = None  # selector: user -> queryset
    get_for_user = None  # selector: (user, pk) -> (object, access); 404 if unseen
    prefetch = ()

    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular builds the schema
            return self.queryset
        qs = type(self).list_for_user(self.request.user)
        return qs.prefetch_related(*self.prefetch) if self.prefetch else qs

    def get_object(self):
        obj, self.access = type(self).get_for_user(self.request.user, self.kwargs["pk"])
        return obj


_team = Prefetch(
    "memberships",
    queryset=TeamMembership.objects.select_related("user").order_by("-is_lead", "pk"),
)


class ClientViewSet(ResourceViewSet):
    """Clients with contacts, cooperating parties and team. Finance sees master data."""

    queryset = Client.objects.none()  # the model, for the schema
    serializer_class = serializers.ClientSerializer
    filterset_class = filters.ClientFilter
    list_for_user = client_list_for_user
    get_for_user = client_get_for_user
    prefetch = ("contacts", "parties", _team)


class PlanViewSet(ResourceViewSet):
    """Account plans with phase goals, strategies, activities and targets."""

    queryset = AccountPlan.objects.none()  # the model, for the schema
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    list_for_user = plan_list_for_user
    get_for_user = plan_get_for_user
    prefetch = ("phase_goals", "strategies__phase_goals", "activities__owner")


class BriefViewSet(ResourceViewSet):
    """Briefs: status and strategy fields."""

    queryset = Brief.objects.none()  # the model, for the schema
    serializer_class = serializers.BriefSerializer
    filterset_class = filters.BriefFilter
    list_for_user = brief_list_for_user
    get_for_user = brief_get_for_user

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if getattr(self, "swagger_fake_view", False) else qs.select_related("strategy")


class MeetingViewSet(ResourceViewSet):
    """Meetings; a presentation meeting carries its round and the presentation's rounds."""

    queryset = Meeting.objects.none()  # the model, for the schema
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    list_for_user = meeting_list_for_user
    get_for_user = meeting_get_for_user
    prefetch = (
        Prefetch("attendees", queryset=Attendee.objects.select_related("user", "contact")),
        Prefetch(
            "presentation_round",
            queryset=PresentationRound.objects.select_related("presentation").prefetch_related(
                "presentation__rounds"
            ),
        ),
    )


class InvoiceViewSet(ResourceViewSet):
    """Invoices with lines and payments. Finance records payments."""

    queryset = Invoice.objects.none()  # the model, for the schema
    serializer_class = serializers.InvoiceSerializer
    filterset_class = filters.InvoiceFilter
    list_for_user = invoice_list_for_user
    get_for_user = invoice_get_for_user
    prefetch = ("lines", "payments", "red_letters")

    @extend_schema(
        request=serializers.PaymentInputSerializer, responses={201: serializers.PaymentSerializer}
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def payments(self, request, pk=None):
        """Record a payment received (finance only; the same rule as the invoice page)."""
        invoice = self.get_object()
        deny_unless(self.access.is_finance)
        data = serializers.PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = billing_services.payment_record(
            actor=request.user, invoice=invoice, **data.validated_data
        )
        return Response(serializers.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


def _time_entry_get_for_user(user, pk):
    return object_or_404(time_entry_list_for_user(user), pk), None


class TimeEntryViewSet(mixins.CreateModelMixin, ResourceViewSet):
    """Time entries: one's own, and all of the clients whose billing one sees.
    POST logs an entry of one's own time on a client whose team one is on."""

    queryset = TimeEntry.objects.none()  # the model, for the schema
    serializer_class = serializers.TimeEntrySerializer
    filterset_class = filters.TimeEntryFilter
    list_for_user = time_entry_list_for_user
    get_for_user = _time_entry_get_for_user

    @extend_schema(
        request=serializers.TimeEntryInputSerializer,
        responses={201: serializers.TimeEntrySerializer},
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        data = serializers.TimeEntryInputSerializer(
            data=request.data,
            meetings=meeting_list_for_user(user),
        )
        data.is_valid(raise_exception=True)
        entry = billing_services.time_entry_record(actor=user, **data.validated_data)
        entry = time_entry_list_for_user(user).get(pk=entry.pk)
        return Response(serializers.TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
