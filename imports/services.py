"""Importing clients, contacts, cooperating parties and team memberships.

`import_run` reads the file (imports.reading), then imports row by row, each
in its own savepoint: a bad row is reported with its line and reason and the
others go in, or, with "all or nothing", one bad row writes nothing. A dry run
does all of it and rolls back, so its per-row results are exactly what the
import would do.

Duplicates: a row is the existing client with the same unified social credit
code (Client.tax_id), else the same name (case-insensitive). With "update
existing" its non-empty cells update that client; without, the row is
skipped. Contacts are matched by name within the client, parties by name,
members by user.

Who: administrators import anything; account service only into clients they
lead (PERMISSIONS.md), never creating clients. Team rows obey
accounts.team_roles (the same checks as the team form).

Every object written is a Record of the batch with its values before and
after; `batch_undo` deletes what the batch created and restores what it
updated, only while none of them was edited since.
"""

import re
from dataclasses import dataclass, field

from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, Contact, Party, TeamMembership, User
from accounts.services import team_changes_record, team_snapshot
from accounts.team_roles import check_member_add, check_member_change
from agency.errors import DomainError
from agency.permissions import deny_unless
from agency.roles import ACCOUNT_SERVICE, Role

from .models import Batch, Record
from .reading import read_rows
from .receivables import HEADERS as RECEIVABLE_HEADERS
from .receivables import import_receivable_row, may_import_receivables

ERR_NOT_LEAD = _("You may import only into clients you lead: %(client)s.")
ERR_CREATE_ADMIN_ONLY = _("Only an administrator can create clients by import: %(client)s.")
ERR_NAME_REQUIRED = _("The client name is empty.")
ERR_BAD_CHOICE = _("%(column)s: unknown value “%(value)s”.")
ERR_BAD_NUMBER = _("%(column)s: “%(value)s” is not a whole number.")
ERR_UNKNOWN_USER = _("Team member “%(value)s” is not an active user.")
ERR_TAX_ID_OTHER_CLIENT = _(
    "The credit code %(tax_id)s belongs to %(other)s, not to the client named %(client)s."
)
ERR_UNDONE = _("This import was already undone.")
ERR_EDITED_SINCE = _("%(object)s was changed after the import: the import cannot be undone.")
ERR_USED_SINCE = _(
    "%(object)s has been used since the import (%(what)s): the import cannot be undone."
)


def import_kinds_for(user) -> list[str]:
    """The kinds of import `user` may run (the page offers these)."""
    kinds = []
    if may_import(user):
        kinds.append(Batch.Kind.CLIENTS)
    if may_import_receivables(user):
        kinds.append(Batch.Kind.RECEIVABLES)
    return kinds


def may_import(user) -> bool:
    """The import page: administrators and account service (who lead clients)."""
    return bool(
        user.is_active
        and (user.is_superuser or user.role == Role.ADMIN or user.role in ACCOUNT_SERVICE)
    )


def _is_admin(user) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)


@dataclass
class RowResult:
    line: int
    client: str
    action: str = ""  # created / updated / skipped / error
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list
    batch: Batch | None
    dry_run: bool
    written: bool

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self):
        return self.count("created")

    @property
    def updated(self):
        return self.count("updated")

    @property
    def skipped(self):
        return self.count("skipped")

    @property
    def error_count(self):
        return self.count("error")


class _Rollback(Exception):
    """Leave the import's transaction without writing (dry run, all or nothing)."""


# --- values ------------------------------------------------------------------


