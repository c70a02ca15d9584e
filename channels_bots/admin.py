"""Admin: channels (secrets never shown: not fields here) and every delivery, failures first."""

from django.contrib import admin

from .models import Channel, Delivery


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "scope", "client", "department", "language", "is_active"]
    list_filter = ["kind", "scope", "is_active"]
    fields = ["name", "kind", "webhook_hint", "language", "scope", "client", "department"]
    fields += ["routes", "is_active"]
    readonly_fields = ["webhook_hint", "kind"]

    def has_add_permission(self, request):
        return False  # through the app's form, which checks the webhook URL and takes the secret


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "kind", "status", "attempts", "last_error"]
    list_filter = ["status", "channel__kind", "is_digest"]
    search_fields = ["channel__name", "kind", "last_error"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel")
