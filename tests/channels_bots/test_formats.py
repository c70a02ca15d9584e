"""The documented wire formats, byte for byte, with the known signing vectors."""

import pytest

from agency.errors import DomainError
from channels_bots import formats
from channels_bots.formats import DeliveryError, dingtalk_sign, feishu_sign, request_for
from tests.helpers import assert_refused


def test_dingtalk_signing_vector():
    sign = dingtalk_sign("SEC0123456789abcdef", 1700000000000)
    assert sign == "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk="


def test_feishu_signing_vector():
    assert feishu_sign("demo-secret", 1700000000) == "mYHw2R2SOm8Rw/sne3lQdmz4sOfntKR+1P/8RKKTwmA="


def test_wecom_request_byte_for_byte():
    url, body = request_for(
        "wecom",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
        "",
        "Title",
        "### 标题\n[Open](https://x)",
        1700000000000,
    )
    assert url == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY"
    assert (
        body
        == ('{"msgtype":"markdown","markdown":{"content":"### 标题\\n[Open](https://x)"}}').encode()
    )


def test_dingtalk_request_byte_for_byte():
    url, body = request_for(
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=T",
        "SEC0123456789abcdef",
        "Title",
        "text",
        1700000000000,
    )
    # the sign is URL-encoded: / -> %2F, = -> %3D
    assert url == (
        "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000"
        "&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"
    )
    assert body == b'{"msgtype":"markdown","markdown":{"title":"Title","text":"text"}}'


def test_feishu_request_byte_for_byte():
    url, body = request_for(
        "feishu",
        "https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN",
        "demo-secret",
        "Title",
        "text",
        1700000000123,  # the body carries seconds
    )
    assert url == "https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN"
    assert body == (
        b'{"timestamp":"1700000000","sign":"mYHw2R2SOm8Rw/sne3lQdmz4sOfntKR+1P/8RKKTwmA=",'
        b'"msg_type":"interactive","card":{"header":{"title":{"tag":"plain_text","content":"Title"}},'
        b'"elements":[{"tag":"markdown","content":"text"}]}}'
    )


@pytest.mark.parametrize(
    ("kind", "url", "error"),
    [
        ("dingtalk", "http://oapi.dingtalk.com/robot/send?access_token=T", formats.ERR_URL_SCHEME),
        ("dingtalk", "https://evil.example.com/robot/send?access_token=T", formats.ERR_URL_HOST),
        (
            "dingtalk",
            "https://oapi.dingtalk.com.evil.cn/robot/send?access_token=T",
            formats.ERR_URL_HOST,
        ),
        (
            "dingtalk",
            "https://user@oapi.dingtalk.com/robot/send?access_token=T",
            formats.ERR_URL_HOST,
        ),
        (
            "dingtalk",
            "https://oapi.dingtalk.com:8443/robot/send?access_token=T",
            formats.ERR_URL_HOST,
        ),
        ("dingtalk", "https://127.0.0.1/robot/send?access_token=T", formats.ERR_URL_HOST),
        ("wecom", "https://oapi.dingtalk.com/robot/send?access_token=T", formats.ERR_URL_HOST),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/", formats.ERR_URL_PATH),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", formats.ERR_URL_PATH),
        ("dingtalk", "https://oapi.dingtalk.com/other?access_token=T", formats.ERR_URL_PATH),
    ],
)
def test_webhook_urls_off_the_official_hosts_are_refused(kind, url, error):
    assert_refused(formats.check_webhook_url, error, kind, url)


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abc-123"),
    ],
)
def test_official_webhook_urls_pass(kind, url):
    formats.check_webhook_url(kind, url)


def test_post_refuses_a_host_off_the_list_without_connecting(receiver, settings):
    settings.CHANNELS_BOTS_EXTRA_HOSTS = []
    with pytest.raises(DeliveryError):
        formats.post("dingtalk", receiver.base + "/robot/send?access_token=T", b"{}")
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("kind", "path", "reply", "ok"),
    [
        ("feishu", "/open-apis/bot/v2/hook/X", {"code": 0, "msg": "success"}, True),
        ("feishu", "/open-apis/bot/v2/hook/X", {"code": 19021, "msg": "sign match fail"}, False),
        ("feishu", "/open-apis/bot/v2/hook/X", {"errcode": 0}, False),
        ("dingtalk", "/robot/send?access_token=T", {"errcode": 0, "errmsg": "ok"}, True),
        ("dingtalk", "/robot/send?access_token=T", {"errcode": 310000, "errmsg": "sign"}, False),
        ("wecom", "/cgi-bin/webhook/send?key=K", {"errcode": 0, "errmsg": "ok"}, True),
        ("wecom", "/cgi-bin/webhook/send?key=K", {"errcode": 45009, "errmsg": "limit"}, False),
        ("wecom", "/cgi-bin/webhook/send?key=K", {"code": 0}, False),
    ],
)
def test_only_the_documented_success_reply_is_success(receiver, kind, path, reply, ok):
    receiver.reply(200, reply)
    if ok:
        formats.post(kind, receiver.base + path, b"{}")
    else:
        with pytest.raises(DeliveryError):
            formats.post(kind, receiver.base + path, b"{}")
    assert len(receiver.requests) == 1


def test_http_errors_and_non_json_are_failures(receiver):
    receiver.reply(500, {"errcode": 0})
    receiver.reply(200, b"<html>ok</html>")
    for _ in range(2):
        with pytest.raises(DeliveryError):
            formats.post("wecom", receiver.base + "/cgi-bin/webhook/send?key=K", b"{}")


def test_a_redirect_is_never_followed(receiver):
    receiver.reply(302, {"errcode": 0}, {"Location": "http://169.254.169.254/latest/meta-data"})
    with pytest.raises(DeliveryError) as info:
        formats.post("wecom", receiver.base + "/cgi-bin/webhook/send?key=K", b"{}")
    assert "redirect" in str(info.value)
    assert "KEY" not in str(info.value) and "key=" not in str(info.value)
    assert len(receiver.requests) == 1


def test_domain_error_keeps_the_template():
    with pytest.raises(DomainError) as info:
        formats.check_webhook_url("dingtalk", "https://x.cn/robot/send?access_token=T")
    assert "oapi.dingtalk.com" in info.value.message
