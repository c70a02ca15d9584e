"""Two people saving the same draft at the same moment, on PostgreSQL."""

import threading

import pytest
from django.db import connection

from plans import services
from plans.models import AccountPlan

from .factories import complete_plan


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_version_one_wins_one_is_refused(require_postgres, cast):
    plan = complete_plan(cast.client)
    version = plan.version
    barrier = threading.Barrier(2)
    results = {}

    def save(actor, goals):
        try:
            barrier.wait(timeout=10)
            services.plan_save(
                actor=actor,
                plan=AccountPlan.objects.get(pk=plan.pk),
                version=version,
                data={"annual_goals": goals},
            )
            results[actor.username] = "saved"
        except services.StalePlanError as e:
            results[actor.username] = ("stale", e.current.annual_goals)
        finally:
            # This thread's own connection: close it whatever CONN_MAX_AGE says,
            # or the test database cannot be dropped afterwards.
            connection.close()

    threads = [
        threading.Thread(target=save, args=(cast.am, "AM 的版本")),
        threading.Thread(target=save, args=(cast.ae, "AE 的版本")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    outcomes = sorted(results.values(), key=str)
    assert outcomes.count("saved") == 1, results
    winner = next(u for u, r in results.items() if r == "saved")
    loser = next(r for r in results.values() if r != "saved")
    plan.refresh_from_db()
    assert plan.version == version + 1
    expected = "AM 的版本" if winner == cast.am.username else "AE 的版本"
    assert plan.annual_goals == expected
    # The refused one was shown the winner's values.
    assert loser == ("stale", expected)
