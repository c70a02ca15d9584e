import pytest

from .factories import AgendaItemFactory, AttendeeFactory, MeetingFactory, presentation_meeting


@pytest.fixture
def meeting(cast):
    """A planned client meeting organised by the AM, with two agenda items."""
    m = MeetingFactory(client=cast.client, organiser=cast.am, title="Quarterly review")
    AttendeeFactory(meeting=m, user=cast.am)
    AttendeeFactory(meeting=m, user=cast.ae)
    AttendeeFactory(meeting=m, contact=cast.contact)
    AgendaItemFactory(meeting=m, position=1, topic="Sales figures", minutes=20, owner=cast.am)
    AgendaItemFactory(meeting=m, position=2, topic="Next campaign", minutes=30, owner=cast.ae)
    return m


@pytest.fixture
def presentation(cast):
    """A planned presentation (round 1) by the AM, five days ahead."""
    m, _round = presentation_meeting(client=cast.client, organiser=cast.am)
    AttendeeFactory(meeting=m, user=cast.am)
    return m
