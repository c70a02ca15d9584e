"""Who sees what (404) and who may act (403, nothing changed)."""

import pytest
from django.urls import reverse

from briefs import services
from briefs.models import Brief, CreativeWork

from .conftest import NO, STRATEGY, S, judge
from .factories import png_upload

pytestmark = pytest.mark.django_db


def detail(brief):
    return reverse("briefs:brief_detail", args=[brief.pk])


@pytest.mark.parametrize("status", [S.DRAFT, S.CREATIVE_REVIEW, S.SIGNED, S.PLANNER_REVIEWED])
def test_a_copywriter_on_the_team_gets_404_before_the_brief_is_briefed(
    cast, make_brief, as_user, status
):
    brief = make_brief(status)
    assert as_user(cast.copywriter).get(detail(brief)).status_code == 404
    assert (
        as_user(cast.copywriter).get(reverse("briefs:brief_pdf", args=[brief.pk])).status_code
        == 404
    )


def test_a_copywriter_sees_the_brief_once_briefed(cast, make_brief, as_user):
    brief = make_brief(S.BRIEFED)
    assert as_user(cast.copywriter).get(detail(brief)).status_code == 200


def test_the_creative_director_sees_the_brief_to_review_the_strategy(cast, make_brief, as_user):
    brief = make_brief(S.CREATIVE_REVIEW)
    assert as_user(cast.cd).get(detail(brief)).status_code == 200


def test_the_brief_list_hides_unbriefed_briefs_from_creatives(cast, make_brief, as_user):
    hidden = make_brief(S.SIGNED, title="Secret strategy")
    shown = make_brief(S.BRIEFED, title="Open brief")
    html = as_user(cast.copywriter).get(reverse("briefs:brief_list")).content.decode()
    assert shown.title in html and hidden.title not in html
    html = as_user(cast.cd).get(reverse("briefs:brief_list")).content.decode()
    assert shown.title in html and hidden.title in html


@pytest.mark.parametrize("who", ["outsider", "finance"])
def test_outsiders_and_finance_get_404_on_briefs(cast, make_brief, as_user, who):
    brief = make_brief(S.BRIEFED)
    client = as_user(getattr(cast, who))
    assert client.get(detail(brief)).status_code == 404
    assert brief.title not in client.get(reverse("briefs:brief_list")).content.decode()


def test_files_of_a_brief_not_theirs_are_404(cast, make_brief, as_user, work):
    f = work.files.get()
    url = reverse("briefs:file_download", args=[f.pk])
    assert as_user(cast.outsider).get(url).status_code == 404
    assert as_user(cast.finance).get(url).status_code == 404
    response = as_user(cast.copywriter).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_files_become_404_for_a_copywriter_when_the_brief_returns_to_draft(cast, as_user, work):
    f = work.files.get()
    services.brief_update(actor=cast.am, brief=work.brief, data={"proposition": "New"})
    url = reverse("briefs:file_download", args=[f.pk])
    assert as_user(cast.copywriter).get(url).status_code == 404
    assert as_user(cast.cd).get(url).status_code == 200


def test_uploaded_files_live_under_media_root_and_not_under_static(settings, work):
    path = work.files.get().file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert settings.MEDIA_URL == "/media-not-served/"


POSTS = [
    (S.DRAFT, "brief_submit", ["cd", "planner", "bd", "traffic"]),
    (S.STRATEGY_REVIEW, "brief_approve", ["am", "cd", "bd", "planner"]),
    (S.APPROVED, "brief_sign", ["am", "ad", "cd", "planner"]),
    (S.IN_PROGRESS, "brief_close", ["cd", "copywriter", "planner", "bd", "md"]),
]


@pytest.mark.parametrize(("status", "name", "others"), POSTS)
def test_wrong_roles_get_403_and_nothing_changes(cast, make_brief, as_user, status, name, others):
    brief = make_brief(status)
    url = reverse(f"briefs:{name}", args=[brief.pk])
    for key in others:
        response = as_user(getattr(cast, key)).post(url)
        assert response.status_code == 403, key
        brief.refresh_from_db()
        assert brief.status == status


@pytest.mark.parametrize(
    ("status", "name", "who", "others"),
    [
        (S.CREATIVE_REVIEW, "brief_creative_review", "cd", ["am", "ad", "bd", "planner"]),
        (S.SIGNED, "brief_agreement", "am", ["cd", "bd", "planner", "traffic"]),
        (S.CLIENT_AGREED, "brief_planner_review", "planner", ["am", "cd", "bd"]),
        (S.CLIENT_AGREED, "brief_send_back", "planner", ["am", "cd", "bd"]),
        (S.PLANNER_REVIEWED, "brief_brief", "am", ["cd", "bd", "planner", "traffic"]),
    ],
)
def test_form_steps_are_403_for_other_roles(cast, make_brief, as_user, status, name, who, others):
    brief = make_brief(status)
    url = reverse(f"briefs:{name}", args=[brief.pk])
    assert as_user(getattr(cast, who)).get(url).status_code == 200
    for key in others:
        assert as_user(getattr(cast, key)).post(url, {"comment": "x"}).status_code == 403, key
    brief.refresh_from_db()
    assert brief.status == status


