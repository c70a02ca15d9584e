"""Routing, exactly once, the per-minute limit with its digest, failures and retries."""

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import unquote

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from agency.notifications import ChannelEvent, notify, to_channels
from agency.reminders import sweep
from channels_bots import formats, services, tasks
from channels_bots.models import Channel, Delivery
from tests.agency.factories import InvoiceFactory, aware, meeting
from tests.helpers import assert_refused

S = Delivery.Status
DUE = dt.date(2026, 3, 1)
DAY_30 = aware(2026, 3, 31, 9, 0)


class WorkerKilled(BaseException):
    """Stands in for SIGKILL mid-post: not an Exception, so nothing records it."""


@pytest.fixture
def overdue_invoice(cast):
    return InvoiceFactory(client=cast.client, created_by=cast.am, due_date=DUE)


@pytest.fixture
def at_day_30():
    with time_machine.travel(DAY_30, tick=False) as traveller:
        yield traveller


def run(callbacks, fn, *args, **kwargs):
    with callbacks(execute=True):
        return fn(*args, **kwargs)


def test_a_routed_reminder_arrives_once_with_two_sweeps_and_a_retried_task(
    make_channel,
    receiver,
    overdue_invoice,
    at_day_30,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    channel = make_channel(
        "dingtalk", ["reminder.invoice_overdue"], scope="department", secret="SECfinance"
    )
    assert run(django_capture_on_commit_callbacks, sweep) == {"sent": 1}
    assert run(django_capture_on_commit_callbacks, sweep) == {}
    delivery = Delivery.objects.get()
    # the task retried (broker redelivery) and the channels sweep: nothing more
    assert tasks.delivery_send(delivery.pk) == "done"
    assert (
        run(
            django_capture_on_commit_callbacks,
            services.deliveries_sweep,
            now=timezone.now() + dt.timedelta(hours=1),
        )
        == {}
    )
    assert len(mailoutbox) == 2  # the email went as before (lead and AD)
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.path == "/robot/send"
    assert got.query["access_token"] == ["TOKEN-1"]
    timestamp = got.query["timestamp"][0]
    assert timestamp == str(int(DAY_30.timestamp() * 1000))
    expected = base64.b64encode(
        hmac.new(b"SECfinance", f"{timestamp}\nSECfinance".encode(), hashlib.sha256).digest()
    ).decode()
    assert unquote(got.raw_query.split("sign=")[1]) == expected
    text = got.json["markdown"]["text"]
    assert got.json["msgtype"] == "markdown"
    assert got.json["markdown"]["title"] == "Overdue invoice reminder"
    assert overdue_invoice.number in text
    assert "10,600.00" in text  # billing kind in the finance group: the amount
    assert f"({settings.SITE_URL}{overdue_invoice.get_absolute_url()})" in text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.channel_id) == (S.SENT, 1, channel.pk)


