import pytest
from playwright.sync_api import expect

from briefs.models import Brief, CreativeWork

from .factories import png_bytes

pytestmark = pytest.mark.browser


def test_brief_from_strategy_to_work_ready_to_present(cast, browser_page):
    page = browser_page

    def as_(user):
        page.context.clear_cookies()
        page.login(user)

    def save():
        page.click("main form[data-briefs-form] button[type=submit]")

    # the AM writes a brief
    as_(cast.am)
    page.goto(f"{page.base}/briefs/new/?client={cast.client.pk}")
    page.fill("#id_title", "Garden City spring launch")
    page.fill("#id_client_problem", "Phase 2 sells slowly: buyers think the area is far.")
    page.fill("#id_target_audience", "Young families working in the CBD.")
    page.fill("#id_proposition", "Twenty minutes to the CBD.")
    page.fill("#id_deliverables", "One print ad; 300 calls in a month.")
    page.fill("#id_deadline", "2026-12-31")
    page.shot("brief-form-en")
    save()
    page.wait_for_selector("#brief-actions")
    brief = Brief.objects.get()
    page.click("text=Send to creative review")
    page.wait_for_selector(".alert-success")

    # the creative director agrees with the strategy
    as_(cast.cd)
    page.goto(page.base + brief.get_absolute_url())
    page.click("text=Review the strategy")
    page.check("input[name=agree][value=yes]")
    save()
    page.wait_for_selector(".alert-success")

    # the AD approves, the BD signs
    as_(cast.ad)
    page.goto(page.base + brief.get_absolute_url())
    page.click("text=Approve the strategy")
    page.wait_for_selector(".alert-success")
    as_(cast.bd)
    page.goto(page.base + brief.get_absolute_url())
    page.click("#brief-actions >> text=Sign")
    page.wait_for_selector(".alert-success")

    # the AM records the client's agreement
    as_(cast.am)
    page.goto(page.base + brief.get_absolute_url())
    page.click("text=Record client agreement")
    page.select_option("#id_contact", str(cast.contact.pk))
    page.fill("#id_agreed_on", "2026-11-20")
    page.select_option("#id_via", "meeting")
    page.fill("#id_note", "Agreed in the weekly meeting.")
    save()
    page.wait_for_selector(".alert-success")

    # the planner scores it
    as_(cast.planner)
    page.goto(page.base + brief.get_absolute_url())
    page.click("#brief-actions >> text=Planner review")
    for name in ("problem_clear", "one_direction", "audience_specific", "client_agreed"):
        page.check(f"#id_check_{name}")
    page.check("input[name=score][value='4']")
    page.fill("#id_comment", "One direction, clear audience.")
    save()
    page.wait_for_selector(".planner-score")
    assert "score 4/5" in page.inner_text("#steps")

    # the AM briefs the creative team
    as_(cast.am)
    page.goto(page.base + brief.get_absolute_url())
    page.click("text=Brief the creative team")
    page.check(f"input[name=creatives][value='{cast.copywriter.pk}']")
    save()
    page.wait_for_selector(".alert-success")
    page.shot("brief-briefed-en")

    # the copywriter submits work with an image
    as_(cast.copywriter)
    page.goto(page.base + brief.get_absolute_url())
    page.click("#brief-actions >> text=Submit creative work")
    page.fill("#id_title", "Metro poster")
    page.set_input_files(
        "#id_files", files=[{"name": "poster.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    save()
    page.wait_for_selector("#files img")
    work = CreativeWork.objects.get()

    # the AM says it is on strategy, the creative director says it is good enough
    as_(cast.am)
    page.goto(page.base + work.get_absolute_url())
    page.click("text=Judge: on strategy?")
    page.check("input[name=verdict][value=yes]")
    expect(page.locator("#id_reason")).to_be_hidden()  # the reason matters only for a "no"
    save()
    page.wait_for_selector("#judgment-strategy .verdict-yes")
    as_(cast.cd)
    page.goto(page.base + work.get_absolute_url())
    page.click("text=Judge: good enough?")
    page.check("input[name=verdict][value=no]")
    save()  # a "no" without a reason is a form error
    page.wait_for_selector(".invalid-feedback, .is-invalid")
    page.check("input[name=verdict][value=yes]")
    save()
    page.wait_for_selector("#judgment-quality .verdict-yes")
    assert "Ready to present" in page.inner_text("main")
    # the image is served through the permission-checked view
    # (waits for the download to finish: on a busy machine it may still be loading)
    page.wait_for_function(
        "() => { const img = document.querySelector('#files img');"
        " return img !== null && img.complete && img.naturalWidth > 0; }"
    )
    page.shot("work-ready-en")
    work.refresh_from_db()
    brief.refresh_from_db()
    assert work.status == CreativeWork.Status.READY
    assert brief.status == Brief.Status.IN_PROGRESS

    # the same pages in Chinese
    page.click("button[data-lang=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert "可以提案" in page.inner_text("main")
    page.shot("work-ready-zh")
    page.goto(page.base + brief.get_absolute_url())
    assert "明确而单纯的方向" in page.inner_text("main")
    page.shot("brief-zh")
    page.goto(page.base + "/")
    page.shot("home-zh")
