"""Each role's dashboard in a real browser, in English and Chinese, at 1280 and 375 px:
cards present, charts drawn by the vendored Chart.js under the strict CSP."""

import pytest

from .test_dashboards import populate

pytestmark = pytest.mark.browser

CHARTED = {"md", "finance", "bd", "ad", "am", "ae"}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("role", ["md", "ad", "am", "ae", "finance", "bd", "cd"])
def test_role_dashboard(cast, browser_page, role, lang):
    page = browser_page
    errors = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error"
            and "favicon" not in m.location.get("url", "")
            and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    populate(cast, 3)
    user = getattr(cast, role)
    user.language = lang
    user.save(update_fields=["language"])
    page.login(user)
    page.goto(page.base + "/")
    page.wait_for_selector(f"html[lang={lang}]")
    page.wait_for_selector("[data-card]")
    if role in CHARTED:
        page.wait_for_selector("canvas[data-drawn='1']")
        # every chart is also a table
        page.click("[data-chart] summary >> nth=0")
        page.wait_for_selector("[data-chart] table")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.shot(f"dashboard-{role}-{lang}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.shot(f"dashboard-{role}-{lang}-375")
    assert not errors, errors
    # a card's click-through opens its list
    page.set_viewport_size({"width": 1280, "height": 900})
    first = page.locator("[data-card] a[data-card-value]").first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(lambda url: href.split("?")[0] in url)


def test_client_health_page(cast, browser_page):
    page = browser_page
    populate(cast, 3)
    page.login(cast.am)
    page.goto(page.base + "/health/?band=red")
    page.wait_for_selector("#health-list [data-health=red]")
    page.shot("health-list-en")
    page.click("#health-list a >> nth=0")
    page.wait_for_selector("#health-panel")
    page.shot("health-client-panel-en")
