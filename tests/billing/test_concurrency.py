"""Invoice numbering under concurrency, on the real PostgreSQL."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from billing import services
from billing.models import Invoice, InvoiceNumberCounter

from .conftest import LINES

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_issues_get_numbers_one_to_twenty(require_postgres, cast):
    # given: 20 requested invoices (the counter row for the year does not exist yet,
    # so the first issues also race to create it)
    invoices = []
    for i in range(THREADS):
        inv = services.invoice_create(
            actor=cast.am,
            client=cast.client,
            data={},
            lines=[{**LINES[0], "unit_price": Decimal(100 + i)}],
        )
        invoices.append(services.invoice_request(actor=cast.am, invoice=inv))
    barrier = threading.Barrier(THREADS)
    errors = []

    def issue(invoice):
        try:
            barrier.wait(timeout=30)
            services.invoice_issue(
                actor=cast.finance, invoice=invoice, fapiao_number=f"F{invoice.pk}"
            )
        except Exception as e:  # reported below; a thread must not die silently
            errors.append(e)
        finally:
            connection.close()  # each thread has its own connection

    # when: all of them issue at once
    threads = [threading.Thread(target=issue, args=(inv,)) for inv in invoices]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # then: 20 distinct consecutive numbers, no gap, no duplicate
    assert errors == []
    rows = list(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).order_by("number_seq"))
    assert all(r.status == Invoice.Status.ISSUED for r in rows)
    year = rows[0].number_year
    assert [r.number_seq for r in rows] == list(range(1, THREADS + 1))
    assert sorted(r.number for r in rows) == [f"INV-{year}-{n:04d}" for n in range(1, THREADS + 1)]
    assert InvoiceNumberCounter.objects.get(year=year).last == THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_time_logging_never_books_more_than_24_hours_a_day(require_postgres, cast):
    import datetime as dt

    from agency.errors import DomainError
    from billing.models import TimeEntry

    day = dt.date(2027, 3, 1)
    threads_n = 10
    barrier = threading.Barrier(threads_n)
    refused, errors = [], []

    def log():
        try:
            barrier.wait(timeout=30)
            services.time_entry_record(
                actor=cast.am, client=cast.client, date=day, hours=Decimal(3), activity="meeting"
            )
        except DomainError as e:
            refused.append(e)
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=log) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    # 8 x 3 h fill the day; the two others are refused, whatever the timing.
    assert TimeEntry.objects.filter(user=cast.am, date=day).count() == 8
    assert len(refused) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_issues_with_one_fapiao_number_issue_one_invoice_and_leave_no_gap(
    require_postgres, cast
):
    from agency.errors import DomainError

    invoices = []
    for _ in range(5):
        inv = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
        invoices.append(services.invoice_request(actor=cast.am, invoice=inv))
    barrier = threading.Barrier(len(invoices))
    refused, errors = [], []

    def issue(invoice):
        try:
            barrier.wait(timeout=30)
            services.invoice_issue(actor=cast.finance, invoice=invoice, fapiao_number="SAME-1")
        except DomainError as e:
            refused.append(e)
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(inv,)) for inv in invoices]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(refused) == 4
    (issued,) = Invoice.objects.filter(fapiao_number="SAME-1")
    assert issued.number_seq == 1
    assert InvoiceNumberCounter.objects.get(year=issued.number_year).last == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_issues_of_different_years_cannot_share_a_fapiao_number(
    require_postgres, cast, monkeypatch, settings, tmp_path
):
    """Issue 18: the code check runs under the per-year counter lock only, so
    issues dated in two different years both passed it. The database
    constraint refuses the second, turned into the module's DomainError."""
    import datetime as dt

    from agency.errors import DomainError

    settings.MEDIA_ROOT = tmp_path
    invoices = []
    for _ in range(2):
        inv = services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)
        invoices.append(services.invoice_request(actor=cast.am, invoice=inv))
    years = [dt.date(2025, 12, 31), dt.date(2026, 1, 2)]
    # Both threads pass the code check before either writes: the worst timing, every time.
    barrier = threading.Barrier(2)
    check = services._fapiao_taken
    first_call = threading.local()

    def check_then_wait(fapiao_number, invoice):
        result = check(fapiao_number, invoice)
        if not getattr(first_call, "done", False):
            first_call.done = True
            barrier.wait(timeout=30)
        return result

    monkeypatch.setattr(services, "_fapiao_taken", check_then_wait)
    refused, errors = [], []

    def issue(invoice, day):
        try:
            services.invoice_issue(
                actor=cast.finance, invoice=invoice, fapiao_number="SAME-YEARS", issue_date=day
            )
        except DomainError as e:
            refused.append(e)
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=issue, args=(inv, day))
        for inv, day in zip(invoices, years, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(refused) == 1
    assert refused[0].template == services.ERR_FAPIAO_TAKEN
    (issued,) = Invoice.objects.filter(fapiao_number="SAME-YEARS")
    assert issued.status == Invoice.Status.ISSUED
    loser = next(i for i in invoices if i.pk != issued.pk)
    loser.refresh_from_db()
    assert (loser.status, loser.number, loser.fapiao_number) == ("requested", None, "")
    assert not loser.document
    # the loser's number was rolled back with it: its year has no gap
    assert InvoiceNumberCounter.objects.filter(year=issued.number_year, last=1).exists()
    assert not InvoiceNumberCounter.objects.exclude(year=issued.number_year).filter(last__gt=0)
