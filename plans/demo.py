"""Demo account plans: every state, Chinese content for 华远.

    华远       this year: revision 1 approved (phase-goal progress tracked),
               revision 2 a draft with a raised target and a new strategy (see its changes)
    Northwind  this year: submitted, the creative director agreed, the MD still to review
    Apex       this year: a draft

Idempotent: a client that already has a plan for this year is left alone.
Everything goes through the services, so timelines and inbox rows are real.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from . import services
from .models import AccountPlan, PhaseGoal
from .services import RowChanges


def _fill(plan, actor, *, data, goals, strategies, activities):
    """Save the rows through plan_save (phase goals first, then link strategies)."""
    plan = services.plan_save(
        actor=actor,
        plan=plan,
        version=plan.version,
        data=data,
        phase_goals=RowChanges(upsert=[(None, g) for g in goals]),
        activities=RowChanges(upsert=[(None, a) for a in activities]),
    )
    saved_goals = list(plan.phase_goals.all())
    return services.plan_save(
        actor=actor,
        plan=plan,
        version=plan.version,
        data={},
        strategies=RowChanges(
            upsert=[
                (None, {**s, "phase_goals": [saved_goals[i] for i in links]})
                for s, links in strategies
            ]
        ),
    )


def _huayuan(year, users, client):
    am = users["am"]
    plan = services.plan_create(actor=am, client=client, year=year)
    plan = _fill(
        plan,
        am,
        data={
            "posture": AccountPlan.Posture.INVEST,
            "annual_goals": "二期去化率达到 85%,全年认购 600 套\n"
            "续签年度服务合同,并承接三期与商业街区的品牌工作\n"
            "在首次置业客群中建立“城东生活首选”的区域认知",
            "training_plan": "每季度为客户营销部做一次“策略先行”与创意评估培训;"
            "第二季度安排一次竞品与圈层分析分享会。",
            "revenue_target": Decimal("3600000.00"),
            "cost_target": Decimal("2450000.00"),
        },
        goals=[
            {
                "title": "二期开盘前蓄客 3000 组",
                "measure": "来访登记 3000 组,认筹 800 组",
                "due_date": dt.date(year, 3, 31),
                "status": PhaseGoal.Status.PLANNED,
            },
            {
                "title": "二期开盘当日去化 60%",
                "measure": "开盘当日认购套数 / 推出套数",
                "due_date": dt.date(year, 5, 31),
                "status": PhaseGoal.Status.PLANNED,
            },
            {
                "title": "三期案名与视觉系统获客户认可",
                "measure": "提案一次通过,不超过两轮",
                "due_date": dt.date(year, 9, 30),
                "status": PhaseGoal.Status.PLANNED,
            },
        ],
        strategies=[
            (
                {
                    "title": "以“城东生活”重新定义区域价值",
                    "description": "真正的问题是首次置业客群对区域认知不足,而非价格;"
                    "以生活配套与通勤时间讲区域,而不是讲降价。",
                },
                [0, 1],
            ),
            (
                {
                    "title": "老业主口碑带新客",
                    "description": "一期业主活动与推荐奖励,借助物业与社群传播真实居住体验。",
                },
                [0],
            ),
        ],
        activities=[
            {
                "what": "城东生活节暨样板间开放",
                "owner": users["ad"],
                "quarter": 1,
                "budget": Decimal("420000.00"),
                "account_hours": Decimal("60"),
                "creative_hours": Decimal("120"),
                "planner_hours": Decimal("24"),
                "media_hours": Decimal("30"),
            },
            {
                "what": "二期开盘整合传播(报纸稿、户外、线上)",
                "owner": users["am"],
                "quarter": 2,
                "budget": Decimal("980000.00"),
                "account_hours": Decimal("90"),
                "creative_hours": Decimal("200"),
                "planner_hours": Decimal("30"),
                "media_hours": Decimal("80"),
            },
            {
                "what": "三期案名与视觉系统大型提案",
                "owner": users["ad"],
                "quarter": 3,
                "budget": Decimal("150000.00"),
                "account_hours": Decimal("40"),
                "creative_hours": Decimal("160"),
                "planner_hours": Decimal("40"),
                "media_hours": Decimal("0"),
            },
        ],
    )
    plan = services.plan_submit(actor=am, plan=plan)
    services.plan_review(
        actor=users["bd"], plan=plan, decision="agree", comment="利润率合理,同意。"
    )
    services.plan_review(
        actor=users["cd"], plan=plan, decision="agree", comment="创意资源第三季度需提前预留。"
    )
    plan = services.plan_sign_off(actor=users["md"], plan=plan, comment="同意,按计划执行。")
    first_goal = plan.phase_goals.first()
    services.phase_goal_set_status(actor=am, goal=first_goal, status=PhaseGoal.Status.DONE)
    second_goal = plan.phase_goals.all()[1]
    services.phase_goal_set_status(actor=am, goal=second_goal, status=PhaseGoal.Status.ON_TRACK)

    # Revision 2: a raised revenue target and a new strategy, still a draft.
    revision = services.plan_start_revision(actor=am, plan=plan)
    services.plan_save(
        actor=am,
        plan=revision,
        version=revision.version,
        data={"revenue_target": Decimal("4000000.00")},
        strategies=RowChanges(
            upsert=[
                *[(s, {"title": s.title}) for s in revision.strategies.all()],
                (
                    None,
                    {
                        "title": "线上直播看房,扩大外区客群",
                        "description": "针对城西通勤客群,每周两场直播看房。",
                        "phase_goals": [],
                    },
                ),
            ]
        ),
    )


def _northwind(year, users, client):
    am = users["am"]
    plan = services.plan_create(actor=am, client=client, year=year)
    plan = _fill(
        plan,
        am,
        data={
            "posture": AccountPlan.Posture.GROW,
            "annual_goals": "Grow summer volume 15% in East China\nLaunch the sparkling tea line",
            "training_plan": "Two shopper-journey workshops with the brand team.",
            "revenue_target": Decimal("2200000.00"),
            "cost_target": Decimal("1650000.00"),
        },
        goals=[
            {
                "title": "Sparkling tea launch campaign live",
                "measure": "On air in 6 cities",
                "due_date": dt.date(year, 5, 15),
                "status": PhaseGoal.Status.PLANNED,
            },
            {
                "title": "Summer push beats last year's volume",
                "measure": "+15% cases Jun–Aug",
                "due_date": dt.date(year, 8, 31),
                "status": PhaseGoal.Status.PLANNED,
            },
        ],
        strategies=[
            (
                {
                    "title": "Own the hot commute moment",
                    "description": "Chilled at the station, not at home.",
                },
                [0, 1],
            )
        ],
        activities=[
            {
                "what": "Metro station sampling",
                "owner": users["ae"],
                "quarter": 2,
                "budget": Decimal("300000.00"),
                "account_hours": Decimal("50"),
                "creative_hours": Decimal("70"),
                "planner_hours": Decimal("10"),
                "media_hours": Decimal("40"),
            }
        ],
    )
    plan = services.plan_submit(actor=am, plan=plan)
    # No BD on this team: the MD reviews in the BD's stead, and has not yet.
    services.plan_review(actor=users["cd"], plan=plan, decision="agree", comment="Strong idea.")


def _apex(year, users, client):
    ad = users["ad"]
    plan = services.plan_create(actor=ad, client=client, year=year)
    _fill(
        plan,
        ad,
        data={
            "posture": AccountPlan.Posture.MAINTAIN,
            "annual_goals": "Keep the account through the EV price war",
            "revenue_target": Decimal("900000.00"),
            "cost_target": Decimal("760000.00"),
        },
        goals=[
            {
                "title": "Dealer event kit delivered",
                "measure": "Kit in 40 dealers",
                "due_date": dt.date(year, 4, 30),
                "status": PhaseGoal.Status.PLANNED,
            }
        ],
        strategies=[],
        activities=[],
    )


def seed(*, stdout, users, clients):
    year = timezone.localdate().year
    for name, build in (("华远", _huayuan), ("Northwind", _northwind), ("Apex", _apex)):
        client = clients.get(name)
        if client is None or AccountPlan.objects.filter(client=client, year=year).exists():
            continue
        build(year, users, client)
        stdout.write(f"plans: demo plan {year} for {client}")


def seed_scale(*, stdout, n):
    """Bulk: a draft plan with two phase goals for every client that has none this year."""
    from accounts.models import Client

    year = timezone.localdate().year
    has_plan = AccountPlan.objects.filter(year=year).values("client_id")
    clients = list(Client.objects.exclude(pk__in=has_plan).values_list("pk", flat=True))
    plans = AccountPlan.objects.bulk_create(
        AccountPlan(
            client_id=pk,
            year=year,
            revision=1,
            annual_goals="续约并扩大服务范围\nGrow the account",
            revenue_target=Decimal("1000000.00"),
            cost_target=Decimal("700000.00"),
        )
        for pk in clients
    )
    # bulk_create returns primary keys on PostgreSQL and SQLite 3.35+.
    PhaseGoal.objects.bulk_create(
        PhaseGoal(plan=plan, title=title, due_date=dt.date(year, month, 28), position=i)
        for plan in plans
        if plan.pk
        for i, (title, month) in enumerate((("上半年目标", 6), ("Year-end goal", 12)))
    )
    stdout.write(f"plans: {len(plans)} scale plans for {year} (n={n})")
