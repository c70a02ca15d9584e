import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from billing.models import Invoice, InvoiceNumberCounter
from billing.selectors import ageing_report
from imports import receivables, services
from imports.models import Batch
from tests.helpers import assert_refused

from .test_import import xlsx

HEADERS = ["客户名称", "发票编号", "开票日期", "到期日", "发票金额", "未收金额"]


def rows(cast):
    return [
        [cast.client.name, "OLD-2025-0042", "2025-09-01", "2025-10-01", "106000.00", "53000.00"],
        [cast.client.name, "OLD-2025-0043", "2025-10-01", "", "2000", "2000"],
        ["无此客户", "OLD-2025-0044", "2025-10-01", "", "2000", "2000"],
    ]


def run(actor, content, **kw):
    return services.import_run(
        actor=actor, file_name="ar.xlsx", content=content, kind=Batch.Kind.RECEIVABLES, **kw
    )


def test_opening_receivables_go_into_ageing_without_the_counter(cast):
    counters = list(InvoiceNumberCounter.objects.values_list("year", "last"))
    result = run(cast.finance, xlsx(HEADERS, rows(cast)))
    assert [r.action for r in result.rows] == ["created", "created", "error"]
    invoice = Invoice.objects.get(number="OLD-2025-0042")
    assert invoice.status == Invoice.Status.ISSUED
    assert (invoice.total, invoice.open_amount) == (Decimal("106000.00"), Decimal("53000.00"))
    assert invoice.number_seq is None and invoice.number_year is None
    assert list(InvoiceNumberCounter.objects.values_list("year", "last")) == counters
    second = Invoice.objects.get(number="OLD-2025-0043")
    assert second.due_date == dt.date(2025, 10, 1) + dt.timedelta(
        days=cast.client.payment_terms_days
    )
    report = ageing_report(cast.finance, as_of=dt.date(2026, 1, 15))
    assert report.totals.total == Decimal("55000.00")


def test_a_known_number_is_refused_per_row(cast):
    run(cast.finance, xlsx(HEADERS, rows(cast)[:1]))
    again = run(cast.finance, xlsx(HEADERS, rows(cast)[:1]))
    assert again.rows[0].action == "error"
    assert Invoice.objects.filter(number="OLD-2025-0042").count() == 1


def test_more_open_than_the_total_is_refused(cast):
    bad = [[cast.client.name, "OLD-1", "2025-09-01", "", "100", "200"]]
    result = run(cast.finance, xlsx(HEADERS, bad))
    assert result.rows[0].action == "error"
    assert str(receivables.ERR_OPEN_ABOVE_TOTAL) in result.rows[0].errors[0]


@pytest.mark.parametrize("who", ["am", "ad", "md", "bd"])
def test_only_finance_imports_receivables(cast, who):
    with pytest.raises(PermissionDenied):
        run(getattr(cast, who), xlsx(HEADERS, rows(cast)))
    assert not Invoice.objects.filter(number__startswith="OLD-").exists()


def test_undo_takes_the_opening_balances_out_unless_paid_since(cast):
    result = run(cast.finance, xlsx(HEADERS, rows(cast)[:2]))
    invoice = Invoice.objects.get(number="OLD-2025-0042")
    from billing import services as billing

    billing.payment_record(
        actor=cast.finance, invoice=invoice, date=dt.date(2025, 12, 1), amount=Decimal("1.00")
    )
    assert_refused(
        services.batch_undo, services.ERR_EDITED_SINCE, actor=cast.finance, batch=result.batch
    )
    assert Invoice.objects.filter(number__startswith="OLD-").count() == 2
    other = run(
        cast.finance, xlsx(HEADERS, [[cast.client.name, "OLD-9", "2025-09-01", "", "5", "5"]])
    )
    services.batch_undo(actor=cast.finance, batch=other.batch)
    assert not Invoice.objects.filter(number="OLD-9").exists()


def test_finance_sees_the_receivables_template_and_not_the_clients_one(as_user, cast):
    web = as_user(cast.finance)
    assert web.get(reverse("imports:index")).status_code == 200
    assert web.get(reverse("imports:template", args=["receivables", "xlsx"])).status_code == 200
    assert web.get(reverse("imports:template", args=["clients", "xlsx"])).status_code == 403
    assert (
        as_user(cast.am).get(reverse("imports:template", args=["receivables", "csv"])).status_code
        == 403
    )
