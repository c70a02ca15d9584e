from decimal import Decimal

import pytest

from billing import services

LINES = [
    {
        "description": "Brand campaign, phase 1",
        "quantity": Decimal("1"),
        "unit_price": Decimal("10000.00"),
        "tax_rate": Decimal("6.00"),
    },
    {
        "description": "Print ads",
        "quantity": Decimal("3"),
        "unit_price": Decimal("333.33"),
        "tax_rate": Decimal("6.00"),
    },
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Issued invoices store their PDF: in a temporary place, not the repository."""
    settings.MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture
def draft(cast):
    """A draft by the AM: 10,999.99 before tax, 11,659.99 with 6% tax."""
    return services.invoice_create(actor=cast.am, client=cast.client, data={}, lines=LINES)


@pytest.fixture
def requested(cast, draft):
    return services.invoice_request(actor=cast.am, invoice=draft)


@pytest.fixture
def issued(cast, requested):
    return services.invoice_issue(actor=cast.finance, invoice=requested, fapiao_number="FP-001")
