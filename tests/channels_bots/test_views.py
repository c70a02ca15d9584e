"""Channel pages per role, the write-only webhook URL and secret, failures visible."""

import pytest
from django.urls import reverse

from agency.roles import Role
from channels_bots.models import Channel, Delivery
from tests.factories import UserFactory
from tests.helpers import unchanged

from .conftest import URLS

ADD = reverse("channels_bots:add")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="cast-admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def form_data(receiver, kind="dingtalk", scope="client", **extra):
    data = {
        "name": "Huayuan group",
        "kind": kind,
        "language": "zh-hans",
        "scope": scope,
        "webhook_url": receiver.base + URLS[kind],
        "secret": "SECtopsecret123",
        "routes": ["meetings/agenda_sent"],
        "is_active": "on",
    }
    data.update(extra)
    return data


def test_account_service_on_team_creates_the_clients_channel(as_user, cast, receiver):
    c = as_user(cast.ae)
    response = c.post(ADD, form_data(receiver, client=cast.client.pk))
    channel = Channel.objects.get()
    assert response.status_code == 302 and response.url == channel.get_absolute_url()
    assert (channel.scope, channel.client, channel.language) == ("client", cast.client, "zh-hans")
    assert channel.routes == ["meetings/agenda_sent"]
    assert channel.secret == "SECtopsecret123"
    # encrypted at rest: neither the secret nor the token is in the row
    assert "SECtopsecret123" not in channel.secret_encrypted
    assert "TOKEN-1" not in channel.webhook_url_encrypted + channel.webhook_hint


@pytest.mark.parametrize("who", ["copywriter", "planner", "media", "traffic", "cd", "finance"])
def test_others_may_not_add_channels(as_user, cast, receiver, who):
    c = as_user(getattr(cast, who))
    assert c.get(ADD).status_code == 403
    assert c.post(ADD, form_data(receiver, client=cast.client.pk)).status_code == 403
    assert not Channel.objects.exists()


def test_an_outsider_cannot_pick_a_client_whose_team_they_are_not_on(as_user, cast, receiver):
    response = as_user(cast.outsider).post(ADD, form_data(receiver, client=cast.client.pk))
    assert response.status_code == 200
    assert "client" in response.context["form"].errors
    assert not Channel.objects.exists()


def test_account_service_may_not_add_agency_or_department_channels(as_user, cast, receiver):
    c = as_user(cast.am)
    for scope in ("agency", "department"):
        response = c.post(ADD, form_data(receiver, scope=scope, department="finance"))
        assert response.status_code == 200
        assert "scope" in response.context["form"].errors
    assert not Channel.objects.exists()


@pytest.mark.parametrize("who", ["md", "admin_user"])
def test_md_and_admin_manage_agency_and_department_channels(
    as_user, cast, receiver, admin_user, who
):
    user = admin_user if who == "admin_user" else cast.md
    c = as_user(user)
    c.post(ADD, form_data(receiver, scope="agency", name="All"))
    c.post(ADD, form_data(receiver, scope="department", department="finance", name="Fin"))
    assert sorted(Channel.objects.values_list("name", "scope")) == [
        ("All", "agency"),
        ("Fin", "department"),
    ]
    fin = Channel.objects.get(name="Fin")
    assert fin.department == "finance"
    assert c.get(fin.get_absolute_url()).status_code == 200
    assert c.get(reverse("channels_bots:edit", args=[fin.pk])).status_code == 200


def test_a_webhook_url_on_another_host_is_refused_by_the_form(as_user, cast, receiver):
    c = as_user(cast.am)
    for url in (
        "https://evil.example.com/robot/send?access_token=T",
        "http://oapi.dingtalk.com/robot/send?access_token=T",
        "https://oapi.dingtalk.com@169.254.169.254/robot/send?access_token=T",
        "file:///etc/passwd",
    ):
        response = c.post(ADD, form_data(receiver, client=cast.client.pk, webhook_url=url))
        assert response.status_code == 200, url
        assert "webhook_url" in response.context["form"].errors, url
    assert not Channel.objects.exists()


def test_dingtalk_and_feishu_need_a_secret(as_user, cast, receiver):
    c = as_user(cast.am)
    response = c.post(ADD, form_data(receiver, client=cast.client.pk, secret=""))
    assert response.status_code == 200
    assert not Channel.objects.exists()
    response = c.post(ADD, form_data(receiver, kind="wecom", client=cast.client.pk, secret=""))
    assert response.status_code == 302
    assert Channel.objects.get().has_secret is False


@pytest.fixture
def client_channel(make_channel):
    return make_channel(
        "dingtalk", ["meetings/agenda_sent"], scope="client", secret="SECtopsecret123"
    )


@pytest.fixture
def agency_channel(make_channel):
    return make_channel("feishu", ["meetings/agenda_sent"], scope="agency", secret="SECagency456")


