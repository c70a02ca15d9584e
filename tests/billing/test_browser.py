from decimal import Decimal

import pytest

from billing.models import Invoice

pytestmark = pytest.mark.browser


def test_am_requests_finance_issues_payment_recorded_ageing_shows_it(cast, browser_page):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    # The migration seeds the tax rates; an earlier transactional test's flush may
    # have emptied the table in this database, so make sure the 6 % rate is there.

    from billing.models import TaxRate

    TaxRate.objects.get_or_create(rate=Decimal("6.00"), defaults={"is_default": True})

    # given an AM on the Huayuan team drafts an invoice and requests it
    page.login(cast.am)
    page.click("nav >> text=Invoices")
    page.click("text=New invoice")
    page.select_option("#id_client", label="Huayuan")
    page.select_option("#id_kind", "paper")  # a legacy paper fapiao (数电票 are in test_fapiao)
    page.fill("#id_note_to_finance", "PO 2027-118, send to 陈总")
    page.fill("#id_lines-0-description", "二期开盘整合传播 agency fee")
    page.fill("#id_lines-0-quantity", "2")
    page.fill("#id_lines-0-unit_price", "5000.50")
    page.click("[data-formset-add=lines]")
    page.fill("#id_lines-1-description", "Print ads")
    page.fill("#id_lines-1-quantity", "1")
    page.fill("#id_lines-1-unit_price", "999.99")
    page.shot("invoice-form-en")
    page.click("button[type=submit] >> text=Save draft")
    page.wait_for_selector("#request-invoice")
    assert "11,661.05" in page.inner_text("#invoice-total")  # 11,000.99 + 660.06 tax (6% per line)
    page.click("#request-invoice")
    page.wait_for_selector("text=Finance has been asked to issue the invoice.")
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.REQUESTED

    # when finance sees it waiting on the home page and issues it with a fapiao number
    page.context.clear_cookies()
    page.login(cast.finance)
    page.goto(page.base + "/")
    page.shot("home-finance-en")
    page.click("[data-section='Invoices to issue'] a")
    page.fill("#id_fapiao_number", "04400127")
    page.shot("invoice-issue-en")
    page.click("#issue-invoice")
    page.wait_for_selector("text=issued.")
    number = page.inner_text("#invoice-number")
    assert number.startswith("INV-")

    # and records a partial payment
    page.fill("#id_amount", "5000.00")
    page.fill("#id_reference", "TT-88")
    page.click("#record-payment-submit")
    page.wait_for_selector("text=Payment recorded.")
    assert "6,661.05" in page.inner_text("#invoice-open")
    page.shot("invoice-detail-en")

    # then the ageing report shows the open amount as not yet due
    page.click(".billing-nav >> text=Receivables ageing")
    row = page.locator("#ageing-table tbody tr", has_text="Huayuan Properties")
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "Huayuan Properties"
    assert cells[2] == "6,661.05"  # not yet due
    assert cells[-1] == "6,661.05"
    page.shot("ageing-en")
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("5000.00")
    assert invoice.fapiao_number == "04400127"

    # and in Chinese
    page.click("button[data-lang=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert "账龄" in page.inner_text("h1")
    page.shot("ageing-zh")
    page.goto(page.base + invoice.get_absolute_url())
    page.shot("invoice-detail-zh")
    page.goto(page.base + "/billing/profitability/")
    page.shot("profitability-zh")
    page.context.clear_cookies()
    page.login(cast.am)
    page.goto(page.base + "/billing/timesheet/")
    page.select_option("#id_rows-0-client", label="Huayuan")
    page.select_option("#id_rows-0-activity", value="representation")
    page.fill("#id_rows-0-d0", "2.5")
    page.fill("#id_rows-0-d2", "1")
    assert page.inner_text("[data-week-total]") == "3.50"  # billing.js, before saving
    page.click("#save-timesheet")
    page.wait_for_selector("text=Timesheet saved.")
    page.shot("timesheet-en")
