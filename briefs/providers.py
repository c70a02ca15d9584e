"""The home page's "waiting for me" sections and the client-page panel.

Each section is one query (with select_related), whatever the number of rows.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import TeamMembership
from agency.client_panels import Panel
from agency.dashboard import Item, Section
from agency.roles import ACCOUNT_SERVICE, CREATIVES, Role

from . import approvers
from .models import Brief, CreativeWork, JobStage, Judgment
from .selectors import escalations_to_decide, rejection_reasons_for_client

LIMIT = 20
S = Brief.Status
# Work is judged and revised only while its brief is open (not back in draft, not closed).
OPEN = list(approvers.WORK_OPEN_STATES)
# One section per approval step: (step, title, order on the home page).
APPROVAL_SECTIONS = [
    (S.CREATIVE_REVIEW, gettext_lazy("Strategies to review"), 20),
    (S.STRATEGY_REVIEW, gettext_lazy("Strategies to approve"), 22),
    (S.APPROVED, gettext_lazy("Briefs to sign"), 23),
    (S.CLIENT_AGREED, gettext_lazy("Briefs to review (planner)"), 24),
]


def _on_team_as(user, roles):
    return TeamMembership.objects.filter(user=user, team_role__in=list(roles)).values("client_id")


def _brief_items(qs, detail=""):
    return [
        Item(label=f"{b.client} · {b.title}", url=b.get_absolute_url(), detail=detail)
        for b in qs.select_related("client").order_by("deadline", "pk")[:LIMIT]
    ]


def _section(title, items, order):
    return [Section(title=title, items=items, order=order)] if items else []


def dashboard_sections(user) -> list[Section]:
    if not user.is_authenticated:
        return []
    sections: list[Section] = []
    role = user.role
    briefs = Brief.objects.all()

    # The approval steps waiting for me: briefs.approvers decides who is waited on.
    for status, title, order in APPROVAL_SECTIONS:
        items = _brief_items(approvers.briefs_awaiting(user, status))
        sections += _section(str(title), items, order)

    if role == Role.CREATIVE_DIRECTOR:
        works = CreativeWork.objects.filter(
            status=CreativeWork.Status.SUBMITTED,
            brief__client_id__in=_on_team_as(user, [Role.CREATIVE_DIRECTOR]),
            brief__status__in=OPEN,
            judgments__level=Judgment.Level.STRATEGY,
        ).select_related("brief", "brief__client")[:LIMIT]
        sections += _section(
            _("Creative work to judge: good enough?"),
            [Item(label=f"{w.brief.client} · {w}", url=w.get_absolute_url()) for w in works],
            21,
        )

    if role in ACCOUNT_SERVICE:
        mine = _on_team_as(user, ACCOUNT_SERVICE)
        qs = briefs.filter(
            Q(status__in=[S.SIGNED, S.PLANNER_REVIEWED])
            | Q(status=S.DRAFT, returned_at__isnull=False),
            client_id__in=mine,
        )
        items = [
            Item(
                label=f"{b.client} · {b.title}",
                url=b.get_absolute_url(),
                detail=b.get_status_display(),
            )
            for b in qs.select_related("client").order_by("deadline", "pk")[:LIMIT]
        ]
        sections += _section(_("Briefs waiting for the account team"), items, 25)
        works = (
            CreativeWork.objects.filter(
                status=CreativeWork.Status.SUBMITTED,
                brief__client_id__in=mine,
                brief__status__in=OPEN,
            )
            .exclude(judgments__level=Judgment.Level.STRATEGY)
            .select_related("brief", "brief__client")[:LIMIT]
        )
        sections += _section(
            _("Creative work to judge: on strategy?"),
            [Item(label=f"{w.brief.client} · {w}", url=w.get_absolute_url()) for w in works],
            26,
        )

    if role in CREATIVES:
        qs = briefs.filter(status=S.BRIEFED, creatives=user)
        sections += _section(_("Briefs to deliver work on"), _brief_items(qs), 27)
        works = CreativeWork.objects.filter(
            status=CreativeWork.Status.REVISE, submitted_by=user, brief__status__in=OPEN
        ).select_related("brief", "brief__client")[:LIMIT]
        sections += _section(
            _("Creative work to revise"),
            [Item(label=f"{w.brief.client} · {w}", url=w.get_absolute_url()) for w in works],
            28,
        )

    escalations = list(escalations_to_decide(user)[:LIMIT])
    sections += _section(
        _("Escalations to decide"),
        [
            Item(
                label=f"{e.work.brief.title} · {e.work}",
                url=e.get_absolute_url(),
                detail=e.get_status_display(),
            )
            for e in escalations
        ],
        19,
    )

    # Stages I own (any role), and for traffic every current stage of their clients.
    mine = Q(owner=user)
    if role == Role.TRAFFIC:
        mine |= Q(job__brief__client_id__in=_on_team_as(user, [Role.TRAFFIC]))
    stages = (
        JobStage.objects.filter(mine, status=JobStage.Status.CURRENT, job__status="active")
        .select_related("job")
        .order_by("due_date", "pk")[:LIMIT]
    )
    sections += _section(
        _("Job stages"),
        [
            Item(
                label=f"{s.job} · {s.display_name}",
                url=s.job.get_absolute_url(),
                detail=str(s.due_date or ""),
                overdue=s.is_overdue,
            )
            for s in stages
        ],
        29,
    )
    return sections


def client_panels(request, client, access) -> list[Panel]:
    """Briefs and rejection-reason analytics on the client page (not for finance)."""
    if not access.can_view_work:
        return []
    from .selectors import brief_list_for_user

    briefs = list(brief_list_for_user(request.user).filter(client=client)[:10])
    return [
        Panel(
            title=_("Briefs"),
            template="briefs/_client_panel.html",
            context={
                "briefs": briefs,
                "reasons": rejection_reasons_for_client(client),
                "client": client,
                "may_create": access.is_account_service_on_team,
                "new_url": reverse("briefs:brief_create") + f"?client={client.pk}",
            },
            order=30,
        )
    ]


def brief_cards(user) -> list:
    """Briefs and strategies waiting for this user's review or signature (the
    approver rule is briefs.approvers'); the card opens the brief list filtered
    the same way."""
    from agency.cards import Card

    from .selectors import brief_list_for_user

    if user.role not in (Role.CREATIVE_DIRECTOR, Role.BD, Role.MD, Role.PLANNER):
        return []
    n = (
        brief_list_for_user(user)
        .filter(pk__in=approvers.briefs_awaiting(user).values("pk"))
        .count()
    )
    return [
        Card(
            key="briefs_awaiting",
            title=_("Briefs and strategies awaiting you"),
            value=n,
            url=reverse("briefs:brief_list") + "?awaiting=me",
            tone="warning" if n else "",
            order=16,
        )
    ]
