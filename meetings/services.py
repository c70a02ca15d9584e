"""Every write to meetings, presentations, rounds, minutes and feed tokens.

Each service checks the actor through `meeting_access` (views do too, but a
service must be safe on its own), guards the state, writes the timeline in
the same transaction and queues email on commit.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, Contact, User
from agency.dates import check_in_range
from agency.errors import DomainError
from agency.events import publish
from agency.files import files_kept_only_on_commit
from agency.notifications import notify, render_text
from agency.pdf import render_pdf
from agency.permissions import deny_unless
from agency.services import EMAIL_SEND_TIMEOUT
from agency.timeline import timeline_record

from .ical import meeting_ics
from .models import (
    REHEARSAL_MIN_MINUTES,
    ActionItem,
    AgendaDispatch,
    AgendaItem,
    Attendee,
    CalendarFeedToken,
    Decision,
    Meeting,
    Presentation,
    PresentationRound,
    RoomSetupItem,
    SupportingMaterial,
)
from .selectors import (
    meeting_access,
    meeting_contacts,
    meeting_invitable_users,
    meeting_may_organise_for_client,
    meeting_people,
    presentation_brief_choices,
    presentation_work_choices,
    round_presenter_choices,
)

logger = logging.getLogger(__name__)

ERR_CLIENT_REQUIRED = _("A client meeting or a presentation needs a client.")
ERR_CLIENT_NOT_ALLOWED = _("You may organise meetings only for clients whose team you are on.")
ERR_NOT_OPEN = _("This meeting is closed or cancelled; it can no longer be changed.")
ERR_NOT_PLANNED = _("This can only be done while the meeting is planned.")
ERR_NOT_STARTED = _("The meeting has not started yet.")
ERR_NOT_HELD = _("Mark the meeting as held before closing it.")
ERR_CONCLUSIONS_REQUIRED = _("Write the conclusions before closing the meeting.")
ERR_REHEARSAL_TOO_SHORT = _("A rehearsal lasts at least 30 minutes.")
ERR_REHEARSAL_AFTER = _("A rehearsal must end before the presentation starts.")
ERR_NOT_PRESENTATION = _("Only a presentation can have a rehearsal.")
ERR_PRESENTATION_BEFORE_REHEARSAL = _(
    "The presentation cannot start before its rehearsals end; move the rehearsal first."
)
ERR_NO_AGENDA = _("Add at least one agenda item before sending the agenda.")
ERR_NO_RECIPIENTS = _("Nobody to send the agenda to: add attendees with an email address.")
ERR_AGENDA_DELIVERED = _("This agenda was already delivered.")
ERR_ATTENDEE_DUPLICATE = _("This person is already invited.")
ERR_ATTENDEE_ONE = _("Choose either an agency colleague or a client contact.")
ERR_CONTACT_OTHER_CLIENT = _("This contact belongs to another client.")
ERR_ATTENDEE_OUTSIDE = _("Only the client's team (and the BD and MD) can be invited.")
ERR_PERSON_OUTSIDE = _("Choose someone who sees this meeting.")
ERR_PRESENTER_OUTSIDE = _("Presenters are members of the client's team.")
ERR_BRIEF_OTHER_CLIENT = _("This brief belongs to another client.")
ERR_WORK_NOT_SHOWN = _(
    "Choose the latest version of a piece of work on this client's briefs, not a superseded one."
)
ERR_ACTION_DONE = _("This action item is already done.")
ERR_ACTION_NOT_YOURS = _("Only the owner or the organiser may close this action item.")
ERR_ACTION_OWNER_OUTSIDE = _("The owner of an action item must be someone who sees this meeting.")
ERR_ACTION_OTHER_CLIENT = _("This action item belongs to another client's meetings.")
ERR_OUTCOME_BEFORE = _("The outcome is recorded after the presentation has started.")
ERR_OUTCOME_RECORDED = _("The outcome of this round is already recorded.")
ERR_OUTCOME_FEEDBACK = _("Write the client's feedback.")
ERR_ROUND_NOT_REVISE = _("A new round opens only after the client asked to revise.")
ERR_ROUND_EXISTS = _("The next round is already open.")
ERR_ROUND_CAUSE_REQUIRED = _("Give the cause of the previous round's failure.")
ERR_ROUND_NOTE_REQUIRED = _("Describe what went wrong in the previous round.")

MEETING_FIELDS = ("title", "purpose", "start", "duration_minutes", "location")
STORYLINE_FIELDS = ("opening_remarks", "flow", "closing_remarks")


def _assign(obj, data: dict, fields) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def _require_edit(actor: User, meeting: Meeting) -> None:
    deny_unless(meeting_access(actor, meeting).can_edit)


def _require_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise DomainError(ERR_NOT_OPEN)


def _check_rehearsal(*, start, duration_minutes: int, presentation: Meeting) -> None:
    check_in_range(start)
    if duration_minutes < REHEARSAL_MIN_MINUTES:
        raise DomainError(ERR_REHEARSAL_TOO_SHORT)
    if start + dt.timedelta(minutes=duration_minutes) > presentation.start:
        raise DomainError(ERR_REHEARSAL_AFTER)


# --- meetings -----------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor: User, data: dict) -> Meeting:
    """A client meeting or an internal meeting; the actor organises it."""
    client: Client | None = data.get("client")
    kind = data.get("kind") or Meeting.Kind.CLIENT
    if kind not in (Meeting.Kind.CLIENT, Meeting.Kind.INTERNAL):
        kind = Meeting.Kind.CLIENT
    if kind == Meeting.Kind.CLIENT and client is None:
        raise DomainError(ERR_CLIENT_REQUIRED)
    deny_unless(meeting_may_organise_for_client(actor, client), ERR_CLIENT_NOT_ALLOWED)
    check_in_range(data.get("start"))
    meeting = Meeting(client=client, kind=kind, organiser=actor, created_by=actor)
    _assign(meeting, data, MEETING_FIELDS)
    meeting.save()
    Attendee.objects.create(meeting=meeting, user=actor)
    timeline_record(obj=meeting, action="created", actor=actor)
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, data: dict) -> Meeting:
    _require_edit(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    start = data.get("start", meeting.start)
    check_in_range(start)
    duration = data.get("duration_minutes", meeting.duration_minutes)
    if meeting.is_rehearsal:
        _check_rehearsal(start=start, duration_minutes=duration, presentation=meeting.rehearsal_for)
    if meeting.is_presentation:
        for rehearsal in meeting.rehearsals.all():
            if rehearsal.end > start:
                raise DomainError(ERR_PRESENTATION_BEFORE_REHEARSAL)
    changed = _assign(meeting, data, MEETING_FIELDS)
    if changed:
        meeting.save(update_fields=[*changed, "updated_at"])
        timeline_record(obj=meeting, action="edited", actor=actor, data={"fields": changed})
    return meeting


@transaction.atomic
def meeting_mark_held(*, actor: User, meeting: Meeting) -> Meeting:
    _require_edit(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise DomainError(ERR_NOT_PLANNED)
    if meeting.start > timezone.now():
        raise DomainError(ERR_NOT_STARTED)
    meeting.status = Meeting.Status.HELD
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["status", "held_at", "updated_at"])
    timeline_record(obj=meeting, action="held", actor=actor)
    return meeting


@transaction.atomic
def meeting_minutes_save(
    *, actor: User, meeting: Meeting, conclusions: str, notes: dict[int, str]
) -> Meeting:
    """Notes per agenda item (by id) and the conclusions."""
    _require_edit(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    for item in meeting.agenda_items.all():
        if item.pk in notes and item.notes != notes[item.pk]:
            item.notes = notes[item.pk]
            item.save(update_fields=["notes"])
    if meeting.conclusions != conclusions:
        meeting.conclusions = conclusions
        meeting.save(update_fields=["conclusions", "updated_at"])
    timeline_record(obj=meeting, action="minutes", actor=actor)
    return meeting


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting:
    _require_edit(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.HELD:
        raise DomainError(ERR_NOT_OPEN if not meeting.is_open else ERR_NOT_HELD)
    if not meeting.conclusions.strip():
        raise DomainError(ERR_CONCLUSIONS_REQUIRED)
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["status", "closed_at", "updated_at"])
    timeline_record(obj=meeting, action="closed", actor=actor)
    return meeting


# --- attendees, room set-up, agenda ------------------------------------------------


@transaction.atomic
def attendee_add(
    *,
    actor: User,
    meeting: Meeting,
    user: User | None = None,
    contact: Contact | None = None,
    receives_agenda: bool = True,
) -> Attendee:
    _require_edit(actor, meeting)
    _require_open(meeting)
    if (user is None) == (contact is None):
        raise DomainError(ERR_ATTENDEE_ONE)
    if contact is not None and not meeting_contacts(meeting).filter(pk=contact.pk).exists():
        raise DomainError(ERR_CONTACT_OTHER_CLIENT)
    if user is not None and not meeting_invitable_users(meeting).filter(pk=user.pk).exists():
        raise DomainError(ERR_ATTENDEE_OUTSIDE)
    try:
        with transaction.atomic():
            attendee = Attendee.objects.create(
                meeting=meeting, user=user, contact=contact, receives_agenda=receives_agenda
            )
    except IntegrityError:
        raise DomainError(ERR_ATTENDEE_DUPLICATE) from None
    timeline_record(obj=meeting, action="attendee_added", actor=actor, comment=attendee.name)
    return attendee


@transaction.atomic
def attendee_remove(*, actor: User, attendee: Attendee) -> None:
    meeting = attendee.meeting
    _require_edit(actor, meeting)
    _require_open(meeting)
    name = attendee.name
    attendee.delete()
    timeline_record(obj=meeting, action="attendee_removed", actor=actor, comment=name)


def _save_rows(*, model, meeting: Meeting, rows: list[dict], fields, person: str = "") -> None:
    """Apply formset rows: {"id": obj|None, "DELETE": bool, <fields>}.

    `person` names the row's user field (owner, responsible): someone who sees
    the meeting, like the form's choices.
    """
    if person:
        chosen = {row[person].pk for row in rows if row.get(person) and not row.get("DELETE")}
        if chosen and meeting_people(meeting).filter(pk__in=chosen).count() != len(chosen):
            raise DomainError(ERR_PERSON_OUTSIDE)
    next_position = max([r.get("position") or 0 for r in rows] + [0]) + 1
    for row in rows:
        if "position" in fields and not row.get("position"):
            # A new row without a position goes last.
            row = {**row, "position": next_position}
            next_position += 1
        obj = row.get("id")
        if obj is not None and obj.meeting_id != meeting.pk:
            continue  # a posted id of another meeting is ignored
        if row.get("DELETE"):
            if obj is not None:
                obj.delete()
            continue
        if obj is None:
            if not any(row.get(f) for f in fields):
                continue
            obj = model(meeting=meeting)
        _assign(obj, row, fields)
        obj.save()


@transaction.atomic
def room_items_save(*, actor: User, meeting: Meeting, rows: list[dict]) -> None:
    _require_edit(actor, meeting)
    _require_open(meeting)
    _save_rows(
        model=RoomSetupItem,
        meeting=meeting,
        rows=rows,
        fields=("label", "responsible", "done", "position"),
        person="responsible",
    )
    timeline_record(obj=meeting, action="room_setup", actor=actor)


@transaction.atomic
def agenda_items_save(*, actor: User, meeting: Meeting, rows: list[dict]) -> None:
    _require_edit(actor, meeting)
    _require_open(meeting)
    _save_rows(
        model=AgendaItem,
        meeting=meeting,
        rows=rows,
        fields=("topic", "owner", "minutes", "position"),
        person="owner",
    )
    _renumber(meeting)
    timeline_record(obj=meeting, action="agenda_edited", actor=actor)


def _renumber(meeting: Meeting) -> list[AgendaItem]:
    items = list(meeting.agenda_items.order_by("position", "pk"))
    for index, item in enumerate(items, start=1):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position"])
    return items


@transaction.atomic
def agenda_item_move(*, actor: User, item: AgendaItem, up: bool) -> None:
    meeting = item.meeting
    _require_edit(actor, meeting)
    _require_open(meeting)
    items = _renumber(meeting)
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        a, b = items[index], items[other]
        a.position, b.position = b.position, a.position
        a.save(update_fields=["position"])
        b.save(update_fields=["position"])


# --- sending the agenda ------------------------------------------------------------


def _recipients(meeting: Meeting, include_contacts: bool) -> list[Attendee]:
    out = []
    for a in meeting.attendees.select_related("user", "contact"):
        if not a.email:
            continue
        if a.user_id and not a.user.is_active:
            continue
        if a.contact_id and not (include_contacts and a.receives_agenda):
            continue
        out.append(a)
    return out


@transaction.atomic
def agenda_send(*, actor: User, meeting: Meeting, include_contacts: bool = False) -> AgendaDispatch:
    """Record the sending and queue its emails after commit.

    With eager Celery (no Redis: the newcomer default) the emails go out when
    this returns; a failing mail server is then recorded on the sending
    (status, error, attempts) and never turns the request into a 500.
    """
    _require_edit(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise DomainError(ERR_NOT_PLANNED)
    if not meeting.agenda_items.exists():
        raise DomainError(ERR_NO_AGENDA)
    recipients = _recipients(meeting, include_contacts)
    if not recipients:
        raise DomainError(ERR_NO_RECIPIENTS)
    now = timezone.now()
    dispatch = AgendaDispatch.objects.create(
        meeting=meeting,
        sent_at=now,
        sent_by=actor,
        recipients=[
            {
                "attendee": a.pk,
                "name": a.name,
                "email": a.email,
                "kind": "user" if a.user_id else "contact",
            }
            for a in recipients
        ],
    )
    meeting.agenda_sent_at = now
    meeting.save(update_fields=["agenda_sent_at", "updated_at"])
    Attendee.objects.filter(pk__in=[a.pk for a in recipients]).update(agenda_sent_at=now)
    timeline_record(
        obj=meeting,
        action="agenda_sent",
        actor=actor,
        comment=", ".join(a.name for a in recipients),
        data={"dispatch": dispatch.pk},
    )
    users = [a.user for a in recipients if a.user_id]
    notify(
        recipients=users,
        template="meetings/agenda_sent",
        context={"meeting": meeting},
        obj=meeting,
        email=False,  # the agenda email itself (with attachments) is the email
    )
    _queue_delivery(dispatch)
    return dispatch


def _queue_delivery(dispatch: AgendaDispatch) -> None:
    """Queue the email task once the transaction commits.

    robust: with eager Celery the task runs inside on_commit; whatever it
    raises is logged and recorded on the sending, never a 500 for a request
    whose data is committed.
    """
    from .tasks import agenda_email_send

    meeting_id, dispatch_id = dispatch.meeting_id, dispatch.pk
    transaction.on_commit(lambda: agenda_email_send.delay(meeting_id, dispatch_id), robust=True)


@transaction.atomic
def agenda_dispatch_resend(*, actor: User, dispatch: AgendaDispatch) -> AgendaDispatch:
    """ "Send again": queue an undelivered sending once more, with a fresh retry budget."""
    meeting = dispatch.meeting
    _require_edit(actor, meeting)
    dispatch = AgendaDispatch.objects.select_for_update().get(pk=dispatch.pk)
    if dispatch.emailed_at is not None or dispatch.status == AgendaDispatch.Status.SENT:
        raise DomainError(ERR_AGENDA_DELIVERED)
    if meeting.status != Meeting.Status.PLANNED:
        raise DomainError(ERR_NOT_PLANNED)
    dispatch.status = AgendaDispatch.Status.QUEUED
    dispatch.attempts = 0
    dispatch.next_attempt_at = None
    dispatch.save(update_fields=["status", "attempts", "next_attempt_at"])
    timeline_record(
        obj=meeting,
        action="agenda_resent",
        actor=actor,
        comment=dispatch.recipient_names,
        data={"dispatch": dispatch.pk},
    )
    _queue_delivery(dispatch)
    return dispatch


def agenda_context(meeting: Meeting, *, internal: bool = False) -> dict:
    """The agenda's template context.

    `internal` (the PDF downloaded from the meeting page) adds what is the
    agency's own: the storyline, the minutes (notes per item, conclusions) and
    its audience classification of the client's people ("decision maker"...).
    The emailed agenda is never internal: it goes to client contacts, and an
    email to a colleague is forwarded; one PDF serves every recipient.
    """
    agenda = list(meeting.agenda_items.select_related("owner"))
    return {
        "meeting": meeting,
        "agenda": agenda,
        "agenda_minutes": sum(a.minutes for a in agenda),
        "attendees": list(meeting.attendees.select_related("user", "contact")),
        "round": PresentationRound.objects.filter(meeting=meeting).first(),
        "internal": internal,
        "site_url": settings.SITE_URL,
        "url": f"{settings.SITE_URL}{meeting.get_absolute_url()}",
    }


def agenda_pdf(meeting: Meeting, *, internal: bool = True) -> bytes:
    return render_pdf("pdf/meetings/agenda.html", agenda_context(meeting, internal=internal))


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def agenda_dispatch_deliver(*, meeting_id: int, dispatch_id: int) -> int:
    """Send the dispatch's emails once; returns how many were sent.

    Same discipline as agency.services.notification_email_send: the claim
    (`emailed_at IS NULL` -> now, status sent) is committed only together
    with the send, so a duplicated task waits on the row lock and then does
    nothing, and a worker killed mid-send leaves no claim behind: the
    redelivered task (acks_late) sends the agenda. A failure rolls the claim
    back, records the attempt (error, when, how many) and re-raises: the task
    decides whether and when to retry (`agenda_dispatch_failed`).
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = AgendaDispatch.objects.filter(
                pk=dispatch_id, meeting_id=meeting_id, emailed_at=None
            ).update(
                emailed_at=now,
                status=AgendaDispatch.Status.SENT,
                error="",
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                next_attempt_at=None,
            )
            if claimed != 1:
                return 0
            messages = _agenda_messages(dispatch_id)
            connection = get_connection(timeout=settings.EMAIL_TIMEOUT or EMAIL_SEND_TIMEOUT)
            connection.send_messages(messages)
    except Exception as exc:
        logger.exception("agenda emails of dispatch %s failed", dispatch_id)
        AgendaDispatch.objects.filter(pk=dispatch_id, emailed_at=None).update(
            status=AgendaDispatch.Status.FAILED,
            error=_error_text(exc),
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            next_attempt_at=None,
        )
        raise
    return len(messages)


