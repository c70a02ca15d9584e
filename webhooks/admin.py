"""Webhook subscriptions and their delivery log, for administrators.

Everything goes through webhooks.services (the URL check, resend, enable);
only administrators see these pages (services.may_manage).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.events import EVENTS

from . import services
from .models import Attempt, Delivery, Subscription


class _AdminsOnly:
    def has_module_permission(self, request):
        return services.may_manage(request.user)

    def has_view_permission(self, request, obj=None):
        return services.may_manage(request.user)

    def has_add_permission(self, request, *args):
        return services.may_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return services.may_manage(request.user)

    def has_delete_permission(self, request, obj=None):
        return services.may_manage(request.user)


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ["owner", "url", "description", "events", "is_active"]
        help_texts = {
            "owner": _(
                "Payloads contain only what this person may see (the same rights as in the UI)."
            ),
        }

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            services.check_url(url, resolve=False)
        except DomainError as e:
            raise forms.ValidationError(str(e)) from None
        return url

    def clean_events(self):
        try:
            return services.clean_events(self.cleaned_data["events"])
        except DomainError as e:
            raise forms.ValidationError(str(e)) from None


@admin.register(Subscription)
class SubscriptionAdmin(_AdminsOnly, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = (
        "url",
        "description",
        "owner",
        "event_labels",
        "is_active",
        "consecutive_failures",
    )
    list_filter = ("is_active",)
    readonly_fields = ("secret", "consecutive_failures", "disabled_at", "created_at")
    actions = ["enable"]

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk}

    @admin.action(description=_("Enable again (the failure count starts over)"))
    def enable(self, request, queryset):
        for sub in queryset:
            services.subscription_enable(actor=request.user, subscription=sub)
        self.message_user(request, _("Enabled."), messages.SUCCESS)


class AttemptInline(_AdminsOnly, admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "status_code", "succeeded", "error", "duration_ms", "response_body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(_AdminsOnly, admin.ModelAdmin):
    """The delivery log: every attempt of every delivery; resend from here."""

    list_display = (
        "event_type",
        "event_id",
        "subscription",
        "status",
        "attempt_count",
        "created_at",
    )
    list_filter = ("status", "event_type", "subscription")
    search_fields = ("event_id",)
    readonly_fields = (
        "subscription",
        "event_id",
        "event_type",
        "status",
        "attempt_count",
        "next_attempt_at",
        "created_at",
        "body",
    )
    inlines = [AttemptInline]
    actions = ["resend"]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Resend (same id and body)"))
    def resend(self, request, queryset):
        for delivery in queryset.select_related("subscription"):
            try:
                services.delivery_resend(actor=request.user, delivery=delivery)
            except DomainError as e:
                self.message_user(request, f"{delivery}: {e}", messages.ERROR)
                continue
            self.message_user(request, _("Queued: %(d)s") % {"d": delivery}, messages.SUCCESS)