def _choice_map(choices, extra=None) -> dict:
    found = {}
    for value, label in choices:
        found[str(value).lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = str(label).strip().lower()
            found[text] = value
            # "客户总监（AD）" is also written "客户总监"
            short = re.sub(r"\s*[(（].*?[)）]\s*$", "", text)
            found.setdefault(short, value)
    for alias, value in (extra or {}).items():
        found[alias.lower()] = value
    return found


def _choice(value: str, choices, column: str, extra=None) -> str:
    found = _choice_map(choices, extra).get(value.strip().lower())
    if found is None:
        raise DomainError(ERR_BAD_CHOICE, column=column, value=value)
    return found


def _yes(value: str) -> bool:
    return value.strip().lower() in ("1", "y", "yes", "true", "是", "√", "x")


def _snapshot(obj) -> dict:
    """Field values as JSON, for 'edited since?' and restoring."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in ("updated_at", "created_at", "joined"):
            continue
        value = getattr(obj, f.attname)
        if value is not None and not isinstance(value, bool | int | float | str):
            value = str(value)  # dates, decimals, files: compared as text
        data[f.attname] = value
    return data


class _Recorder:
    def __init__(self, batch: Batch):
        self.batch = batch
        self.order = 0
        self.clients = set()  # written by this batch so far

    def before(self, obj) -> dict:
        return _snapshot(obj) if obj.pk else {}

    def written(self, obj, before: dict, created: bool) -> None:
        # As stored (1 -> "1.00"), so undo compares like with like.
        obj = type(obj)._default_manager.get(pk=obj.pk)
        ct = ContentType.objects.get_for_model(obj)
        record = Record.objects.filter(batch=self.batch, content_type=ct, object_id=obj.pk).first()
        if record is None:
            self.order += 1
            Record.objects.create(
                batch=self.batch,
                content_type=ct,
                object_id=obj.pk,
                action=Record.Action.CREATED if created else Record.Action.UPDATED,
                before={} if created else before,
                after=_snapshot(obj),
                order=self.order,
            )
        else:  # a second row touched it: keep what it was before the batch
            record.after = _snapshot(obj)
            record.save(update_fields=["after"])


# --- rows --------------------------------------------------------------------


def _find_client(row: dict) -> Client | None:
    tax_id, name = row.get("tax_id", ""), row.get("client_name", "")
    if tax_id:
        client = Client.objects.filter(tax_id__iexact=tax_id).first()
        if client is not None:
            return client
    return Client.objects.filter(name__iexact=name).first()


def _client_data(row: dict) -> dict:
    data = {"name": row["client_name"]}
    for key in ("tax_id", "short_name", "invoice_title"):
        if row.get(key):
            data[key] = row[key]
    if row.get("industry"):
        data["industry"] = _choice(row["industry"], Client.Industry.choices, _g("industry"))
    if row.get("payment_terms_days"):
        try:
            data["payment_terms_days"] = int(row["payment_terms_days"])
        except ValueError:
            raise DomainError(
                ERR_BAD_NUMBER, column=_g("payment terms (days)"), value=row["payment_terms_days"]
            ) from None
    return data


def _save(obj, data: dict, rec: _Recorder) -> None:
    before = rec.before(obj)
    created = obj.pk is None
    for key, value in data.items():
        setattr(obj, key, value)
    obj.full_clean(validate_unique=True)
    obj.save()
    rec.written(obj, before, created)


def _import_row(*, actor, row: dict, result: RowResult, update_existing: bool, rec) -> None:
    name = row.get("client_name", "")
    if not name:
        raise DomainError(ERR_NAME_REQUIRED)
    data = _client_data(row)
    client = _find_client(row)
    if client is None:
        if not _is_admin(actor):
            raise DomainError(ERR_CREATE_ADMIN_ONLY, client=name)
        client = Client()
        result.action = "created"
    else:
        if row.get("tax_id") and client.tax_id and client.tax_id.lower() != row["tax_id"].lower():
            raise DomainError(
                ERR_TAX_ID_OTHER_CLIENT, tax_id=client.tax_id, other=client.name, client=name
            )
        if not update_existing and client.pk not in rec.clients:
            # (A client an earlier row of this file wrote takes the further rows:
            # one row per contact is how such sheets are kept.)
            result.action = "skipped"
            return
        if (
            not _is_admin(actor)
            and not client.memberships.filter(user=actor, is_lead=True).exists()
        ):
            raise DomainError(ERR_NOT_LEAD, client=client.name)
        result.action = "updated"
    _save(client, data, rec)
    rec.clients.add(client.pk)

    if row.get("contact_name"):
        contact = client.contacts.filter(name__iexact=row["contact_name"]).first() or Contact(
            client=client
        )
        cdata = {"name": row["contact_name"]}
        for key, attr in (
            ("contact_title", "title"),
            ("contact_phone", "phone"),
            ("contact_email", "email"),
        ):
            if row.get(key):
                cdata[attr] = row[key]
        if row.get("audience_role"):
            cdata["audience_role"] = _choice(
                row["audience_role"],
                Contact.AudienceRole.choices,
                _g("audience role"),
                extra={"决策者": Contact.AudienceRole.DECISION_MAKER, "执行者": "executor"},
            )
        _save(contact, cdata, rec)

    if row.get("party_name"):
        party = client.parties.filter(name__iexact=row["party_name"]).first() or Party(
            client=client, kind=Party.Kind.OTHER
        )
        pdata = {"name": row["party_name"]}
        if row.get("party_kind"):
            pdata["kind"] = _choice(
                row["party_kind"],
                Party.Kind.choices,
                _g("role on the account"),
                # the glossary's everyday words beside the labels
                extra={"代理公司": "sales_agency", "媒体": "media", "物业": "property_manager"},
            )
        _save(party, pdata, rec)

    if row.get("member"):
        _import_member(actor=actor, client=client, row=row, rec=rec)


def _import_member(*, actor, client: Client, row: dict, rec) -> None:
    value = row["member"]
    user = User.objects.filter(
        Q(username__iexact=value) | Q(full_name=value) | Q(email__iexact=value), is_active=True
    ).first()
    if user is None:
        raise DomainError(ERR_UNKNOWN_USER, value=value)
    team_role = (
        _choice(row["team_role"], Role.choices, _g("team role")) if row.get("team_role") else None
    )
    is_lead = _yes(row.get("is_lead", ""))
    before_team = team_snapshot(client)
    membership = client.memberships.filter(user=user).first()
    if membership is None:
        team_role = team_role or user.role
        check_member_add(actor=actor, user=user, team_role=team_role, is_lead=is_lead)
        membership = TeamMembership(client=client, user=user)
    else:
        team_role = team_role or membership.team_role
        check_member_change(
            actor=actor, membership=membership, team_role=team_role, is_lead=is_lead
        )
    if is_lead:
        for other in client.memberships.filter(is_lead=True).exclude(user=user):
            _save(other, {"is_lead": False}, rec)
    _save(membership, {"team_role": team_role, "is_lead": is_lead}, rec)
    team_changes_record(client=client, actor=actor, before=before_team)


def _message(e) -> str:
    if isinstance(e, ValidationError):
        return "; ".join(str(m) for m in e.messages)
    return str(e) or _g("Not allowed.")


def import_run(
    *,
    actor,
    file_name: str,
    content: bytes,
    update_existing: bool = False,
    all_or_nothing: bool = False,
    dry_run: bool = False,
    kind: str = Batch.Kind.CLIENTS,
) -> ImportResult:
    """Import (or try, with dry_run) a file; per-row results, and the batch if written.

    `kind` "receivables": opening balances (imports.receivables), finance only.
    """
    if kind == Batch.Kind.RECEIVABLES:
        deny_unless(may_import_receivables(actor))
        rows = read_rows(file_name, content, RECEIVABLE_HEADERS, required="number")
    else:
        deny_unless(may_import(actor))
        rows = read_rows(file_name, content)
    results: list[RowResult] = []
    batch = None
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                kind=kind,
                created_by=actor,
                file_name=file_name[:255],
                update_existing=update_existing,
                all_or_nothing=all_or_nothing,
            )
            rec = _Recorder(batch)
            for line, row in rows:
                result = RowResult(line=line, client=row.get("client_name", ""))
                try:
                    with transaction.atomic():
                        if kind == Batch.Kind.RECEIVABLES:
                            import_receivable_row(actor=actor, row=row, result=result, rec=rec)
                        else:
                            _import_row(
                                actor=actor,
                                row=row,
                                result=result,
                                update_existing=update_existing,
                                rec=rec,
                            )
                except (DomainError, ValidationError, PermissionDenied, IntegrityError) as e:
                    result.action = "error"
                    result.errors.append(_message(e))
                results.append(result)
            has_errors = any(r.action == "error" for r in results)
            if dry_run or (all_or_nothing and has_errors) or not batch.records.exists():
                raise _Rollback
            batch.created = sum(r.action == "created" for r in results)
            batch.updated = sum(r.action == "updated" for r in results)
            batch.skipped = sum(r.action == "skipped" for r in results)
            batch.errors = sum(r.action == "error" for r in results)
            batch.save(update_fields=["created", "updated", "skipped", "errors"])
    except _Rollback:
        return ImportResult(rows=results, batch=None, dry_run=dry_run, written=False)
    return ImportResult(rows=results, batch=batch, dry_run=dry_run, written=True)


# --- undo --------------------------------------------------------------------


def batch_list_for_user(user):
    qs = Batch.objects.select_related("created_by")
    if _is_admin(user):
        return qs.filter(Q(kind=Batch.Kind.CLIENTS) | Q(created_by=user))
    return qs.filter(created_by=user)


def batch_get_for_user(user, pk) -> Batch:
    from agency.permissions import object_or_404

    return object_or_404(batch_list_for_user(user), pk)


def _label(obj) -> str:
    return f"{obj._meta.verbose_name} “{obj}”"


@transaction.atomic
def batch_undo(*, actor, batch: Batch) -> Batch:
    """Take the batch out again: delete what it created, restore what it
    updated; refused (nothing changed) if any of it was edited or used since."""
    deny_unless(
        batch.created_by_id == actor.pk or (_is_admin(actor) and batch.kind == Batch.Kind.CLIENTS)
    )
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Batch.Status.DONE:
        raise DomainError(ERR_UNDONE)
    records = list(batch.records.select_related("content_type").order_by("-order"))
    ours = {(r.content_type_id, r.object_id) for r in records}
    loaded = []
    for record in records:
        model = record.content_type.model_class()
        obj = model._default_manager.select_for_update().filter(pk=record.object_id).first()
        if obj is None or _snapshot(obj) != record.after:
            shown = _label(obj) if obj is not None else f"#{record.object_id}"
            raise DomainError(ERR_EDITED_SINCE, object=shown)
        if record.action == Record.Action.CREATED:
            # Deleting would cascade: refuse if anything not from this batch hangs on it.
            collector = NestedObjects(using=DEFAULT_DB_ALIAS)
            collector.collect([obj])
            for related_model, objs in collector.data.items():
                ct = ContentType.objects.get_for_model(related_model)
                for related in objs:
                    if (ct.pk, related.pk) not in ours:
                        raise DomainError(ERR_USED_SINCE, object=_label(obj), what=_label(related))
        loaded.append((record, obj))
    clients = {obj.client_id for _, obj in loaded if isinstance(obj, TeamMembership)}
    teams_before = {pk: team_snapshot(Client(pk=pk)) for pk in clients}
    for record, obj in loaded:  # newest first
        if record.action == Record.Action.CREATED:
            if type(obj)._default_manager.filter(pk=obj.pk).exists():
                obj.delete()
        else:
            type(obj)._default_manager.filter(pk=obj.pk).update(**record.before)
    for pk, before in teams_before.items():
        client = Client.objects.filter(pk=pk).first()
        if client is not None:
            team_changes_record(client=client, actor=actor, before=before)
    batch.status = Batch.Status.UNDONE
    batch.undone_at = timezone.now()
    batch.save(update_fields=["status", "undone_at"])
    return batch
