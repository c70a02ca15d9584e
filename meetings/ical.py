"""iCalendar (.ics) for invites, downloads and the personal feed.

Times carry TZID=Asia/Shanghai (the settings' TIME_ZONE) with a VTIMEZONE
component, so calendar programs in any zone place the meeting right.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODID = "-//Agency Accounts//Meetings//EN"


def _uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":")[0] or "agency"
    return f"meeting-{meeting.pk}@{host}"


def _address(email: str, name: str, role: str = "REQ-PARTICIPANT") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    address.params["role"] = vText(role)
    return address


def meeting_event(
    meeting: Meeting, attendees=None, *, description: str = "", organiser: bool = True
) -> Event:
    """One VEVENT. `organiser=False` (the personal feed) leaves out the
    organiser's address: a feed URL is a bearer secret calendar services keep."""
    tz = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.start.astimezone(tz))
    event.add("dtend", meeting.end.astimezone(tz))
    event.add("summary", meeting.title)
    event.add("description", description or meeting.purpose)
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", f"{settings.SITE_URL}{meeting.get_absolute_url()}")
    # A later sending supersedes earlier ones in the recipient's calendar.
    event.add("sequence", int(meeting.updated_at.timestamp()) if meeting.updated_at else 0)
    if meeting.status == Meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    if organiser and meeting.organiser.email:
        person = meeting.organiser
        event.add("organizer", _address(person.email, person.full_name, "CHAIR"))
    for attendee in attendees if attendees is not None else meeting.attendees.all():
        if attendee.email:
            event.add("attendee", _address(attendee.email, attendee.name), encode=0)
    return event


def calendar_bytes(events, *, method: str = "", name: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def meeting_ics(meeting: Meeting, attendees=None, *, method: str = "PUBLISH") -> bytes:
    return calendar_bytes([meeting_event(meeting, attendees)], method=method)
