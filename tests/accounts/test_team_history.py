"""Nothing lost: every team change is a row on the client's timeline, written in
the change's transaction, and shown on the client page."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Client, TeamMembership
from accounts.services import (
    TEAM_ADDED,
    TEAM_LEAD_SET,
    TEAM_LEAD_UNSET,
    TEAM_REMOVED,
    TEAM_ROLE_CHANGED,
)
from agency.roles import Role
from agency.timeline import timeline_for

from ..factories import UserFactory


def rows(client):
    return [(e.action, e.actor, e.data) for e in timeline_for(client)]


def membership(cast, who):
    return TeamMembership.objects.get(client=cast.client, user=getattr(cast, who))


def test_adding_a_member_writes_who_and_which_role(cast, as_user):
    newcomer = UserFactory(role=Role.MEDIA, full_name="小王")
    url = reverse("accounts:membership_add", args=[cast.client.pk])
    assert as_user(cast.am).post(url, {"user": newcomer.pk}).status_code == 302
    assert rows(cast.client) == [
        (
            TEAM_ADDED,
            cast.am,
            {"user": newcomer.pk, "name": "小王", "old_role": None, "new_role": "media"},
        )
    ]


def test_adding_the_new_lead_records_the_lead_moving(cast):
    newcomer = UserFactory(role=Role.AD, full_name="新总监")
    services.membership_add(
        actor=cast.md, client=cast.client, user=newcomer, data={"team_role": "am", "is_lead": True}
    )
    actions = [(a, d["name"]) for a, _actor, d in rows(cast.client)]
    assert sorted(actions) == sorted(
        [(TEAM_ADDED, "新总监"), (TEAM_LEAD_SET, "新总监"), (TEAM_LEAD_UNSET, "Cast am")]
    )


def test_a_role_change_records_old_and_new_role(cast):
    services.membership_update(
        actor=cast.am,
        membership=membership(cast, "crossover"),
        data={"team_role": "ad", "is_lead": False, "expectations": ""},
    )
    assert rows(cast.client) == [
        (
            TEAM_ROLE_CHANGED,
            cast.am,
            {
                "user": cast.crossover.pk,
                "name": "Cast crossover",
                "old_role": "am",
                "new_role": "ad",
            },
        )
    ]


def test_a_lead_change_records_both_people(cast, as_user):
    m = membership(cast, "ad")
    url = reverse("accounts:membership_edit", args=[cast.client.pk, m.pk])
    as_user(cast.am).post(url, {"team_role": "ad", "is_lead": "on", "expectations": ""})
    got = {(a, d["user"], d["old_lead"], d["new_lead"]) for a, _actor, d in rows(cast.client)}
    assert got == {
        (TEAM_LEAD_SET, cast.ad.pk, False, True),
        (TEAM_LEAD_UNSET, cast.am.pk, True, False),
    }


def test_removing_a_member_records_the_role_they_had(cast, as_user):
    m = membership(cast, "traffic")
    url = reverse("accounts:membership_remove", args=[cast.client.pk, m.pk])
    assert as_user(cast.am).post(url).status_code == 302
    assert rows(cast.client) == [
        (
            TEAM_REMOVED,
            cast.am,
            {
                "user": cast.traffic.pk,
                "name": "Cast traffic",
                "old_role": "traffic",
                "new_role": None,
            },
        )
    ]


def test_removing_the_lead_records_the_lead_going(cast):
    services.membership_remove(actor=cast.md, membership=membership(cast, "am"))
    assert {a for a, _actor, _d in rows(cast.client)} == {TEAM_REMOVED, TEAM_LEAD_UNSET}


def test_editing_only_the_expectations_is_not_a_team_change(cast):
    services.membership_update(
        actor=cast.am,
        membership=membership(cast, "ae"),
        data={"team_role": "ae", "is_lead": False, "expectations": "日常对接"},
    )
    assert rows(cast.client) == []


def test_creating_a_client_records_its_first_member(cast, as_user):
    data = {
        "name": "Evergreen Homes",
        "industry": "real_estate",
        "status": "prospect",
        "payment_terms_days": 30,
        "currency": "CNY",
    }
    as_user(cast.ae).post(reverse("accounts:client_create"), data)
    client = Client.objects.get(name="Evergreen Homes")
    assert {(a, actor, d["user"]) for a, actor, d in rows(client)} == {
        (TEAM_ADDED, cast.ae, cast.ae.pk),
        (TEAM_LEAD_SET, cast.ae, cast.ae.pk),
    }


def test_the_row_is_in_the_changes_transaction(cast, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("timeline down")

    monkeypatch.setattr(services, "timeline_record", broken)
    m = membership(cast, "crossover")
    with pytest.raises(RuntimeError):
        services.membership_update(
            actor=cast.am, membership=m, data={"team_role": "ad", "is_lead": False}
        )
    with pytest.raises(RuntimeError):
        services.membership_remove(actor=cast.am, membership=membership(cast, "traffic"))
    assert membership(cast, "crossover").team_role == "am"
    assert membership(cast, "traffic")


@pytest.mark.parametrize("who", ["am", "copywriter", "finance", "md"])
def test_client_page_shows_the_team_changes(cast, as_user, who):
    services.membership_update(
        actor=cast.am,
        membership=membership(cast, "crossover"),
        data={"team_role": "ad", "is_lead": False},
    )
    services.membership_remove(actor=cast.am, membership=membership(cast, "traffic"))
    page = as_user(getattr(cast, who)).get(cast.client.get_absolute_url()).content.decode()
    assert 'id="team-history"' in page
    assert "Cast crossover: team role Account Manager (AM) → Account Director (AD)" in page
    assert "Cast traffic left the team (was Traffic)" in page


def test_client_page_history_is_empty_before_any_change(cast, as_user):
    page = as_user(cast.am).get(cast.client.get_absolute_url()).content.decode()
    assert "No history yet." in page


def test_client_page_marks_inactive_members(cast, as_user):
    response = as_user(cast.am).get(cast.client.get_absolute_url())
    assert "Inactive" in response.content.decode()


# --- the Django admin's team inline -----------------------------------------------------


def _admin_post(cast, memberships):
    """The client's admin change form with `memberships` as the team inline rows."""
    data = {
        "name": cast.client.name,
        "short_name": cast.client.short_name,
        "industry": cast.client.industry,
        "status": cast.client.status,
        "invoice_title": cast.client.invoice_title,
        "tax_id": cast.client.tax_id,
        "payment_terms_days": cast.client.payment_terms_days,
        "currency": cast.client.currency,
        "notes": "",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "parties-TOTAL_FORMS": 0,
        "parties-INITIAL_FORMS": 0,
    }
    existing = [r for r in memberships if r.get("id")]
    data["memberships-TOTAL_FORMS"] = len(memberships)
    data["memberships-INITIAL_FORMS"] = len(existing)
    for i, row in enumerate(memberships):
        for key, value in row.items():
            if key == "is_lead" and not value:
                continue
            data[f"memberships-{i}-{key}"] = "on" if key == "is_lead" else value
        data[f"memberships-{i}-client"] = cast.client.pk
    return data


