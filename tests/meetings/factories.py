import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Meeting,
    Presentation,
    PresentationRound,
)
from tests.factories import ClientFactory, UserFactory


def in_days(days: float, hour: int = 10) -> dt.datetime:
    base = timezone.localtime() + dt.timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    client = factory.SubFactory(ClientFactory)
    kind = Meeting.Kind.CLIENT
    title = factory.Sequence(lambda n: f"Meeting {n}")
    purpose = "Agree the campaign direction"
    start = factory.LazyFunction(lambda: in_days(3))
    duration_minutes = 60
    location = "Room A"
    organiser = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("organiser")


class AttendeeFactory(DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    topic = factory.Sequence(lambda n: f"Topic {n}")
    minutes = 15


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    client = factory.SelfAttribute("meeting.client")
    text = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=5))


class PresentationFactory(DjangoModelFactory):
    class Meta:
        model = Presentation

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Campaign {n}")
    created_by = factory.SubFactory(UserFactory)


def presentation_meeting(*, client, organiser, start=None, number=1, presentation=None, **kw):
    """A presentation meeting with its round (round 1 unless told)."""
    presentation = presentation or PresentationFactory(client=client, created_by=organiser)
    meeting = MeetingFactory(
        client=client,
        kind=Meeting.Kind.PRESENTATION,
        organiser=organiser,
        title=presentation.title,
        start=start or in_days(5),
        **kw,
    )
    round_ = PresentationRound.objects.create(
        presentation=presentation, number=number, meeting=meeting
    )
    return meeting, round_
