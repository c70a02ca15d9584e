import datetime as dt

import pytest

from briefs import services
from briefs.models import Brief, CreativeWork, Judgment

from .factories import BriefFactory, png_upload

S = Brief.Status
ORDER = [
    S.DRAFT,
    S.CREATIVE_REVIEW,
    S.STRATEGY_REVIEW,
    S.APPROVED,
    S.SIGNED,
    S.CLIENT_AGREED,
    S.PLANNER_REVIEWED,
    S.BRIEFED,
    S.IN_PROGRESS,
    S.CLOSED,
]
FULL_CHECKLIST = {
    "check_problem_clear": True,
    "check_one_direction": True,
    "check_audience_specific": True,
    "check_client_agreed": True,
    "check_deliverables_measurable": True,
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private_media"


def advance(brief, cast, to):
    """Walk a brief through the real services up to status `to`."""
    steps = {
        S.CREATIVE_REVIEW: lambda: services.brief_submit(actor=cast.am, brief=brief),
        S.STRATEGY_REVIEW: lambda: services.brief_creative_review(
            actor=cast.cd, brief=brief, agree=True
        ),
        S.APPROVED: lambda: services.brief_approve(actor=cast.ad, brief=brief),
        S.SIGNED: lambda: services.brief_sign(actor=cast.bd, brief=brief),
        S.CLIENT_AGREED: lambda: services.brief_record_agreement(
            actor=cast.am,
            brief=brief,
            contact=cast.contact,
            agreed_on=dt.date(2026, 11, 20),
            via=Brief.AgreedVia.MEETING,
            note="Agreed in the weekly meeting.",
        ),
        S.PLANNER_REVIEWED: lambda: services.brief_planner_review(
            actor=cast.planner, brief=brief, checklist=FULL_CHECKLIST, score=4, comment="Clear."
        ),
        S.BRIEFED: lambda: services.brief_brief_creatives(
            actor=cast.am, brief=brief, creatives=[cast.copywriter]
        ),
        S.IN_PROGRESS: lambda: services.work_submit(
            actor=cast.copywriter, brief=brief, title="Metro poster", files=[png_upload()]
        ),
        S.CLOSED: lambda: services.brief_close(actor=cast.am, brief=brief),
    }
    for status in ORDER[ORDER.index(brief.status) + 1 : ORDER.index(to) + 1]:
        steps[status]()
        brief.refresh_from_db()
    assert brief.status == to
    return brief


@pytest.fixture
def make_brief(cast):
    def make(to=S.DRAFT, **kwargs):
        brief = BriefFactory(client=cast.client, author=cast.am, **kwargs)
        return advance(brief, cast, to)

    return make


@pytest.fixture
def work(cast, make_brief):
    """Version 1 of creative work on an in-progress brief, not yet judged."""
    brief = make_brief(S.IN_PROGRESS)
    return CreativeWork.objects.get(brief=brief)


def judge(work, user, level, verdict, reason="", comment=""):
    return services.work_judge(
        actor=user, work=work, level=level, verdict=verdict, reason=reason, comment=comment
    )


YES, NO = Judgment.Verdict.YES, Judgment.Verdict.NO
STRATEGY, QUALITY = Judgment.Level.STRATEGY, Judgment.Level.QUALITY
