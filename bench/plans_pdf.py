"""Benchmark: the annual account plan PDF, Chinese content vs the same plan in Latin only.

    .venv/bin/python bench/plans_pdf.py            # BENCH_RUNS=7 by default

Renders one full plan (cover, goals, 8 phase goals, 6 strategies, 12
activities, P&L, reviews) from templates/pdf/plans/plan.html through
agency.pdf.render_pdf, once as a Chinese plan with zh-hans labels and once as
the same plan in English, alternating, after one warm-up each. Prints the
median of each and the ratio. Target: Chinese ≤ 2× Latin — which holds only
when WeasyPrint can subset the CJK font fast (libharfbuzz-subset0 installed)
and the CSS names the CJK font explicitly. Needs no database: the plan is
built from unsaved model instances.
"""

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency.settings")

import django

django.setup()

from django.utils import translation  # noqa: E402

from accounts.models import Client, User  # noqa: E402
from agency.pdf import render_pdf  # noqa: E402
from plans.models import AccountPlan, Activity, PhaseGoal, PlanReview  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))

ZH = {
    "client": "华远置业(北京)有限公司",
    "goals": "\n".join(
        [
            "年度签约额突破一亿元,续约并扩大服务范围至二期和商业街区",
            "品牌认知度在目标客群中提升到 60%,来访转化率提升 5 个百分点",
            "建立季度生意回顾机制,与客户决策者每月至少一次进展沟通",
        ]
    ),
    "training": "每季度为客户市场部举办一次创意评估与策略先行的培训,共四次。",
    "goal": "阶段性目标:{n} 期蓄客与开盘节点达成",
    "measure": "到访量 +{n}0%,认筹 {n}00 组",
    "strategy": "策略 {n}:以社区生活方式打动改善型买家",
    "description": "从客户的生意问题出发,澄清行销问题与传播问题;以单一诉求贯穿全年传播,"
    "用样板间体验与老业主口碑相互支撑,确保每一次提案都有清楚的策略依据。",
    "activity": "工作事项 {n}:样板间开放与媒体看房团",
    "person": "王经理",
    "comment": "同意,注意创意资源在第三季度的安排。",
}
EN = {
    "client": "Huayuan Properties (Beijing) Co., Ltd.",
    "goals": "\n".join(
        [
            "Sign more than 100 million in contracts; renew and extend to phase two and the mall",
            "Raise brand awareness in the target group to 60% and visit conversion by 5 points",
            "Quarterly business reviews; a progress talk with the decision maker every month",
        ]
    ),
    "training": "One workshop a quarter for the client's marketing team on judging creative work.",
    "goal": "Phase goal: phase {n} pre-sales and launch milestones reached",
    "measure": "Visits +{n}0%, {n}00 reservations",
    "strategy": "Strategy {n}: win upgrade buyers with a community lifestyle",
    "description": "Start from the client's business problem, clarify the marketing and the "
    "communication problem; one single-minded proposition all year, supported by show-flat "
    "visits and owner referrals, so every presentation rests on a clear strategy.",
    "activity": "Activity {n}: show-flat opening and media tour",
    "person": "Manager Wang",
    "comment": "Agreed; watch creative resources in the third quarter.",
}


def context(t: dict) -> dict:
    client = Client(name=t["client"], short_name=t["client"][:4], currency="CNY")
    person = User(username="bench", full_name=t["person"])
    plan = AccountPlan(
        client=client,
        year=2027,
        revision=2,
        status=AccountPlan.Status.APPROVED,
        posture=AccountPlan.Posture.GROW,
        annual_goals=t["goals"],
        training_plan=t["training"],
        revenue_target=Decimal("12800000.00"),
        cost_target=Decimal("9350000.00"),
        submitted_by=person,
        signed_off_by=person,
    )
    goals = [
        PhaseGoal(
            title=t["goal"].format(n=n),
            measure=t["measure"].format(n=n),
            due_date=dt.date(2027, n + 1, 28),
            status=PhaseGoal.Status.ON_TRACK,
        )
        for n in range(1, 9)
    ]
    strategies = [
        SimpleNamespace(
            title=t["strategy"].format(n=n),
            description=t["description"],
            phase_goals=SimpleNamespace(all=goals[n - 1 : n + 1]),
        )
        for n in range(1, 7)
    ]
    activities = [
        Activity(
            what=t["activity"].format(n=n),
            owner=person,
            quarter=(n - 1) // 3 + 1,
            budget=Decimal("185000.00"),
            account_hours=Decimal("40"),
            creative_hours=Decimal("120"),
            planner_hours=Decimal("16"),
            media_hours=Decimal("24"),
        )
        for n in range(1, 13)
    ]
    reviews = [
        PlanReview(
            reviewer=person, role=role, decision=PlanReview.Decision.AGREE, comment=t["comment"]
        )
        for role in PlanReview.ReviewerRole.values
    ]
    return {
        "plan": plan,
        "phase_goals": goals,
        "strategies": strategies,
        "activities": activities,
        "current_reviews": reviews,
    }


def render(language: str, texts: dict) -> tuple[float, int]:
    with translation.override(language):
        start = time.perf_counter()
        pdf = render_pdf("pdf/plans/plan.html", context(texts))
        return time.perf_counter() - start, len(pdf)


def main() -> None:
    render("zh-hans", ZH)  # warm-up: template loading, font discovery
    render("en", EN)
    zh, en = [], []
    for _ in range(RUNS):
        seconds, zh_size = render("zh-hans", ZH)
        zh.append(seconds)
        seconds, en_size = render("en", EN)
        en.append(seconds)
    zh_median, en_median = statistics.median(zh), statistics.median(en)
    print(f"runs: {RUNS} each (after one warm-up each)")
    print(f"Chinese plan: median {zh_median * 1000:.0f} ms  ({zh_size / 1024:.0f} KiB)")
    print(f"Latin plan:   median {en_median * 1000:.0f} ms  ({en_size / 1024:.0f} KiB)")
    ratio = zh_median / en_median
    print(f"ratio Chinese/Latin: {ratio:.2f} (target ≤ 2.00) {'OK' if ratio <= 2 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
