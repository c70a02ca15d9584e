"""Agency's history tables are view-only in the admin, for superusers too."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from agency.models import Notification, ReminderLog, TimelineEvent
from tests.factories import UserFactory
from tests.helpers import unchanged


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def rows(cast):
    ct = ContentType.objects.get_for_model(cast.client)
    return [
        TimelineEvent.objects.create(
            content_type=ct, object_id=cast.client.pk, action="created", actor=cast.am
        ),
        Notification.objects.create(recipient=cast.am, kind="test", subject="Hello"),
        ReminderLog.objects.create(
            kind="invoice_overdue", content_type=ct, object_id=cast.client.pk, occurrence="x"
        ),
    ]


def _url(obj, view, *args):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_superuser_may_look_but_not_add_change_or_delete(client, superuser, rows):
    client.force_login(superuser)
    for row in rows:
        with unchanged(row):
            assert client.get(_url(row, "changelist")).status_code == 200
            page = client.get(_url(row, "change", row.pk))
            assert page.status_code == 200
            assert 'name="_save"' not in page.content.decode()  # a view, not a form
            assert client.post(_url(row, "change", row.pk), {"action": "edited"}).status_code == 403
            assert client.get(_url(row, "delete", row.pk)).status_code == 403
            assert client.post(_url(row, "delete", row.pk), {"post": "yes"}).status_code == 403
            assert client.get(_url(row, "add")).status_code == 403
            assert client.post(_url(row, "add"), {"action": "x"}).status_code == 403
            # the bulk "delete selected" action is not offered, and posting it deletes nothing
            client.post(
                _url(row, "changelist"),
                {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
            )
        assert type(row).objects.filter(pk=row.pk).exists()
    assert TimelineEvent.objects.count() == 1
    assert Notification.objects.count() == 1
    assert ReminderLog.objects.count() == 1
