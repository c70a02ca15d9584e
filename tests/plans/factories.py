import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from plans.models import AccountPlan, Activity, PhaseGoal, PlanReview, Strategy

from ..factories import ClientFactory


class AccountPlanFactory(DjangoModelFactory):
    class Meta:
        model = AccountPlan

    client = factory.SubFactory(ClientFactory)
    year = 2027
    revision = 1
    posture = AccountPlan.Posture.GROW
    annual_goals = "续约并扩大服务范围\nWin the second tower launch"
    revenue_target = Decimal("1200000.00")
    cost_target = Decimal("800000.00")


class PhaseGoalFactory(DjangoModelFactory):
    class Meta:
        model = PhaseGoal

    plan = factory.SubFactory(AccountPlanFactory)
    title = factory.Sequence(lambda n: f"阶段目标 {n}")
    measure = "到访量 +20%"
    due_date = factory.LazyAttribute(lambda g: dt.date(g.plan.year, 6, 30))


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = Strategy

    plan = factory.SubFactory(AccountPlanFactory)
    title = factory.Sequence(lambda n: f"Strategy {n}")
    description = "以生活方式打动改善型买家"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    plan = factory.SubFactory(AccountPlanFactory)
    what = factory.Sequence(lambda n: f"Activity {n}")
    quarter = 1
    budget = Decimal("50000.00")
    account_hours = Decimal("40")
    creative_hours = Decimal("80")


class PlanReviewFactory(DjangoModelFactory):
    class Meta:
        model = PlanReview

    plan = factory.SubFactory(AccountPlanFactory)
    role = PlanReview.ReviewerRole.BUSINESS
    decision = PlanReview.Decision.AGREE
    round = factory.LazyAttribute(lambda r: r.plan.review_round)


def complete_plan(client, **kwargs) -> AccountPlan:
    """A draft with everything submission needs."""
    plan = AccountPlanFactory(client=client, **kwargs)
    goal = PhaseGoalFactory(plan=plan, title="开盘前蓄客 3000 组")
    PhaseGoalFactory(plan=plan, title="Second phase launch", due_date=dt.date(plan.year, 9, 30))
    strategy = StrategyFactory(plan=plan, title="以社区生活方式定位")
    strategy.phase_goals.add(goal)
    ActivityFactory(plan=plan, what="售楼处开放活动")
    return plan