def test_a_wrong_state_post_is_a_message_not_a_500(cast, make_brief, as_user):
    brief = make_brief(S.DRAFT)
    response = as_user(cast.bd).post(reverse("briefs:brief_sign", args=[brief.pk]), follow=True)
    assert response.status_code == 200
    assert "This step is not possible" in response.content.decode()
    brief.refresh_from_db()
    assert brief.status == S.DRAFT


def test_judging_is_403_for_the_wrong_level(cast, as_user, work):
    url = reverse("briefs:work_judge", args=[work.pk, "strategy"])
    assert as_user(cast.cd).post(url, {"verdict": "yes"}).status_code == 403
    assert as_user(cast.copywriter).post(url, {"verdict": "yes"}).status_code == 403
    url = reverse("briefs:work_judge", args=[work.pk, "quality"])
    assert as_user(cast.am).post(url, {"verdict": "yes"}).status_code == 403
    assert not work.judgments.exists()


def test_unknown_ids_and_levels_are_404(cast, as_user, work):
    c = as_user(cast.am)
    assert c.get(reverse("briefs:work_judge", args=[work.pk, "vibes"])).status_code == 404
    assert c.get("/briefs/999999/").status_code == 404
    assert c.get("/briefs/files/999999/").status_code == 404
    assert c.get("/briefs/escalations/999999/").status_code == 404


def test_escalation_decision_is_403_for_non_heads(cast, as_user, work):
    judge(work, cast.am, STRATEGY, NO, reason="off_brand", comment="Wrong colours.")
    esc = services.escalation_raise(actor=cast.cd, work=work, statement="They are the brand's.")
    url = reverse("briefs:escalation_decide", args=[esc.pk])
    for key in ("am", "ae", "copywriter", "md", "cd"):
        r = as_user(getattr(cast, key)).post(url, {"decision": "overturn", "comment": "x"})
        assert r.status_code == 403, key
    esc.refresh_from_db()
    assert esc.status == "open"
    # the department head decides; the outsider cannot even see it
    assert as_user(cast.outsider).get(esc.get_absolute_url()).status_code == 404
    r = as_user(cast.ad).post(url, {"decision": "overturn", "comment": "On brand."})
    assert r.status_code == 302
    esc.refresh_from_db()
    assert esc.status == "decided" and esc.head_by == cast.ad


def test_posted_fields_outside_the_form_are_ignored(cast, make_brief, as_user):
    brief = make_brief(S.DRAFT)
    data = {
        "title": "Renamed",
        "client_problem": brief.client_problem,
        "target_audience": brief.target_audience,
        "proposition": brief.proposition,
        "deliverables": brief.deliverables,
        "status": "closed",
        "signed_by": cast.bd.pk,
        "author": cast.outsider.pk,
    }
    r = as_user(cast.am).post(reverse("briefs:brief_edit", args=[brief.pk]), data)
    assert r.status_code == 302
    brief.refresh_from_db()
    assert brief.title == "Renamed" and brief.status == S.DRAFT
    assert brief.signed_by is None and brief.author == cast.am


def test_creative_on_another_team_cannot_submit_work(cast, make_brief, as_user):
    brief = make_brief(S.BRIEFED)
    r = as_user(cast.outsider).post(
        reverse("briefs:work_create", args=[brief.pk]), {"title": "x", "files": png_upload()}
    )
    assert r.status_code == 404
    assert not CreativeWork.objects.filter(brief=brief).exists()
    assert Brief.objects.get(pk=brief.pk).status == S.BRIEFED


def test_a_creative_on_another_team_gets_404_on_files(cast, as_user, work):
    from tests.factories import MembershipFactory, UserFactory

    stranger = UserFactory(role="creative")
    MembershipFactory(client=cast.other_client, user=stranger, team_role="creative")
    f = work.files.get()
    assert as_user(stranger).get(reverse("briefs:file_download", args=[f.pk])).status_code == 404
    assert as_user(stranger).get(work.get_absolute_url()).status_code == 404


def test_only_the_other_side_sees_the_escalate_button(cast, as_user, work):
    judge(work, cast.am, STRATEGY, NO, reason="off_strategy", comment="Not the metro.")
    escalate = reverse("briefs:escalation_raise", args=[work.pk])
    assert escalate in as_user(cast.cd).get(work.get_absolute_url()).content.decode()
    assert escalate not in as_user(cast.am).get(work.get_absolute_url()).content.decode()
    assert as_user(cast.am).post(escalate, {"statement": "x"}).status_code == 403


def test_stage_templates_are_editable_in_the_admin(cast, as_user):
    from briefs.models import JobStageTemplate
    from tests.factories import UserFactory

    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    template = JobStageTemplate.objects.get(code="tvc")
    c = as_user(admin)
    assert c.get(reverse("admin:briefs_jobstagetemplate_changelist")).status_code == 200
    r = c.get(reverse("admin:briefs_jobstagetemplate_change", args=[template.pk]))
    assert r.status_code == 200 and "Storyboard" in r.content.decode()