def agenda_dispatch_failed(*, dispatch_id: int, retry_at=None) -> None:
    """After a failed attempt: retried at `retry_at`, or given up (None)."""
    AgendaDispatch.objects.filter(pk=dispatch_id, emailed_at=None).update(
        status=AgendaDispatch.Status.FAILED if retry_at else AgendaDispatch.Status.ABANDONED,
        next_attempt_at=retry_at,
    )


# A sending still queued this long after it was made never reached a worker
# (the process died between the commit and the publish, Redis was flushed).
AGENDA_ORPHAN_AFTER = dt.timedelta(minutes=10)
# A failed sending whose retry is this late was not retried by a worker
# (eager mode has none; a retry message lost with the broker): the sweep does.
AGENDA_RETRY_LATE = dt.timedelta(minutes=5)
# The first try and five retries; then a human decides ("send again").
AGENDA_MAX_ATTEMPTS = 6


def agenda_emails_requeue(*, now=None) -> dict:
    """The sweep's part for agendas: queue again what failed or never went out.

    Only for meetings still ahead (an agenda after the meeting is noise);
    sendings out of attempts, or whose meeting has started, are given up and
    shown as such on the meeting page. Harmless next to a slow first task:
    the task claims its row, so the second finds it claimed and does nothing.
    """
    from .tasks import agenda_email_send

    now = now or timezone.now()
    undelivered = AgendaDispatch.objects.filter(
        emailed_at=None,
        status__in=[AgendaDispatch.Status.QUEUED, AgendaDispatch.Status.FAILED],
    )
    gave_up = undelivered.filter(
        Q(meeting__start__lte=now)
        | ~Q(meeting__status=Meeting.Status.PLANNED)
        | Q(attempts__gte=AGENDA_MAX_ATTEMPTS)
    ).update(status=AgendaDispatch.Status.ABANDONED, next_attempt_at=None)
    due = undelivered.filter(
        Q(status=AgendaDispatch.Status.QUEUED, sent_at__lte=now - AGENDA_ORPHAN_AFTER)
        | Q(
            status=AgendaDispatch.Status.FAILED,
            next_attempt_at__lte=now - AGENDA_RETRY_LATE,
        )
        | Q(status=AgendaDispatch.Status.FAILED, next_attempt_at__isnull=True),
        meeting__start__gt=now,
        meeting__status=Meeting.Status.PLANNED,
    ).values_list("pk", "meeting_id")[:500]
    due = list(due)
    for dispatch_id, meeting_id in due:
        transaction.on_commit(
            lambda d=dispatch_id, m=meeting_id: agenda_email_send.delay(m, d), robust=True
        )
    counts = {}
    if due:
        counts["agendas_requeued"] = len(due)
    if gave_up:
        counts["agendas_abandoned"] = gave_up
    return counts


