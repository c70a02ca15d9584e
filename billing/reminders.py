"""Billing's reminders (DESIGN.md "Reminders"), registered in BillingConfig.ready().

| kind | to whom | when (occurrence key) |
|---|---|---|
| invoice_not_issued | finance | 1 business day after the request, then every business day ("2026-11-27") |
| invoice_due_soon | account lead | 3 days before due ("before-3d") |
| invoice_overdue | lead; + AD at 30; + MD and finance at 60 | 1, 15, 30, 60 days after ("day-30") |

Each `due(now)` reads only due invoices: a range on (status, due_date) or
(status, requested_at) minus the occurrences already in the log.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.reminders import ads_of, lead_of, unique_users, with_leads
from accounts.selectors import users_with_role
from agency.reminders.base import (
    DAY,
    GRACE_DAYS,
    Due,
    Rule,
    add_business_days,
    is_business_day,
)
from agency.roles import Role


class InvoiceRule(Rule):
    def queryset(self):
        from billing.models import Invoice

        return with_leads(Invoice.objects.select_related("client"))


class InvoiceNotIssued(InvoiceRule):
    """Requested, not issued: finance after one business day, then daily."""

    kind = "invoice_not_issued"
    label = _("Finance reminded to issue the invoice")
    WAIT_BUSINESS_DAYS = 1

    def due(self, now):
        from billing.models import Invoice

        today = timezone.localdate(now)
        if not is_business_day(today):
            return
        occurrence = today.isoformat()
        # One business day is at least one calendar day: the index narrows to
        # requests older than a day, the exact business-day test is in Python.
        qs = self.queryset().filter(status=Invoice.Status.REQUESTED, requested_at__lte=now - DAY)
        for invoice in self.not_logged(qs, occurrence):
            if self.first_due(invoice) <= now:
                yield Due(invoice, occurrence)

    def first_due(self, invoice) -> dt.datetime:
        return add_business_days(invoice.requested_at, self.WAIT_BUSINESS_DAYS)

    def recipients(self, obj, occurrence):
        return list(users_with_role(Role.FINANCE))

    def still_due(self, obj, occurrence, now):
        # a failed daily reminder is not worth sending once today's is due
        return (
            obj.status == obj.Status.REQUESTED and occurrence == timezone.localdate(now).isoformat()
        )

    def context(self, obj, occurrence):
        return {"invoice": obj, "client": obj.client, "requested_at": obj.requested_at}


class InvoiceDueSoon(InvoiceRule):
    """Issued and unpaid, due in three days: the account lead."""

    kind = "invoice_due_soon"
    label = _("Account lead reminded the invoice falls due")
    DAYS_BEFORE = 3
    OCCURRENCE = "before-3d"

    def due(self, now):
        from billing.models import Invoice

        today = timezone.localdate(now)
        # due in 3 days (or 2 or 1 if the sweep was down on the day)
        first = today + dt.timedelta(days=1)
        last = today + dt.timedelta(days=self.DAYS_BEFORE)
        qs = self.queryset().filter(status=Invoice.Status.ISSUED, due_date__range=(first, last))
        for invoice in self.not_logged(qs, self.OCCURRENCE):
            yield Due(invoice, self.OCCURRENCE)

    def recipients(self, obj, occurrence):
        return [lead_of(obj.client)]

    def still_due(self, obj, occurrence, now):
        return obj.status == obj.Status.ISSUED and timezone.localdate(now) < obj.due_date

    def context(self, obj, occurrence):
        return {"invoice": obj, "client": obj.client, "days": self.DAYS_BEFORE}

    def step_label(self, occurrence):
        return gettext("3 days before the due date")


class InvoiceOverdue(InvoiceRule):
    """The escalation ladder for overdue invoices."""

    kind = "invoice_overdue"
    label = _("Overdue invoice reminder")
    # days overdue -> who is added at this step (the lead is always in)
    STEPS = (1, 15, 30, 60)
    AD_FROM = 30
    MD_AND_FINANCE_FROM = 60

    @staticmethod
    def occurrence_for(days: int) -> str:
        return f"day-{days}"

    @staticmethod
    def days_of(occurrence: str) -> int:
        return int(occurrence.removeprefix("day-"))

    def due(self, now):
        from billing.models import Invoice

        today = timezone.localdate(now)
        for i, days in enumerate(self.STEPS):
            # on the day, or up to GRACE_DAYS later but before the next step
            late = GRACE_DAYS
            if i + 1 < len(self.STEPS):
                late = min(late, self.STEPS[i + 1] - days - 1)
            newest = today - dt.timedelta(days=days)
            oldest = newest - dt.timedelta(days=late)
            occurrence = self.occurrence_for(days)
            qs = self.queryset().filter(
                status=Invoice.Status.ISSUED, due_date__range=(oldest, newest)
            )
            for invoice in self.not_logged(qs, occurrence):
                yield Due(invoice, occurrence)

    def recipients(self, obj, occurrence):
        days = self.days_of(occurrence)
        people = [lead_of(obj.client)]
        if days >= self.AD_FROM:
            people += ads_of(obj.client)
        if days >= self.MD_AND_FINANCE_FROM:
            people += list(users_with_role(Role.MD)) + list(users_with_role(Role.FINANCE))
        return unique_users(people)

    def still_due(self, obj, occurrence, now):
        # still unpaid, and no later step has taken over
        days = obj.days_overdue(timezone.localdate(now))
        current = max((step for step in self.STEPS if step <= days), default=None)
        return obj.status == obj.Status.ISSUED and current == self.days_of(occurrence)

    def context(self, obj, occurrence):
        return {
            "invoice": obj,
            "client": obj.client,
            "days": self.days_of(occurrence),
            "escalated": self.days_of(occurrence) >= self.AD_FROM,
        }

    def step_label(self, occurrence):
        days = self.days_of(occurrence)
        return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}


RULES = [InvoiceNotIssued(), InvoiceDueSoon(), InvoiceOverdue()]
