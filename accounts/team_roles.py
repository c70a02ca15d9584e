"""Which team roles a person may hold, and who may give them. Written once, here.

Every review and signature in the workflows is keyed on the *team* role
(PERMISSIONS.md: "AD on team approves", "BD on team signs"), so a team role is
an authority, not a label. These rules keep it tied to the person's job:

- a team role must fit the person's agency role (`TEAM_ROLES_FOR`);
- nobody changes their own team role or lead flag, and nobody adds themselves
  in any role but their own agency role;
- account people (and the BD) set only the working roles; the BD and MD team
  roles are set, changed and removed only by the MD or an administrator.

The membership services call `check_member_add` / `check_member_change` /
`check_member_remove` (and refuse with the DomainError); the forms call the
same functions to show the refusal as a form error; the Django admin's team
inline too. Nothing else decides this.
"""

from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError
from agency.roles import Role

# Agency role -> the team roles that person may hold, the first being the default.
# - The MD holds only MD: the MD signs off plans and is the fallback signer of briefs;
#   also holding the BD team role would let one person give two signatures of one object.
# - Finance is never on a team: a team role would show them plans, briefs and meetings
#   and let them draft and request the invoices they issue.
# - Administrators manage the system, not accounts.
TEAM_ROLES_FOR: dict[str, tuple[str, ...]] = {
    Role.AD: (Role.AD, Role.AM, Role.AE),
    Role.AM: (Role.AM, Role.AE),
    Role.AE: (Role.AE,),
    Role.CREATIVE_DIRECTOR: (Role.CREATIVE_DIRECTOR, Role.CREATIVE),
    Role.CREATIVE: (Role.CREATIVE,),
    Role.PLANNER: (Role.PLANNER,),
    Role.MEDIA: (Role.MEDIA,),
    Role.TRAFFIC: (Role.TRAFFIC,),
    Role.BD: (Role.BD,),
    Role.MD: (Role.MD,),
    Role.FINANCE: (),
    Role.ADMIN: (),
}

# Agency roles whose people may be on a team at all (the membership form's people).
ROLES_ON_TEAMS = frozenset(role for role, held in TEAM_ROLES_FOR.items() if held)
# The working roles account people may give: account service, creative, planner, media, traffic.
WORKING_TEAM_ROLES = frozenset(
    {
        Role.AD,
        Role.AM,
        Role.AE,
        Role.CREATIVE_DIRECTOR,
        Role.CREATIVE,
        Role.PLANNER,
        Role.MEDIA,
        Role.TRAFFIC,
    }
)
# Set, changed and removed only by the MD or an administrator.
RESERVED_TEAM_ROLES = frozenset({Role.BD, Role.MD})

ERR_TEAM_ROLE_NOT_FIT = _("%(name)s may hold only these team roles: %(roles)s.")
ERR_NO_TEAM_ROLE = _(
    "%(name)s cannot be on a client's team: their agency role (%(role)s) holds no team role."
)
ERR_OWN_TEAM_ROLE = _("You cannot change your own team role.")
ERR_OWN_LEAD = _("You cannot change whether you are the account lead.")
ERR_SELF_ADD_ROLE = _("You can join a team only in your own agency role (%(role)s).")
ERR_RESERVED_TEAM_ROLE = _(
    "Only the MD or an administrator sets, changes or removes the team role %(role)s."
)
ERR_AGENCY_ROLE_LEAVES_TEAM_ROLES = _(
    "As %(role)s, %(name)s may not keep their team role on %(clients)s: "
    "change or remove those memberships first."
)


def role_label(role) -> str:
    if not role:
        return ""
    try:
        return str(Role(role).label)
    except ValueError:
        return str(role)


def team_roles_for(user) -> tuple[str, ...]:
    """The team roles `user` may hold, given their agency role."""
    return TEAM_ROLES_FOR.get(user.role, ())


def default_team_role(user) -> str | None:
    held = team_roles_for(user)
    return held[0] if held else None


def sets_reserved_roles(actor) -> bool:
    """The MD and administrators set the BD and MD team roles."""
    return bool(actor.is_superuser or actor.role in (Role.MD, Role.ADMIN))


def team_roles_settable_by(actor) -> frozenset:
    if sets_reserved_roles(actor):
        return WORKING_TEAM_ROLES | RESERVED_TEAM_ROLES
    return WORKING_TEAM_ROLES


def _check_fit(user, team_role) -> None:
    held = team_roles_for(user)
    if not held:
        raise DomainError(ERR_NO_TEAM_ROLE, name=user, role=role_label(user.role))
    if team_role not in held:
        roles = get_text_list([role_label(r) for r in held], _("or"))
        raise DomainError(ERR_TEAM_ROLE_NOT_FIT, name=user, roles=roles)


def _check_reserved(actor, *roles) -> None:
    for role in roles:
        if role in RESERVED_TEAM_ROLES and not sets_reserved_roles(actor):
            raise DomainError(ERR_RESERVED_TEAM_ROLE, role=role_label(role))


def check_member_add(*, actor, user, team_role, is_lead: bool) -> None:
    """Refuse (DomainError) unless `actor` may put `user` on a team in `team_role`."""
    if user.pk == actor.pk:
        if is_lead:
            raise DomainError(ERR_OWN_LEAD)
        if team_role != user.role:
            raise DomainError(ERR_SELF_ADD_ROLE, role=role_label(user.role))
    _check_fit(user, team_role)
    _check_reserved(actor, team_role)


def check_member_change(*, actor, membership, team_role, is_lead: bool) -> None:
    """Refuse unless `actor` may give `membership` this team role and lead flag.

    Only a changed role is checked for fit (an unchanged one may predate the
    rules; editing the expectations must still work).
    """
    role_changed = team_role != membership.team_role
    lead_changed = bool(is_lead) != membership.is_lead
    if membership.user_id == actor.pk:
        if role_changed:
            raise DomainError(ERR_OWN_TEAM_ROLE)
        if lead_changed:
            raise DomainError(ERR_OWN_LEAD)
    if role_changed:
        _check_fit(membership.user, team_role)
    if role_changed or lead_changed:
        _check_reserved(actor, membership.team_role, team_role)


def check_member_remove(*, actor, membership) -> None:
    _check_reserved(actor, membership.team_role)
