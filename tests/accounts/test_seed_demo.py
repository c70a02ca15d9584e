from django.core.management import call_command

from accounts.management.commands.seed_demo import DEMO_USERS
from accounts.models import CheckIn, Client, Party, TeamMembership, User
from agency.roles import Role


def counts():
    return (
        User.objects.count(),
        Client.objects.count(),
        TeamMembership.objects.count(),
        CheckIn.objects.count(),
        Party.objects.count(),
    )


def test_seed_demo_is_idempotent_and_has_one_login_per_role(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    roles = set(
        User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("role", flat=True)
    )
    assert roles == {r.value for r in Role}
    real_estate = Client.objects.get(short_name="华远")
    assert real_estate.industry == Client.Industry.REAL_ESTATE
    assert 3 <= real_estate.parties.count() <= 4
    assert Client.objects.count() >= 3
    assert User.objects.get(username="am").check_password("demo12345")


def test_seed_demo_scale_multiplies_clients_users_and_check_ins(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = counts()
    call_command("seed_demo", "--scale", "2", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = counts()
    assert after[0] - before[0] == 10
    assert after[1] - before[1] == 20
    assert after[3] - before[3] == 100
