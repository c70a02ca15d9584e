"""Domain events: a service says what happened; subscribers elsewhere react.

    publish("invoice.issued", invoice)

is one line in the service, inside its transaction. Nothing is delivered
then: each registered subscriber is called with the `Event` after the
transaction commits (never for a rolled-back one), each on its own
(`robust`: a failing subscriber is logged and does not stop the others or
break the committed request). With no open transaction it runs at once.

`agency` imports no app and the apps import no subscriber: a subscriber (the
webhooks app) registers itself in its AppConfig.ready() with `subscribe(fn)`.

The event names are listed here, once (`EVENTS`), each with where it is
published, so a subscriber offers exactly these.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# name -> label. Published by:
EVENTS = {
    # billing.services.invoice_issue
    "invoice.issued": _("Invoice issued"),
    # billing.services.payment_record, when the payments reach the total
    "invoice.paid": _("Invoice paid"),
    # the red-letter invoice (红冲) service, with the red-letter invoice as obj;
    # published where red-letter invoices exist (see README, "Webhooks").
    "invoice.red_letter": _("Red-letter invoice issued"),
    # plans.services.plan_sign_off
    "plan.approved": _("Account plan approved"),
    # briefs.services.brief_sign
    "brief.signed": _("Brief signed"),
    # briefs.services.brief_record_agreement
    "brief.client_agreed": _("Brief agreed by the client"),
    # meetings.services.round_outcome_record, with the presentation round as obj
    "presentation.outcome": _("Presentation outcome recorded"),
}


@dataclass(frozen=True)
class Event:
    """What happened: the name, the object (its model label and pk) and when.

    `id` is unique per publish; a subscriber that delivers it keeps it, so a
    receiver can deduplicate retries.
    """

    name: str
    model: str  # "billing.invoice"
    pk: int
    id: str = field(default_factory=lambda: f"msg_{uuid.uuid4().hex}")
    occurred_at: datetime = field(default_factory=timezone.now)

    def get_object(self):
        from django.apps import apps

        return apps.get_model(self.model)._default_manager.filter(pk=self.pk).first()


_subscribers: list = []


def subscribe(fn) -> None:
    """Register `fn(event)`; called after commit for every published event."""
    if fn not in _subscribers:
        _subscribers.append(fn)


def unsubscribe(fn) -> None:
    if fn in _subscribers:
        _subscribers.remove(fn)


def publish(name: str, obj) -> Event:
    """Announce `name` about `obj`; subscribers hear of it after commit."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    event = Event(name=name, model=obj._meta.label_lower, pk=obj.pk)
    for fn in list(_subscribers):
        transaction.on_commit(lambda fn=fn: fn(event), robust=True)
    return event
