import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agency import events
from webhooks.services import event_received


@pytest.fixture(autouse=True)
def _loopback_receivers(settings):
    """Only the tests may post to http://127.0.0.1 (a receiver they start)."""
    settings.WEBHOOKS_ALLOW_LOOPBACK = True


class Receiver:
    """An HTTP server on 127.0.0.1 that records each request and answers `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.headers_out = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                self.send_response(receiver.status)
                for k, v in receiver.headers_out.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """Run the block's after-commit work (the event subscribers and their tasks)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def spy():
    """Events published (and committed) during the test."""
    heard = []
    events.subscribe(heard.append)
    yield heard
    events.unsubscribe(heard.append)


@pytest.fixture(autouse=True)
def _webhooks_subscribed():
    # Registered by WebhooksConfig.ready(); a test that unsubscribed must not leak.
    events.subscribe(event_received)