def _agenda_messages(dispatch_id: int) -> list[EmailMultiAlternatives]:
    """One email per recipient, in their language, with the PDF and the invite."""
    dispatch = AgendaDispatch.objects.select_related("meeting", "meeting__organiser").get(
        pk=dispatch_id
    )
    meeting = dispatch.meeting
    attendees = list(meeting.attendees.select_related("user", "contact"))
    by_pk = {a.pk: a for a in attendees}
    ics = meeting_ics(meeting, attendees, method="REQUEST")
    pdfs: dict[str, bytes] = {}
    messages = []
    for row in dispatch.recipients:
        attendee = by_pk.get(row["attendee"])
        language = (
            attendee.user.language if attendee and attendee.user_id else ""
        ) or settings.LANGUAGE_CODE
        with translation.override(language):
            ctx = {**agenda_context(meeting, internal=False), "recipient_name": row["name"]}
            subject = " ".join(render_text("emails/meetings/agenda_subject.txt", ctx).split())
            text = render_text("emails/meetings/agenda_body.txt", ctx)
            html = render_to_string("emails/meetings/agenda_body.html", ctx)
            if language not in pdfs:
                pdfs[language] = render_pdf("pdf/meetings/agenda.html", ctx)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row["email"]],
            reply_to=[meeting.organiser.email] if meeting.organiser.email else None,
        )
        message.attach_alternative(html, "text/html")
        message.attach(f"agenda-{meeting.pk}.pdf", pdfs[language], "application/pdf")
        message.attach(f"meeting-{meeting.pk}.ics", ics, "text/calendar; method=REQUEST")
        messages.append(message)
    return messages


