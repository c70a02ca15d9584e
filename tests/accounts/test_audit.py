"""The audit page: who sees it, what each viewer sees, filters, and a CSV that
matches the page."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts import audit
from accounts.services import membership_remove
from agency.models import TimelineEvent
from agency.timeline import timeline_record
from api.services import token_create, token_revoke


@pytest.fixture
def history(cast):
    """Rows of several kinds: a plan-ish row (MD only), a team change, a token,
    an export."""
    timeline_record(obj=cast.client, action="signed_off", actor=cast.ad, comment="ok")
    membership_remove(actor=cast.am, membership=cast.copywriter.memberships.get())
    token, _raw = token_create(actor=cast.finance, name="=cmd|' /C calc'!A0", scope="read")
    token_revoke(actor=cast.finance, token=token)
    audit.export_record(actor=cast.finance, report="ageing", fmt="csv", rows=3)
    return cast


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("md", 200),
        ("finance", 200),
        ("bd", 403),
        ("ad", 403),
        ("am", 403),
        ("ae", 403),
        ("cd", 403),
        ("copywriter", 403),
        ("planner", 403),
        ("media", 403),
        ("traffic", 403),
        ("outsider", 403),
        ("crossover", 403),
    ],
)
def test_permission_matrix(history, as_user, who, status):
    c = as_user(getattr(history, who))
    assert c.get(reverse("audit")).status_code == status
    before = TimelineEvent.objects.count()
    assert c.get(reverse("audit_csv")).status_code == status
    # a refused export records nothing
    assert TimelineEvent.objects.count() == before + (1 if status == 200 else 0)


def test_anonymous_is_sent_to_login(db, client):
    assert client.get(reverse("audit"))["Location"].startswith("/login/")


def test_md_sees_everything(history, as_user):
    page = as_user(history.md).get(reverse("audit"))
    actions = [row[2] for row in page.context["table"]]
    assert set(actions) == set(TimelineEvent.objects.values_list("action", flat=True))
    assert "signed_off" in actions


def test_finance_sees_billing_team_tokens_and_exports_only(history, as_user):
    page = as_user(history.finance).get(reverse("audit"))
    actions = {row[2] for row in page.context["table"]}
    assert actions == {"team_member_removed", "token_created", "token_revoked", "export"}


def test_filters(history, as_user):
    c = as_user(history.md)
    by_person = c.get(reverse("audit"), {"actor": history.finance.pk})
    assert {row[1] for row in by_person.context["table"]} == {str(history.finance)}
    by_action = c.get(reverse("audit"), {"action": "token_revoked"})
    assert [row[2] for row in by_action.context["table"]] == ["token_revoked"]
    ct = ContentType.objects.get(app_label="accounts", model="client")
    by_type = c.get(reverse("audit"), {"content_type": ct.pk})
    assert {row[2] for row in by_type.context["table"]} == {"signed_off", "team_member_removed"}
    future = c.get(reverse("audit"), {"since": "2999-01-01"})
    assert future.context["table"] == []
    bad = c.get(reverse("audit"), {"since": "not a date", "actor": "x"})
    assert bad.status_code == 200


def test_csv_matches_the_page_and_is_formula_safe(history, as_user):
    c = as_user(history.md)
    query = {"actor": history.finance.pk}
    page = c.get(reverse("audit"), query)
    response = c.get(reverse("audit_csv"), query)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == page.context["header"]
    expected = [[audit.csv_cell(v) for v in row] for row in page.context["table"]]
    assert rows[1:] == expected
    # the token's name starts with "=": neutralised in the file
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    # and the export itself is now an audit row
    assert TimelineEvent.objects.filter(
        action=audit.EXPORT, actor=history.md, data__report="audit"
    ).exists()


def test_billing_exports_are_recorded(history, as_user):
    c = as_user(history.finance)
    assert c.get(reverse("billing:ageing_export", args=["csv"])).status_code == 200
    row = TimelineEvent.objects.filter(action=audit.EXPORT, data__report="ageing").last()
    assert row.actor == history.finance and row.data["format"] == "csv"
    before = TimelineEvent.objects.count()
    assert c.get(reverse("billing:ageing_export", args=["pdf"])).status_code == 404
    assert TimelineEvent.objects.count() == before


def test_rows_cannot_be_changed_from_the_page(history, as_user):
    c = as_user(history.md)
    before = list(TimelineEvent.objects.values())
    assert c.post(reverse("audit"), {"action": "x"}).status_code == 405
    assert list(TimelineEvent.objects.values()) == before


def test_rows_cannot_be_changed_in_the_admin(history, as_user):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="admin")
    c = as_user(root)
    event = TimelineEvent.objects.first()
    before = list(TimelineEvent.objects.values())
    delete = reverse("admin:agency_timelineevent_delete", args=[event.pk])
    assert c.post(delete, {"post": "yes"}).status_code == 403
    assert c.get(reverse("admin:agency_timelineevent_add")).status_code == 403
    assert list(TimelineEvent.objects.values()) == before
