"""Defects found in review: each test fails without its fix."""

import pytest
from django.urls import reverse

from agency.errors import DomainError
from agency.roles import Role
from briefs import services
from briefs.models import Brief, CreativeWork
from briefs.providers import dashboard_sections
from tests.factories import UserFactory

from .conftest import NO, QUALITY, STRATEGY, YES, S, judge


def test_a_huge_creative_id_is_a_form_error_not_a_500(cast, make_brief, as_user):
    brief = make_brief(S.PLANNER_REVIEWED)
    response = as_user(cast.am).post(
        reverse("briefs:brief_brief", args=[brief.pk]), {"creatives": ["99999999999999999999"]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["creatives"]
    brief.refresh_from_db()
    assert brief.status == S.PLANNER_REVIEWED


def test_a_department_head_off_the_team_still_sees_the_escalation_they_decided(cast, as_user, work):
    head = UserFactory(role=Role.CREATIVE_DIRECTOR, is_department_head=True)
    judge(work, cast.am, STRATEGY, YES)
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="Flat.")
    esc = services.escalation_raise(actor=cast.am, work=work, statement="Client loves it.")
    client = as_user(head)
    response = client.post(
        reverse("briefs:escalation_decide", args=[esc.pk]),
        {"decision": "overturn", "comment": "Present it."},
        follow=True,
    )
    assert response.status_code == 200
    esc.refresh_from_db()
    assert esc.status == "decided" and esc.head_by == head
    assert "Present it." in response.content.decode()


def test_contesting_is_403_for_people_not_involved_even_with_an_empty_statement(
    cast, as_user, work
):
    judge(work, cast.am, STRATEGY, YES)
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="Flat.")
    esc = services.escalation_raise(actor=cast.am, work=work, statement="Client loves it.")
    head = UserFactory(role=Role.CREATIVE_DIRECTOR, is_department_head=True)
    services.escalation_decide(actor=head, escalation=esc, decision="uphold", comment="No.")
    response = as_user(cast.ae).post(reverse("briefs:escalation_contest", args=[esc.pk]), {})
    assert response.status_code == 403
    esc.refresh_from_db()
    assert esc.status == "decided"


def test_work_on_a_closed_brief_can_no_longer_be_judged(cast, work):
    services.brief_close(actor=cast.am, brief=work.brief)
    with pytest.raises(DomainError) as refused:
        judge(work, cast.am, STRATEGY, YES)
    assert refused.value.message == services.ERR_BRIEF_NOT_OPEN
    work.refresh_from_db()
    assert work.status == CreativeWork.Status.SUBMITTED and not work.judgments.exists()


def test_waiting_for_me_hides_work_of_a_brief_back_in_draft(cast, work):
    judge(work, cast.am, STRATEGY, NO, reason="off_strategy", comment="Not the metro.")

    def titles(user):
        return [s.title for s in dashboard_sections(user)]

    assert "Creative work to revise" in titles(cast.copywriter)
    services.brief_update(actor=cast.am, brief=work.brief, data={"proposition": "New"})
    assert work.brief.status == Brief.Status.DRAFT
    assert "Creative work to revise" not in titles(cast.copywriter)


def test_the_work_page_loads_the_version_chain_in_constant_queries(cast, as_user, work):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import png_upload

    client = as_user(cast.am)

    def next_version(latest, n):
        judge(latest, cast.am, STRATEGY, NO, reason="other", comment=f"Again {n}.")
        return services.work_submit(
            actor=cast.copywriter,
            brief=work.brief,
            title=f"v{n + 2}",
            files=[png_upload()],
            previous=latest,
        )

    def queries_for_first_version():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(work.get_absolute_url())
        return len(ctx), page

    latest = next_version(work, 0)
    client.get(work.get_absolute_url())  # warm the session
    short, _page = queries_for_first_version()
    for n in range(1, 6):
        latest = next_version(latest, n)
    long, page = queries_for_first_version()
    assert [v.version for v in page.context["versions"]] == [1, 2, 3, 4, 5, 6, 7]
    assert long == short


def test_a_client_agreement_dated_in_the_future_is_refused(cast, make_brief, as_user):
    import datetime as dt

    import time_machine

    brief = make_brief(S.SIGNED)
    # 20:00 UTC on the 1st is already the 2nd in Shanghai: the 2nd is today, the 3rd is not.
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC), tick=False):
        url = reverse("briefs:brief_agreement", args=[brief.pk])
        data = {"contact": cast.contact.pk, "via": "call"}
        response = as_user(cast.am).post(url, {**data, "agreed_on": "2026-12-03"})
        assert response.status_code == 200
        assert response.context["form"].errors["agreed_on"]
        brief.refresh_from_db()
        assert brief.status == S.SIGNED
        with pytest.raises(DomainError):
            services.brief_record_agreement(
                actor=cast.am,
                brief=brief,
                contact=cast.contact,
                agreed_on=dt.date(2026, 12, 3),
                via="call",
            )
        as_user(cast.am).post(url, {**data, "agreed_on": "2026-12-02"})
        brief.refresh_from_db()
        assert brief.status == S.CLIENT_AGREED


def test_a_deliverable_type_without_stages_is_not_offered_for_a_job(cast, make_brief, as_user):
    from briefs.models import Job, JobStageTemplate

    brief = make_brief(S.BRIEFED)
    empty = JobStageTemplate.objects.create(name="Empty", code="empty")
    response = as_user(cast.traffic).post(
        reverse("briefs:job_create", args=[brief.pk]), {"template": empty.pk, "title": "J"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["template"]
    with pytest.raises(DomainError):
        services.job_create(actor=cast.traffic, brief=brief, template=empty, title="J")
    assert not Job.objects.filter(brief=brief).exists()


def test_a_pdf_is_always_downloaded_never_shown_inline(cast, make_brief, as_user):
    from .factories import pdf_upload

    brief = make_brief(S.BRIEFED)
    work = services.work_submit(
        actor=cast.copywriter, brief=brief, title="Layout", files=[pdf_upload()]
    )
    url = reverse("briefs:file_download", args=[work.files.get().pk])
    response = as_user(cast.am).get(url + "?inline=1")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_off_team_department_head_sees_the_work_and_files_they_decide_on(cast, as_user, work):
    creative_head = UserFactory(role=Role.CREATIVE_DIRECTOR, is_department_head=True)
    account_head = UserFactory(role=Role.AD, is_department_head=True)
    work_url = reverse("briefs:work_detail", args=[work.pk])
    file_url = reverse("briefs:file_download", args=[work.files.get().pk])
    assert as_user(creative_head).get(work_url).status_code == 404
    assert as_user(creative_head).get(file_url).status_code == 404

    judge(work, cast.am, STRATEGY, YES)
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="Flat.")
    esc = services.escalation_raise(actor=cast.am, work=work, statement="Client loves it.")
    page = as_user(creative_head).get(work_url)
    assert page.status_code == 200
    assert b"Judge" not in page.content  # sees it, may not judge it
    assert as_user(creative_head).get(file_url).status_code == 200
    # A "good enough?" dispute is not the account head's to decide: still hidden.
    assert as_user(account_head).get(work_url).status_code == 404
    assert as_user(account_head).get(file_url).status_code == 404
    judge_url = reverse("briefs:work_judge", args=[work.pk, "quality"])
    assert as_user(creative_head).post(judge_url, {"verdict": "yes"}).status_code == 403

    services.escalation_decide(
        actor=creative_head, escalation=esc, decision="uphold", comment="Still flat."
    )
    assert as_user(creative_head).get(work_url).status_code == 200
    assert as_user(cast.outsider).get(work_url).status_code == 404