# --- minutes: decisions and action items ----------------------------------------------


@transaction.atomic
def decision_add(*, actor: User, meeting: Meeting, text: str) -> Decision:
    _require_edit(actor, meeting)
    _require_open(meeting)
    decision = Decision.objects.create(meeting=meeting, text=text, created_by=actor)
    timeline_record(obj=meeting, action="decision", actor=actor, comment=text[:200])
    return decision


@transaction.atomic
def action_item_add(
    *, actor: User, meeting: Meeting, text: str, owner: User, due_date: dt.date
) -> ActionItem:
    _require_edit(actor, meeting)
    _require_open(meeting)
    if not meeting_access(owner, meeting).can_view:
        raise DomainError(ERR_ACTION_OWNER_OUTSIDE)
    check_in_range(due_date)
    item = ActionItem.objects.create(
        meeting=meeting, client_id=meeting.client_id, text=text, owner=owner, due_date=due_date
    )
    timeline_record(obj=meeting, action="action_item", actor=actor, comment=text[:200])
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            template="meetings/action_item",
            context={"item": item, "meeting": meeting},
            obj=meeting,
        )
    return item


@transaction.atomic
def action_item_done(
    *, actor: User, item: ActionItem, on_meeting: Meeting | None = None
) -> ActionItem:
    """Close an item, on its own meeting or on a later meeting of the same client."""
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    on_meeting = on_meeting or item.meeting
    if on_meeting.pk != item.meeting_id and (
        item.client_id is None or on_meeting.client_id != item.client_id
    ):
        raise DomainError(ERR_ACTION_OTHER_CLIENT)
    allowed = (
        item.owner_id == actor.pk
        or meeting_access(actor, item.meeting).can_edit
        or meeting_access(actor, on_meeting).can_edit
    )
    deny_unless(allowed, ERR_ACTION_NOT_YOURS)
    if item.done_at is not None:
        raise DomainError(ERR_ACTION_DONE)
    item.done_at = timezone.now()
    item.done_by = actor
    item.done_in = on_meeting
    item.save(update_fields=["done_at", "done_by", "done_in"])
    timeline_record(obj=on_meeting, action="action_item_done", actor=actor, comment=item.text[:200])
    return item


