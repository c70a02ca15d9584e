"""The channel sender agency calls for every notification and reminder sent.

`enqueue(events)` runs inside the transaction that stores the inbox rows (and,
for a reminder, marks its log row SENT): it inserts one Delivery per routed
channel, keyed (channel, event key) so a second sweep or a retried task
inserts nothing, and queues the post on commit. It never talks to the network.

What a card may say is decided here, once, when the rows are written, in the
channel's language: the kind's label, the step, the object's name unless the
group's members may not see it, an amount only for billing kinds in a finance
or agency-wide channel, and the deep link.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from agency.notifications import ChannelEvent

from . import kinds
from .models import Channel, Delivery


def client_id_of(obj, depth: int = 3):
    """The client an object belongs to (plan, brief, work, meeting, invoice...)."""
    if obj is None or depth < 0:
        return None
    if type(obj).__name__ == "Client" and type(obj).__module__.startswith("accounts."):
        return obj.pk
    if getattr(obj, "client_id", None):
        return obj.client_id
    for attr in ("plan", "brief", "work", "meeting", "presentation", "invoice"):
        parent = getattr(obj, attr, None)
        if parent is not None and not callable(parent):
            found = client_id_of(parent, depth - 1)
            if found:
                return found
    return None


def channels_for(event: ChannelEvent, active: list[Channel]) -> list[Channel]:
    client_id = client_id_of(event.obj)
    billing = kinds.is_billing(event.kind)
    found = []
    for channel in active:
        if event.kind not in (channel.routes or []):
            continue
        # A client team's group: only its own client's objects, never billing
        # (creatives, planners and media on the team do not see invoices).
        if channel.scope == Channel.Scope.CLIENT and (
            billing or client_id is None or channel.client_id != client_id
        ):
            continue
        found.append(channel)
    return found


def _hidden_from_team(obj) -> bool:
    """A brief (or what hangs on it) not yet briefed: creatives on the team may not see it."""
    brief = obj if type(obj).__name__ == "Brief" else getattr(obj, "brief", None)
    if brief is None or type(brief).__name__ != "Brief":
        return False
    return not brief.is_briefed


def title_for(channel: Channel, obj) -> str:
    if obj is None:
        return ""
    if channel.scope != Channel.Scope.AGENCY and _hidden_from_team(obj):
        return _("A brief not yet briefed")
    return str(obj)


def amount_for(channel: Channel, kind: str, obj) -> str:
    if obj is None or not kinds.is_billing(kind) or not channel.sees_amounts:
        return ""
    amount = getattr(obj, "open_amount", None)
    if amount is None:
        amount = getattr(obj, "total", None)
    if amount is None:
        return ""
    currency = getattr(obj, "currency", "")
    return _("Amount: %(amount)s %(currency)s") % {
        "amount": formats.number_format(amount, 2, use_l10n=True, force_grouping=True),
        "currency": currency,
    }


def enqueue(events: list[ChannelEvent]) -> list[Delivery]:
    """One query for the active channels, one INSERT for the batch's deliveries."""
    active = list(Channel.objects.filter(is_active=True))
    if not active:
        return []
    rows = []
    for event in events:
        channels = channels_for(event, active)
        if not channels:
            continue
        ct = ContentType.objects.get_for_model(event.obj) if event.obj is not None else None
        for channel in channels:
            rows.append(_row(channel, event, ct))
    if not rows:
        return []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    created = Delivery.objects.filter(
        channel__in={row.channel_id for row in rows},
        event_key__in={row.event_key for row in rows},
        status=Delivery.Status.PENDING,
    ).values_list("pk", flat=True)
    from .tasks import delivery_send

    for pk in list(created):
        # robust: a broker hiccup must not undo the sweep; the channels sweep
        # picks up a pending row whose task never ran.
        transaction.on_commit(lambda pk=pk: delivery_send.delay(pk), robust=True)
    return rows


def _row(channel: Channel, event: ChannelEvent, ct) -> Delivery:
    with translation.override(channel.language):
        label = str(event.label or kinds.label_of(event.kind))
        step = str(event.step or "")
        title = title_for(channel, event.obj)
        amount = amount_for(channel, event.kind, event.obj)
    return Delivery(
        channel=channel,
        event_key=event.key[:200],
        kind=event.kind[:100],
        content_type=ct,
        object_id=event.obj.pk if event.obj is not None else None,
        url=event.url[:500],
        label=label[:200],
        step=step[:200],
        title=title[:200],
        amount=amount[:100],
    )
