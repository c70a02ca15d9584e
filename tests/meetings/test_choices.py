"""Every related-object choice of every meetings form is this client's (issue 10,
bug 7): the form offers only those, a hand-made POST with another client's id
is a form error with nothing changed, and the service refuses it on its own."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from briefs.models import CreativeWork
from meetings import services
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Meeting,
    Presentation,
    PresentationRound,
    RoomSetupItem,
)
from tests.briefs.factories import BriefFactory
from tests.factories import ContactFactory
from tests.helpers import assert_refused, unchanged

from .factories import presentation_meeting


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def work(brief, version=1, previous=None, status=CreativeWork.Status.SUBMITTED, by=None):
    return CreativeWork.objects.create(
        brief=brief,
        title="Metro film",
        version=version,
        previous=previous,
        status=status,
        submitted_by=by or brief.author,
    )


@pytest.fixture
def briefs(cast):
    """This client's brief with v1 (superseded) and v2 of a work; another client's
    brief and work. The AM is on both teams, so only the rule keeps them apart."""
    from accounts.models import TeamMembership

    TeamMembership.objects.create(client=cast.other_client, user=cast.am, team_role="am")
    own = BriefFactory(client=cast.client, author=cast.am, title="Own brief")
    v1 = work(own, status=CreativeWork.Status.SUPERSEDED)
    v2 = work(own, version=2, previous=v1)
    foreign = BriefFactory(client=cast.other_client, author=cast.am, title="Foreign brief")
    foreign_work = work(foreign)
    return own, v1, v2, foreign, foreign_work


def presentation_post(client, **extra):
    from .factories import in_days

    return {
        "client": client.pk,
        "title": "Spring",
        "purpose": "p",
        "start": local(in_days(4)),
        "duration_minutes": 60,
        **extra,
    }


# --- new meeting, new presentation ---------------------------------------------------------


def test_new_meeting_refuses_a_client_whose_team_the_user_is_not_on(cast, as_user):
    response = as_user(cast.am).post(
        reverse("meetings:meeting_create"), presentation_post(cast.other_client, kind="client")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["client"]
    assert not Meeting.objects.exists()


def test_new_presentation_offers_only_this_clients_briefs_and_latest_work(cast, briefs, as_user):
    own, _v1, v2, foreign, _foreign_work = briefs
    url = reverse("meetings:presentation_create")
    form = as_user(cast.am).get(url, {"client": cast.client.pk}).context["form"]
    assert list(form.fields["brief"].queryset) == [own]
    assert list(form.fields["creative_work"].queryset) == [v2]
    # the other client's page offers its own, never ours
    form = as_user(cast.am).get(url, {"client": cast.other_client.pk}).context["form"]
    assert list(form.fields["brief"].queryset) == [foreign]
    # no client chosen yet (two to choose from): nothing offered until one is
    form = as_user(cast.am).get(url).context["form"]
    assert not form.fields["brief"].queryset.exists()
    assert not form.fields["creative_work"].queryset.exists()


@pytest.mark.parametrize(
    ("field", "pick", "error"),
    [
        ("brief", lambda b: b[3], services.ERR_BRIEF_OTHER_CLIENT),  # another client's
        ("creative_work", lambda b: b[4], services.ERR_WORK_NOT_SHOWN),  # another client's
        ("creative_work", lambda b: b[1], services.ERR_WORK_NOT_SHOWN),  # superseded
    ],
)
def test_new_presentation_refuses_a_hand_made_id(cast, briefs, as_user, field, pick, error):
    response = as_user(cast.am).post(
        reverse("meetings:presentation_create"),
        presentation_post(cast.client, **{field: pick(briefs).pk}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [str(error)]
    assert not Presentation.objects.exists() and not Meeting.objects.exists()
    # and the service, on its own
    assert_refused(
        services.presentation_create,
        error,
        actor=cast.am,
        data={
            "client": cast.client,
            "title": "x",
            "purpose": "p",
            "start": timezone.now() + dt.timedelta(days=3),
            "duration_minutes": 60,
            field: pick(briefs),
        },
    )
    assert not Presentation.objects.exists()


def test_new_presentation_refuses_another_clients_id_for_the_client(cast, as_user):
    response = as_user(cast.am).post(
        reverse("meetings:presentation_create"), presentation_post(cast.other_client)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["client"]
    assert not Presentation.objects.exists()


def test_new_presentation_with_this_clients_latest_work_is_planned(cast, briefs, as_user):
    own, _v1, v2, _foreign, _work = briefs
    response = as_user(cast.am).post(
        reverse("meetings:presentation_create"),
        presentation_post(cast.client, creative_work=v2.pk),
    )
    assert response.status_code == 302
    presentation = Presentation.objects.get()
    assert (presentation.brief, presentation.creative_work) == (own, v2)


# --- attendees ------------------------------------------------------------------------------


def test_attendee_choices_are_the_team_and_this_clients_contacts(cast, meeting, as_user):
    form = as_user(cast.am).get(reverse("meetings:attendee_add", args=[meeting.pk])).context["form"]
    users = set(form.fields["user"].queryset)
    assert {cast.am, cast.copywriter, cast.crossover, cast.bd, cast.md} <= users
    assert not {cast.outsider, cast.finance, cast.departed} & users
    other_contact = ContactFactory(client=cast.other_client)
    assert cast.contact in form.fields["contact"].queryset
    assert other_contact not in form.fields["contact"].queryset


@pytest.mark.parametrize("field", ["user", "contact"])
def test_attendee_form_refuses_a_hand_made_id_of_another_client(cast, meeting, as_user, field):
    other = cast.outsider if field == "user" else ContactFactory(client=cast.other_client)
    before = list(Attendee.objects.values_list("pk", flat=True))
    response = as_user(cast.am).post(
        reverse("meetings:attendee_add", args=[meeting.pk]), {field: other.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert list(Attendee.objects.values_list("pk", flat=True)) == before


def test_attendee_service_refuses_people_off_the_team_and_other_clients_contacts(cast, meeting):
    before = Attendee.objects.count()
    assert_refused(
        services.attendee_add,
        services.ERR_ATTENDEE_OUTSIDE,
        actor=cast.am,
        meeting=meeting,
        user=cast.outsider,
    )
    assert_refused(
        services.attendee_add,
        services.ERR_CONTACT_OTHER_CLIENT,
        actor=cast.am,
        meeting=meeting,
        contact=ContactFactory(client=cast.other_client),
    )
    assert Attendee.objects.count() == before


# --- room set-up, agenda, action items ----------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "model", "field", "row"),
    [
        ("room_setup", RoomSetupItem, "responsible", {"rows-0-label": "Tea"}),
        ("agenda_edit", AgendaItem, "owner", {"rows-0-topic": "Intro", "rows-0-minutes": "5"}),
    ],
)
def test_formset_person_refuses_someone_who_does_not_see_the_meeting(
    cast, meeting, as_user, url_name, model, field, row
):
    url = reverse(f"meetings:{url_name}", args=[meeting.pk])
    people = as_user(cast.am).get(url).context["formset"].forms[0].fields[field].queryset
    assert cast.ae in people and cast.outsider not in people
    before = list(model.objects.values_list())
    response = as_user(cast.am).post(
        url,
        {
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "0",
            f"rows-0-{field}": cast.outsider.pk,
            **row,
        },
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field]
    assert list(model.objects.values_list()) == before


def test_agenda_service_refuses_an_owner_who_does_not_see_the_meeting(cast, meeting):
    before = list(AgendaItem.objects.values_list())
    assert_refused(
        services.agenda_items_save,
        services.ERR_PERSON_OUTSIDE,
        actor=cast.am,
        meeting=meeting,
        rows=[{"id": None, "topic": "x", "minutes": 5, "owner": cast.outsider}],
    )
    assert list(AgendaItem.objects.values_list()) == before


def test_action_item_owner_refuses_a_hand_made_id(cast, meeting, as_user):
    response = as_user(cast.am).post(
        reverse("meetings:action_item_add", args=[meeting.pk]),
        {"text": "x", "owner": cast.outsider.pk, "due_date": "2030-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"]
    assert not ActionItem.objects.exists()


# --- storyline: presenters and decision makers --------------------------------------------


def test_storyline_offers_the_team_and_this_clients_contacts(cast, as_user):
    m, _round = presentation_meeting(client=cast.client, organiser=cast.am)
    other_contact = ContactFactory(client=cast.other_client)
    form = as_user(cast.am).get(reverse("meetings:storyline_edit", args=[m.pk])).context["form"]
    presenters = set(form.fields["presenters"].queryset)
    assert {cast.am, cast.cd, cast.crossover} <= presenters
    assert not {cast.outsider, cast.md, cast.departed} & presenters
    assert list(form.fields["decision_makers"].queryset) == [cast.contact]
    assert other_contact not in form.fields["decision_makers"].queryset


@pytest.mark.parametrize("field", ["presenters", "decision_makers"])
def test_storyline_refuses_a_hand_made_id_of_another_client(cast, as_user, field):
    m, round_ = presentation_meeting(client=cast.client, organiser=cast.am)
    other = cast.outsider if field == "presenters" else ContactFactory(client=cast.other_client)
    with unchanged(round_):
        response = as_user(cast.am).post(
            reverse("meetings:storyline_edit", args=[m.pk]),
            {"opening_remarks": "Hello", field: [other.pk]},
        )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not getattr(PresentationRound.objects.get(pk=round_.pk), field).exists()


@pytest.mark.parametrize(
    ("field", "error"),
    [
        ("presenters", services.ERR_PRESENTER_OUTSIDE),
        ("decision_makers", services.ERR_CONTACT_OTHER_CLIENT),
    ],
)
def test_storyline_service_refuses_another_clients_people(cast, field, error):
    _m, round_ = presentation_meeting(client=cast.client, organiser=cast.am)
    other = cast.outsider if field == "presenters" else ContactFactory(client=cast.other_client)
    with unchanged(round_):
        assert_refused(
            services.round_storyline_save,
            error,
            actor=cast.am,
            round=round_,
            data={"opening_remarks": "Hello", field: [other]},
        )
    assert not getattr(round_, field).exists()
