"""Thin views: access check -> form -> service -> redirect + message."""

import csv
import datetime as dt
import io
import numbers
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import export_record
from accounts.models import Client, TeamMembership, User
from agency.actions import run_and_redirect, run_service
from agency.pdf import pdf_response, render_pdf
from agency.permissions import NOT_FOUND, deny_unless, hide_unless
from agency.timeline import labelled_timeline

from . import services
from .forms import (
    AgeingFilterForm,
    InvoiceCreateForm,
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceLineFormSet,
    IssueForm,
    PaymentForm,
    ReasonForm,
    RedLetterForm,
    StatementForm,
    TimesheetFormSet,
    YearForm,
    parse_week,
)
from .models import AgencyProfile, Invoice, TimeEntry, money
from .selectors import (
    BUCKET_KEYS,
    BUCKETS,
    RateTable,
    ageing_report,
    ageing_table,
    billing_client_get_for_user,
    billing_clients_for,
    client_statement,
    draftable_clients_for,
    invoice_document_context,
    invoice_get_for_user,
    invoice_list_for_user,
    invoices_filtered,
    is_own_invoice,
    locked_through,
    may_see_billing,
    profitability_for,
    red_letter_get_for_user,
    round_choices,
    statement_currencies,
    timesheet_clients_for,
    week_entries,
)

ACTION_LABELS = {
    "created": gettext_lazy("Drafted"),
    "edited": gettext_lazy("Edited"),
    "requested": gettext_lazy("Requested from finance"),
    "returned": gettext_lazy("Returned to draft"),
    "issued": gettext_lazy("Issued"),
    "payment": gettext_lazy("Payment recorded"),
    "paid": gettext_lazy("Paid in full"),
    "voided": gettext_lazy("Voided"),
    "red_letter": gettext_lazy("Red-letter invoice issued"),
}


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Invoices -----------------------------------------------------------------


def invoice_list(request):
    hide_unless(may_see_billing(request.user))
    clients = billing_clients_for(request.user).order_by("name")
    form = InvoiceFilterForm(request.GET or None, clients=clients)
    qs = invoice_list_for_user(request.user)
    if form.is_valid():
        qs = invoices_filtered(qs, form.cleaned_data)
    page = Paginator(qs.order_by("-created_at", "-pk"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/invoice_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "may_draft": draftable_clients_for(request.user).exists(),
            "today": timezone.localdate(),
        },
    )


def _line_formset(request, invoice=None):
    return InvoiceLineFormSet(request.POST or None, instance=invoice or Invoice(), prefix="lines")


