from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Batch(models.Model):
    """One import run that wrote something; undone as a whole (imports.services)."""

    class Status(models.TextChoices):
        DONE = "done", _("Imported")  # its rows are in
        UNDONE = "undone", _("Undone")  # its rows were taken out again

    class Kind(models.TextChoices):
        CLIENTS = "clients", _("Clients, contacts, parties and teams")
        RECEIVABLES = "receivables", _("Opening receivables")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLIENTS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file"), max_length=255)
    update_existing = models.BooleanField(_("update existing"), default=False)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DONE
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class Record(models.Model):
    """An object a batch created or changed: what it was before and what the
    batch left, so undo can tell whether anyone edited it since."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="records")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)  # field values before an update
    after = models.JSONField(default=dict, blank=True)  # field values the batch left
    order = models.PositiveIntegerField(default=0)  # undo goes in reverse

    class Meta:
        ordering = ["batch", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "content_type", "object_id"], name="import_record_once"
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.content_type_id}:{self.object_id}"
