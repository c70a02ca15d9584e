"""The one notification helper: inbox row + email, in the recipient's language.

    notify(recipients=[...], template="plans/submitted", context={...}, obj=plan)

renders templates/emails/<template>_subject.txt, _body.txt and _body.html
once per recipient with that recipient's language active, stores an inbox
Notification and queues its email on commit (the task takes the id).

Channels (group bots and the like) hear about the same event through
`channel_senders`: an app registers a sender in its AppConfig.ready(), and
`notify()` and the reminder sweep call `to_channels([ChannelEvent(...)])` inside
the transaction that stores the inbox rows (so whatever the sender writes
commits with them, or not at all). `agency` knows no channel app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import get_template, render_to_string
from django.utils import translation

from .models import Notification


@dataclass(frozen=True)
class ChannelEvent:
    """One notification or reminder, as a channel sender sees it.

    `key` is unique per event and stable across retries of the same event
    ("reminder:<log id>", "notification:<first inbox row id>"): a sender keys
    its delivery rows on it, so a retried sweep or task delivers nothing twice.
    """

    key: str
    kind: str  # "reminder.<rule kind>" or the notification's kind (its template)
    obj: object | None = None
    url: str = ""  # absolute deep link
    label: str = ""  # what it is ("Overdue invoice reminder"); may be lazy
    step: str = ""  # which step ("30 days overdue"); may be lazy
    context: dict = field(default_factory=dict)


# Callables taking a list of ChannelEvents (a sweep's batch, or one notify()).
# They run inside the caller's transaction and must only write rows and queue
# work on commit, never talk to the network.
channel_senders: list[Callable[[list[ChannelEvent]], object]] = []


def register_channel_sender(sender: Callable[[list[ChannelEvent]], object]) -> Callable:
    if sender not in channel_senders:
        channel_senders.append(sender)
    return sender


def to_channels(events: list[ChannelEvent]) -> None:
    events = list(events)
    if not events:
        return
    for sender in channel_senders:
        sender(events)


def absolute_url(path: str) -> str:
    if not path or path.startswith("http"):
        return path
    return f"{settings.SITE_URL}{path}"


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text (.txt) template with autoescaping OFF.

    A .txt email is not HTML: a name such as `O'Neil & "Sons" <HK>` must read
    as typed, not as `&quot;` entities. Every .txt email goes through here
    (the .html part keeps Django's escaping).
    """
    from django.template import Context

    template = get_template(template_name)
    # The backend's template wraps a django.template.Template; render that with
    # a Context whose autoescape is off (inherited by {% extends %}/{% include %}).
    return template.template.render(Context(context, autoescape=False))


def render_for(user, template: str, context: dict) -> tuple[str, str, str]:
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {"recipient": user, "site_url": settings.SITE_URL, **context}
        subject = render_text(f"emails/{template}_subject.txt", ctx)
        text = render_text(f"emails/{template}_body.txt", ctx)
        html = render_to_string(f"emails/{template}_body.html", ctx)
    return " ".join(subject.split()), text, html


def notification_rows(
    *,
    recipients,
    template: str,
    context: dict,
    obj=None,
    url: str = "",
    kind: str = "",
    email: bool = True,
) -> list[Notification]:
    """Render one unsaved Notification per recipient, in their language.

    Inactive users and duplicate recipients are skipped. Writes nothing, so a
    caller may render many and save them at once (the reminder sweep does).
    """
    seen, rows = set(), []
    ct = ContentType.objects.get_for_model(obj) if obj is not None else None
    link = absolute_url(url or (obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""))
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        subject, text, html = render_for(user, template, {**context, "url": link})
        rows.append(
            Notification(
                recipient=user,
                kind=kind or template,
                subject=subject[:255],
                body_text=text,
                body_html=html,
                url=url or link,
                content_type=ct,
                object_id=obj.pk if obj is not None else None,
                send_email=email and bool(user.email),
            )
        )
    return rows


def notifications_save(rows: list[Notification]) -> list[Notification]:
    """Insert the rows (one query) and queue their emails after commit."""
    Notification.objects.bulk_create(rows)
    if any(row.send_email for row in rows):
        from .tasks import notification_email_send  # tasks import this module

        for row in rows:
            if row.send_email:
                # robust: with eager Celery (no Redis) a failing SMTP server
                # must not break the request or sweep whose data is committed;
                # the error is on the row and logged.
                transaction.on_commit(
                    lambda pk=row.pk: notification_email_send.delay(pk), robust=True
                )
    return rows


def notify(
    *,
    recipients,
    template: str,
    context: dict,
    obj=None,
    url: str = "",
    kind: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create inbox notifications and queue their emails after commit.

    Inactive users and duplicate recipients are skipped. Returns the rows.
    The registered channel senders hear about it once (see `channel_senders`).
    """
    rows = notification_rows(
        recipients=recipients,
        template=template,
        context=context,
        obj=obj,
        url=url,
        kind=kind,
        email=email,
    )
    with transaction.atomic():
        notifications_save(rows)
        if rows and channel_senders:
            to_channels(
                [
                    ChannelEvent(
                        key=f"notification:{rows[0].pk}",
                        kind=kind or template,
                        obj=obj,
                        url=absolute_url(rows[0].url),
                    )
                ]
            )
    return rows