# --- presentations, rehearsals, rounds --------------------------------------------------


@transaction.atomic
def presentation_create(*, actor: User, data: dict) -> Meeting:
    """A presentation: its first round, presented in a new meeting."""
    client = data.get("client")
    if client is None:
        raise DomainError(ERR_CLIENT_REQUIRED)
    deny_unless(meeting_may_organise_for_client(actor, client), ERR_CLIENT_NOT_ALLOWED)
    check_in_range(data.get("start"))
    brief, work = data.get("brief"), data.get("creative_work")
    if brief is not None and not presentation_brief_choices(actor, client).filter(pk=brief.pk):
        raise DomainError(ERR_BRIEF_OTHER_CLIENT)
    if work is not None and not presentation_work_choices(actor, client).filter(pk=work.pk):
        raise DomainError(ERR_WORK_NOT_SHOWN)
    presentation = Presentation.objects.create(
        client=client,
        title=data["title"],
        brief=data.get("brief"),
        creative_work=data.get("creative_work"),
        created_by=actor,
    )
    meeting = Meeting(
        client=client, kind=Meeting.Kind.PRESENTATION, organiser=actor, created_by=actor
    )
    _assign(meeting, data, MEETING_FIELDS)
    meeting.save()
    Attendee.objects.create(meeting=meeting, user=actor)
    round_ = PresentationRound.objects.create(presentation=presentation, number=1, meeting=meeting)
    round_.presenters.add(actor)
    timeline_record(obj=meeting, action="presentation_created", actor=actor)
    return meeting


