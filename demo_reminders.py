"""Project-level demo data for reminders: leave a few reminders due right now, so that

    python manage.py seed_demo && python manage.py send_reminders

prints emails to the console and fills inboxes: an invoice 60 days overdue
(华远: the lead AD, the MD and finance), one a day overdue (Northwind: the AM),
a presentation tomorrow+1 without a held rehearsal (lead and presenters),
its rehearsal within 24 hours (attendees), a meeting within 24 hours whose
agenda is not sent (organiser) and an action item due tomorrow (its owner). Billing's
demo already has an invoice requested days ago (finance).

Idempotent: each object is looked up by its marker before it is created.
Everything goes through the apps' services, so numbers and timelines are real.

It lives at the project level, beside manage.py, because it uses billing AND
meetings: `agency` (mechanisms only) imports no app, and billing and meetings
do not know each other (pyproject.toml, [tool.importlinter]). `seed_demo` loads
it by name after every app's own `<app>/demo.py`.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

MARK = "[reminder demo]"


def _invoice(*, stdout, client, account, finance, days_overdue: int, line: str):
    from billing import services
    from billing.models import Invoice

    if (
        Invoice.objects.filter(client=client, note_to_finance__startswith=MARK)
        .filter(lines__description=line)
        .exists()
    ):
        return
    today = timezone.localdate()
    issue_date = today - dt.timedelta(days=days_overdue + client.payment_terms_days)
    invoice = services.invoice_create(
        actor=account,
        client=client,
        data={"note_to_finance": f"{MARK} {line}"},
        lines=[
            {
                "description": line,
                "quantity": Decimal(1),
                "unit_price": Decimal("36000.00"),
                "tax_rate": Decimal("6.00"),
            }
        ],
    )
    services.invoice_request(actor=account, invoice=invoice)
    services.invoice_issue(
        actor=finance, invoice=invoice, fapiao_number=f"DEMO{invoice.pk:06d}", issue_date=issue_date
    )
    stdout.write(f"  reminder demo: {client} invoice {days_overdue} days overdue")


def _meetings(*, stdout, client, users):
    from meetings import services
    from meetings.models import Meeting

    now = timezone.now()
    # The next office-hours slot at least an hour away: always within 24 h.
    today = timezone.localdate()
    slots = [
        timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=d), dt.time(h)))
        for d in (0, 1)
        for h in (10, 14, 16)
    ]
    soon = next(s for s in slots if s > now + dt.timedelta(hours=1))
    am, ae, cd, copy = users["am"], users["ae"], users["cd"], users["copy"]

    title = "周例会 Weekly status"
    if not Meeting.objects.filter(client=client, title=title).exists():
        services.meeting_create(
            actor=am,
            data={
                "client": client,
                "kind": Meeting.Kind.CLIENT,
                "title": title,
                "purpose": "同步二期开盘准备进度 / Phase II launch status",
                "start": soon,
                "duration_minutes": 60,
                "location": "客户会议室",
            },
        )
        stdout.write(f"  reminder demo: {client} meeting within 24 h, agenda not sent")

    title = "样板间开放 创意提案"
    if not Meeting.objects.filter(client=client, title=title).exists():
        presentation = services.presentation_create(
            actor=am,
            data={
                "client": client,
                "title": title,
                "purpose": "提案样板间开放活动创意 / Show-flat opening creative",
                "start": soon + dt.timedelta(days=1),
                "duration_minutes": 90,
                "location": "客户会议室",
            },
        )
        presentation.presentation_round.presenters.add(cd)
        services.attendee_add(actor=am, meeting=presentation, user=copy)
        services.rehearsal_create(
            actor=am,
            presentation=presentation,
            data={
                "start": soon,
                "duration_minutes": 45,
                "location": "公司大会议室",
            },
        )
        stdout.write(
            f"  reminder demo: {client} presentation in a day or two, rehearsal within 24 h"
        )

    title = "物料确认会 Materials check"
    if not Meeting.objects.filter(client=client, title=title).exists():
        meeting = services.meeting_create(
            actor=am,
            data={
                "client": client,
                "kind": Meeting.Kind.CLIENT,
                "title": title,
                "purpose": "确认开盘物料 / Confirm launch materials",
                "start": now - dt.timedelta(days=2),
                "duration_minutes": 30,
                "location": "",
            },
        )
        services.meeting_mark_held(actor=am, meeting=meeting)
        services.action_item_add(
            actor=am,
            meeting=meeting,
            text="把户型图发给客户 / Send the floor plans to the client",
            owner=ae,
            due_date=timezone.localdate() + dt.timedelta(days=1),
        )
        stdout.write(f"  reminder demo: {client} action item due tomorrow")


def seed(*, stdout, users, clients):
    huayuan, northwind = clients["华远"], clients["Northwind"]
    _invoice(
        stdout=stdout,
        client=huayuan,
        account=users["am"],
        finance=users["finance"],
        days_overdue=60,
        line="售楼处开放活动执行费",
    )
    _invoice(
        stdout=stdout,
        client=northwind,
        account=users["am"],
        finance=users["finance"],
        days_overdue=1,
        line="In-store sampling, agency fee",
    )
    _meetings(stdout=stdout, client=huayuan, users=users)
    stdout.write("  reminders due now: run `python manage.py send_reminders`")
