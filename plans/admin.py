from django.contrib import admin

from .models import AccountPlan, Activity, PhaseGoal, PlanReview, Strategy


class PhaseGoalInline(admin.TabularInline):
    model = PhaseGoal
    extra = 0
    exclude = ["copied_from"]


class StrategyInline(admin.StackedInline):
    model = Strategy
    extra = 0
    exclude = ["copied_from"]


class ActivityInline(admin.TabularInline):
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
