"""The admin shows the workflow; it never moves it.

Briefs, creative work, judgments, escalations, jobs and hand-offs change state
only through briefs.services (which check who may act and write the timeline).
Here their status and every stamp (*_at, *_by) are read-only, and none of
them can be deleted. Stage templates are reference data: editable.
"""

from django.contrib import admin

from .models import (
    Brief,
    CreativeWork,
    Escalation,
    HandOff,
    Job,
    JobStage,
    JobStageTemplate,
    JobStageTemplateStep,
    Judgment,
)


class WorkflowAdmin(admin.ModelAdmin):
    """No add, no delete; `editable` names the only fields the admin may correct."""

    editable: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return [
            f.name
            for f in self.model._meta.fields
            if f.name not in self.editable and f.name != "id"
        ] + [f.name for f in self.model._meta.many_to_many if f.name not in self.editable]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobStageTemplateStepInline(admin.TabularInline):
    model = JobStageTemplateStep
    extra = 1
    fields = ("position", "name", "name_zh")


@admin.register(JobStageTemplate)
class JobStageTemplateAdmin(admin.ModelAdmin):
    """Traffic's stage templates per deliverable type: editable here."""

    list_display = ("name", "name_zh", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = [JobStageTemplateStepInline]


@admin.register(Brief)
class BriefAdmin(WorkflowAdmin):
    # Only the title may be corrected: a strategy field changed outside draft
    # must return the brief to draft (services.brief_update), the rest are steps.
    list_display = ("title", "client", "status", "author", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "client__name")
    editable = ("title",)


class JudgmentInline(ReadOnlyInline):
    model = Judgment


@admin.register(CreativeWork)
class CreativeWorkAdmin(WorkflowAdmin):
    list_display = ("title", "version", "brief", "status", "submitted_by")
    list_filter = ("status",)
    editable = ("title", "description")
    inlines = [JudgmentInline]


@admin.register(Judgment)
class JudgmentAdmin(WorkflowAdmin):
    list_display = ("work", "level", "verdict", "reason", "judged_by", "judged_at")
    list_filter = ("level", "verdict", "reason")


@admin.register(Escalation)
class EscalationAdmin(WorkflowAdmin):
    list_display = ("work", "status", "raised_by", "raised_at")
    list_filter = ("status",)


class JobStageInline(ReadOnlyInline):
    model = JobStage


@admin.register(Job)
class JobAdmin(WorkflowAdmin):
    list_display = ("title", "brief", "template", "status")
    list_filter = ("status", "template")
    editable = ("title",)
    inlines = [JobStageInline]


@admin.register(HandOff)
class HandOffAdmin(WorkflowAdmin):
    list_display = ("job", "from_stage", "to_stage", "from_user", "to_user", "at")
