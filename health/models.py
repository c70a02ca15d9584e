"""Account health: the admin-set weights, each client's check-in cadence, and
the weekly snapshots that give the trend arrow and history."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .score import DEFAULT_WEIGHTS

DEFAULT_CADENCE_DAYS = 14


def _weight(label):
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(100)])


class HealthWeights(models.Model):
    """The weights of the six measures (one row; the admin edits it)."""

    plan = _weight(_("weight: this year's plan"))
    checkin = _weight(_("weight: check-ins against cadence"))
    rehearsed = _weight(_("weight: presentations rehearsed"))
    first_round = _weight(_("weight: accepted in the first round"))
    overdue = _weight(_("weight: worst overdue receivable"))
    actions = _weight(_("weight: action items closed on time"))
    default_cadence_days = models.PositiveSmallIntegerField(
        _("default check-in cadence (days)"),
        default=DEFAULT_CADENCE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("health weights")
        verbose_name_plural = _("health weights")

    def __str__(self):
        return str(_("Health weights"))

    @classmethod
    def current(cls) -> "HealthWeights":
        row = cls.objects.order_by("pk").first()
        return row or cls(**DEFAULT_WEIGHTS)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in DEFAULT_WEIGHTS}


class ClientCadence(models.Model):
    """How often this client expects a check-in (else the default)."""

    client = models.OneToOneField(
        "accounts.Client", on_delete=models.CASCADE, related_name="checkin_cadence"
    )
    days = models.PositiveSmallIntegerField(
        _("check-in cadence (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = _("check-in cadence")
        verbose_name_plural = _("check-in cadences")

    def __str__(self):
        return f"{self.client}: {self.days}"


class HealthSnapshot(models.Model):
    """A client's score in one week (week = its Monday); one row per client and week."""

    client = models.ForeignKey(
        "accounts.Client", on_delete=models.CASCADE, related_name="health_snapshots"
    )
    week = models.DateField(_("week"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=10)
    # Red this week but not the week before: the reminder engine tells the team once.
    turned_red = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "-week"]
        constraints = [
            models.UniqueConstraint(fields=["client", "week"], name="health_snapshot_client_week")
        ]
        indexes = [
            models.Index(
                fields=["week"], condition=models.Q(turned_red=True), name="health_turned_red"
            )
        ]
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")

    def __str__(self):
        return f"{self.client} {self.week}: {self.score}"

    def get_absolute_url(self):
        return self.client.get_absolute_url()
