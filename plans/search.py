"""Search sources for account plans and their strategies (registered in apps.py).

Scoped by `plan_list_for_user`: finance and outsiders see none.
"""

from django.utils.translation import gettext_lazy as _

from agency.search import Hit, first_snippet, group, matches

from .models import Strategy
from .selectors import plan_list_for_user

PLAN_FIELDS = ("client__name", "annual_goals", "training_plan")
STRATEGY_FIELDS = ("title", "description")


def search_sources(user, q):
    visible = plan_list_for_user(user)
    plans = visible.filter(matches(q, *PLAN_FIELDS))
    strategies = (
        Strategy.objects.filter(plan_id__in=visible.order_by().values("pk"))
        .filter(matches(q, *STRATEGY_FIELDS))
        .select_related("plan__client")
        .order_by("-plan__year", "title", "pk")
    )
    return [
        group(
            "plans",
            _("Account plans"),
            plans,
            lambda p: Hit(
                str(p),
                p.get_absolute_url(),
                context=p.get_status_display(),
                snippet=first_snippet(q, [p.annual_goals, p.training_plan]),
            ),
            order=40,
        ),
        group(
            "strategies",
            _("Strategies"),
            strategies,
            lambda s: Hit(
                s.title,
                s.plan.get_absolute_url(),
                context=str(s.plan),
                snippet=first_snippet(q, [s.description]),
            ),
            order=45,
        ),
    ]