def invoice_create(request):
    clients = draftable_clients_for(request.user).order_by("name")
    deny_unless(clients.exists())
    initial = {}
    if request.GET.get("client"):
        initial["client"] = request.GET["client"]
    form = InvoiceCreateForm(request.POST or None, clients=clients, initial=initial)
    formset = _line_formset(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        invoice = services.invoice_create(
            actor=request.user,
            client=form.cleaned_data["client"],
            data=form.cleaned_data,
            lines=formset.line_data(),
        )
        messages.success(request, _("Invoice draft saved."))
        return redirect(invoice)
    return render(
        request,
        "billing/invoice_form.html",
        {"form": form, "formset": formset, "title": _("New invoice")},
    )


def invoice_edit(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    deny_unless(access.can_draft)
    if invoice.status != Invoice.Status.DRAFT:
        messages.error(request, str(services.ERR_NOT_DRAFT))
        return redirect(invoice)
    form = InvoiceForm(request.POST or None, instance=invoice)
    formset = _line_formset(request, invoice)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        invoice.refresh_from_db()
        return run_and_redirect(
            request,
            services.invoice_update,
            invoice,
            success=_("Invoice draft saved."),
            invoice=invoice,
            data=form.cleaned_data,
            lines=formset.line_data(),
        )
    return render(
        request,
        "billing/invoice_form.html",
        {"form": form, "formset": formset, "invoice": invoice, "title": _("Edit invoice")},
    )


def invoice_detail(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    events = labelled_timeline(invoice, ACTION_LABELS)
    status = invoice.status
    context = {
        "invoice": invoice,
        "access": access,
        "lines": list(invoice.lines.all()),
        "payments": list(invoice.payments.select_related("recorded_by")),
        "events": events,
        "today": timezone.localdate(),
        "may_edit": access.can_draft and status == Invoice.Status.DRAFT,
        "may_return": access.is_finance and status == Invoice.Status.REQUESTED,
        "may_issue": access.is_finance
        and status == Invoice.Status.REQUESTED
        and not is_own_invoice(request.user, invoice),
        "issuer_is_requester": services.ERR_ISSUER_IS_REQUESTER,
        "may_pay": access.is_finance and status == Invoice.Status.ISSUED,
        # An issued 数电票 is corrected by 红冲 only, never voided.
        "may_void": access.is_finance
        and status == Invoice.Status.ISSUED
        and not invoice.is_digital
        and not invoice.amount_paid
        and not invoice.amount_credited,
        "may_red_letter": access.is_finance
        and status in (Invoice.Status.ISSUED, Invoice.Status.PAID),
        "red_letters": list(invoice.red_letters.all()),
    }
    if context["may_red_letter"]:
        context["red_form"] = RedLetterForm(
            prefix="red", initial={"issue_date": timezone.localdate(), "full": True}
        )
    if context["may_issue"]:
        context["issue_form"] = IssueForm(initial={"issue_date": timezone.localdate()})
    if context["may_return"]:
        context["return_form"] = ReasonForm(prefix="return")
    if context["may_pay"]:
        context["payment_form"] = PaymentForm(
            initial={"date": timezone.localdate(), "amount": invoice.open_amount}
        )
    if context["may_void"]:
        context["void_form"] = ReasonForm(prefix="void")
    return render(request, "billing/invoice_detail.html", context)


def _form_refused(request, invoice, form):
    """A bad POST to one of the invoice page's small forms: its errors as a message."""
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(invoice)


@require_POST
def invoice_request(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    deny_unless(access.can_draft)
    return run_and_redirect(
        request,
        services.invoice_request,
        invoice,
        success=_("Finance has been asked to issue the invoice."),
        invoice=invoice,
    )


@require_POST
def invoice_issue(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    deny_unless(access.is_finance)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, invoice, form)
    ok, issued = run_service(
        request,
        services.invoice_issue,
        invoice=invoice,
        fapiao_number=form.cleaned_data["fapiao_number"],
        issue_date=form.cleaned_data["issue_date"],
    )
    if ok:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": issued.number})
    return redirect(invoice)


@require_POST
def invoice_return(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    deny_unless(access.is_finance)
    form = ReasonForm(request.POST, prefix="return")
    if not form.is_valid():
        return _form_refused(request, invoice, form)
    return run_and_redirect(
        request,
        services.invoice_return,
        invoice,
        success=_("The request was returned to draft."),
        invoice=invoice,
        reason=form.cleaned_data["reason"],
    )


@require_POST
def payment_add(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    deny_unless(access.is_finance)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, invoice, form)
    return run_and_redirect(
        request,
        services.payment_record,
        invoice,
        success=_("Payment recorded."),
        invoice=invoice,
        **form.cleaned_data,
    )


@require_POST
def invoice_void(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    deny_unless(access.is_finance)
    form = ReasonForm(request.POST, prefix="void")
    if not form.is_valid():
        return _form_refused(request, invoice, form)
    return run_and_redirect(
        request,
        services.invoice_void,
        invoice,
        success=_("Invoice voided."),
        invoice=invoice,
        reason=form.cleaned_data["reason"],
    )


@require_POST
def red_letter_create(request, pk):
    invoice, access = invoice_get_for_user(request.user, pk)
    deny_unless(access.is_finance)
    form = RedLetterForm(request.POST, prefix="red")
    if not form.is_valid():
        return _form_refused(request, invoice, form)
    ok, red = run_service(
        request, services.red_letter_issue, invoice=invoice, **form.service_kwargs()
    )
    if ok:
        messages.success(
            request, _("Red-letter invoice %(number)s issued.") % {"number": red.number}
        )
    return redirect(invoice)


def red_letter_detail(request, pk):
    red, _access = red_letter_get_for_user(request.user, pk)
    return render(request, "billing/red_letter_detail.html", {"red": red, "invoice": red.invoice})


def red_letter_pdf(request, pk):
    red, _access = red_letter_get_for_user(request.user, pk)
    return pdf_response(services.red_letter_document_bytes(red), f"{red.number}.pdf")


# --- Statement of account ----------------------------------------------------------


def _statement(request, client_pk):
    client, _access = billing_client_get_for_user(request.user, client_pk)
    form = StatementForm(request.GET or None, currencies=statement_currencies(client))
    currency, as_of = client.currency, None
    if form.is_bound and form.is_valid():
        currency = form.cleaned_data["currency"] or currency
        as_of = form.cleaned_data["as_of"]
    return client_statement(client, currency=currency, as_of=as_of), form


def statement(request, client_pk):
    report, form = _statement(request, client_pk)
    return render(
        request,
        "billing/statement.html",
        {"statement": report, "form": form, "client": report.client},
    )


def statement_pdf(request, client_pk):
    report, _form = _statement(request, client_pk)
    pdf = render_pdf(
        "pdf/billing/statement.html",
        {"statement": report, "client": report.client, "letterhead": AgencyProfile.current()},
    )
    name = f"statement-{report.client.pk}-{report.currency}-{report.as_of:%Y%m%d}.pdf"
    return pdf_response(pdf, name)


def invoice_pdf(request, pk):
    """A draft or request renders live; an issued invoice is its stored document."""
    invoice, _access = invoice_get_for_user(request.user, pk)
    if invoice.is_numbered:
        return pdf_response(services.invoice_document_bytes(invoice), f"{invoice.number}.pdf")
    pdf = render_pdf("pdf/billing/invoice.html", invoice_document_context(invoice))
    return pdf_response(pdf, f"invoice-draft-{invoice.pk}.pdf")


# --- Receivables ageing -----------------------------------------------------------


def _ageing(request):
    hide_unless(may_see_billing(request.user))
    clients = billing_clients_for(request.user).order_by("name")
    leads = User.objects.filter(
        pk__in=TeamMembership.objects.filter(is_lead=True, client__in=clients.values("pk")).values(
            "user_id"
        )
    ).order_by("full_name")
    form = AgeingFilterForm(request.GET or None, clients=clients, leads=leads)
    filters = {"client": None, "lead": None, "currency": "CNY", "group": "client"}
    if form.is_valid():
        filters.update({k: v for k, v in form.cleaned_data.items() if v})
    report = ageing_report(
        request.user,
        currency=filters["currency"],
        client=filters["client"],
        lead=filters["lead"],
    )
    return form, filters, report


def _ageing_links(report, filters, table) -> list[list[tuple]]:
    """The table's cells as (value, url): each client's name and bucket opens the
    invoices behind it; an account lead's row opens their clients' report."""
    invoices = reverse("billing:invoice_list")
    base = {"currency": report.currency}
    rows = report.by_lead if filters["group"] == "lead" else report.by_client
    keys = [*BUCKET_KEYS, "open"]
    out = []
    for i, cells in enumerate(table):
        head = len(cells) - len(keys)
        if i < len(rows):
            row = rows[i]
            if filters["group"] == "lead":
                own = {"group": "client", "currency": report.currency}
                if row.key:
                    own["lead"] = row.key
                head_url = reverse("billing:ageing") + "?" + urlencode(own)
                scope = None
            else:
                scope = {**base, "client": row.key}
                head_url = invoices + "?" + urlencode({**scope, "bucket": "open"})
        else:  # the total row
            scope = {**base, **({"client": filters["client"].pk} if filters["client"] else {})}
            head_url = ""
            if filters["lead"]:
                scope = None
        linked = [(v, head_url if j == 0 else "") for j, v in enumerate(cells[:head])]
        for key, v in zip(keys, cells[head:], strict=True):
            url = invoices + "?" + urlencode({**scope, "bucket": key}) if scope and v else ""
            linked.append((v, url))
        out.append(linked)
    return out


def ageing(request):
    form, filters, report = _ageing(request)
    header, table = ageing_table(report, filters["group"])
    links = _ageing_links(report, filters, table)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "billing/ageing.html",
        {
            "form": form,
            "report": report,
            "group": filters["group"],
            "header": header,
            "table": table,
            "linked": links,
            "buckets": BUCKETS,
            "query": query.urlencode(),
        },
    )


def _export_name(report, ext):
    return f"receivables-ageing-{report.as_of.isoformat()}-{report.currency}.{ext}"


def ageing_export(request, fmt):
    _form, filters, report = _ageing(request)
    header, table = ageing_table(report, filters["group"])
    response = _table_response(header, table, fmt, _export_name(report, fmt), _("Ageing"))
    export_record(actor=request.user, report="ageing", fmt=fmt, rows=len(table))
    return response


# A text cell starting with one of these is run as a formula by Excel and
# LibreOffice when the CSV is opened (CSV / formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """Numbers as plain 2-decimal figures; text that would start a formula
    (a client named "=HYPERLINK(...)") is neutralised with a leading quote."""
    if not isinstance(value, str):
        return f"{value:.2f}"
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _table_response(header, table, fmt, filename, sheet_title):
    """The same rows as the page, as CSV or Excel (numbers stay numbers)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_csv_cell(v) for v in header])
        for row in table:
            writer.writerow([_csv_cell(v) for v in row])
        # A BOM so that Excel opens the Chinese client names correctly.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = str(sheet_title)[:31]
        ws.append(header)
        for row in table:
            ws.append(row)
        for column in ws.iter_cols():
            for cell in column:
                if isinstance(cell.value, numbers.Number):
                    cell.number_format = "#,##0.00"
                elif cell.data_type == "f":
                    # openpyxl stores any text starting with "=" as a formula:
                    # a client's name is text, never something Excel runs.
                    cell.data_type = "s"
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404(NOT_FOUND)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Profitability ------------------------------------------------------------------


def _year(request) -> int:
    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


def profitability(request):
    hide_unless(may_see_billing(request.user))
    year = _year(request)
    clients = billing_clients_for(request.user).order_by("name")
    page = Paginator(clients, 25).get_page(request.GET.get("page"))
    rows = profitability_for(request.user, year=year, clients=list(page))
    return render(
        request,
        "billing/profitability.html",
        {
            "year": year,
            "rows": rows,
            "page": page,
            "query": _query_without_page(request),
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


def _profitability_table(rows) -> tuple[list[str], list[list]]:
    header = [
        _("Client"),
        _("Invoiced revenue"),
        _("Hours"),
        _("Time cost"),
        _("of which re-presentations"),
        _("Profit"),
        _("Revenue target"),
        _("Cost target"),
        _("Profit target"),
        _("Invoiced in other currencies (not converted)"),
    ]
    table = []
    for r in rows:
        plan = (
            [r.plan.revenue_target, r.plan.cost_target, r.plan.profit_target]
            if r.plan
            else ["", "", ""]
        )
        table.append(
            [
                str(r.client),
                r.revenue,
                r.hours,
                r.cost,
                r.representation_cost,
                r.profit,
                *plan,
                "; ".join(f"{cur} {amount:.2f}" for cur, amount in r.other_revenue.items()),
            ]
        )
    return [str(h) for h in header], table


def profitability_export(request, fmt):
    hide_unless(may_see_billing(request.user))
    if fmt not in ("csv", "xlsx"):
        raise Http404(NOT_FOUND)
    year = _year(request)
    rows = profitability_for(request.user, year=year)
    header, table = _profitability_table(rows)
    response = _table_response(
        header, table, fmt, f"profitability-{year}.{fmt}", _("Profitability")
    )
    export_record(actor=request.user, report="profitability", fmt=fmt, rows=len(table))
    return response


def time_export(request, client_pk, fmt):
    """Every time entry of a client in a year with the rate in force and its cost."""
    client, _access = billing_client_get_for_user(request.user, client_pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404(NOT_FOUND)
    year = _year(request)
    rates = RateTable()
    header = [
        str(h)
        for h in (
            _("Date"),
            _("Person"),
            _("Agency role"),
            _("Activity"),
            _("Hours"),
            _("Rate"),
            _("Cost"),
        )
    ]
    table = []
    entries = (
        TimeEntry.objects.filter(client=client, date__year=year)
        .select_related("user")
        .order_by("date", "user__full_name", "pk")
    )
    for e in entries.iterator(chunk_size=2000):
        rate = rates.rate(e.role, e.date)
        table.append(
            [
                e.date.isoformat(),
                str(e.user),
                e.get_role_display(),
                e.get_activity_display(),
                e.hours,
                rate if rate is not None else "",
                money(e.hours * rate) if rate is not None else "",
            ]
        )
    response = _table_response(header, table, fmt, f"time-{client.pk}-{year}.{fmt}", _("Time"))
    export_record(actor=request.user, report="time", fmt=fmt, rows=len(table), client=client)
    return response


def profitability_client(request, client_pk):
    client, _access = billing_client_get_for_user(request.user, client_pk)
    year = _year(request)
    (row,) = profitability_for(request.user, year=year, clients=[client])
    by_activity = (
        TimeEntry.objects.filter(client=client, date__year=year)
        .values("activity")
        .annotate(h=Sum("hours"))
        .order_by("activity")
    )
    hours = {r["activity"]: r["h"] for r in by_activity}
    activities = [(label, hours.get(value)) for value, label in TimeEntry.Activity.choices]
    return render(
        request,
        "billing/profitability_client.html",
        {"client": client, "year": year, "row": row, "activities": activities},
    )


# --- Timesheet ----------------------------------------------------------------------


def timesheet(request):
    monday = parse_week(request.GET.get("week") or request.POST.get("week"))
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    entries = week_entries(request.user, monday)
    team_clients = timesheet_clients_for(request.user)
    # The week's rows also show clients whose team the user has since left;
    # the service refuses any change to those hours.
    clients = Client.objects.filter(
        Q(pk__in=team_clients.values("pk")) | Q(pk__in={e.client_id for e in entries})
    ).order_by("name")
    client_choices = [("", "---------"), *((c.pk, str(c)) for c in clients)]
    initial_rows: dict[tuple, dict] = {}
    for e in entries:
        row = initial_rows.setdefault(
            (e.client_id, e.activity, e.presentation_round_id),
            {
                "client": e.client_id,
                "activity": e.activity,
                "presentation_round": e.presentation_round_id,
            },
        )
        key = f"d{(e.date - monday).days}"
        row[key] = (row.get(key) or 0) + e.hours
    initial = sorted(
        initial_rows.values(),
        key=lambda r: (r["client"], r["activity"], r["presentation_round"] or 0),
    )
    formset = TimesheetFormSet(
        request.POST or None,
        initial=initial,
        prefix="rows",
        form_kwargs={
            "clients": clients,
            "client_choices": client_choices,
            "round_choices": round_choices(clients),
        },
    )
    if request.method == "POST" and formset.is_valid():
        ok, _saved = run_service(
            request,
            services.timesheet_week_save,
            success=_("Timesheet saved."),
            monday=monday,
            rows=formset.rows(),
        )
        if ok:
            return redirect(f"{request.path}?week={monday.isoformat()}")
    # The grid's own totals (live-updated by billing.js).
    totals = [sum((e.hours for e in entries if e.date == d), 0) for d in days]
    lock = locked_through()
    return render(
        request,
        "billing/timesheet.html",
        {
            "formset": formset,
            "monday": monday,
            "days": days,
            "prev_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "totals": totals,
            "week_total": sum(totals),
            "locked_through": lock,
            "week_locked": lock is not None and days[-1] <= lock,
            "has_clients": team_clients.exists() or bool(entries),
        },
    )
