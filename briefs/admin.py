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
class BriefAdmin(admin.ModelAdmin):
    # Workflow fields change only through the services: read-only here.
    list_display = ("title", "client", "status", "author", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "client__name")
    readonly_fields = ("status",)
    raw_id_fields = ("client", "author", "strategy")
    exclude = ("creatives",)

    def has_add_permission(self, request):
        return False


class JudgmentInline(admin.TabularInline):
    model = Judgment
    extra = 0
    can_delete = False
    readonly_fields = ("level", "verdict", "reason", "comment", "judged_by", "judged_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CreativeWork)
class CreativeWorkAdmin(admin.ModelAdmin):
    list_display = ("title", "version", "brief", "status", "submitted_by")
    list_filter = ("status",)
    readonly_fields = ("status", "version", "previous", "brief", "submitted_by")
    inlines = [JudgmentInline]

    def has_add_permission(self, request):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("work", "status", "raised_by", "raised_at")
    list_filter = ("status",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


class JobStageInline(admin.TabularInline):
    model = JobStage
    extra = 0
    fields = ("position", "name", "name_zh", "owner", "due_date", "status")
    readonly_fields = ("status",)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "brief", "template", "status")
    list_filter = ("status", "template")
    readonly_fields = ("status", "current_stage")
    raw_id_fields = ("brief",)
    inlines = [JobStageInline]


@admin.register(HandOff)
class HandOffAdmin(admin.ModelAdmin):
    list_display = ("job", "from_stage", "to_stage", "from_user", "to_user", "at")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
