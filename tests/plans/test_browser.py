"""End to end in Chromium: the AM fills and submits a plan, BD and CD agree,
the MD signs off, the PDF downloads. Screenshots in English and Chinese
(SCREENSHOT_DIR=/tmp/shots/plans to keep them)."""

import pytest

from plans.models import AccountPlan

pytestmark = pytest.mark.django_db(transaction=True)


def switch_user(page, user):
    page.context.clear_cookies()
    page.login(user)


def test_am_fills_and_submits_bd_and_cd_agree_md_signs_off_pdf_downloads(browser_page, cast):
    page = browser_page
    # The AM starts the plan from the client page.
    page.login(cast.am)
    page.goto(page.base + cast.client.get_absolute_url())
    page.click("#plan-panel >> text=New plan")
    year = int(page.input_value("#id_year"))
    page.click("button[type=submit] >> text=Start the plan")
    page.wait_for_selector("#plan-form")

    page.fill("#id_annual_goals", "二期去化率达到 85%\nRenew the contract")
    page.fill("#id_revenue_target", "1000000")
    page.fill("#id_cost_target", "650000")
    page.press("#id_cost_target", "Tab")
    assert page.text_content("#profit-target") == "350000.00"

    page.click("[data-formset-add=goals]")
    page.click("[data-formset-add=goals]")
    page.fill("#id_goals-0-title", "开盘前蓄客 3000 组")
    page.fill("#id_goals-0-measure", "来访 3000 组")
    page.fill("#id_goals-0-due_date", f"{year}-03-31")
    page.fill("#id_goals-1-title", "二期开盘当日去化 60%")
    page.fill("#id_goals-1-due_date", f"{year}-06-30")
    page.click("[data-formset-add=strategies]")
    page.fill("#id_strategies-0-title", "以城东生活重新定义区域价值")
    page.fill("#id_strategies-0-description", "讲生活配套,不讲降价。")
    page.shot("plan_form_en")
    page.click("button[name=submit]")
    page.wait_for_selector("text=Plan submitted to the reviewers.")
    plan = AccountPlan.objects.get(client=cast.client, year=year)
    assert plan.status == "submitted"
    assert plan.phase_goals.count() == 2
    assert plan.strategies.count() == 1
    page.shot("plan_submitted_en")

    # The BD and the creative director agree.
    for reviewer, comment in ((cast.bd, "利润率合理"), (cast.cd, "创意方向一致")):
        switch_user(page, reviewer)
        page.goto(page.base + "/")
        page.click(f"text={plan}")
        page.check("#review-form input[name=decision][value=agree]")
        page.fill("#review-form textarea[name=comment]", comment)
        page.click("#review-form button[type=submit]")
        page.wait_for_selector("text=Your review is recorded.")
    plan.refresh_from_db()
    assert plan.reviews.filter(decision="agree").count() == 2

    # The MD (in Chinese) signs off from "waiting for me".
    cast.md.language = "zh-hans"
    cast.md.save(update_fields=["language"])
    switch_user(page, cast.md)
    page.goto(page.base + "/")
    page.wait_for_selector("text=等待我签核的年度经营计划")
    # the item in "waiting for me" (the dashboard's tables also name the client)
    page.locator(f"a[href='{plan.get_absolute_url()}']:visible").first.click()
    page.shot("plan_sign_off_zh")
    page.click("#sign-off-form button[type=submit]")
    page.wait_for_selector("text=计划已签核并批准。")
    plan.refresh_from_db()
    assert plan.status == "approved"
    assert plan.signed_off_by == cast.md
    page.shot("plan_approved_zh")

    # The PDF downloads, with the Chinese goals in it.
    href = page.get_attribute("#plan-pdf", "href")
    response = page.request.get(page.base + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-")

    # The client page shows the approved plan.
    page.goto(page.base + cast.client.get_absolute_url())
    page.wait_for_selector("#plan-panel >> text=阶段性目标完成:0 / 2")
    page.shot("client_panel_zh")
