import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agency.dashboard import sections_for
from agency.roles import Role
from briefs import services
from briefs.models import Brief, CreativeWork, JobStageTemplate, Judgment
from tests.factories import UserFactory

from .conftest import NO, QUALITY, STRATEGY, YES, S, judge
from .factories import BriefFactory, exe_as_png, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def brief_data(**overrides):
    data = {
        "title": "花园城春季开盘",
        "client_problem": "二期销售缓慢。",
        "target_audience": "在CBD工作的年轻家庭。",
        "proposition": "二十分钟到CBD。",
        "deliverables": "一则报纸稿,一条15秒视频。",
        "deadline": "2026-12-31",
        "budget": "120000.00",
    }
    data.update(overrides)
    return data


def test_account_person_creates_a_brief_for_their_client(cast, as_user):
    c = as_user(cast.am)
    r = c.post(reverse("briefs:brief_create"), {"client": cast.client.pk, **brief_data()})
    brief = Brief.objects.get()
    assert r.status_code == 302 and r.url == brief.get_absolute_url()
    assert brief.author == cast.am and brief.status == S.DRAFT and brief.client == cast.client
    assert "二十分钟到CBD" in c.get(r.url).content.decode()


def test_a_creative_cannot_create_briefs(cast, as_user):
    r = as_user(cast.copywriter).post(
        reverse("briefs:brief_create"), {"client": cast.client.pk, **brief_data()}
    )
    assert r.status_code == 403
    assert not Brief.objects.exists()


def test_an_account_person_cannot_create_a_brief_for_another_teams_client(cast, as_user):
    r = as_user(cast.am).post(
        reverse("briefs:brief_create"), {"client": cast.other_client.pk, **brief_data()}
    )
    assert r.status_code == 200 and "client" in r.context["form"].errors
    assert not Brief.objects.exists()


def test_bad_dates_and_money_are_form_errors(cast, as_user):
    r = as_user(cast.am).post(
        reverse("briefs:brief_create"),
        {"client": cast.client.pk, **brief_data(deadline="31/31/2026", budget="-5")},
    )
    assert r.status_code == 200
    assert {"deadline", "budget"} <= set(r.context["form"].errors)


def test_editing_the_proposition_after_signature_through_the_page_returns_to_draft(
    cast, make_brief, as_user
):
    brief = make_brief(S.SIGNED)
    data = brief_data(proposition="回家吃晚饭。")
    r = as_user(cast.am).post(reverse("briefs:brief_edit", args=[brief.pk]), data, follow=True)
    brief.refresh_from_db()
    assert brief.status == S.DRAFT and brief.signed_at is None
    assert "returned-reason" not in r.content.decode()
    assert "single-minded proposition" in r.content.decode()


def test_creative_review_objection_without_reason_is_a_form_error(cast, make_brief, as_user):
    brief = make_brief(S.CREATIVE_REVIEW)
    url = reverse("briefs:brief_creative_review", args=[brief.pk])
    r = as_user(cast.cd).post(url, {"agree": "no", "comment": ""})
    assert r.status_code == 200 and "comment" in r.context["form"].errors
    brief.refresh_from_db()
    assert brief.status == S.CREATIVE_REVIEW


def test_planner_review_form_records_checklist_and_score(cast, make_brief, as_user):
    brief = make_brief(S.CLIENT_AGREED)
    url = reverse("briefs:brief_planner_review", args=[brief.pk])
    r = as_user(cast.planner).post(
        url,
        {"check_problem_clear": "on", "check_one_direction": "on", "score": "3", "comment": "OK"},
    )
    assert r.status_code == 302
    brief.refresh_from_db()
    assert brief.planner_score == 3 and brief.check_problem_clear and not brief.check_client_agreed
    r = as_user(cast.planner).post(url, {"score": "9"})
    assert r.status_code == 200 and "score" in r.context["form"].errors
    brief.refresh_from_db()
    assert brief.planner_score == 3


def test_agreement_with_another_clients_contact_is_refused(cast, make_brief, as_user):
    from tests.factories import ContactFactory

    brief = make_brief(S.SIGNED)
    stranger = ContactFactory(client=cast.other_client)
    r = as_user(cast.am).post(
        reverse("briefs:brief_agreement", args=[brief.pk]),
        {"contact": stranger.pk, "agreed_on": "2026-11-20", "via": "email"},
    )
    assert r.status_code == 200 and "contact" in r.context["form"].errors
    brief.refresh_from_db()
    assert brief.status == S.SIGNED