def test_a_worker_killed_mid_post_leaves_the_row_pending_and_the_sweep_sends_it_once(
    make_channel,
    receiver,
    overdue_invoice,
    at_day_30,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    make_channel("wecom", ["reminder.invoice_overdue"])

    def killed(*args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(formats, "post", killed)
    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        sweep()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (S.PENDING, 0)  # the claim rolled back
    monkeypatch.undo()
    assert services.deliveries_sweep(now=timezone.now()) == {}  # not yet an orphan
    later = timezone.now() + services.ORPHAN_AFTER
    assert services.deliveries_sweep(now=later) == {"sent": 1}
    assert services.deliveries_sweep(now=later) == {}
    assert len(receiver.requests) == 1
    assert receiver.requests[0].json["msgtype"] == "markdown"
    assert "Overdue invoice reminder" in receiver.requests[0].json["markdown"]["content"]


def test_25_events_in_one_minute_make_20_posts_and_one_digest(
    make_channel, receiver, cast, django_capture_on_commit_callbacks
):
    channel = make_channel("dingtalk", ["meetings/agenda_sent"], scope="client")
    meetings = [
        meeting(cast.client, cast.am, timezone.now(), title=f"Meeting {i}") for i in range(25)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for i, m in enumerate(meetings):
            to_channels([ChannelEvent(key=f"notification:{i}", kind="meetings/agenda_sent", obj=m)])
    assert len(receiver.requests) == 20
    assert Delivery.objects.filter(status=S.FOLDED).count() == 5
    # nothing dropped: the digest goes once the minute has room
    later = timezone.now() + dt.timedelta(seconds=61)
    assert services.deliveries_sweep(now=later) == {"digest-sent": 1}
    assert services.deliveries_sweep(now=later + dt.timedelta(minutes=5)) == {}
    assert len(receiver.requests) == 21
    digest = receiver.requests[-1].json["markdown"]
    assert digest["title"] == "5 more notifications"
    for m in meetings[20:]:
        assert m.title in digest["text"]
    for m in meetings[:20]:
        assert f"{m.title}](" not in digest["text"]
    assert Delivery.objects.filter(status=S.DIGESTED, channel=channel).count() == 5
    assert Delivery.objects.filter(is_digest=True, status=S.SENT).count() == 1


def test_a_refused_post_is_recorded_retried_with_backoff_then_given_up(
    make_channel, receiver, cast, django_capture_on_commit_callbacks
):
    channel = make_channel("feishu", ["meetings/agenda_sent"], secret="demo-secret")
    m = meeting(cast.client, cast.am, timezone.now(), title="Kick-off")
    for _ in range(services.MAX_ATTEMPTS):
        receiver.reply(200, {"code": 19021, "msg": "sign match fail"})
    with django_capture_on_commit_callbacks(execute=True):
        to_channels([ChannelEvent(key="notification:1", kind="meetings/agenda_sent", obj=m)])
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (S.FAILED, 1)
    assert "sign match fail" in delivery.last_error
    assert "demo-secret" not in delivery.last_error and "HOOK-1" not in delivery.last_error
    now = timezone.now()
    assert services.deliveries_sweep(now=now) == {}  # backoff: not yet
    moment = now
    for attempt in range(2, services.MAX_ATTEMPTS + 1):
        moment += services.RETRY_BASE * 2 ** (attempt - 2) + dt.timedelta(seconds=1)
        assert services.deliveries_sweep(now=moment) == {"failed": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (S.ABANDONED, services.MAX_ATTEMPTS)
    assert services.deliveries_sweep(now=moment + dt.timedelta(days=1)) == {}
    assert len(receiver.requests) == services.MAX_ATTEMPTS
    body = receiver.requests[0].json
    assert body["msg_type"] == "interactive" and body["sign"] and body["timestamp"]
    assert channel.deliveries.filter(status=S.ABANDONED).count() == 1


def test_a_client_group_gets_only_its_clients_objects_and_never_billing(
    make_channel, receiver, cast, overdue_invoice, django_capture_on_commit_callbacks
):
    make_channel("wecom", ["meetings/agenda_sent"], scope="client")
    ours = meeting(cast.client, cast.am, timezone.now(), title="Ours")
    theirs = meeting(cast.other_client, cast.outsider, timezone.now(), title="Theirs")
    with django_capture_on_commit_callbacks(execute=True):
        for i, m in enumerate([ours, theirs]):
            to_channels([ChannelEvent(key=f"n:{i}", kind="meetings/agenda_sent", obj=m)])
    assert [r.json["markdown"]["content"].count("Ours") for r in receiver.requests] == [1]
    channel = Channel(
        name="x",
        kind="wecom",
        language="en",
        scope="client",
        client=cast.client,
        routes=["reminder.invoice_overdue"],
    )
    assert_refused(
        services.channel_save,
        services.ERR_BILLING_TO_TEAM,
        actor=cast.am,
        channel=channel,
        webhook_url=receiver.base + "/cgi-bin/webhook/send?key=K",
    )
    assert Channel.objects.count() == 1


def test_amounts_only_in_finance_or_agency_groups(
    make_channel, receiver, cast, overdue_invoice, at_day_30, django_capture_on_commit_callbacks
):
    make_channel("wecom", ["reminder.invoice_overdue"], scope="department", department="creative")
    make_channel("wecom", ["reminder.invoice_overdue"], scope="department", department="finance")
    make_channel("wecom", ["reminder.invoice_overdue"], scope="agency")
    run(django_capture_on_commit_callbacks, sweep)
    contents = sorted(r.json["markdown"]["content"] for r in receiver.requests)
    assert len(contents) == 3
    with_amount = [c for c in contents if "10,600.00" in c]
    assert len(with_amount) == 2
    creative = Delivery.objects.get(channel__department="creative")
    assert creative.amount == "" and overdue_invoice.number in creative.title


def test_the_card_is_in_the_channels_language(
    make_channel, receiver, cast, overdue_invoice, at_day_30, django_capture_on_commit_callbacks
):
    make_channel("wecom", ["reminder.invoice_overdue"], language="zh-hans")
    run(django_capture_on_commit_callbacks, sweep)
    assert "发票逾期提醒" in receiver.requests[0].json["markdown"]["content"]


def test_notify_reaches_routed_channels_once(
    make_channel, receiver, cast, django_capture_on_commit_callbacks
):
    make_channel("wecom", ["agency/test"])
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipients=[cast.am, cast.ae],
            template="agency/test",
            context={"client": cast.client},
            obj=cast.client,
        )
    assert len(rows) == 2
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().event_key == f"notification:{rows[0].pk}"


def test_an_inactive_channel_gets_nothing(
    make_channel, receiver, cast, django_capture_on_commit_callbacks
):
    channel = make_channel("wecom", ["meetings/agenda_sent"])
    Channel.objects.filter(pk=channel.pk).update(is_active=False)
    m = meeting(cast.client, cast.am, timezone.now(), title="Kick-off")
    with django_capture_on_commit_callbacks(execute=True):
        to_channels([ChannelEvent(key="n:1", kind="meetings/agenda_sent", obj=m)])
    assert receiver.requests == []
    assert not Delivery.objects.exists()
