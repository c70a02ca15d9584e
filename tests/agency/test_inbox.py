"""The in-app inbox: list (paginated, unread filter), open (marks read), mark read."""

import pytest
from django.urls import reverse

from agency.models import Notification
from agency.notifications import notify


def ping(user, n=1, obj=None):
    for _ in range(n):
        notify(
            recipients=[user],
            template="reminders/agenda_not_sent",
            context={"meeting": {"title": "Kick-off"}},
            obj=obj,
            url="/clients/",
            kind="reminder.agenda_not_sent",
            email=False,
        )


def test_the_inbox_lists_my_notifications_with_the_unread_count(cast, as_user):
    ping(cast.ae, 3)
    ping(cast.am)
    page = as_user(cast.ae).get(reverse("inbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="list-group-item d-flex') == 3  # only mine
    assert '<span class="badge text-bg-danger" id="unread-count">3</span>' in html
    assert (
        'Send the agenda for "Kick-off"' in html
        or "Send the agenda for &quot;Kick-off&quot;" in html
    )


def test_the_inbox_paginates_and_its_query_count_does_not_grow(
    cast, as_user, django_assert_max_num_queries, settings
):
    c = as_user(cast.ae)
    ping(cast.ae, 3)
    with django_assert_max_num_queries(8) as few:
        c.get(reverse("inbox"))
    ping(cast.ae, settings.PAGE_SIZE * 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = c.get(reverse("inbox"))
    assert len(response.context["page"].object_list) == settings.PAGE_SIZE
    assert response.context["page"].paginator.num_pages == 3
    assert c.get(reverse("inbox") + "?page=999").status_code == 200
    assert c.get(reverse("inbox") + "?page=abc").status_code == 200


def test_unread_only_hides_what_i_have_read(cast, as_user):
    ping(cast.ae, 2)
    first = Notification.objects.filter(recipient=cast.ae).last()
    first.read_at = first.created_at
    first.save()
    response = as_user(cast.ae).get(reverse("inbox") + "?unread=1")
    assert [n.pk for n in response.context["page"]] == [
        Notification.objects.get(recipient=cast.ae, read_at=None).pk
    ]


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(cast, as_user):
    ping(cast.ae)
    n = Notification.objects.get(recipient=cast.ae)
    n.url = "http://127.0.0.1:8000/billing/invoices/7/?tab=history"
    n.save()
    response = as_user(cast.ae).get(reverse("inbox_open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/billing/invoices/7/?tab=history"
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_notification_pointing_elsewhere_is_not_followed(cast, as_user):
    ping(cast.ae)
    n = Notification.objects.get(recipient=cast.ae)
    n.url = "https://evil.example/phish"
    n.save()
    response = as_user(cast.ae).get(reverse("inbox_open", args=[n.pk]))
    assert response["Location"] == reverse("inbox")


def test_someone_elses_notification_is_404_and_stays_unread(cast, as_user):
    ping(cast.ae)
    n = Notification.objects.get(recipient=cast.ae)
    assert as_user(cast.outsider).get(reverse("inbox_open", args=[n.pk])).status_code == 404
    as_user(cast.outsider).post(reverse("inbox_mark_read"), {"id": [n.pk]})
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_one_read_returns_to_the_page_i_was_on(cast, as_user):
    ping(cast.ae, 2)
    n = Notification.objects.filter(recipient=cast.ae).first()
    response = as_user(cast.ae).post(
        reverse("inbox_mark_read"), {"id": [n.pk], "next": "/inbox/?unread=1"}
    )
    assert response["Location"] == "/inbox/?unread=1"
    assert Notification.objects.filter(recipient=cast.ae, read_at=None).count() == 1


@pytest.mark.parametrize("bad", ["abc", "-1", "99999999999999999999999", "１", ""])
def test_bad_ids_are_ignored_not_a_500(cast, as_user, bad):
    ping(cast.ae)
    response = as_user(cast.ae).post(
        reverse("inbox_mark_read"), {"id": [bad], "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox")
    assert Notification.objects.filter(recipient=cast.ae, read_at=None).count() == 1


def test_the_inbox_needs_a_login(client):
    assert client.get(reverse("inbox")).status_code == 302
    assert client.get(reverse("inbox_open", args=[1])).status_code == 302


def test_mark_read_is_post_only(cast, as_user):
    assert as_user(cast.ae).get(reverse("inbox_mark_read")).status_code == 405
