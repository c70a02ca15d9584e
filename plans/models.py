"""Annual account plans (经营计划表): one per client, year and revision."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Client

ZERO = Decimal("0")


class AccountPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # account people edit; objections/returns come back here
        SUBMITTED = "submitted", _("Submitted")  # reviewers agree/object; the MD signs off
        APPROVED = "approved", _("Approved")  # signed off by the MD: read-only
        # A later revision was approved: kept, read-only, for history.
        SUPERSEDED = "superseded", _("Superseded")

    class Posture(models.TextChoices):
        INVEST = "invest", _("Invest")
        GROW = "grow", _("Grow")
        EFFICIENCY = "efficiency", _("Efficiency first")
        MAINTAIN = "maintain", _("Maintain")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    posture = models.CharField(
        _("client posture this year"),
        max_length=12,
        choices=Posture.choices,
        default=Posture.GROW,
    )
    annual_goals = models.TextField(_("annual goals"), blank=True)
    training_plan = models.TextField(_("client-training plan"), blank=True)
    revenue_target = models.DecimalField(
        _("revenue target"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    cost_target = models.DecimalField(
        _("cost target"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    # Optimistic locking: every save of the plan's content bumps it; a form
    # posted with an older version is refused (nothing silently lost).
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_revision",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    return_reason = models.TextField(_("reason returned"), blank=True)
    # Incremented on each submission; reviews belong to one round.
    review_round = models.PositiveSmallIntegerField(_("review round"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "client__name", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "year", "revision"],
                name="plan_unique_client_year_revision",
                violation_error_message=_("This client already has this revision of the plan."),
            ),
            models.CheckConstraint(
                condition=models.Q(revenue_target__gte=0) & models.Q(cost_target__gte=0),
                name="plan_targets_not_negative",
                violation_error_message=_("Targets cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(revision__gte=1), name="plan_revision_positive"
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["client", "year"])]
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")

    def __str__(self):
        return _("%(client)s plan %(year)s (rev. %(revision)s)") % {
            "client": self.client,
            "year": self.year,
            "revision": self.revision,
        }

    def get_absolute_url(self):
        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def profit_target(self) -> Decimal:
        """Derived, never typed: revenue − cost."""
        return (self.revenue_target or ZERO) - (self.cost_target or ZERO)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class PhaseGoal(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")  # not started yet
        ON_TRACK = "on_track", _("On track")  # progressing as planned
        AT_RISK = "at_risk", _("At risk")  # may miss the date or measure
        DONE = "done", _("Done")  # reached
        MISSED = "missed", _("Missed")  # the date passed without reaching it

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="phase_goals")
    title = models.CharField(_("phase goal"), max_length=200)
    measure = models.CharField(_("measure"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveSmallIntegerField(default=0)
    # The row of the previous revision this one was copied from: the diff
    # between revisions matches rows through it.
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "due_date", "pk"]
        verbose_name = _("phase goal")
        verbose_name_plural = _("phase goals")

    def __str__(self):
        return self.title


class Strategy(models.Model):
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(_("strategy"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    phase_goals = models.ManyToManyField(
        PhaseGoal, verbose_name=_("phase goals"), blank=True, related_name="strategies"
    )
    position = models.PositiveSmallIntegerField(default=0)
    # The row of the previous revision this one was copied from: the diff
    # between revisions matches rows through it.
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self):
        return self.title


class Activity(models.Model):
    class Quarter(models.IntegerChoices):
        Q1 = 1, _("Q1")
        Q2 = 2, _("Q2")
        Q3 = 3, _("Q3")
        Q4 = 4, _("Q4")

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="activities")
    what = models.CharField(_("what we will do"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=Quarter.choices)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    # Resource hours by team role: the agency's biggest cost is time.
    account_hours = models.DecimalField(
        _("account hours"), max_digits=7, decimal_places=1, default=ZERO
    )
    creative_hours = models.DecimalField(
        _("creative hours"), max_digits=7, decimal_places=1, default=ZERO
    )
    planner_hours = models.DecimalField(
        _("planner hours"), max_digits=7, decimal_places=1, default=ZERO
    )
    media_hours = models.DecimalField(
        _("media hours"), max_digits=7, decimal_places=1, default=ZERO
    )
    position = models.PositiveSmallIntegerField(default=0)
    # The row of the previous revision this one was copied from: the diff
    # between revisions matches rows through it.
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["quarter", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0)
                & models.Q(account_hours__gte=0)
                & models.Q(creative_hours__gte=0)
                & models.Q(planner_hours__gte=0)
                & models.Q(media_hours__gte=0),
                name="activity_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="activity_quarter_1_4"
            ),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.what

    @property
    def total_hours(self) -> Decimal:
        return self.account_hours + self.creative_hours + self.planner_hours + self.media_hours


class PlanReview(models.Model):
    """One reviewer's decision on one submission of a plan."""

    class Decision(models.TextChoices):
        AGREE = "agree", _("Agree")
        OBJECT = "object", _("Object")

    class ReviewerRole(models.TextChoices):
        BUSINESS = "business", _("Business (BD / MD)")
        CREATIVE = "creative", _("Creative director")

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="plan_reviews",
    )
    role = models.CharField(_("review role"), max_length=10, choices=ReviewerRole.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    # Which submission this review belongs to: a resubmission starts a new round.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "round", "role"], name="planreview_one_per_role_per_round"
            ),
            # An objection always carries a reason.
            models.CheckConstraint(
                condition=~models.Q(decision="object") | ~models.Q(comment=""),
                name="planreview_objection_has_comment",
            ),
        ]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")

    def __str__(self):
        return f"{self.reviewer} {self.get_decision_display()}"
