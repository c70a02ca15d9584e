"""Two workers sending the same delivery at once (a redelivered task): one post."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from agency.notifications import ChannelEvent, to_channels
from channels_bots import services
from channels_bots.models import Delivery
from tests.agency.factories import meeting
from tests.briefs.factories import BriefFactory

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_two_workers_post_a_delivery_once(require_postgres, make_channel, receiver, cast):
    make_channel("wecom", ["meetings/agenda_sent"])
    m = meeting(cast.client, cast.am, timezone.now(), title="Kick-off")
    to_channels([ChannelEvent(key="n:1", kind="meetings/agenda_sent", obj=m)])
    # autocommit: the eager task already posted it; make it pending again
    Delivery.objects.update(status=Delivery.Status.PENDING, attempts=0, posted_at=None)
    receiver.requests.clear()
    delivery = Delivery.objects.get()
    receiver.delay = 0.5  # the first worker holds its claim while the bot answers
    results = []

    def worker():
        try:
            results.append(services.delivery_send(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["done", "sent"]
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)


def test_a_brief_not_yet_briefed_keeps_its_title_out_of_team_groups(
    make_channel, receiver, cast, django_capture_on_commit_callbacks
):
    team = make_channel("wecom", ["briefs/step"], scope="client")
    agency = make_channel("wecom", ["briefs/step"], scope="agency")
    brief = BriefFactory(client=cast.client, author=cast.am, title="Secret launch")
    assert not brief.is_briefed
    with django_capture_on_commit_callbacks(execute=True):
        to_channels([ChannelEvent(key="n:1", kind="briefs/step", obj=brief)])
    assert Delivery.objects.get(channel=team).title == "A brief not yet briefed"
    assert Delivery.objects.get(channel=agency).title == "Secret launch"
    contents = [r.json["markdown"]["content"] for r in receiver.requests]
    assert sum("Secret launch" in c for c in contents) == 1
