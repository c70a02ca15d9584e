"""The body of a webhook: the event's fields as the subscription's owner would
read them from the API, never more.

Each event's object is loaded through its app's `<thing>_get_for_user` (the
same selector the UI and the API use) with the owner as the user, and shown
with the API's serializer. When the owner may not see it, the body carries the
event type and the object's id only.
"""

import json

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.test import RequestFactory
from rest_framework.request import Request

from api import serializers
from billing.selectors import invoice_get_for_user
from briefs.selectors import brief_get_for_user
from meetings.selectors import meeting_get_for_user
from plans.selectors import plan_get_for_user


def _round_for(user, pk):
    from meetings.models import PresentationRound

    round_ = PresentationRound.objects.select_related("presentation", "meeting").get(pk=pk)
    meeting_get_for_user(user, round_.meeting_id)  # 404 unless the owner sees the meeting
    return round_


# model label -> (load for user: (user, pk) -> object or Http404, serializer class)
READERS = {
    "billing.invoice": (
        lambda u, pk: invoice_get_for_user(u, pk)[0],
        serializers.InvoiceSerializer,
    ),
    "plans.accountplan": (lambda u, pk: plan_get_for_user(u, pk)[0], serializers.PlanSerializer),
    "briefs.brief": (lambda u, pk: brief_get_for_user(u, pk)[0], serializers.BriefSerializer),
    "meetings.presentationround": (_round_for, serializers.RoundSerializer),
}


def register_reader(model_label: str, load, serializer_class) -> None:
    """For events about other models (a red-letter invoice, an estimate)."""
    READERS[model_label] = (load, serializer_class)


def event_data(event, owner) -> dict:
    """The `data` of the body for `owner`: the API's fields, or just the id."""
    reader = READERS.get(event.model)
    if reader is None or owner is None or not owner.is_active:
        return {"id": event.pk}
    load, serializer_class = reader
    try:
        obj = load(owner, event.pk)
    except (Http404, ObjectDoesNotExist):  # the owner may not see it, or it is gone
        return {"id": event.pk}
    request = Request(RequestFactory().get("/api/v1/"))
    request.user = owner
    data = serializer_class(obj, context={"request": request}).data
    return {"id": event.pk, **data}


def event_body(event, owner) -> str:
    """The Standard Webhooks payload shape: type, timestamp, data."""
    payload = {
        "type": event.name,
        "timestamp": event.occurred_at.isoformat(),
        "data": event_data(event, owner),
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
