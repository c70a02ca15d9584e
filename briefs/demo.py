"""Demo briefs: every state, creative work with both judgments, one escalation
and a print-ad job with stages; Chinese content for 华远.

Idempotent: a brief is created only if its client has no brief of that title.
Everything goes through the services, so the timelines and inboxes are real.
"""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import services
from .approvers import ORDER
from .models import Brief, CreativeWork, JobStageTemplate, Judgment

S = Brief.Status
FULL_CHECKLIST = {
    "check_problem_clear": True,
    "check_one_direction": True,
    "check_audience_specific": True,
    "check_client_agreed": True,
    "check_deliverables_measurable": True,
}

HUAYUAN_BRIEFS = [
    (S.DRAFT, "二期样板间开放活动", "样板间开放,让看房客户亲身感受“三房两厅”的尺度。"),
    (S.CREATIVE_REVIEW, "业主答谢会邀请函", "老业主带新客户,一次聚会换来口碑。"),
    (S.STRATEGY_REVIEW, "秋季房展会展位", "在房展会上,一眼看出我们离地铁最近。"),
    (S.APPROVED, "车位促销", "车位和房子一起买,省下的是每天的停车时间。"),
    (S.SIGNED, "物业服务品牌升级", "第一太平戴维斯的物业,让家更省心。"),
    (S.CLIENT_AGREED, "学区房价值传播", "孩子走路五分钟上学。"),
    (S.PLANNER_REVIEWED, "地铁9号线通车借势", "地铁开通,二十分钟到CBD。"),
    (S.BRIEFED, "年终冲刺报纸稿", "年底前认购,享受最后一批优惠。"),
    (S.IN_PROGRESS, "花园城春季开盘", "二十分钟到CBD,回家吃晚饭。"),
    (S.CLOSED, "品牌形象年度画册", "华远,懂得城市生活。"),
]


def _png(color=(180, 40, 40), name="sketch.png"):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 450, 290), outline=(255, 255, 255), width=6)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _judge_and_close(brief, *, am, cd):
    """A closed brief's work was judged ready to present before it closed."""
    for work in brief.works.filter(status=CreativeWork.Status.SUBMITTED):
        for actor, level in ((am, Judgment.Level.STRATEGY), (cd, Judgment.Level.QUALITY)):
            services.work_judge(actor=actor, work=work, level=level, verdict=Judgment.Verdict.YES)
    return services.brief_close(actor=am, brief=brief)


def _walk(brief, to, *, people, contact, creatives):
    """Advance a brief through the services up to status `to`."""
    am, cd, ad, signer, planner = (
        people["am"],
        people["cd"],
        people["ad"],
        people["signer"],
        people["planner"],
    )
    steps = {
        S.CREATIVE_REVIEW: lambda: services.brief_submit(actor=am, brief=brief),
        S.STRATEGY_REVIEW: lambda: services.brief_creative_review(
            actor=cd, brief=brief, agree=True, comment="策略清楚,同意。"
        ),
        S.APPROVED: lambda: services.brief_approve(actor=ad, brief=brief),
        S.SIGNED: lambda: services.brief_sign(actor=signer, brief=brief),
        S.CLIENT_AGREED: lambda: services.brief_record_agreement(
            actor=am,
            brief=brief,
            contact=contact,
            agreed_on=timezone.localdate(),
            via=Brief.AgreedVia.MEETING,
            note="周例会上确认。",
        ),
        S.PLANNER_REVIEWED: lambda: services.brief_planner_review(
            actor=planner,
            brief=brief,
            checklist=FULL_CHECKLIST,
            score=4,
            comment="方向单一,可以下简报。",
        ),
        S.BRIEFED: lambda: services.brief_brief_creatives(
            actor=am, brief=brief, creatives=creatives
        ),
        S.IN_PROGRESS: lambda: services.work_submit(
            actor=creatives[0], brief=brief, title="报纸稿 A", files=[_png()]
        ),
        S.CLOSED: lambda: _judge_and_close(brief, am=am, cd=cd),
    }
    for status in ORDER[ORDER.index(brief.status) + 1 : ORDER.index(to) + 1]:
        steps[status]()
        brief.refresh_from_db()
    return brief


