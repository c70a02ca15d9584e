"""Enrolment in a real browser, in Chinese: the MD logs in, is sent to
enrolment, reads the key off the page, types the code an app would show,
keeps the recovery codes and gets in."""

import base64

import pytest
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.real_mfa]


def test_md_enrols_in_chinese(cast, browser_page):
    page = browser_page
    cast.md.language = "zh-hans"
    cast.md.save()
    # given the MD without a device logs in with the password
    page.login(cast.md, second_factor=False)
    # then they are on the enrolment page, in Chinese, with the QR code shown
    assert "/account/two-factor/setup/" in page.url
    page.wait_for_selector("html[lang=zh-hans]")
    with translation.override("zh-hans"):
        title = translation.gettext("Set up two-factor authentication")
        clients = translation.gettext("Clients")
    assert page.inner_text("main h1") == title
    assert clients != "Clients"
    assert clients in page.inner_text("body")
    assert page.locator("img.mfa-qr").get_attribute("src").startswith("data:image/svg+xml")
    page.shot("mfa-enrol-zh")
    # when they type the code an authenticator app computes from the shown key
    secret = page.inner_text("[data-mfa-secret]").replace(" ", "")
    device = TOTPDevice.objects.get(user=cast.md, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key
    code = TOTP(base64.b32decode(secret), device.step, device.t0, device.digits).token()
    page.fill("input[name=token]", f"{code:06d}")
    page.click("main form[data-mfa-enrol-form] button[type=submit]")
    # then the recovery codes are shown once, and they get in
    page.wait_for_selector("[data-recovery-codes]")
    assert len(page.locator("[data-recovery-codes] li").all()) == 10
    page.shot("mfa-recovery-zh")
    page.click("main a.btn-primary")
    page.goto(page.base + "/clients/")
    assert "/clients/" in page.url
    assert "/two-factor/" not in page.url
    device.refresh_from_db()
    assert device.confirmed
