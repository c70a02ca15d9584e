"""Which notification kinds a channel may be routed: every reminder rule
registered with agency, and the workflow notifications (their template names).
"""

from django.utils.translation import gettext_lazy as _

from agency.reminders.registry import all_rules, rule_for

NOTIFICATION_KINDS = {
    "plans/submitted": _("Account plan submitted"),
    "plans/agreed": _("Account plan agreed"),
    "plans/returned": _("Account plan returned"),
    "plans/signed_off": _("Account plan signed off"),
    "briefs/step": _("Brief moved on"),
    "meetings/agenda_sent": _("Agenda sent"),
    "meetings/action_item": _("Action item assigned"),
    "billing/invoice_requested": _("Invoice requested"),
    "billing/invoice_returned": _("Invoice request returned"),
    "billing/invoice_issued": _("Invoice issued"),
    "billing/invoice_voided": _("Invoice voided"),
}


def _rule(kind: str):
    return rule_for(kind.removeprefix("reminder.")) if kind.startswith("reminder.") else None


def is_billing(kind: str) -> bool:
    """Billing kinds may carry amounts, and never go to a client team's group."""
    if kind.startswith("billing/"):
        return True
    rule = _rule(kind)
    return rule is not None and type(rule).__module__.split(".")[0] == "billing"


def label_of(kind: str):
    rule = _rule(kind)
    if rule is not None:
        return rule.label
    return NOTIFICATION_KINDS.get(kind, kind)


def choices(*, billing: bool = True) -> list[tuple[str, object]]:
    reminders = [(f"reminder.{rule.kind}", rule.label) for rule in all_rules()]
    found = sorted(reminders, key=lambda c: c[0]) + list(NOTIFICATION_KINDS.items())
    return [(k, label) for k, label in found if billing or not is_billing(k)]