def _huayuan(stdout, users, client):
    from plans.selectors import approved_strategies_for

    contact = client.contacts.order_by("pk").first()
    people = {
        "am": users["am"],
        "cd": users["cd"],
        "ad": users["ad"],
        "signer": users["bd"],
        "planner": users["planner"],
    }
    creatives = [users["copy"], users["art"]]
    strategy = approved_strategies_for(client).first()
    made = 0
    for status, title, proposition in HUAYUAN_BRIEFS:
        if Brief.objects.filter(client=client, title=title).exists():
            continue
        brief = services.brief_create(
            actor=users["am"],
            client=client,
            data={
                "title": title,
                "strategy": strategy if status == S.IN_PROGRESS else None,
                "client_problem": "二期去化慢;真正的问题是首次置业客群对区域认知不足,而非价格。",
                "marketing_problem": "客户认为区域离市区太远。",
                "communication_problem": "很少有人知道地铁9号线明年六月通车。",
                "target_audience": "在CBD工作、准备首次置业的年轻家庭(28–35岁)。",
                "proposition": proposition,
                "support": "地铁9号线六月通车;项目距站点步行五分钟。",
                "mandatories": "LOGO、销售热线、预售许可证号。",
                "deliverables": "报纸稿一则、15秒视频一条;一个月内获得300组来电。",
                "deadline": timezone.localdate() + dt.timedelta(days=30),
                "budget": "150000.00",
            },
        )
        _walk(brief, status, people=people, contact=contact, creatives=creatives)
        if status == S.IN_PROGRESS:
            _creative_story(brief, users)
        made += 1
    stdout.write(f"briefs: {made} briefs for {client}")


def _creative_story(brief, users):
    """Both judgments, a revision, one escalation and a print-ad job."""
    am, cd, copy, art, traffic = (
        users["am"],
        users["cd"],
        users["copy"],
        users["art"],
        users["traffic"],
    )
    v1 = CreativeWork.objects.get(brief=brief, version=1)
    services.work_judge(
        actor=am,
        work=v1,
        level=Judgment.Level.STRATEGY,
        verdict=Judgment.Verdict.NO,
        reason=Judgment.Reason.WRONG_AUDIENCE,
        comment="画面是学生公寓的感觉,我们的受众是年轻家庭。",
    )
    v2 = services.work_submit(
        actor=copy,
        brief=brief,
        title=v1.title,
        description="改为一家三口下班回家的画面。",
        files=[_png((40, 120, 60), "sketch-v2.png")],
        previous=v1,
    )
    services.work_judge(
        actor=am, work=v2, level=Judgment.Level.STRATEGY, verdict=Judgment.Verdict.YES
    )
    services.work_judge(
        actor=cd, work=v2, level=Judgment.Level.QUALITY, verdict=Judgment.Verdict.YES
    )
    # A second piece: the CD says "not good enough", the AM disagrees and escalates.
    other = services.work_submit(
        actor=art, brief=brief, title="地铁站灯箱", files=[_png((30, 60, 160), "lightbox.png")]
    )
    services.work_judge(
        actor=am, work=other, level=Judgment.Level.STRATEGY, verdict=Judgment.Verdict.YES
    )
    services.work_judge(
        actor=cd,
        work=other,
        level=Judgment.Level.QUALITY,
        verdict=Judgment.Verdict.NO,
        reason=Judgment.Reason.OTHER,
        comment="标题太平,没有记忆点。",
    )
    esc = services.escalation_raise(
        actor=am, work=other, statement="客户在会上已经认可这个方向,时间紧,建议直接提案。"
    )
    # The CD is the only creative department head and cannot decide on his own
    # "no": with no independent head, the MD decides at once, and it is final.
    services.escalation_decide(
        actor=users["md"],
        escalation=esc,
        decision="uphold",
        comment="方向可以,但标题必须再改一版。",
    )
    template = JobStageTemplate.objects.get(code="print-ad")
    job = services.job_create(
        actor=traffic, brief=brief, template=template, title="花园城报纸稿", owner=copy
    )
    today = timezone.localdate()
    for offset, stage in enumerate(job.stages.order_by("position")):
        services.job_stage_update(
            actor=traffic,
            stage=stage,
            owner=[copy, copy, art, am, art, traffic][offset],
            due_date=today + dt.timedelta(days=3 * offset - 2),
        )
    services.job_hand_off(actor=traffic, job=job, to_user=copy, note="草图通过,开始写文案。")


