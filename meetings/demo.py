"""Demo meetings: past meetings with minutes and open action items, an upcoming
presentation with its rehearsal, and a presentation in its second round.

Idempotent: each meeting is created only if its client has no meeting of that
title. Everything goes through the services, so timelines are real; no agenda
email is sent (the demo would print it to the console).
"""

import datetime as dt

from django.utils import timezone

from . import services
from .models import ActionItem, AgendaItem, Meeting, PresentationRound, RoomSetupItem


def _at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _exists(client, title) -> bool:
    return Meeting.objects.filter(client=client, title=title).exists()


def _agenda(meeting, items, owner):
    for position, (topic, minutes) in enumerate(items, start=1):
        AgendaItem.objects.create(
            meeting=meeting, position=position, topic=topic, minutes=minutes, owner=owner
        )


def _room(meeting, labels, responsible):
    for position, label in enumerate(labels, start=1):
        RoomSetupItem.objects.create(
            meeting=meeting, position=position, label=label, responsible=responsible
        )


def _brief_and_work(client, title):
    try:
        from briefs.models import Brief
    except ImportError:  # pragma: no cover - briefs is installed
        return None, None
    brief = Brief.objects.filter(client=client, title=title).first()
    work = brief.works.order_by("-version").first() if brief else None
    return brief, work


def _past_meeting(
    *,
    purpose,
    stdout,
    client,
    organiser,
    title,
    days,
    agenda,
    conclusions,
    decisions,
    actions,
    contacts,
):
    if _exists(client, title):
        return None
    meeting = services.meeting_create(
        actor=organiser,
        data={
            "client": client,
            "kind": Meeting.Kind.CLIENT,
            "title": title,
            "purpose": purpose,
            "start": _at(days, 14),
            "duration_minutes": sum(m for _t, m in agenda),
            "location": "",
        },
    )
    _agenda(meeting, agenda, organiser)
    for contact in contacts:
        services.attendee_add(actor=organiser, meeting=meeting, contact=contact)
    services.meeting_mark_held(actor=organiser, meeting=meeting)
    notes = {item.pk: "" for item in meeting.agenda_items.all()}
    services.meeting_minutes_save(
        actor=organiser, meeting=meeting, conclusions=conclusions, notes=notes
    )
    for text in decisions:
        services.decision_add(actor=organiser, meeting=meeting, text=text)
    for text, owner, due_in_days, done in actions:
        item = services.action_item_add(
            actor=organiser,
            meeting=meeting,
            text=text,
            owner=owner,
            due_date=timezone.localdate() + dt.timedelta(days=due_in_days),
        )
        if done:
            services.action_item_done(actor=owner, item=item)
    services.meeting_close(actor=organiser, meeting=meeting)
    stdout.write(f"  meeting: {client} / {title}")
    return meeting