def _rows_of(client):
    return [
        {
            "id": m.pk,
            "user": m.user_id,
            "team_role": m.team_role,
            "is_lead": m.is_lead,
            "expectations": m.expectations,
        }
        for m in client.memberships.order_by("pk")
    ]


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)


def test_admin_team_changes_are_on_the_timeline(cast, as_user, admin_user):
    rows_ = _rows_of(cast.client)
    for r in rows_:
        if r["user"] == cast.crossover.pk:
            r["team_role"] = "ad"
    url = reverse("admin:accounts_client_change", args=[cast.client.pk])
    response = as_user(admin_user).post(url, _admin_post(cast, rows_))
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert membership(cast, "crossover").team_role == "ad"
    assert [(a, actor, d["user"]) for a, actor, d in rows(cast.client)] == [
        (TEAM_ROLE_CHANGED, admin_user, cast.crossover.pk)
    ]


def test_admin_team_inline_refuses_a_role_that_does_not_fit(cast, as_user, admin_user):
    rows_ = _rows_of(cast.client)
    for r in rows_:
        if r["user"] == cast.ae.pk:
            r["team_role"] = "bd"
    url = reverse("admin:accounts_client_change", args=[cast.client.pk])
    response = as_user(admin_user).post(url, _admin_post(cast, rows_))
    assert response.status_code == 200
    assert membership(cast, "ae").team_role == "ae"
    assert rows(cast.client) == []
