import pytest

from plans import services

from .factories import complete_plan


@pytest.fixture
def draft_plan(cast):
    return complete_plan(cast.client)


@pytest.fixture
def submitted_plan(cast, draft_plan):
    return services.plan_submit(actor=cast.am, plan=draft_plan)


@pytest.fixture
def agreed_plan(cast, submitted_plan):
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree", comment="OK")
    services.plan_review(actor=cast.cd, plan=submitted_plan, decision="agree")
    submitted_plan.refresh_from_db()
    return submitted_plan


@pytest.fixture
def approved_plan(cast, agreed_plan):
    return services.plan_sign_off(actor=cast.md, plan=agreed_plan, comment="好")
