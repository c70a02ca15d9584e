from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agency.roles import ACCOUNT_SERVICE, Role


class AgencyUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An agency employee. One full-name field: Chinese names are not first + last."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=100)
    role = models.CharField(_("agency role"), max_length=20, choices=Role.choices, default=Role.AE)
    is_department_head = models.BooleanField(
        _("department head"),
        default=False,
        help_text=_("Decides escalations for their function."),
    )
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    REQUIRED_FIELDS = ["email", "full_name"]
    objects = AgencyUserManager()

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username

    @property
    def is_account_service(self) -> bool:
        return self.role in ACCOUNT_SERVICE


class Client(models.Model):
    class Industry(models.TextChoices):
        REAL_ESTATE = "real_estate", _("Real estate")
        FMCG = "fmcg", _("Consumer goods")
        AUTOMOTIVE = "automotive", _("Automotive")
        FINANCE = "finance", _("Financial services")
        TECHNOLOGY = "technology", _("Technology")
        RETAIL = "retail", _("Retail")
        HEALTHCARE = "healthcare", _("Healthcare")
        TRAVEL = "travel", _("Travel and hospitality")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")  # pitching, not yet signed
        ACTIVE = "active", _("Active")  # a working account
        PAUSED = "paused", _("Paused")  # no work for now, relationship kept
        LOST = "lost", _("Lost")  # the account left; kept for history

    class Currency(models.TextChoices):
        CNY = "CNY", _("Chinese yuan (CNY)")
        HKD = "HKD", _("Hong Kong dollar (HKD)")
        USD = "USD", _("US dollar (USD)")
        EUR = "EUR", _("Euro (EUR)")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    since = models.DateField(_("client since"), null=True, blank=True)
    invoice_title = models.CharField(_("invoice title"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=50, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="client_name_unique_ci",
                violation_error_message=_("A client with this name already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(payment_terms_days__lte=365),
                name="client_payment_terms_max_year",
                violation_error_message=_("Payment terms cannot exceed 365 days."),
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["industry"])]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("accounts:client_detail", args=[self.pk])


class Contact(models.Model):
    """A person at the client. Not a login: a record presenters prepare for."""

    class AudienceRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        EXECUTOR = "executor", _("Executor")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    audience_role = models.CharField(
        _("audience role"),
        max_length=20,
        choices=AudienceRole.choices,
        default=AudienceRole.EXECUTOR,
    )
    their_words = models.TextField(
        _("their words"),
        blank=True,
        help_text=_("The terms this person uses; speak their language."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.get_audience_role_display()})"


class Party(models.Model):
    """A cooperating party on the account (real estate often has 3-4)."""

    class Kind(models.TextChoices):
        DEVELOPER = "developer", _("Developer")
        SALES_AGENCY = "sales_agency", _("Sales agency")
        MEDIA = "media", _("Media")
        PROPERTY_MANAGER = "property_manager", _("Property manager")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("role on the account"), max_length=20, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("cooperating party")
        verbose_name_plural = _("cooperating parties")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class TeamMembership(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team_role = models.CharField(_("team role"), max_length=20, choices=Role.choices)
    is_lead = models.BooleanField(_("account lead"), default=False)
    expectations = models.TextField(
        _("expectations"),
        blank=True,
        help_text=_("What this member expects, and what is expected of them."),
    )
    joined = models.DateField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["-is_lead", "team_role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "user"], name="membership_unique_user_client"
            ),
            # One account lead per client: reminders and escalations go to them.
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(is_lead=True), name="membership_one_lead"
            ),
        ]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")

    def __str__(self):
        return f"{self.user} – {self.get_team_role_display()} @ {self.client}"

    @property
    def is_account_service(self) -> bool:
        return self.team_role in ACCOUNT_SERVICE


class CheckIn(models.Model):
    """A progress talk with the client (进展沟通), shown as the client's timeline."""

    class Topic(models.TextChoices):
        BUSINESS = "business", _("Business")
        MARKET = "market", _("Market")
        CLIENT_PROBLEM = "client_problem", _("Client problem")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="checkins",
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    notes = models.TextField(_("notes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["client", "-date"])]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.date} {self.get_topic_display()}"


class UserSession(models.Model):
    """Which signed-in session belongs to whom (recorded at login), so a user can
    see their sessions and end the others, and deactivation can end them all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"
