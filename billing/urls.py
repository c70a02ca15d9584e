from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/request/", views.invoice_request, name="invoice_request"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/return/", views.invoice_return, name="invoice_return"),
    path("invoices/<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/red-letter/", views.red_letter_create, name="red_letter_create"),
    path("red-letters/<int:pk>/", views.red_letter_detail, name="red_letter_detail"),
    path("red-letters/<int:pk>/pdf/", views.red_letter_pdf, name="red_letter_pdf"),
    path("clients/<int:client_pk>/statement/", views.statement, name="statement"),
    path("clients/<int:client_pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("receivables/", views.ageing, name="ageing"),
    path("receivables/export.<str:fmt>", views.ageing_export, name="ageing_export"),
    path("profitability/", views.profitability, name="profitability"),
    path(
        "profitability/<int:client_pk>/",
        views.profitability_client,
        name="profitability_client",
    ),
    path(
        "profitability/export.<str:fmt>",
        views.profitability_export,
        name="profitability_export",
    ),
    path(
        "profitability/<int:client_pk>/time.<str:fmt>",
        views.time_export,
        name="time_export",
    ),
    path("timesheet/", views.timesheet, name="timesheet"),
]
