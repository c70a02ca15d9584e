"""Search source for creative briefs (registered in apps.py).

Scoped by `brief_list_for_user`: another team's brief never appears, finance
sees none, creatives only briefed ones.
"""

from django.utils.translation import gettext_lazy as _

from agency.search import Hit, first_snippet, group, matches

from .selectors import brief_list_for_user

BRIEF_FIELDS = ("title", "client_problem", "proposition")


def search_sources(user, q):
    briefs = brief_list_for_user(user).filter(matches(q, *BRIEF_FIELDS))
    return [
        group(
            "briefs",
            _("Briefs"),
            briefs,
            lambda b: Hit(
                b.title,
                b.get_absolute_url(),
                context=f"{b.client.name} · {b.get_status_display()}",
                snippet=first_snippet(q, [b.client_problem, b.proposition]),
            ),
            order=50,
        ),
    ]