# ---------------------------------------------------------------- uploads


def test_an_upload_with_an_image_name_but_executable_content_is_refused(cast, make_brief, as_user):
    brief = make_brief(S.BRIEFED)
    r = as_user(cast.copywriter).post(
        reverse("briefs:work_create", args=[brief.pk]), {"title": "Poster", "files": exe_as_png()}
    )
    assert r.status_code == 200
    assert "is not an image" in str(r.context["form"].errors["files"])
    assert not CreativeWork.objects.exists()


def test_a_png_header_with_garbage_after_it_is_refused(cast, make_brief, as_user):
    brief = make_brief(S.BRIEFED)
    fake = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"#!/bin/sh\nrm -rf /\n" * 10)
    r = as_user(cast.copywriter).post(
        reverse("briefs:work_create", args=[brief.pk]), {"title": "Poster", "files": fake}
    )
    assert r.status_code == 200 and "not a valid image" in r.content.decode()
    assert not CreativeWork.objects.exists()


def test_an_oversize_file_is_refused_with_a_message(cast, make_brief, as_user, settings):
    settings.MAX_UPLOAD_MB = 1
    brief = make_brief(S.BRIEFED)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    r = as_user(cast.copywriter).post(
        reverse("briefs:work_create", args=[brief.pk]), {"title": "Layout", "files": big}
    )
    assert r.status_code == 200
    assert "“big.pdf” is larger than 1 MB." in r.content.decode()
    assert not CreativeWork.objects.exists()


def test_images_and_pdfs_are_accepted_and_downloaded_with_their_type(cast, make_brief, as_user):
    brief = make_brief(S.BRIEFED)
    c = as_user(cast.copywriter)
    r = c.post(
        reverse("briefs:work_create", args=[brief.pk]),
        {"title": "Poster", "description": "v1", "files": [png_upload(), pdf_upload()]},
    )
    work = CreativeWork.objects.get()
    assert r.status_code == 302 and r.url == work.get_absolute_url()
    kinds = sorted(work.files.values_list("kind", flat=True))
    assert kinds == ["pdf", "png"]
    pdf = work.files.get(kind="pdf")
    r = c.get(reverse("briefs:file_download", args=[pdf.pk]))
    assert r["Content-Type"] == "application/pdf"
    assert "attachment" in r["Content-Disposition"] and "layout.pdf" in r["Content-Disposition"]


# ---------------------------------------------------------------- judgment


def test_a_no_without_a_reason_is_a_form_error(cast, as_user, work):
    url = reverse("briefs:work_judge", args=[work.pk, "strategy"])
    r = as_user(cast.am).post(url, {"verdict": "no", "reason": "", "comment": ""})
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert "reason" in errors and "comment" in errors
    assert not Judgment.objects.exists()
    r = as_user(cast.am).post(url, {"verdict": "no", "reason": "made_up", "comment": "x"})
    assert "reason" in r.context["form"].errors
    assert not Judgment.objects.exists()


def test_judgment_pages_lead_to_ready_to_present(cast, as_user, work):
    r = as_user(cast.am).post(
        reverse("briefs:work_judge", args=[work.pk, "strategy"]), {"verdict": "yes"}
    )
    assert r.status_code == 302
    r = as_user(cast.cd).post(
        reverse("briefs:work_judge", args=[work.pk, "quality"]), {"verdict": "yes"}
    )
    work.refresh_from_db()
    assert work.status == CreativeWork.Status.READY
    html = as_user(cast.copywriter).get(work.get_absolute_url()).content.decode()
    assert "Ready to present" in html


def test_reason_codes_are_counted_on_the_client_page(cast, as_user, make_brief):
    brief = make_brief(S.BRIEFED)
    for reason in ["off_strategy", "off_strategy", "wrong_audience"]:
        w = services.work_submit(
            actor=cast.copywriter, brief=brief, title=reason, files=[png_upload()]
        )
        judge(w, cast.am, STRATEGY, NO, reason=reason, comment="No.")
    w = services.work_submit(actor=cast.cd, brief=brief, title="CD's own", files=[png_upload()])
    judge(w, cast.am, STRATEGY, YES)
    judge(w, cast.cd, QUALITY, NO, reason="off_brand", comment="Colours.")
    html = as_user(cast.am).get(cast.client.get_absolute_url()).content.decode()
    assert 'data-reason="off_strategy"><td>Off strategy</td><td class="text-end">2</td>' in html
    assert 'data-reason="wrong_audience"><td>Wrong audience</td><td class="text-end">1</td>' in html
    assert 'data-reason="off_brand"><td>Off brand</td><td class="text-end">1</td>' in html
    assert "Cast copywriter · Off strategy: 2" in html
    # finance sees the client's master data but not the brief panel
    html = as_user(cast.finance).get(cast.client.get_absolute_url()).content.decode()
    assert "rejection-reasons" not in html


