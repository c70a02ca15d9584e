import time

import pytest

from agency.models import Notification, TimelineEvent
from agency.notifications import notify
from agency.pdf import render_pdf
from agency.timeline import timeline_for, timeline_record

from .smtp import SmtpCatcher


def test_notify_creates_inbox_rows_and_emails_in_each_recipients_language(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.am.language = "zh-hans"
    cast.am.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipients=[cast.am, cast.ae, cast.am],
            template="agency/test",
            context={"client": cast.client},
            obj=cast.client,
        )
    assert len(rows) == 2
    assert Notification.objects.filter(recipient=cast.am, read_at=None).count() == 1
    by_to = {m.to[0]: m for m in mailoutbox}
    zh, en = by_to[cast.am.email], by_to[cast.ae.email]
    assert "客户" in zh.subject and "Huayuan" in zh.subject
    assert en.subject.startswith("Client")
    assert "http://" in en.body and cast.client.get_absolute_url() in en.body
    assert en.alternatives[0][1] == "text/html"
    # A second delivery of the same task sends nothing (the row is claimed).
    from agency.services import notification_email_send

    assert notification_email_send(notification_id=rows[0].pk) is False
    assert len(mailoutbox) == 2


def test_inbox_lists_and_marks_read(cast, as_user):
    notify(
        recipients=[cast.ae],
        template="agency/test",
        context={"client": cast.client},
        obj=cast.client,
        email=False,
    )
    c = as_user(cast.ae)
    page = c.get("/inbox/")
    assert page.status_code == 200 and "Huayuan" in page.content.decode()
    assert 'id="unread-count"' in page.content.decode()
    c.post("/inbox/read/")
    assert not Notification.objects.filter(recipient=cast.ae, read_at=None).exists()
    # Another user cannot mark someone else's notifications.
    notify(
        recipients=[cast.ae],
        template="agency/test",
        context={"client": cast.client},
        obj=cast.client,
        email=False,
    )
    n = Notification.objects.get(recipient=cast.ae, read_at=None)
    as_user(cast.am).post("/inbox/read/", {"id": n.pk})
    n.refresh_from_db()
    assert n.read_at is None


def test_timeline_records_in_order(cast):
    timeline_record(obj=cast.client, action="a", actor=cast.am, comment="first")
    timeline_record(obj=cast.client, action="b", actor=cast.bd)
    assert [e.action for e in timeline_for(cast.client)] == ["a", "b"]
    assert TimelineEvent.objects.count() == 2


def test_pdf_renderer_fetches_only_our_static_files(tmp_path):
    html_template = "pdf/agency_test.html"
    pdf = render_pdf(html_template, {"evil": '<img src="file:///etc/passwd">'})
    assert pdf.startswith(b"%PDF")


def test_pdf_fetcher_refuses_file_and_network_urls():
    import pytest

    from agency.pdf import BlockedURL, StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://pdf.invalid/etc/passwd",
        "https://pdf.invalid/static/../../etc/passwd",
    ):
        with pytest.raises(BlockedURL):
            fetcher.fetch(url)
    ok = fetcher.fetch("https://pdf.invalid/static/css/pdf.css")
    assert b"AgencySansSC-Regular.otf" in ok.read()


def test_a_hung_mail_server_times_out_and_releases_the_claim(cast, settings, monkeypatch):
    """Without a timeout the email claim (a row lock) would be held for ever."""
    from agency import services

    smtp = SmtpCatcher()  # its first connection never gets a greeting
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_TIMEOUT = None
    monkeypatch.setattr(services, "EMAIL_SEND_TIMEOUT", 1)
    row = Notification.objects.create(recipient=cast.ae, kind="test", subject="Hi", body_text="Hi")
    started = time.monotonic()
    try:
        with pytest.raises(OSError, match="timed out"):
            services.notification_email_send(notification_id=row.pk)
    finally:
        smtp.close()
    assert time.monotonic() - started < 10
    row.refresh_from_db()
    assert row.emailed_at is None and "timed out" in row.email_error
