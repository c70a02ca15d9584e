"""Strategy-first creative briefs, creative work and its two-level judgment,
escalations, and job stages (traffic).

Every state change lives in `briefs.services`; these models only hold fields,
statuses, stamps (who / when per step) and database constraints.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, Contact

ZERO = Decimal("0")


def _stamp_user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def _stamp_at(verbose_name):
    return models.DateTimeField(verbose_name, null=True, blank=True)


class Brief(models.Model):
    class Status(models.TextChoices):
        # Account people write and edit; objections and send-backs return here.
        DRAFT = "draft", _("Draft")
        # Submitted: the creative director on the team agrees or objects.
        CREATIVE_REVIEW = "creative_review", _("Creative review")
        # The creative director agreed: the AD (else the MD) approves the strategy.
        STRATEGY_REVIEW = "strategy_review", _("Strategy review")
        # Approved by the AD: waiting for the BD's (or the MD's) signature.
        APPROVED = "approved", _("Strategy approved")
        # Signed: the account team records the client's agreement.
        SIGNED = "signed", _("Signed")
        # The client agreed: the planner reviews the brief's quality.
        CLIENT_AGREED = "client_agreed", _("Client agreed")
        # The planner scored it: account people brief the creatives.
        PLANNER_REVIEWED = "planner_reviewed", _("Planner reviewed")
        # Creatives assigned and can see it; waiting for the first work.
        BRIEFED = "briefed", _("Briefed")
        # Creative work has been submitted.
        IN_PROGRESS = "in_progress", _("In progress")
        # Done; read-only.
        CLOSED = "closed", _("Closed")

    class AgreedVia(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("Email")
        CALL = "call", _("Call")

    # The strategy fields: changing one after the BD signed returns the brief
    # to draft (services.brief_update enforces it).
    STRATEGY_FIELDS = (
        "client_problem",
        "marketing_problem",
        "communication_problem",
        "target_audience",
        "proposition",
        "support",
        "mandatories",
        "deliverables",
    )

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="briefs"
    )
    # Optional: the strategy of the client's approved plan this brief executes.
    strategy = models.ForeignKey(
        "plans.Strategy",
        verbose_name=_("strategy from the account plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="briefs",
    )
    title = models.CharField(_("brief title"), max_length=200)
    client_problem = models.TextField(_("the client problem, clarified"))
    marketing_problem = models.TextField(_("marketing problem"), blank=True)
    communication_problem = models.TextField(_("communication problem"), blank=True)
    target_audience = models.TextField(_("target audience"))
    proposition = models.CharField(
        _("single-minded proposition"),
        max_length=300,
        help_text=_("One thing only."),
    )
    support = models.TextField(_("support"), blank=True)
    mandatories = models.TextField(_("mandatories"), blank=True)
    deliverables = models.TextField(_("deliverables"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="briefs_written",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Stamps, one per step (who, when). Cleared when the brief returns to draft.
    submitted_by = _stamp_user(_("submitted by"))
    submitted_at = _stamp_at(_("submitted at"))
    creative_agreed_by = _stamp_user(_("strategy agreed by (creative director)"))
    creative_agreed_at = _stamp_at(_("strategy agreed at"))
    approved_by = _stamp_user(_("strategy approved by"))
    approved_at = _stamp_at(_("strategy approved at"))
    signed_by = _stamp_user(_("signed by"))
    signed_at = _stamp_at(_("signed at"))
    # Client agreement: which contact, when, how.
    client_agreed_contact = models.ForeignKey(
        Contact,
        verbose_name=_("agreed by (contact)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_agreed_on = models.DateField(_("client agreed on"), null=True, blank=True)
    client_agreed_via = models.CharField(
        _("agreed via"), max_length=10, choices=AgreedVia.choices, blank=True
    )
    client_agreed_note = models.TextField(_("agreement note"), blank=True)
    client_agreed_by = _stamp_user(_("client agreement recorded by"))
    client_agreed_at = _stamp_at(_("client agreement recorded at"))
    # Planner review: checklist, score 1-5, comment.
    check_problem_clear = models.BooleanField(_("the problem is clear"), default=False)
    check_one_direction = models.BooleanField(_("one direction only"), default=False)
    check_audience_specific = models.BooleanField(_("the audience is specific"), default=False)
    check_client_agreed = models.BooleanField(_("the client agreed"), default=False)
    check_deliverables_measurable = models.BooleanField(
        _("deliverables are measurable"), default=False
    )
    planner_score = models.PositiveSmallIntegerField(
        _("planner score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    planner_comment = models.TextField(_("planner comment"), blank=True)
    planner_reviewed_by = _stamp_user(_("planner reviewed by"))
    planner_reviewed_at = _stamp_at(_("planner reviewed at"))
    creatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creative team"),
        blank=True,
        related_name="briefs_assigned",
    )
    briefed_by = _stamp_user(_("briefed by"))
    briefed_at = _stamp_at(_("briefed at"))
    started_at = _stamp_at(_("work started at"))
    closed_by = _stamp_user(_("closed by"))
    closed_at = _stamp_at(_("closed at"))
    # The last objection / send-back, shown on the draft.
    returned_by = _stamp_user(_("returned by"))
    returned_at = _stamp_at(_("returned at"))
    return_reason = models.TextField(_("reason returned"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planner_score__isnull=True)
                | models.Q(planner_score__gte=1, planner_score__lte=5),
                name="brief_planner_score_1_5",
                violation_error_message=_("The score is between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="brief_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            # Signed or later means someone signed: approvers.SIGNED_STATES
            # (a test checks the two agree).
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[
                        "signed",
                        "client_agreed",
                        "planner_reviewed",
                        "briefed",
                        "in_progress",
                        "closed",
                    ]
                )
                | models.Q(signed_at__isnull=False),
                name="brief_signed_states_have_signature",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"]), models.Index(fields=["status"])]
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("briefs:brief_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_briefed(self) -> bool:
        """Creatives (other than the creative director) see it from here on."""
        from .approvers import BRIEFED_STATES

        return self.status in BRIEFED_STATES

    @property
    def checklist(self) -> list[tuple[str, bool]]:
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in CHECKLIST_FIELDS
        ]


CHECKLIST_FIELDS = (
    "check_problem_clear",
    "check_one_direction",
    "check_audience_specific",
    "check_client_agreed",
    "check_deliverables_measurable",
)


class CreativeWork(models.Model):
    """One version of a piece of creative work on a brief."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")  # waiting for one or both judgments
        READY = "ready", _("Ready to present")  # on strategy AND good enough
        REVISE = "revise", _("Revise")  # a "no": the next version is due
        ESCALATED = "escalated", _("Escalated")  # a disputed "no" is being decided
        SUPERSEDED = "superseded", _("Superseded")  # a newer version was submitted

    brief = models.ForeignKey(
        Brief, verbose_name=_("brief"), on_delete=models.CASCADE, related_name="works"
    )
    title = models.CharField(_("title of the work"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="creative_works",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="work_version_gte_1"),
        ]
        indexes = [models.Index(fields=["brief", "status"])]
        verbose_name = _("creative work")
        verbose_name_plural = _("creative work")

    def __str__(self):
        return _("%(title)s (v%(version)s)") % {"title": self.title, "version": self.version}

    def get_absolute_url(self):
        return reverse("briefs:work_detail", args=[self.pk])