@transaction.atomic
def rehearsal_create(*, actor: User, presentation: Meeting, data: dict) -> Meeting:
    _require_edit(actor, presentation)
    if not presentation.is_presentation:
        raise DomainError(ERR_NOT_PRESENTATION)
    _require_open(presentation)
    _check_rehearsal(
        start=data["start"], duration_minutes=data["duration_minutes"], presentation=presentation
    )
    meeting = Meeting(
        client=presentation.client,
        kind=Meeting.Kind.REHEARSAL,
        rehearsal_for=presentation,
        organiser=actor,
        created_by=actor,
    )
    _assign(meeting, {"title": _rehearsal_title(presentation, actor), **data}, MEETING_FIELDS)
    if not meeting.purpose:
        with _in_language_of(actor):
            meeting.purpose = str(_("Rehearse the presentation internally."))
    meeting.save()
    # The presenters and the agency people of the presentation rehearse it.
    users = {a.user_id for a in presentation.attendees.filter(user__isnull=False)}
    round_ = PresentationRound.objects.filter(meeting=presentation).first()
    if round_ is not None:
        users |= set(round_.presenters.values_list("pk", flat=True))
    users.add(actor.pk)
    Attendee.objects.bulk_create([Attendee(meeting=meeting, user_id=pk) for pk in sorted(users)])
    timeline_record(obj=meeting, action="created", actor=actor)
    timeline_record(obj=presentation, action="rehearsal_planned", actor=actor)
    return meeting