# ---------------------------------------------------------------- escalation views


def test_escalation_pages_department_head_then_md(cast, as_user, work):
    judge(work, cast.am, STRATEGY, YES)
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="Flat.")
    r = as_user(cast.am).post(
        reverse("briefs:escalation_raise", args=[work.pk]), {"statement": "Client loves it."}
    )
    esc = work.escalations.get()
    assert r.url == esc.get_absolute_url()
    head = UserFactory(
        username="creative-head", role=Role.CREATIVE_DIRECTOR, is_department_head=True
    )
    as_user(head).post(
        reverse("briefs:escalation_decide", args=[esc.pk]),
        {"decision": "uphold", "comment": "Still flat."},
    )
    as_user(cast.am).post(
        reverse("briefs:escalation_contest", args=[esc.pk]), {"statement": "Deadline."}
    )
    as_user(cast.md).post(
        reverse("briefs:escalation_decide", args=[esc.pk]),
        {"decision": "overturn", "comment": "Present it."},
    )
    esc.refresh_from_db()
    assert esc.status == "final"
    html = as_user(cast.am).get(esc.get_absolute_url()).content.decode()
    assert 'id="md-decision"' in html and "Present it." in html and "Still flat." in html


# ---------------------------------------------------------------- jobs


def test_an_overdue_stage_shows_as_overdue(cast, as_user, make_brief):
    brief = make_brief(S.BRIEFED)
    tvc = JobStageTemplate.objects.get(code="tvc")
    job = services.job_create(actor=cast.traffic, brief=brief, template=tvc, title="15s TVC")
    services.job_stage_update(
        actor=cast.traffic, stage=job.current_stage, owner=cast.cd, due_date=dt.date(2026, 12, 5)
    )
    url = job.get_absolute_url()
    with time_machine.travel(dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)):
        html = as_user(cast.traffic).get(url).content.decode()
        assert "stage-overdue" not in html
    with time_machine.travel(dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)):
        html = as_user(cast.traffic).get(url).content.decode()
        assert "stage-overdue" in html and "Overdue" in html
        items = [i for s in sections_for(cast.cd) for i in s.items if "15s TVC" in i.label]
        assert items and items[0].overdue


def test_hand_off_through_the_page(cast, as_user, make_brief):
    brief = make_brief(S.BRIEFED)
    pitch = JobStageTemplate.objects.get(code="pitch")
    job = services.job_create(actor=cast.am, brief=brief, template=pitch, title="Pitch")
    r = as_user(cast.traffic).post(
        reverse("briefs:job_hand_off", args=[job.pk]), {"to_user": cast.cd.pk, "note": "Go"}
    )
    assert r.status_code == 302
    job.refresh_from_db()
    assert job.current_stage.name == "Concepts" and job.current_stage.owner == cast.cd
    assert (
        as_user(cast.copywriter)
        .post(reverse("briefs:job_hand_off", args=[job.pk]), {"note": "x"})
        .status_code
        == 403
    )


# ---------------------------------------------------------------- lists, PDF, dashboard


def test_brief_list_paginates_in_constant_queries(cast, as_user, django_assert_max_num_queries):
    c = as_user(cast.am)
    BriefFactory.create_batch(3, client=cast.client, author=cast.am)
    with django_assert_max_num_queries(12) as few:
        c.get(reverse("briefs:brief_list"))
    BriefFactory.create_batch(40, client=cast.client, author=cast.am)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(reverse("briefs:brief_list"))
    assert r.context["page"].paginator.num_pages == 2


