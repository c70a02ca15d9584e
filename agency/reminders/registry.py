"""The reminder rules each app registers in its AppConfig.ready().

    from agency.reminders import registry
    registry.register(InvoiceOverdue())

`agency` imports no app: the engine sweeps whatever is registered here, and
the object pages label sent reminders by asking `rule_for(kind)`. A rule lives
in `<app>/reminders.py` beside the workflow whose rule it is.
"""

from .base import Rule

_rules: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Register one rule instance; its `kind` is the log's key, so it must be unique."""
    existing = _rules.get(rule.kind)
    if existing is not None and type(existing) is not type(rule):
        raise ValueError(f"two reminder rules share the kind {rule.kind!r}")
    _rules[rule.kind] = rule
    return rule


def all_rules() -> list[Rule]:
    return list(_rules.values())


def rule_for(kind: str) -> Rule | None:
    return _rules.get(kind)