def _in_language_of(user: User):
    """Stored titles are written once, in the organiser's language."""
    return translation.override(user.language or settings.LANGUAGE_CODE)


def _rehearsal_title(presentation: Meeting, actor: User) -> str:
    with _in_language_of(actor):
        return str(_("Rehearsal: %(title)s") % {"title": presentation.title})[:200]


@transaction.atomic
def round_storyline_save(*, actor: User, round: PresentationRound, data: dict) -> PresentationRound:
    meeting = round.meeting
    _require_edit(actor, meeting)
    _require_open(meeting)
    round = PresentationRound.objects.select_for_update().get(pk=round.pk)
    if round.outcome != PresentationRound.Outcome.PENDING:
        raise DomainError(ERR_OUTCOME_RECORDED)
    changed = _assign(round, data, STORYLINE_FIELDS)
    if changed:
        round.save(update_fields=changed)
    if "presenters" in data:
        presenters = {u.pk for u in data["presenters"]}
        allowed = round_presenter_choices(meeting).filter(pk__in=presenters).count()
        if allowed != len(presenters):
            raise DomainError(ERR_PRESENTER_OUTSIDE)
        round.presenters.set(data["presenters"])
    if "decision_makers" in data:
        contacts = {c.pk for c in data["decision_makers"]}
        if meeting_contacts(meeting).filter(pk__in=contacts).count() != len(contacts):
            raise DomainError(ERR_CONTACT_OTHER_CLIENT)
        round.decision_makers.set(data["decision_makers"])
    timeline_record(obj=meeting, action="storyline", actor=actor, data={"fields": changed})
    return round


def material_add(*, actor: User, round: PresentationRound, data: dict) -> SupportingMaterial:
    """A link or an uploaded file; an upload whose transaction rolls back leaves no file."""
    with files_kept_only_on_commit() as keep, transaction.atomic():
        _require_edit(actor, round.meeting)
        _require_open(round.meeting)
        material = SupportingMaterial(round=round)
        _assign(material, data, ("kind", "title", "url", "file", "ready"))
        material.save()  # stores the upload
        keep(material.file)
        timeline_record(
            obj=round.meeting, action="material_added", actor=actor, comment=material.title
        )
    return material


@transaction.atomic
def material_remove(*, actor: User, material: SupportingMaterial) -> None:
    meeting = material.round.meeting
    _require_edit(actor, meeting)
    _require_open(meeting)
    title = material.title
    if material.file:
        name = material.file.name
        storage = material.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    material.delete()
    timeline_record(obj=meeting, action="material_removed", actor=actor, comment=title)


