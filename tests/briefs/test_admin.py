"""The admin cannot move a brief, its creative work, judgments, escalations or
jobs out of their workflow: status and stamps are read-only, nothing is deleted."""

import pytest
from django.urls import reverse

from briefs.models import Brief, CreativeWork, Escalation, Job, JobStageTemplate
from tests.helpers import unchanged

from ..factories import UserFactory
from .conftest import NO, QUALITY, STRATEGY, YES, S, judge

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(UserFactory(role="admin", is_staff=True, is_superuser=True))
    return client


def _management(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_admin_cannot_change_a_briefs_status_or_stamps(cast, make_brief, root):
    brief = make_brief(S.APPROVED)
    url = reverse("admin:briefs_brief_change", args=[brief.pk])
    assert root.get(url).status_code == 200
    response = root.post(
        url,
        {
            "title": "Corrected title",
            "status": S.CLOSED,
            "approved_by": str(cast.md.pk),
            "approved_at": "2020-01-01 00:00:00",
            "signed_by": str(cast.md.pk),
            "signed_at_0": "2020-01-01",
            "signed_at_1": "00:00:00",
            "proposition": "Changed behind the workflow's back",
            "client": str(cast.other_client.pk),
        },
    )
    assert response.status_code == 302
    after = Brief.objects.get(pk=brief.pk)
    assert after.title == "Corrected title"  # the one correction allowed
    assert after.status == S.APPROVED
    assert after.approved_by == cast.ad and after.approved_at == brief.approved_at
    assert after.signed_by is None and after.signed_at is None
    assert after.proposition == brief.proposition and after.client == cast.client


def test_the_admin_cannot_add_or_delete_briefs(make_brief, root):
    brief = make_brief(S.SIGNED)
    assert root.get(reverse("admin:briefs_brief_add")).status_code == 403
    with unchanged(brief):
        response = root.post(reverse("admin:briefs_brief_delete", args=[brief.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Brief.objects.filter(pk=brief.pk).exists()
    response = root.post(
        reverse("admin:briefs_brief_changelist"),
        {"action": "delete_selected", "_selected_action": [brief.pk], "post": "yes"},
    )
    assert Brief.objects.filter(pk=brief.pk).exists()


def test_the_admin_cannot_move_creative_work_or_its_judgments(cast, work, root):
    judge(work, cast.am, STRATEGY, YES)
    url = reverse("admin:briefs_creativework_change", args=[work.pk])
    with unchanged(work.brief):
        response = root.post(
            url,
            {
                "title": "Poster, corrected",
                "status": CreativeWork.Status.READY,
                "version": "7",
                "submitted_by": str(cast.md.pk),
                **_management("judgments"),
            },
        )
    assert response.status_code == 302
    after = CreativeWork.objects.get(pk=work.pk)
    assert after.title == "Poster, corrected"
    assert after.status == CreativeWork.Status.SUBMITTED and after.version == 1
    assert after.submitted_by == cast.copywriter
    assert (
        root.post(
            reverse("admin:briefs_creativework_delete", args=[work.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    judgment = work.judgments.get()
    with unchanged(judgment):
        root.post(
            reverse("admin:briefs_judgment_change", args=[judgment.pk]),
            {"verdict": "no", "reason": "other", "comment": "x", "judged_by": str(cast.md.pk)},
        )
    assert (
        root.post(
            reverse("admin:briefs_judgment_delete", args=[judgment.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_the_admin_cannot_decide_an_escalation_or_deliver_a_job(cast, work, root):
    from briefs import services

    judge(work, cast.am, STRATEGY, YES)
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="Flat headline.")
    esc = services.escalation_raise(actor=cast.am, work=work, statement="The client liked it.")
    with unchanged(esc):
        root.post(
            reverse("admin:briefs_escalation_change", args=[esc.pk]),
            {"status": Escalation.Status.FINAL, "md_decision": "overturn", "md_by": cast.md.pk},
        )
    template = JobStageTemplate.objects.get(code="print-ad")
    job = services.job_create(actor=cast.traffic, brief=work.brief, template=template, title="Ad")
    url = reverse("admin:briefs_job_change", args=[job.pk])
    with unchanged(job):
        root.post(
            url,
            {
                "title": job.title,
                "status": Job.Status.DELIVERED,
                "delivered_at_0": "2026-01-01",
                "delivered_at_1": "10:00",
                **_management("stages"),
            },
        )
    assert (
        root.post(reverse("admin:briefs_job_delete", args=[job.pk]), {"post": "yes"}).status_code
        == 403
    )
