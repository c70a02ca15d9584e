from django.contrib import admin

from .models import ClientCadence, HealthSnapshot, HealthWeights


@admin.register(HealthWeights)
class HealthWeightsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "checkin", "rehearsed", "first_round", "overdue", "actions"]

    def has_add_permission(self, request):
        return not HealthWeights.objects.exists()


@admin.register(ClientCadence)
class ClientCadenceAdmin(admin.ModelAdmin):
    list_display = ["client", "days"]
    autocomplete_fields = ["client"]


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(admin.ModelAdmin):
    list_display = ["client", "week", "score", "band", "turned_red"]
    list_filter = ["band", "week"]
    readonly_fields = ["client", "week", "score", "band", "turned_red"]

    def has_add_permission(self, request):
        return False
