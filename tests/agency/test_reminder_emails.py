"""Reminder emails in the recipient's language; the object page lists what was sent."""

import datetime as dt

import time_machine
from django.template import Context, Template

from agency.models import Notification
from agency.reminders import sweep

from .factories import InvoiceFactory, aware, presentation_meeting, rehearsal, requested_invoice


def test_a_chinese_speaker_gets_the_chinese_email_an_english_speaker_the_english_one(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.am.language = "zh-hans"
    cast.am.save(update_fields=["language"])
    invoice = InvoiceFactory(client=cast.client, created_by=cast.am, due_date=dt.date(2026, 3, 1))
    with (
        time_machine.travel(aware(2026, 3, 31, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep()
    by_to = {m.to[0]: m for m in mailoutbox}
    zh, en = by_to[cast.am.email], by_to[cast.ad.email]
    link = f"http://127.0.0.1:8000/billing/invoices/{invoice.pk}/"

    assert zh.subject == f"发票 {invoice.number}(Huayuan)已逾期 30 天"
    assert "已升级提醒客户负责人和客户总监 (AD)" in zh.body
    assert f"打开查看: {link}" in zh.body
    zh_html, mime = zh.alternatives[0]
    assert mime == "text/html"
    assert '<html lang="zh-hans">' in zh_html
    assert "尚有 10600.00 CNY 未付" in zh_html and f'href="{link}"' in zh_html

    assert en.subject == f"Invoice {invoice.number} (Huayuan) is 30 days overdue"
    assert "Escalated to the account lead and the AD" in en.body
    assert f"Open it: {link}" in en.body
    en_html = en.alternatives[0][0]
    assert '<html lang="en">' in en_html and "10600.00 CNY are still unpaid" in en_html
    assert "&quot;" not in en.body  # the text body is not HTML-escaped

    # the inbox rows hold the same subjects, in each person's language
    assert Notification.objects.get(recipient=cast.am).subject == zh.subject
    assert Notification.objects.get(recipient=cast.ad).subject == en.subject


def test_a_rehearsal_email_in_chinese_uses_the_agency_words(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.copywriter.language = "zh-hans"
    cast.copywriter.save(update_fields=["language"])
    m = presentation_meeting(cast.client, cast.ae, aware(2026, 3, 20, 10, 0))
    rehearsal(m, cast.ae, aware(2026, 3, 19, 15, 0), attendees=[cast.copywriter], location="3F")
    with (
        time_machine.travel(aware(2026, 3, 19, 14, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep()
    (mail,) = [x for x in mailoutbox if x.to == [cast.copywriter.email]]
    assert mail.subject == "提案前排练“Rehearsal: Phase II launch”:03-19 15:00"
    assert "地点:3F" in mail.body and "提案“Phase II launch”" in mail.body


def render_reminders(obj):
    return Template("{% load agency_tags %}{% reminders_for obj %}").render(Context({"obj": obj}))


def test_an_invoice_page_shows_finance_reminded_on(cast):
    invoice = requested_invoice(cast.client, cast.am, aware(2026, 3, 2, 10, 0))
    assert render_reminders(invoice).strip() == ""
    with time_machine.travel(aware(2026, 3, 3, 10, 0), tick=False):
        sweep()
    html = render_reminders(invoice)
    assert "Reminders sent" in html
    assert "Finance reminded to issue the invoice" in html
    assert "Cast finance reminded on 2026-03-03 10:00" in html


def test_a_presentation_shows_its_rehearsal_reminders(cast, django_assert_max_num_queries):
    m = presentation_meeting(cast.client, cast.ae, aware(2026, 3, 20, 10, 0), [cast.ae])
    rehearsal(m, cast.ae, aware(2026, 3, 19, 15, 0), attendees=[cast.ae, cast.copywriter])
    with time_machine.travel(aware(2026, 3, 18, 15, 0), tick=False):
        sweep()  # 24 h before the rehearsal, 43 h before the presentation
    presentation = m.presentation_round.presentation
    with django_assert_max_num_queries(8):
        html = render_reminders(presentation)
    assert 'Rehearsal reminder sent to its attendees <span class="text-muted">· 24 h before' in html
    assert "Cast ae, Cast copywriter reminded on 2026-03-18 15:00" in html
    assert "No rehearsal held yet: lead and presenters reminded" in html
    assert "Rehearsal reminder sent" in render_reminders(m)  # the presentation meeting too
