"""A real HTTP receiver on 127.0.0.1 standing in for the three bots' servers.

The host allow-list is widened for this receiver only (CHANNELS_BOTS_EXTRA_HOSTS),
and only here: production accepts the three official https hosts.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from channels_bots import services
from channels_bots.models import Channel

FEISHU_OK = {"code": 0, "msg": "success"}
ROBOT_OK = {"errcode": 0, "errmsg": "ok"}


class Receiver:
    def __init__(self):
        self.requests = []
        self.replies = []  # queued (status, body bytes); default: success for the kind
        self.delay = 0.0  # seconds to wait before answering (a slow bot)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                with receiver.lock:
                    receiver.requests.append(
                        SimpleNamespace(
                            path=parts.path,
                            raw_path=self.path,
                            query=parse_qs(parts.query),
                            raw_query=parts.query,
                            body=body,
                            json=json.loads(body.decode()),
                            headers=dict(self.headers),
                        )
                    )
                    queued = receiver.replies.pop(0) if receiver.replies else None
                time.sleep(receiver.delay)
                if queued is None:
                    ok = FEISHU_OK if parts.path.startswith("/open-apis/") else ROBOT_OK
                    queued = (200, json.dumps(ok).encode(), {})
                status, payload, headers = queued
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.netloc = f"127.0.0.1:{self.server.server_address[1]}"
        self.base = f"http://{self.netloc}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reply(self, status=200, body=None, headers=None):
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.replies.append((status, payload, headers or {}))


@pytest.fixture
def receiver(settings):
    r = Receiver()
    r.thread.start()
    settings.CHANNELS_BOTS_EXTRA_HOSTS = [r.netloc]
    yield r
    r.server.shutdown()
    r.server.server_close()


URLS = {
    "wecom": "/cgi-bin/webhook/send?key=KEY-1",
    "dingtalk": "/robot/send?access_token=TOKEN-1",
    "feishu": "/open-apis/bot/v2/hook/HOOK-1",
}


@pytest.fixture
def make_channel(receiver, cast):
    """make_channel(kind, routes, scope=..., **fields) -> a saved Channel on the receiver."""

    def make(kind="dingtalk", routes=(), *, scope="agency", secret="SECmysecret", **fields):
        if scope == "client":
            fields.setdefault("client", cast.client)
            actor = cast.am
        else:
            actor = cast.md
        if scope == "department":
            fields.setdefault("department", "finance")
        channel = Channel(
            name=fields.pop("name", f"{kind} group"),
            kind=kind,
            language=fields.pop("language", "en"),
            scope=scope,
            routes=list(routes),
            **fields,
        )
        return services.channel_save(
            actor=actor,
            channel=channel,
            webhook_url=receiver.base + URLS[kind],
            secret="" if kind == "wecom" else secret,
        )

    return make
