"""Each app registers its own reminder rules; agency sweeps what is registered."""

import pytest

from agency.reminders import registry
from agency.reminders.base import Rule


def test_every_designed_reminder_is_registered_by_the_app_that_owns_it():
    owners = {rule.kind: type(rule).__module__ for rule in registry.all_rules()}
    assert owners == {
        "invoice_not_issued": "billing.reminders",
        "invoice_due_soon": "billing.reminders",
        "invoice_overdue": "billing.reminders",
        "presentation_not_rehearsed": "meetings.reminders",
        "rehearsal_upcoming": "meetings.reminders",
        "agenda_not_sent": "meetings.reminders",
        "action_item": "meetings.reminders",
        "plan_approval_waiting": "plans.reminders",
        "brief_approval_waiting": "briefs.reminders",
        "health_turned_red": "health.reminders",
    }


def test_rule_for_finds_a_registered_kind_and_nothing_else():
    assert type(registry.rule_for("invoice_overdue")).__name__ == "InvoiceOverdue"
    assert registry.rule_for("no_such_kind") is None


def test_two_rules_cannot_share_a_kind():
    class Impostor(Rule):
        kind = "invoice_overdue"

    with pytest.raises(ValueError, match="invoice_overdue"):
        registry.register(Impostor())
    assert type(registry.rule_for("invoice_overdue")).__name__ == "InvoiceOverdue"


def test_registering_the_same_rule_again_is_harmless():
    rule = registry.rule_for("action_item")
    registry.register(type(rule)())
    assert len([r for r in registry.all_rules() if r.kind == "action_item"]) == 1