@transaction.atomic
def round_outcome_record(
    *, actor: User, round: PresentationRound, outcome: str, client_feedback: str
) -> PresentationRound:
    meeting = round.meeting
    _require_edit(actor, meeting)
    round = PresentationRound.objects.select_for_update().get(pk=round.pk)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    if round.outcome != PresentationRound.Outcome.PENDING:
        raise DomainError(ERR_OUTCOME_RECORDED)
    if outcome not in (
        PresentationRound.Outcome.ACCEPTED,
        PresentationRound.Outcome.REVISE,
        PresentationRound.Outcome.REJECTED,
    ):
        raise DomainError(ERR_OUTCOME_FEEDBACK)
    if meeting.start > timezone.now():
        raise DomainError(ERR_OUTCOME_BEFORE)
    if outcome != PresentationRound.Outcome.ACCEPTED and not client_feedback.strip():
        raise DomainError(ERR_OUTCOME_FEEDBACK)
    now = timezone.now()
    round.outcome = outcome
    round.client_feedback = client_feedback
    round.outcome_recorded_at = now
    round.save(update_fields=["outcome", "client_feedback", "outcome_recorded_at"])
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.HELD
        meeting.held_at = now
        meeting.save(update_fields=["status", "held_at", "updated_at"])
    presentation = round.presentation
    final = {
        PresentationRound.Outcome.ACCEPTED: Presentation.Status.ACCEPTED,
        PresentationRound.Outcome.REJECTED: Presentation.Status.REJECTED,
    }.get(outcome)
    if final:
        presentation.status = final
        presentation.save(update_fields=["status"])
    timeline_record(
        obj=meeting,
        action=f"outcome_{outcome}",
        actor=actor,
        comment=client_feedback,
    )
    publish("presentation.outcome", round)
    return round


@transaction.atomic
def round_open_next(
    *,
    actor: User,
    round: PresentationRound,
    failure_cause: str,
    failure_note: str,
    start,
    duration_minutes: int,
    location: str = "",
) -> PresentationRound:
    """Record why round N failed (cause and note); open round N+1 in a new meeting.

    What the re-presentation cost is the time entries of activity
    "Re-presentation" (billing), not a figure typed here.
    """
    previous_meeting = round.meeting
    _require_edit(actor, previous_meeting)
    round = PresentationRound.objects.select_for_update().get(pk=round.pk)
    if round.outcome != PresentationRound.Outcome.REVISE:
        raise DomainError(ERR_ROUND_NOT_REVISE)
    if round.failure_cause or round.presentation.rounds.filter(number__gt=round.number).exists():
        raise DomainError(ERR_ROUND_EXISTS)
    if failure_cause not in PresentationRound.FailureCause.values:
        raise DomainError(ERR_ROUND_CAUSE_REQUIRED)
    if not failure_note.strip():
        raise DomainError(ERR_ROUND_NOTE_REQUIRED)
    check_in_range(start)
    round.failure_cause = failure_cause
    round.failure_note = failure_note.strip()
    round.save(update_fields=["failure_cause", "failure_note"])
    number = round.number + 1
    meeting = Meeting.objects.create(
        client=previous_meeting.client,
        kind=Meeting.Kind.PRESENTATION,
        title=_round_title(round.presentation.title, number, actor),
        purpose=previous_meeting.purpose,
        start=start,
        duration_minutes=duration_minutes,
        location=location,
        organiser=actor,
        created_by=actor,
    )
    Attendee.objects.bulk_create(
        [
            Attendee(
                meeting=meeting,
                user_id=a.user_id,
                contact_id=a.contact_id,
                receives_agenda=a.receives_agenda,
            )
            for a in previous_meeting.attendees.all()
        ]
    )
    if not meeting.attendees.filter(user=actor).exists():
        Attendee.objects.create(meeting=meeting, user=actor)
    # The storyline starts from the previous round's; the team rewrites it.
    new_round = PresentationRound.objects.create(
        presentation=round.presentation,
        number=number,
        meeting=meeting,
        opening_remarks=round.opening_remarks,
        flow=round.flow,
        closing_remarks=round.closing_remarks,
    )
    new_round.presenters.set(round.presenters.all())
    new_round.decision_makers.set(round.decision_makers.all())
    timeline_record(
        obj=previous_meeting,
        action="round_failed",
        actor=actor,
        comment=failure_note,
        data={"cause": failure_cause},
    )
    timeline_record(obj=meeting, action="round_opened", actor=actor, data={"round": number})
    return new_round


def _round_title(title: str, number: int, actor: User) -> str:
    with _in_language_of(actor):
        return str(_("%(title)s (round %(number)s)") % {"title": title, "number": number})[:200]


# --- calendar feed tokens -------------------------------------------------------------


@transaction.atomic
def feed_token_create(*, actor: User) -> CalendarFeedToken:
    """A new secret feed URL; any earlier one stops working."""
    CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarFeedToken.objects.create(user=actor)


@transaction.atomic
def feed_token_revoke(*, actor: User) -> int:
    return CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
