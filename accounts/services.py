"""Every write to clients, contacts, parties, teams and check-ins.

Each service re-checks the actor's rights through `client_access` (views do
too, but a service must be safe on its own) and raises PermissionDenied.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.permissions import deny_unless
from agency.roles import ACCOUNT_SERVICE, SEES_ALL

from .models import CheckIn, Client, Contact, Party, TeamMembership, User
from .selectors import client_access

CLIENT_FIELDS = (
    "name",
    "short_name",
    "industry",
    "status",
    "since",
    "invoice_title",
    "tax_id",
    "payment_terms_days",
    "currency",
    "notes",
)
CONTACT_FIELDS = ("name", "title", "email", "phone", "audience_role", "their_words", "notes")
PARTY_FIELDS = ("name", "kind", "contact_name", "contact_phone", "contact_email", "notes")
MEMBERSHIP_FIELDS = ("team_role", "is_lead", "expectations")
CHECKIN_FIELDS = ("date", "topic", "notes")

ERR_DUPLICATE_MEMBER = _("This person is already on the team.")
ERR_CHECKIN_NOT_OWN = _("You can only edit your own check-ins.")


def _assign(obj, data: dict, fields) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def client_may_create(user) -> bool:
    return user.role in SEES_ALL or user.role in ACCOUNT_SERVICE


@transaction.atomic
def client_create(*, actor: User, data: dict) -> Client:
    """Account people, BD and MD create clients; an account person joins as lead."""
    deny_unless(client_may_create(actor))
    client = Client(**{k: v for k, v in data.items() if k in CLIENT_FIELDS})
    client.save()
    if actor.role in ACCOUNT_SERVICE:
        TeamMembership.objects.create(client=client, user=actor, team_role=actor.role, is_lead=True)
    return client


@transaction.atomic
def client_update(*, actor: User, client: Client, data: dict) -> Client:
    deny_unless(client_access(actor, client).can_edit)
    changed = _assign(client, data, CLIENT_FIELDS)
    if changed:
        client.save(update_fields=[*changed, "updated_at"])
    return client


@transaction.atomic
def contact_save(
    *, actor: User, client: Client, data: dict, contact: Contact | None = None
) -> Contact:
    deny_unless(client_access(actor, client).can_edit)
    contact = contact or Contact(client=client)
    _assign(contact, data, CONTACT_FIELDS)
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    deny_unless(client_access(actor, contact.client).can_edit)
    contact.delete()


@transaction.atomic
def party_save(*, actor: User, client: Client, data: dict, party: Party | None = None) -> Party:
    deny_unless(client_access(actor, client).can_edit)
    party = party or Party(client=client)
    _assign(party, data, PARTY_FIELDS)
    party.save()
    return party


@transaction.atomic
def party_delete(*, actor: User, party: Party) -> None:
    deny_unless(client_access(actor, party.client).can_edit)
    party.delete()


def _clear_other_leads(client: Client, keep_pk=None) -> None:
    client.memberships.filter(is_lead=True).exclude(pk=keep_pk).update(is_lead=False)


@transaction.atomic
def membership_add(*, actor: User, client: Client, user: User, data: dict) -> TeamMembership:
    deny_unless(client_access(actor, client).can_edit)
    if TeamMembership.objects.filter(client=client, user=user).exists():
        raise DomainError(ERR_DUPLICATE_MEMBER)
    if data.get("is_lead"):
        _clear_other_leads(client)
    membership = TeamMembership(client=client, user=user)
    _assign(membership, data, MEMBERSHIP_FIELDS)
    if not membership.team_role:
        membership.team_role = user.role
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        # Two people adding the same member at once: the constraint decides.
        raise DomainError(ERR_DUPLICATE_MEMBER) from None
    return membership


@transaction.atomic
def membership_update(*, actor: User, membership: TeamMembership, data: dict) -> TeamMembership:
    deny_unless(client_access(actor, membership.client).can_edit)
    if data.get("is_lead") and not membership.is_lead:
        _clear_other_leads(membership.client, keep_pk=membership.pk)
    changed = _assign(membership, data, MEMBERSHIP_FIELDS)
    if changed:
        membership.save(update_fields=changed)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: TeamMembership) -> None:
    deny_unless(client_access(actor, membership.client).can_edit)
    membership.delete()


@transaction.atomic
def checkin_add(*, actor: User, client: Client, data: dict) -> CheckIn:
    deny_unless(client_access(actor, client).can_add_checkin)
    checkin = CheckIn(client=client, author=actor)
    _assign(checkin, data, CHECKIN_FIELDS)
    checkin.save()
    return checkin


@transaction.atomic
def checkin_update(*, actor: User, checkin: CheckIn, data: dict) -> CheckIn:
    deny_unless(client_access(actor, checkin.client).can_add_checkin)
    deny_unless(checkin.author_id == actor.pk, ERR_CHECKIN_NOT_OWN)
    changed = _assign(checkin, data, CHECKIN_FIELDS)
    if changed:
        checkin.save(update_fields=changed)
    return checkin


def user_set_language(*, user: User, language: str) -> None:
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
