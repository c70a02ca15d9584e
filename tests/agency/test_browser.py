"""End to end in Chromium: a reminder lands in the inbox, opens its invoice,
and the invoice page says who was reminded when; in English and in Chinese."""

import datetime as dt

import pytest
from django.utils import timezone

from agency.reminders import sweep

from .factories import InvoiceFactory

pytestmark = pytest.mark.browser


def test_overdue_reminder_reaches_the_inbox_and_the_invoice_page(cast, browser_page):
    # given an invoice 30 days overdue and a sweep (what beat runs every 5 minutes)
    cast.am.language = "zh-hans"
    cast.am.save(update_fields=["language"])
    invoice = InvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        due_date=timezone.localdate() - dt.timedelta(days=30),
    )
    assert sweep() == {"sent": 1}
    page = browser_page

    # when the AD (English) logs in, the navbar counts one unread notification
    page.login(cast.ad)
    assert page.inner_text("#unread-count") == "1"
    page.click("a.nav-link[href='/inbox/']")
    page.wait_for_selector("#inbox-list .inbox-item.unread")
    item = page.inner_text("#inbox-list .inbox-item.unread")
    assert f"Invoice {invoice.number} (Huayuan) is 30 days overdue" in item
    assert "Reminder" in item
    page.shot("inbox-en")

    # and opening it goes to the invoice, which lists the reminder sent
    page.click(f"text=Invoice {invoice.number} (Huayuan) is 30 days overdue")
    page.wait_for_url(f"**/billing/invoices/{invoice.pk}/")
    reminders = page.inner_text("#reminders")
    assert "Overdue invoice reminder · 30 days overdue" in reminders
    assert "reminded on" in reminders and "Cast ad" in reminders and "Cast am" in reminders
    page.shot("invoice-reminders-en")

    # then it is read: no unread count any more
    page.goto(page.base + "/inbox/")
    assert page.query_selector("#unread-count") is None
    assert page.query_selector("#inbox-list .inbox-item.unread") is None

    # the AM reads Chinese: the same reminder, in Chinese, and the invoice page too
    page.context.clear_cookies()
    page.login(cast.am)
    page.goto(page.base + "/inbox/")
    page.wait_for_selector("html[lang=zh-hans]")
    assert f"发票 {invoice.number}(Huayuan)已逾期 30 天" in page.inner_text("#inbox-list")
    assert "提醒" in page.inner_text("#inbox-list")
    page.shot("inbox-zh")
    page.click(f"text=发票 {invoice.number}(Huayuan)已逾期 30 天")
    page.wait_for_url(f"**/billing/invoices/{invoice.pk}/")
    reminders = page.inner_text("#reminders")
    assert (
        "已发送的提醒" in reminders
        and "发票逾期提醒 · 已逾期 30 天" in reminders
        and "已提醒" in reminders
    )
    page.shot("invoice-reminders-zh")
