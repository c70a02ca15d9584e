"""The Django admin cannot move a plan out of its workflow (issue 10, "Nothing lost")."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agency.roles import Role
from plans.models import AccountPlan, PlanReview

from .factories import AccountPlanFactory


@pytest.fixture
def admin_client(client, db):
    root = get_user_model().objects.create_superuser(
        "root", "root@example.com", "pw", role=Role.ADMIN
    )
    client.force_login(root)
    return client


def change_url(plan):
    return reverse("admin:plans_accountplan_change", args=[plan.pk])


def _posted(value):
    if isinstance(value, list | tuple):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


def changeform_post(page, **fields):
    """The change form's own data (inline management forms included) with `fields` on top."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.total_form_count())
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value is not None:
                    data[form.add_prefix(name)] = _posted(value)
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = _posted(value)
    data.update(fields)
    return data


def test_a_draft_saved_in_the_admin_keeps_its_workflow_fields(cast, admin_client, draft_plan):
    page = admin_client.get(change_url(draft_plan))
    assert page.status_code == 200
    form_fields = set(page.context["adminform"].form.fields)
    for name in ["status", "version", "revision", "review_round", "submitted_at", "client"]:
        assert name not in form_fields
    # when: a hand-made POST tries to approve the draft and rewrite its stamps
    response = admin_client.post(
        change_url(draft_plan),
        changeform_post(
            page,
            posture="maintain",
            status="approved",
            revision="7",
            version="99",
            review_round="5",
            signed_off_by=str(cast.md.pk),
            signed_off_at="2027-01-01 10:00:00",
            submitted_by=str(cast.am.pk),
            client=str(cast.other_client.pk),
        ),
    )
    # then: the content was saved, the workflow fields were not
    assert response.status_code == 302, [
        (i.formset.prefix, i.formset.errors, i.formset.non_form_errors())
        for i in response.context["inline_admin_formsets"]
    ]
    plan = AccountPlan.objects.get(pk=draft_plan.pk)
    assert plan.posture == "maintain"
    assert (plan.status, plan.revision, plan.review_round) == ("draft", 1, 0)
    assert (plan.signed_off_by, plan.signed_off_at, plan.submitted_by) == (None, None, None)
    assert plan.client == cast.client
    # an edit here is a save: a form opened before it sees newer values
    assert plan.version == draft_plan.version + 1


def test_a_submitted_or_approved_plan_cannot_be_deleted_in_the_admin(
    cast, admin_client, submitted_plan
):
    approved = AccountPlanFactory(client=cast.client, year=2030, status="approved")
    for plan in (submitted_plan, approved):
        url = reverse("admin:plans_accountplan_delete", args=[plan.pk])
        assert admin_client.get(url).status_code == 403
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
        assert AccountPlan.objects.filter(pk=plan.pk).exists()


def test_the_bulk_delete_action_is_not_offered(cast, admin_client, submitted_plan):
    url = reverse("admin:plans_accountplan_changelist")
    page = admin_client.get(url)
    actions = page.context["action_form"]
    assert actions is None or "delete_selected" not in dict(actions.fields["action"].choices)
    admin_client.post(
        url, {"action": "delete_selected", "_selected_action": [submitted_plan.pk], "post": "yes"}
    )
    assert AccountPlan.objects.filter(pk=submitted_plan.pk).exists()


def test_a_draft_can_still_be_deleted_one_by_one(cast, admin_client):
    draft = AccountPlanFactory(client=cast.client, year=2031)
    url = reverse("admin:plans_accountplan_delete", args=[draft.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not AccountPlan.objects.filter(pk=draft.pk).exists()


def test_reviews_are_read_only_in_the_admin_even_on_a_draft(cast, admin_client, submitted_plan):
    from plans import services

    services.plan_review(actor=cast.cd, plan=submitted_plan, decision="object", comment="再想想")
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "draft"
    page = admin_client.get(change_url(submitted_plan))
    reviews = next(
        i for i in page.context["inline_admin_formsets"] if i.formset.model is PlanReview
    )
    assert not reviews.has_add_permission
    assert not reviews.has_change_permission
    assert not reviews.has_delete_permission
