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
    """Reviews are given through the workflow only: never added, changed or deleted here."""

    model = PlanReview
    extra = 0
    readonly_fields = ["reviewer", "role", "decision", "comment", "round", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountPlan)
class AccountPlanAdmin(admin.ModelAdmin):
    list_display = ["client", "year", "revision", "status", "posture", "updated_at"]
    list_filter = ["status", "year", "posture"]
    search_fields = ["client__name", "client__short_name"]
    list_select_related = ["client"]
    # Workflow fields change only through the services (and their timeline),
    # a draft's included: the admin cannot move a plan out of its workflow.
    readonly_fields = [
        "client",
        "year",
        "status",
        "version",
        "revision",
        "review_round",
        "previous",
        "submitted_by",
        "submitted_at",
        "signed_off_by",
        "signed_off_at",
        "return_reason",
        "created_by",
    ]
    inlines = [PhaseGoalInline, StrategyInline, ActivityInline, PlanReviewInline]

    def get_readonly_fields(self, request, obj=None):
        # Adding a plan here (data repair) needs its client and year; it starts as a draft.
        return self.readonly_fields if obj is not None else self.readonly_fields[2:]

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A submitted, approved or superseded plan is a record: never deleted.
        return not _locked(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete asks has_delete_permission without an object, so it
        # would delete submitted and approved plans. Drafts are deleted one by one.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_queryset(self, request, queryset):
        queryset.filter(status=AccountPlan.Status.DRAFT).delete()

    def save_model(self, request, obj, form, change):
        if change:
            # An edit here is a save like the app's: a form open meanwhile sees newer values.
            obj.version += 1
        super().save_model(request, obj, form, change)