def seed(*, stdout, users, clients):
    am, ae, ad, cd = users["am"], users["ae"], users["ad"], users["cd"]
    huayuan = clients.get("华远")
    northwind = clients.get("Northwind")

    if huayuan is not None:
        contacts = list(huayuan.contacts.all())
        boss = next((c for c in contacts if c.audience_role == "decision_maker"), None)
        _past_meeting(
            stdout=stdout,
            client=huayuan,
            organiser=am,
            title="二期开盘策略沟通会",
            purpose="确定二期开盘的节奏和媒体预算。",
            days=-14,
            agenda=[("回顾一期去化率", 20), ("二期开盘节奏", 30), ("媒体预算", 20)],
            conclusions="二期十月开盘;先做地铁借势,再做样板间开放。",
            decisions=["十月第二周开盘", "媒体预算不超过 300 万"],
            actions=[
                ("提交地铁借势报纸稿创意", users["copy"], -3, False),
                ("整理竞品价格表", ae, 2, False),
                ("确认样板间开放日期", am, -7, True),
            ],
            contacts=contacts[:2],
        )
        _past_meeting(
            stdout=stdout,
            client=huayuan,
            organiser=am,
            title="月度进展沟通",
            purpose="回顾本月认购数据,澄清客户真正的问题。",
            days=-5,
            agenda=[("认购数据", 15), ("客户的问题", 25)],
            conclusions="首次置业客群对区域认知不足,下一步做区域价值传播。",
            decisions=["启动学区房价值传播简报"],
            actions=[("约陈总确认学区资料", am, 4, False)],
            contacts=contacts[:1],
        )

        # An upcoming presentation with its rehearsal (planned, not yet held).
        title = "花园城春季开盘 创意提案"
        if not _exists(huayuan, title):
            brief, work = _brief_and_work(huayuan, "花园城春季开盘")
            meeting = services.presentation_create(
                actor=am,
                data={
                    "client": huayuan,
                    "title": title,
                    "brief": brief,
                    "creative_work": work,
                    "purpose": "提案春季开盘创意,取得陈总同意进入制作。",
                    "start": _at(3, 10),
                    "duration_minutes": 90,
                    "location": "华远地产 12 楼会议室",
                },
            )
            _agenda(
                meeting,
                [("开场白", 5), ("策略回顾", 15), ("创意提案", 40), ("讨论与结论", 30)],
                am,
            )
            _room(meeting, ["投影与备用电脑", "座位:陈总居中", "茶水", "前台迎接客户"], ae)
            if boss:
                services.attendee_add(actor=am, meeting=meeting, contact=boss)
            services.attendee_add(actor=am, meeting=meeting, user=cd)
            round_ = meeting.presentation_round
            services.round_storyline_save(
                actor=am,
                round=round_,
                data={
                    "opening_remarks": "感谢陈总抽时间。今天我们用四十分钟,讲一个“二十分钟到CBD”的故事。",
                    "flow": "1. 问题:首次置业客群不了解区域\n2. 策略:通勤时间\n3. 创意:三支报纸稿 + 地铁灯箱",
                    "presenters": [am, cd],
                    "decision_makers": [boss] if boss else [],
                },
            )
            services.material_add(
                actor=am,
                round=round_,
                data={"kind": "film", "title": "参考片:城市通勤", "url": "https://example.com/ref"},
            )
            services.rehearsal_create(
                actor=am,
                presentation=meeting,
                data={"start": _at(2, 16), "duration_minutes": 45, "location": "公司大会议室"},
            )
            stdout.write(f"  presentation: {huayuan} / {title}")

    if northwind is not None:
        title = "Summer push campaign"
        if not Meeting.objects.filter(client=northwind, title__startswith=title).exists():
            contacts = list(northwind.contacts.all())
            meeting = services.presentation_create(
                actor=am,
                data={
                    "client": northwind,
                    "title": title,
                    "purpose": "Present the summer push creative.",
                    "start": _at(-10, 15),
                    "duration_minutes": 60,
                    "location": "Northwind office",
                },
            )
            for contact in contacts:
                services.attendee_add(actor=am, meeting=meeting, contact=contact)
            round_ = meeting.presentation_round
            services.round_storyline_save(
                actor=am,
                round=round_,
                data={
                    "opening_remarks": "Thank you for your time.",
                    "flow": "Shopper journey, the idea, three executions.",
                    "closing_remarks": "We propose to shoot in May.",
                    "presenters": [am, ae],
                },
            )
            services.round_outcome_record(
                actor=am,
                round=round_,
                outcome=PresentationRound.Outcome.REVISE,
                client_feedback="Emily wants the shopper journey from the store shelf, not the home.",
            )
            services.round_open_next(
                actor=am,
                round=round_,
                failure_cause=PresentationRound.FailureCause.WRONG_AUDIENCE,
                failure_note="We talked to drinkers; the decision happens at the shelf.",
                start=_at(5, 15),
                duration_minutes=60,
                location="Northwind office",
            )
            stdout.write(f"  presentation in round 2: {northwind} / {title}")

    # An internal meeting without a client, organised by the AD.
    if not Meeting.objects.filter(client=None, title="Weekly account review").exists():
        meeting = services.meeting_create(
            actor=ad,
            data={
                "client": None,
                "kind": Meeting.Kind.INTERNAL,
                "title": "Weekly account review",
                "purpose": "Review every client's open items and next presentations.",
                "start": _at(1, 9, 30),
                "duration_minutes": 45,
                "location": "",
            },
        )
        for user in (am, ae):
            services.attendee_add(actor=ad, meeting=meeting, user=user)
        _agenda(meeting, [("Open action items", 15), ("Presentations this week", 30)], ad)


def seed_scale(*, stdout, n):
    """n x 20 meetings with 3 agenda items and an open action item each, bulk-inserted
    (for list, dashboard and feed benchmarks). Tops up to n x 20, so safe to rerun."""
    from accounts.models import TeamMembership
    from agency.roles import ACCOUNT_SERVICE

    memberships = list(
        TeamMembership.objects.filter(team_role__in=list(ACCOUNT_SERVICE)).select_related(
            "client", "user"
        )[:200]
    )
    if not memberships:
        return
    have = Meeting.objects.filter(title__startswith="Scale meeting ").count()
    meetings = []
    for i in range(have, n * 20):
        m = memberships[i % len(memberships)]
        meetings.append(
            Meeting(
                client=m.client,
                kind=Meeting.Kind.CLIENT,
                title=f"Scale meeting {i}",
                purpose="Generated.",
                start=_at(i % 60 - 30, 9 + i % 8),
                duration_minutes=60,
                organiser=m.user,
                created_by=m.user,
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    created = list(
        Meeting.objects.filter(title__startswith="Scale meeting ").order_by("-pk")[: len(meetings)]
    )
    items, actions = [], []
    for meeting in created:
        for position in (1, 2, 3):
            items.append(
                AgendaItem(
                    meeting=meeting, position=position, topic=f"Topic {position}", minutes=15
                )
            )
        actions.append(
            ActionItem(
                meeting=meeting,
                client_id=meeting.client_id,
                text="Generated follow-up",
                owner_id=meeting.organiser_id,
                due_date=timezone.localdate() + dt.timedelta(days=meeting.pk % 14 - 7),
            )
        )
    AgendaItem.objects.bulk_create(items, batch_size=2000)
    ActionItem.objects.bulk_create(actions, batch_size=2000)
    stdout.write(f"meetings: {len(created)} generated meetings")
