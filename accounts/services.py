"""Every write to clients, contacts, parties, teams and check-ins.

Each service re-checks the actor's rights through `client_access` (views do
too, but a service must be safe on its own) and raises PermissionDenied.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.permissions import deny_unless
from agency.roles import ACCOUNT_SERVICE, SEES_ALL
from agency.timeline import timeline_record

from .models import CheckIn, Client, Contact, Party, TeamMembership, User
from .selectors import client_access
from .team_roles import (
    check_member_add,
    check_member_change,
    check_member_remove,
    default_team_role,
)

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
        # The creator leads the new account: their own agency role, so no rule to check.
        TeamMembership.objects.create(client=client, user=actor, team_role=actor.role, is_lead=True)
        team_changes_record(client=client, actor=actor, before={})
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


# "Nothing lost": a team change grants or takes away access, so each one is a
# row on the client's timeline, written in the change's transaction.
TEAM_ADDED = "team_member_added"
TEAM_REMOVED = "team_member_removed"
TEAM_ROLE_CHANGED = "team_role_changed"
TEAM_LEAD_SET = "team_lead_set"
TEAM_LEAD_UNSET = "team_lead_unset"
TEAM_ACTIONS = (TEAM_ADDED, TEAM_REMOVED, TEAM_ROLE_CHANGED, TEAM_LEAD_SET, TEAM_LEAD_UNSET)


def team_snapshot(client: Client) -> dict:
    """{user_id: (team_role, is_lead, name)}: the team before a change."""
    return {
        m.user_id: (m.team_role, m.is_lead, str(m.user))
        for m in client.memberships.select_related("user")
    }


def team_changes_record(*, client: Client, actor: User | None, before: dict) -> None:
    """Compare the team with `before` and write one timeline row per change.

    The one definition of "a team change" (add, remove, role change, lead
    change); the membership services and the Django admin's team inline both
    end with it. Call inside the transaction that made the change.
    """
    after = team_snapshot(client)
    for user_id in sorted(before.keys() | after.keys()):
        old_role, old_lead, old_name = before.get(user_id, (None, False, None))
        new_role, new_lead, new_name = after.get(user_id, (None, False, None))
        base = {"user": user_id, "name": new_name or old_name}
        if old_role is None:
            action = TEAM_ADDED
        elif new_role is None:
            action = TEAM_REMOVED
        elif old_role != new_role:
            action = TEAM_ROLE_CHANGED
        else:
            action = None
        if action:
            data = {**base, "old_role": old_role, "new_role": new_role}
            timeline_record(obj=client, action=action, actor=actor, data=data)
        if old_lead != new_lead:
            action = TEAM_LEAD_SET if new_lead else TEAM_LEAD_UNSET
            data = {**base, "old_lead": old_lead, "new_lead": new_lead}
            timeline_record(obj=client, action=action, actor=actor, data=data)


def _lock_team(client: Client) -> dict:
    """Serialise team changes per client (the lead moves, the timeline diff), then snapshot."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    return team_snapshot(client)


@transaction.atomic
def membership_add(*, actor: User, client: Client, user: User, data: dict) -> TeamMembership:
    deny_unless(client_access(actor, client).can_edit)
    before = _lock_team(client)
    if user.pk in before:
        raise DomainError(ERR_DUPLICATE_MEMBER)
    team_role = data.get("team_role") or default_team_role(user)
    is_lead = bool(data.get("is_lead"))
    check_member_add(actor=actor, user=user, team_role=team_role, is_lead=is_lead)
    if is_lead:
        _clear_other_leads(client)
    membership = TeamMembership(client=client, user=user)
    _assign(membership, {**data, "team_role": team_role, "is_lead": is_lead}, MEMBERSHIP_FIELDS)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        # Two people adding the same member at once: the constraint decides.
        raise DomainError(ERR_DUPLICATE_MEMBER) from None
    team_changes_record(client=client, actor=actor, before=before)
    return membership


@transaction.atomic
def membership_update(*, actor: User, membership: TeamMembership, data: dict) -> TeamMembership:
    client = membership.client
    deny_unless(client_access(actor, client).can_edit)
    before = _lock_team(client)
    membership.refresh_from_db()
    check_member_change(
        actor=actor,
        membership=membership,
        team_role=data.get("team_role", membership.team_role),
        is_lead=data.get("is_lead", membership.is_lead),
    )
    if data.get("is_lead") and not membership.is_lead:
        _clear_other_leads(client, keep_pk=membership.pk)
    changed = _assign(membership, data, MEMBERSHIP_FIELDS)
    if changed:
        membership.save(update_fields=changed)
    team_changes_record(client=client, actor=actor, before=before)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: TeamMembership) -> None:
    client = membership.client
    deny_unless(client_access(actor, client).can_edit)
    before = _lock_team(client)
    try:
        membership.refresh_from_db()
    except TeamMembership.DoesNotExist:
        return  # removed meanwhile by someone else: their row is on the timeline
    check_member_remove(actor=actor, membership=membership)
    membership.delete()
    team_changes_record(client=client, actor=actor, before=before)


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