def _english(stdout, users, client, people):
    title = "Summer refresh launch"
    if Brief.objects.filter(client=client, title=title).exists():
        return
    brief = services.brief_create(
        actor=users["am"],
        client=client,
        data={
            "title": title,
            "client_problem": "Volume is flat; shoppers see the drink as a winter habit.",
            "target_audience": "Office workers 25–35 buying on the way to work.",
            "proposition": "The cold one you already trust.",
            "deliverables": "Two posters and one 6-second pre-roll; +10% July volume.",
            "deadline": timezone.localdate() + dt.timedelta(days=45),
        },
    )
    contact = client.contacts.order_by("pk").first()
    _walk(brief, S.SIGNED, people=people, contact=contact, creatives=[])
    stdout.write(f"briefs: 1 brief for {client}")


def seed(*, stdout, users, clients):
    from accounts.models import TeamMembership

    huayuan = clients.get("华远")
    if huayuan is not None:
        _huayuan(stdout, users, huayuan)
    northwind = clients.get("Northwind")
    # Northwind's team has no AD and no BD on it: the MD approves in the AD's
    # place; the one who approved never signs, so the agency's BD signs.
    if (
        northwind is not None
        and TeamMembership.objects.filter(client=northwind, user=users["cd"]).exists()
    ):
        _english(
            stdout,
            users,
            northwind,
            {
                "am": users["am"],
                "cd": users["cd"],
                "ad": users["md"],
                "signer": users["bd"],
                "planner": users["planner"],
            },
        )
    apex = clients.get("Apex")
    if apex is not None and not Brief.objects.filter(client=apex).exists():
        services.brief_create(
            actor=users["ad"],
            client=apex,
            data={
                "title": "EV test-drive weekend",
                "client_problem": "Dealers get visits but few test drives.",
                "target_audience": "Families replacing their first car.",
                "proposition": "Drive it before you decide.",
                "deliverables": "Dealer posters and a WeChat post; 500 test drives.",
            },
        )


def seed_scale(*, stdout, n):
    """n x 20 draft briefs spread over the clients, bulk-inserted (for list benchmarks)."""
    from accounts.models import Client, TeamMembership
    from agency.roles import ACCOUNT_SERVICE

    memberships = list(
        TeamMembership.objects.filter(team_role__in=list(ACCOUNT_SERVICE)).select_related(
            "client", "user"
        )[:200]
    )
    if not memberships:
        return
    have = Brief.objects.filter(title__startswith="Scale brief ").count()
    rows = []
    for i in range(have, n * 20):
        m = memberships[i % len(memberships)]
        rows.append(
            Brief(
                client=m.client,
                author=m.user,
                title=f"Scale brief {i}",
                client_problem="Generated.",
                target_audience="Generated.",
                proposition="Generated.",
                deliverables="Generated.",
            )
        )
    Brief.objects.bulk_create(rows, batch_size=1000)
    stdout.write(f"briefs: {len(rows)} generated briefs over {Client.objects.count()} clients")