def test_brief_pdf_renders_with_chinese_text(cast, as_user, make_brief):
    brief = make_brief(S.SIGNED, proposition="二十分钟到CBD")
    from agency.pdf import render_pdf_html

    html = render_pdf_html("pdf/briefs/brief.html", {"brief": brief, "creatives": []})
    assert "二十分钟到CBD" in html and "Cast bd" in html
    r = as_user(cast.am).get(reverse("briefs:brief_pdf", args=[brief.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(r.content))
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("Agency-Sans-SC" in f for f in fonts)  # the shipped CJK face
    assert "二十分钟到CBD" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("status", "who", "title"),
    [
        (S.CREATIVE_REVIEW, "cd", "Strategies to review"),
        (S.STRATEGY_REVIEW, "ad", "Strategies to approve"),
        (S.APPROVED, "bd", "Briefs to sign"),
        (S.CLIENT_AGREED, "planner", "Briefs to review (planner)"),
        (S.SIGNED, "am", "Briefs waiting for the account team"),
        (S.BRIEFED, "copywriter", "Briefs to deliver work on"),
    ],
)
def test_waiting_for_me_lists_each_role(cast, make_brief, status, who, title):
    brief = make_brief(status)
    sections = {s.title: s for s in sections_for(getattr(cast, who))}
    assert title in sections
    assert any(brief.title in i.label for i in sections[title].items)
    # and not for someone else
    others = {s.title for s in sections_for(cast.outsider)}
    assert title not in others


def test_waiting_for_me_lists_work_to_judge_and_escalations(cast, work):
    titles = {s.title for s in sections_for(cast.am)}
    assert "Creative work to judge: on strategy?" in titles
    judge(work, cast.am, STRATEGY, YES)
    titles = {s.title for s in sections_for(cast.cd)}
    assert "Creative work to judge: good enough?" in titles
    judge(work, cast.cd, QUALITY, NO, reason="other", comment="Flat.")
    assert "Creative work to revise" in {s.title for s in sections_for(cast.copywriter)}
    esc = services.escalation_raise(actor=cast.am, work=work, statement="Disagree.")
    # the CD made the "no": not his to decide; with no other creative head, the MD's
    assert "Escalations to decide" not in {s.title for s in sections_for(cast.cd)}
    assert "Escalations to decide" in {s.title for s in sections_for(cast.md)}
    head = UserFactory(
        username="creative-head", role=Role.CREATIVE_DIRECTOR, is_department_head=True
    )
    assert "Escalations to decide" in {s.title for s in sections_for(head)}
    assert "Escalations to decide" not in {s.title for s in sections_for(cast.md)}
    services.escalation_decide(actor=head, escalation=esc, decision="uphold", comment="No.")
    services.escalation_contest(actor=cast.am, escalation=esc, statement="Still.")
    assert "Escalations to decide" in {s.title for s in sections_for(cast.md)}


def test_dashboard_provider_runs_a_fixed_number_of_queries(
    cast, make_brief, django_assert_max_num_queries
):
    from briefs.providers import dashboard_sections

    make_brief(S.CREATIVE_REVIEW)
    with django_assert_max_num_queries(10) as few:
        dashboard_sections(cast.cd)
    for _i in range(5):
        make_brief(S.CREATIVE_REVIEW)
    with django_assert_max_num_queries(len(few.captured_queries)):
        dashboard_sections(cast.cd)


def test_home_page_shows_the_brief_sections(cast, as_user, make_brief):
    brief = make_brief(S.APPROVED)
    html = as_user(cast.bd).get("/").content.decode()
    assert "Briefs to sign" in html and brief.title in html


def test_detail_page_in_chinese(cast, as_user, make_brief):
    cast.am.language = "zh-hans"
    cast.am.save()
    brief = make_brief(S.SIGNED)
    html = as_user(cast.am).get(brief.get_absolute_url()).content.decode()
    assert "明确而单纯的方向" in html and "记录客户同意" in html


def test_the_strategy_choices_are_the_clients_approved_plan(cast, as_user):
    from plans.models import AccountPlan, Strategy

    approved = AccountPlan.objects.create(client=cast.client, year=2026, status="approved")
    draft = AccountPlan.objects.create(client=cast.client, year=2027, status="draft")
    Strategy.objects.create(plan=approved, title="Own the metro story")
    Strategy.objects.create(plan=draft, title="Unsigned idea")
    html = as_user(cast.am).get(f"{reverse('briefs:brief_create')}?client={cast.client.pk}")
    html = html.content.decode()
    assert "Own the metro story" in html and "Unsigned idea" not in html


def test_work_page_lists_the_version_chain(cast, as_user, work):
    judge(work, cast.am, STRATEGY, NO, reason="other", comment="Again.")
    v2 = services.work_submit(
        actor=cast.copywriter,
        brief=work.brief,
        title="Renamed",
        files=[png_upload()],
        previous=work,
    )
    page = as_user(cast.am).get(work.get_absolute_url())
    assert [v.pk for v in page.context["versions"]] == [work.pk, v2.pk]
    page = as_user(cast.am).get(v2.get_absolute_url())
    assert [v.pk for v in page.context["versions"]] == [work.pk, v2.pk]
