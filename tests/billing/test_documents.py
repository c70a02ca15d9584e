"""An issued invoice is a document: the client's name, title and tax id as
they were at issue, and the PDF rendered then, served as those bytes ever after."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Client
from billing import services
from billing.models import Invoice

from .factories import IssuedInvoiceFactory

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _stored(invoice) -> bytes:
    invoice.refresh_from_db()
    with invoice.document.open("rb") as f:
        return f.read()


def test_issue_stores_the_client_data_and_the_rendered_pdf(cast, issued):
    issued.refresh_from_db()
    assert issued.client_name == "Huayuan Properties"
    assert issued.invoice_title == "Huayuan Properties Ltd."
    assert issued.tax_id == cast.client.tax_id
    assert issued.document.name.endswith(f"{issued.number}.pdf")
    pdf = _stored(issued)
    assert pdf.startswith(b"%PDF")
    assert issued.number in _text(pdf)


def test_download_after_the_client_is_renamed_is_the_stored_document(cast, as_user, issued):
    stored = _stored(issued)
    Client.objects.filter(pk=cast.client.pk).update(
        name="Renamed Group", invoice_title="Renamed Group Ltd.", tax_id="NEW-TAX-ID"
    )
    for who in (cast.finance, cast.am):
        response = as_user(who).get(reverse("billing:invoice_pdf", args=[issued.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == stored
    text = _text(response.content)
    assert "Huayuan Properties Ltd." in text
    assert "Renamed" not in text
    assert "NEW-TAX-ID" not in text


def test_a_draft_still_renders_live_with_the_clients_data_of_today(cast, as_user, draft):
    Client.objects.filter(pk=cast.client.pk).update(name="Renamed Group", invoice_title="")
    response = as_user(cast.am).get(reverse("billing:invoice_pdf", args=[draft.pk]))
    assert "Renamed Group" in _text(response.content)
    draft.refresh_from_db()
    assert not draft.document


def test_an_invoice_issued_before_documents_were_kept_gets_one_from_its_copies_once(cast, as_user):
    # given: an issued row without a document (issued before this change, or demo data)
    invoice = IssuedInvoiceFactory(
        client=cast.client, created_by=cast.am, client_name="Old Name Co", invoice_title="Old Ltd."
    )
    assert not invoice.document
    c = as_user(cast.finance)
    first = c.get(reverse("billing:invoice_pdf", args=[invoice.pk])).content
    # then: rendered from the copies made at issue, stored, and served as is after
    assert "Old Ltd." in _text(first)
    assert "Huayuan Properties Ltd." not in _text(first)
    assert _stored(invoice) == first
    Client.objects.filter(pk=cast.client.pk).update(name="Renamed Group")
    assert c.get(reverse("billing:invoice_pdf", args=[invoice.pk])).content == first


def test_a_rolled_back_issue_leaves_no_document_file(cast, requested, monkeypatch, settings):
    def boom(**kwargs):
        raise RuntimeError("timeline down")

    monkeypatch.setattr(services, "timeline_record", boom)
    with pytest.raises(RuntimeError):
        services.invoice_issue(actor=cast.finance, invoice=requested, fapiao_number="F-1")
    requested.refresh_from_db()
    assert requested.status == Invoice.Status.REQUESTED
    assert not requested.document
    folder = settings.MEDIA_ROOT / "invoices"
    assert not folder.exists() or not any(folder.rglob("*.pdf"))