def creative_file_path(instance, filename):
    # A random-ish path: the original name is kept in `original_name` only.
    return f"briefs/{instance.work.brief_id}/{instance.work_id}/{instance.token}"


class CreativeFile(models.Model):
    """An image or PDF of a piece of work. Stored under MEDIA_ROOT, which is
    never served: downloads go through briefs:work_file_download."""

    class Kind(models.TextChoices):
        PNG = "png", "PNG"
        JPEG = "jpeg", "JPEG"
        GIF = "gif", "GIF"
        WEBP = "webp", "WebP"
        PDF = "pdf", "PDF"

    work = models.ForeignKey(CreativeWork, on_delete=models.CASCADE, related_name="files")
    token = models.CharField(max_length=40, unique=True)
    file = models.FileField(_("file"), upload_to=creative_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=5, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("creative file")
        verbose_name_plural = _("creative files")

    def __str__(self):
        return self.original_name

    @property
    def content_type(self) -> str:
        return {
            "png": "image/png",
            "jpeg": "image/jpeg",
            "gif": "image/gif",
            "webp": "image/webp",
            "pdf": "application/pdf",
        }[self.kind]


class Judgment(models.Model):
    """One level of the two-level judgment of one work version."""

    class Level(models.TextChoices):
        STRATEGY = "strategy", _("On strategy?")  # the account person's call
        QUALITY = "quality", _("Good enough?")  # the creative director's call

    class Verdict(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")

    class Reason(models.TextChoices):
        OFF_STRATEGY = "off_strategy", _("Off strategy")
        WRONG_AUDIENCE = "wrong_audience", _("Wrong audience")
        OFF_BRAND = "off_brand", _("Off brand")
        FACTUAL_LEGAL = "factual_legal", _("Factual / legal")
        BUDGET = "budget", _("Budget")
        OTHER = "other", _("Other")

    work = models.ForeignKey(CreativeWork, on_delete=models.CASCADE, related_name="judgments")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    verdict = models.CharField(_("verdict"), max_length=3, choices=Verdict.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    judged_at = models.DateTimeField(_("judged at"), default=timezone.now)
    # Set when an escalation decided against this "no": kept for the record.
    overturned_by = models.ForeignKey(
        "Escalation",
        verbose_name=_("overturned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["work", "level"], name="judgment_one_per_level"),
            # A "no" always carries a reason code and a text.
            models.CheckConstraint(
                condition=models.Q(verdict="yes") | (~models.Q(reason="") & ~models.Q(comment="")),
                name="judgment_no_has_reason",
                violation_error_message=_("A “no” needs a reason."),
            ),
        ]
        indexes = [models.Index(fields=["verdict", "reason"])]
        verbose_name = _("judgment")
        verbose_name_plural = _("judgments")

    def __str__(self):
        return f"{self.get_level_display()} {self.get_verdict_display()}"


class Escalation(models.Model):
    """A disputed "no": the department head of the function decides; if still
    contested, the MD decides, and that is final."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # waiting for the department head
        CONTESTED = "contested", _("Contested")  # waiting for the MD
        DECIDED = "decided", _("Decided")  # the department head's decision stands
        FINAL = "final", _("Final")  # the MD decided: final

    class Decision(models.TextChoices):
        UPHOLD = "uphold", _("Uphold the “no”")
        OVERTURN = "overturn", _("Overturn: it is a “yes”")

    work = models.ForeignKey(CreativeWork, on_delete=models.CASCADE, related_name="escalations")
    judgment = models.ForeignKey(Judgment, on_delete=models.CASCADE, related_name="escalations")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    statement = models.TextField(_("statement"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    head_decision = models.CharField(
        _("department head's decision"), max_length=10, choices=Decision.choices, blank=True
    )
    head_by = _stamp_user(_("decided by (department head)"))
    head_at = _stamp_at(_("department head decided at"))
    head_comment = models.TextField(_("department head's reasons"), blank=True)
    contested_by = _stamp_user(_("contested by"))
    contested_at = _stamp_at(_("contested at"))
    contest_statement = models.TextField(_("why it is still contested"), blank=True)
    md_decision = models.CharField(
        _("MD's decision"), max_length=10, choices=Decision.choices, blank=True
    )
    md_by = _stamp_user(_("decided by (MD)"))
    md_at = _stamp_at(_("MD decided at"))
    md_comment = models.TextField(_("MD's reasons"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            # One live escalation per work version.
            models.UniqueConstraint(
                fields=["work"],
                condition=models.Q(status__in=["open", "contested"]),
                name="escalation_one_open_per_work",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="final") | ~models.Q(md_decision=""),
                name="escalation_final_has_md_decision",
            ),
        ]
        indexes = [models.Index(fields=["status"])]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self):
        return _("Escalation on %(work)s") % {"work": self.work}

    def get_absolute_url(self):
        return reverse("briefs:escalation_detail", args=[self.pk])

    @property
    def decision(self) -> str:
        return self.md_decision or self.head_decision


class _Bilingual(models.Model):
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_zh and (get_language() or "").lower().startswith("zh"):
            return self.name_zh
        return self.name


class JobStageTemplate(_Bilingual):
    """The stages of one deliverable type (print ad, TVC, pitch). Edited in the admin."""

    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job stage template")
        verbose_name_plural = _("job stage templates")


class JobStageTemplateStep(_Bilingual):
    template = models.ForeignKey(JobStageTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="jobtemplatestep_unique_position"
            )
        ]
        verbose_name = _("template stage")
        verbose_name_plural = _("template stages")


class Job(models.Model):
    """A production job on a brief, moved stage by stage by traffic / account."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In production")  # a stage is current
        DELIVERED = "delivered", _("Delivered")  # the last stage was handed off

    brief = models.ForeignKey(
        Brief, verbose_name=_("brief"), on_delete=models.CASCADE, related_name="jobs"
    )
    template = models.ForeignKey(
        JobStageTemplate,
        verbose_name=_("deliverable type"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    title = models.CharField(_("job name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    current_stage = models.ForeignKey(
        "JobStage",
        verbose_name=_("current stage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = _stamp_user(_("created by"))
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = _stamp_at(_("delivered at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("briefs:job_detail", args=[self.pk])


class JobStage(_Bilingual):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # not reached yet
        CURRENT = "current", _("Current")  # being worked on
        DONE = "done", _("Done")  # handed off to the next stage

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("position"))
    owner = _stamp_user(_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    started_at = _stamp_at(_("started at"))
    done_at = _stamp_at(_("done at"))

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="jobstage_unique_position"),
            models.UniqueConstraint(
                fields=["job"], condition=models.Q(status="current"), name="jobstage_one_current"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]
        verbose_name = _("job stage")
        verbose_name_plural = _("job stages")

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != self.Status.DONE
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class HandOff(models.Model):
    """Who handed a job from one stage to the next, to whom, when."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="handoffs")
    from_stage = models.ForeignKey(
        JobStage, verbose_name=_("from stage"), on_delete=models.CASCADE, related_name="+"
    )
    to_stage = models.ForeignKey(
        JobStage,
        verbose_name=_("to stage"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    from_user = _stamp_user(_("from"))
    to_user = _stamp_user(_("to"))
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")

    def __str__(self):
        return f"{self.from_stage} → {self.to_stage or '✓'}"
