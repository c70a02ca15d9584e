import pytest

pytestmark = pytest.mark.browser


def test_am_opens_a_client_and_switches_to_chinese(cast, browser_page):
    # given an AM on the Huayuan team, with English as their language
    page = browser_page
    page.login(cast.am)
    # when they open the client
    page.click("text=Clients")
    page.click("text=Huayuan Properties")
    page.wait_for_selector("#team")
    assert page.inner_text("#team .card-header").startswith("Account team")
    page.shot("client-en")
    # and switch to Chinese
    page.click("button[data-lang=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    # then the labels are Chinese, and the choice is remembered on the user
    assert "客户小组" in page.inner_text("#team .card-header")
    assert "客户联系人" in page.inner_text("#contacts")
    page.shot("client-zh")
    cast.am.refresh_from_db()
    assert cast.am.language == "zh-hans"