def test_a_secret_is_never_rendered_back(as_user, cast, client_channel):
    c = as_user(cast.am)
    for url in (
        client_channel.get_absolute_url(),
        reverse("channels_bots:edit", args=[client_channel.pk]),
        reverse("channels_bots:list"),
    ):
        html = c.get(url).content.decode()
        assert "SECtopsecret123" not in html, url
        assert "TOKEN-1" not in html, url
    assert "/robot/send" in c.get(client_channel.get_absolute_url()).content.decode()


def test_an_edit_with_empty_url_and_secret_keeps_them(as_user, cast, receiver, client_channel):
    c = as_user(cast.am)
    data = form_data(receiver, client=cast.client.pk, name="Renamed", webhook_url="", secret="")
    response = c.post(reverse("channels_bots:edit", args=[client_channel.pk]), data)
    assert response.status_code == 302
    client_channel.refresh_from_db()
    assert client_channel.name == "Renamed"
    assert client_channel.secret == "SECtopsecret123"
    assert client_channel.webhook_url.endswith("access_token=TOKEN-1")


def test_an_edit_to_another_host_changes_nothing(as_user, cast, receiver, client_channel):
    c = as_user(cast.am)
    data = form_data(
        receiver,
        client=cast.client.pk,
        webhook_url="https://evil.example.com/robot/send?access_token=X",
    )
    with unchanged(client_channel):
        response = c.post(reverse("channels_bots:edit", args=[client_channel.pk]), data)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("am", 200),
        ("ae", 200),
        ("ad", 200),
        ("crossover", 200),  # AM on this team
        ("outsider", 404),
        ("departed", 302),  # inactive: logged out
        ("copywriter", 403),
        ("cd", 403),
        ("planner", 403),
        ("finance", 403),
        ("bd", 403),
        ("md", 403),
    ],
)
def test_client_channel_pages_per_role(as_user, cast, client_channel, who, status):
    c = as_user(getattr(cast, who))
    for url in (
        client_channel.get_absolute_url(),
        reverse("channels_bots:edit", args=[client_channel.pk]),
    ):
        assert c.get(url).status_code == status, url


def test_a_refused_edit_changes_nothing(as_user, cast, receiver, client_channel):
    for who in ("copywriter", "outsider", "md"):
        with unchanged(client_channel):
            c = as_user(getattr(cast, who))
            c.post(
                reverse("channels_bots:edit", args=[client_channel.pk]),
                form_data(receiver, client=cast.client.pk, name="Hijacked"),
            )


@pytest.mark.parametrize(
    ("who", "status"),
    [("md", 200), ("am", 403), ("copywriter", 403), ("finance", 403), ("outsider", 403)],
)
def test_agency_channel_pages_per_role(as_user, cast, agency_channel, who, status):
    c = as_user(getattr(cast, who))
    assert c.get(agency_channel.get_absolute_url()).status_code == status


def test_the_list_shows_only_channels_one_manages(as_user, cast, client_channel, agency_channel):
    assert list(as_user(cast.am).get(reverse("channels_bots:list")).context["channels"]) == [
        client_channel
    ]
    assert list(as_user(cast.md).get(reverse("channels_bots:list")).context["channels"]) == [
        agency_channel
    ]
    assert (
        list(as_user(cast.copywriter).get(reverse("channels_bots:list")).context["channels"]) == []
    )


def test_failures_are_visible_to_the_channels_managers_and_the_admin(
    as_user, cast, receiver, client_channel, admin_user, caplog
):
    from django.utils import timezone

    from agency.notifications import ChannelEvent, to_channels
    from tests.agency.factories import meeting

    receiver.reply(200, {"errcode": 310000, "errmsg": "sign not match"})
    m = meeting(cast.client, cast.am, timezone.now(), title="Kick-off")
    with caplog.at_level("DEBUG"):
        to_channels([ChannelEvent(key="n:1", kind="meetings/agenda_sent", obj=m)])
        from channels_bots.services import delivery_send

        delivery_send(delivery_id=Delivery.objects.get().pk)
    assert "SECtopsecret123" not in caplog.text and "TOKEN-1" not in caplog.text
    html = as_user(cast.am).get(client_channel.get_absolute_url()).content.decode()
    assert "sign not match" in html and 'id="channel-failures"' in html
    admin_html = (
        as_user(admin_user)
        .get(reverse("admin:channels_bots_delivery_changelist") + "?status__exact=failed")
        .content.decode()
    )
    assert "sign not match" in admin_html
    channel_admin = (
        as_user(admin_user)
        .get(reverse("admin:channels_bots_channel_change", args=[client_channel.pk]))
        .content.decode()
    )
    assert "SECtopsecret123" not in channel_admin and "TOKEN-1" not in channel_admin


def test_bad_ids_and_filters_never_500(as_user, cast, client_channel):
    c = as_user(cast.am)
    assert c.get(reverse("channels_bots:detail", args=[999999])).status_code == 404
    url = client_channel.get_absolute_url()
    assert c.get(url + "?status=<script>&page=zz").status_code == 200
    assert c.post(ADD, {"kind": "nope", "scope": "galaxy"}).status_code == 200
    assert not Channel.objects.exclude(pk=client_channel.pk).exists()
