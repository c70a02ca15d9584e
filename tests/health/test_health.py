import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from agency.models import Notification
from agency.reminders import sweep
from health import score as S
from health.models import HealthSnapshot, HealthWeights
from health.selectors import Facts, health_for, health_from_facts
from health.services import health_snapshot_week
from tests.billing.factories import IssuedInvoiceFactory
from tests.factories import CheckInFactory, UserFactory

WORKED_EXAMPLE = Facts(
    plan_status="approved",
    days_since_checkin=20,
    cadence_days=14,
    presentations=3,
    rehearsed=2,
    first_rounds=2,
    first_round_accepted=1,
    worst_overdue_days=45,
    actions_due=5,
    actions_on_time=4,
)


def test_worked_example_gives_64_amber(db):
    health = health_from_facts(1, WORKED_EXAMPLE, S.DEFAULT_WEIGHTS)
    assert health.score == 64
    assert health.band == S.AMBER
    assert [line.measure for line in health.lines] == list(S.MEASURES)
    assert all(line.fix_url for line in health.lines)


def test_measure_points():
    assert S.checkin_points(14, 14) == 100
    assert S.checkin_points(20, 14) == 60
    assert S.checkin_points(42, 14) == 30
    assert S.checkin_points(43, 14) == 0
    assert S.overdue_points(None) == 100
    assert [S.overdue_points(d) for d in (1, 30, 31, 60, 61, 90, 91)] == [70, 70, 40, 40, 15, 15, 0]
    assert [S.plan_points(s) for s in ("approved", "submitted", "draft", None)] == [100, 50, 0, 0]


def test_bands():
    assert [S.band_for(x) for x in (76, 75, 51, 50, None)] == [
        S.GREEN,
        S.AMBER,
        S.AMBER,
        S.RED,
        S.UNKNOWN,
    ]


def test_weights_renormalise_over_measures_with_data():
    # plan 100 [15], overdue 40 [20], check-in 60 [15]: (1500 + 800 + 900) / 50 = 64
    points = {"plan": 100, "overdue": 40, "checkin": 60, "rehearsed": None}
    assert S.combine(points, S.DEFAULT_WEIGHTS) == (64, 3)


def test_fewer_than_three_measures_is_not_enough_data(db):
    assert S.combine({"plan": 100, "overdue": 100}, S.DEFAULT_WEIGHTS) == (None, 2)
    health = health_from_facts(1, Facts(plan_status="approved"), S.DEFAULT_WEIGHTS)
    assert health.score is None and health.band == S.UNKNOWN


def test_admin_weights_are_used(db, cast):
    HealthWeights.objects.create(
        plan=100, checkin=0, rehearsed=0, first_round=0, overdue=0, actions=0
    )
    CheckInFactory(client=cast.client, author=cast.am, date=timezone.localdate())
    # plan (none: 0) is the only weighted measure with data: fewer than three
    assert health_for([cast.client.pk])[cast.client.pk].score is None
    HealthWeights.objects.update(overdue=100, checkin=100)
    assert health_for([cast.client.pk])[cast.client.pk].score == 67  # (0 + 100 + 100) / 3


def _make_red(client, author, today):
    # no plan (0), last check-in 100 days ago (0), nothing overdue (100): 40, red
    CheckInFactory(client=client, author=author, date=today - dt.timedelta(days=100))


def test_facts_from_the_database(db, cast):
    today = timezone.localdate()
    _make_red(cast.client, cast.am, today)
    IssuedInvoiceFactory(
        client=cast.client,
        created_by=cast.am,
        issue_date=today - dt.timedelta(days=80),
        due_date=today - dt.timedelta(days=45),
        total=Decimal("100.00"),
    )
    health = health_for([cast.client.pk], today)[cast.client.pk]
    # plan 0 [15], check-in 0 [15], overdue 45 days 40 [20]: 800 / 50 = 16
    assert health.score == 16 and health.band == S.RED


def test_snapshot_run_twice_leaves_one_row_per_client_and_week(db, cast):
    assert health_snapshot_week() == 2  # client and other_client
    assert health_snapshot_week() == 0
    week = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    assert HealthSnapshot.objects.filter(client=cast.client, week=week).count() == 1
    assert HealthSnapshot.objects.count() == 2


def test_turning_red_sends_one_reminder_to_lead_and_ads(
    db, cast, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    _make_red(cast.client, cast.am, today)
    health_snapshot_week(today)
    snap = HealthSnapshot.objects.get(client=cast.client)
    assert snap.band == S.RED and snap.turned_red
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
        sweep()
    told = Notification.objects.filter(kind="reminder.health_turned_red")
    assert sorted(n.recipient.username for n in told) == sorted(
        [cast.am.username, cast.ad.username]
    )
    assert len(mailoutbox) == 2 and all(str(cast.client) in m.subject for m in mailoutbox)


def test_staying_red_next_week_does_not_turn_red_again(db, cast):
    today = timezone.localdate()
    _make_red(cast.client, cast.am, today)
    health_snapshot_week(today - dt.timedelta(days=7))
    health_snapshot_week(today)
    this_week = HealthSnapshot.objects.filter(client=cast.client).order_by("-week").first()
    assert this_week.band == S.RED and not this_week.turned_red


def test_health_list_is_scoped(db, cast, client):
    _make_red(cast.client, cast.am, timezone.localdate())
    client.force_login(cast.outsider)
    page = client.get(reverse("health:client_health")).content.decode()
    assert cast.client.name not in page
    client.force_login(cast.ae)
    page = client.get(reverse("health:client_health") + "?band=red").content.decode()
    assert cast.client.name in page and cast.other_client.name not in page


def test_client_page_shows_the_badge_and_fixes(db, cast, client):
    _make_red(cast.client, cast.am, timezone.localdate())
    client.force_login(cast.am)
    page = client.get(cast.client.get_absolute_url()).content.decode()
    assert 'data-health="red"' in page
    assert "Log a check-in" in page
    other = UserFactory()
    assert other.pk
