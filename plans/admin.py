from django.contrib import admin

from .models import AccountPlan, Activity, PhaseGoal, PlanReview, Strategy


def _locked(plan) -> bool:
    """A submitted or approved plan changes only through the workflow (and its
    timeline): the admin shows it read-only, rows included."""
    return plan is not None and plan.status != AccountPlan.Status.DRAFT


class RowInline:
    def has_add_permission(self, request, obj=None):
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)


class PhaseGoalInline(RowInline, admin.TabularInline):
    model = PhaseGoal
    extra = 0
    exclude = ["copied_from"]


class StrategyInline(RowInline, admin.StackedInline):
    model = Strategy
    extra = 0
    exclude = ["copied_from"]


class ActivityInline(RowInline, admin.TabularInline):
    model = Activity
    extra = 0
    exclude = ["copied_from"]


class PlanReviewInline(admin.TabularInline):
    model = PlanReview
    extra = 0
    readonly_fields = ["reviewer", "role", "decision", "comment", "round", "created_at"]
    can_delete = False


@admin.register(AccountPlan)
class AccountPlanAdmin(admin.ModelAdmin):
    list_display = ["client", "year", "revision", "status", "posture", "updated_at"]
    list_filter = ["status", "year", "posture"]
    search_fields = ["client__name", "client__short_name"]
    list_select_related = ["client"]
    # Workflow fields change only through the services (and their timeline).
    readonly_fields = [
        "status",
        "version",
        "review_round",
        "previous",
        "submitted_by",
        "submitted_at",
        "signed_off_by",
        "signed_off_at",
        "created_by",
    ]
    inlines = [PhaseGoalInline, StrategyInline, ActivityInline, PlanReviewInline]

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)
