"""The three bots' documented wire formats, and the one HTTP post.

    request_for(kind, url, secret, markdown_title, markdown_text, now) -> (url, body bytes)
    post(url, body) -> None, or raises DeliveryError

WeCom:    POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
          {"msgtype":"markdown","markdown":{"content":...}}; reply errcode 0.
DingTalk: POST https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=MS&sign=S,
          S = urlencode(base64(HMAC_SHA256(key=secret, msg=f"{ms}\\n{secret}")));
          {"msgtype":"markdown","markdown":{"title":...,"text":...}}; reply errcode 0.
Feishu:   POST https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN, "timestamp" and "sign"
          in the body, sign = base64(HMAC_SHA256(key=f"{s}\\n{secret}", msg=b""));
          an interactive card with a markdown element; reply code 0.
"""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from agency.errors import DomainError

# kind -> the official host and the path its webhooks have
OFFICIAL = {
    "wecom": ("qyapi.weixin.qq.com", "/cgi-bin/webhook/send"),
    "dingtalk": ("oapi.dingtalk.com", "/robot/send"),
    "feishu": ("open.feishu.cn", "/open-apis/bot/v2/hook/"),
}
TIMEOUT = 10  # seconds, connect and read

ERR_URL_SCHEME = _("The webhook URL must start with https://.")
ERR_URL_HOST = _("The webhook URL must be on %(host)s, the official host of this kind of bot.")
ERR_URL_PATH = _("This is not a %(kind)s group-bot webhook URL (expected %(example)s).")
ERR_SECRET_NEEDED = _("A %(kind)s bot needs its signing secret.")

EXAMPLES = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=…",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/…",
}


class DeliveryError(Exception):
    """The bot did not accept the message (network, HTTP status or its reply)."""


def extra_hosts() -> set[str]:
    """Hosts allowed besides the official ones, over http too: tests' 127.0.0.1 receiver only."""
    return set(getattr(settings, "CHANNELS_BOTS_EXTRA_HOSTS", ()))


@sensitive_variables("url", "query")
def check_webhook_url(kind: str, url: str) -> None:
    """Refuse anything but the kind's official https host and webhook path (an SSRF surface)."""
    host, path = OFFICIAL[kind]
    parts = urlsplit(url.strip())
    netloc = parts.hostname or ""
    test_host = parts.netloc in extra_hosts()
    if not test_host:
        if parts.scheme != "https":
            raise DomainError(ERR_URL_SCHEME)
        if netloc != host or parts.port not in (None, 443) or parts.username or parts.password:
            raise DomainError(ERR_URL_HOST, host=host)
    elif parts.scheme not in ("http", "https"):
        raise DomainError(ERR_URL_SCHEME)
    query = dict(parse_qsl(parts.query))
    ok = {
        "wecom": parts.path == path and bool(query.get("key")),
        "dingtalk": parts.path == path and bool(query.get("access_token")),
        "feishu": parts.path.startswith(path) and len(parts.path) > len(path),
    }[kind]
    if not ok or parts.fragment:
        raise DomainError(ERR_URL_PATH, kind=kind_label(kind), example=EXAMPLES[kind])


def kind_label(kind: str) -> str:
    from .models import Channel

    return str(Channel.Kind(kind).label)


# Signing ----------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """base64(HMAC_SHA256(key=secret, msg="{timestamp_ms}\\n{secret}")), not yet URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """base64(HMAC_SHA256(key="{timestamp_s}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@sensitive_variables("url", "secret", "signed")
def request_for(kind: str, url: str, secret: str, title: str, text: str, now_ms: int):
    """(url, body) of one markdown message, exactly as the bot's documentation says."""
    if kind == "wecom":
        return url, _json({"msgtype": "markdown", "markdown": {"content": text}})
    if kind == "dingtalk":
        parts = urlsplit(url)
        query = parts.query
        if secret:
            sign = quote_plus(dingtalk_sign(secret, now_ms))
            query = f"{query}&timestamp={now_ms}&sign={sign}"
        signed = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        return signed, _json({"msgtype": "markdown", "markdown": {"title": title, "text": text}})
    if kind == "feishu":
        body = {}
        if secret:
            timestamp = now_ms // 1000
            body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
        body |= {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title}},
                "elements": [{"tag": "markdown", "content": text}],
            },
        }
        return url, _json(body)
    raise ValueError(kind)


# The post ---------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook never redirects; following one would reach another host (SSRF)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise DeliveryError(f"redirect {code} refused")


_opener = urllib.request.build_opener(_NoRedirects())


def accepted(kind: str, reply: dict) -> bool:
    if kind == "feishu":
        return reply.get("code", reply.get("StatusCode")) == 0
    return reply.get("errcode") == 0


@sensitive_variables("url", "request")
def post(kind: str, url: str, body: bytes) -> None:
    """POST the body; raise DeliveryError unless the bot answers success.

    The error text never carries the URL (its key or token is a secret).
    """
    parts = urlsplit(url)
    official = parts.scheme == "https" and parts.hostname == OFFICIAL[kind][0]
    test_host = parts.scheme in ("http", "https") and parts.netloc in extra_hosts()
    if not (official or test_host):
        raise DeliveryError("webhook host not allowed")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{type(exc).__name__}: {reason}"[:300]) from None
    try:
        reply = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeliveryError("reply is not JSON") from None
    if not isinstance(reply, dict) or not accepted(kind, reply):
        raise DeliveryError(f"refused: {json.dumps(reply, ensure_ascii=False)[:300]}")
