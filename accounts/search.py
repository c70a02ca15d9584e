"""Search sources for clients, contacts and parties (registered in apps.py).

Scoped by `client_list_for_user`: master data, so finance sees every client's
contacts and parties, a team member only their teams' clients.
"""

from django.utils.translation import gettext_lazy as _

from agency.search import Hit, first_snippet, group, matches, snippet

from .models import Contact, Party
from .selectors import client_list_for_user

CLIENT_FIELDS = ("name", "short_name", "invoice_title")
CONTACT_FIELDS = ("name", "title", "email", "phone")
PARTY_FIELDS = ("name", "contact_name")


def _visible_client_ids(user):
    return client_list_for_user(user).order_by().values("pk")


def search_sources(user, q):
    clients = (
        client_list_for_user(user)
        .prefetch_related(None)
        .filter(matches(q, *CLIENT_FIELDS))
        .order_by("name", "pk")
    )
    contacts = (
        Contact.objects.filter(client_id__in=_visible_client_ids(user))
        .filter(matches(q, *CONTACT_FIELDS))
        .select_related("client")
        .order_by("name", "pk")
    )
    parties = (
        Party.objects.filter(client_id__in=_visible_client_ids(user))
        .filter(matches(q, *PARTY_FIELDS))
        .select_related("client")
        .order_by("name", "pk")
    )
    return [
        group(
            "clients",
            _("Clients"),
            clients,
            lambda c: Hit(c.name, c.get_absolute_url(), snippet=snippet(c.invoice_title, q)),
            order=10,
        ),
        group(
            "contacts",
            _("Contacts"),
            contacts,
            lambda c: Hit(
                c.name,
                c.client.get_absolute_url(),
                context=c.client.name,
                snippet=first_snippet(q, [c.title, c.email, c.phone]),
            ),
            order=20,
        ),
        group(
            "parties",
            _("Parties"),
            parties,
            lambda p: Hit(
                p.name,
                p.client.get_absolute_url(),
                context=f"{p.client.name} · {p.get_kind_display()}",
                snippet=snippet(p.contact_name, q),
            ),
            order=30,
        ),
    ]
