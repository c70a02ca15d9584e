"""Shared set-up for the 数电票 / 红冲 / statement tests."""

import itertools
from decimal import Decimal

from accounts.validators import uscc_check_char
from billing import services
from billing.models import AgencyProfile, Invoice

from .conftest import LINES


def uscc(base17: str) -> str:
    """A valid unified social credit code: `base17` and its check character."""
    return base17 + uscc_check_char(base17)


SELLER_USCC = uscc("91310000MA1K3Y8P0")
BUYER_USCC = uscc("91110105MA01ABCD1")
_numbers = itertools.count(1)


def fapiao_no() -> str:
    """A fresh 20-digit 数电票 number."""
    return f"2631{next(_numbers):016d}"


def letterhead() -> AgencyProfile:
    return AgencyProfile.objects.create(
        name="上海示范广告有限公司",
        address="上海市静安区南京西路 1266 号",
        tax_id=SELLER_USCC,
        bank="招商银行上海分行",
        bank_account="1219 0888 8810 001",
    )


def digital_requested(cast, kind=Invoice.Kind.DIGITAL_SPECIAL, lines=LINES) -> Invoice:
    cast.client.tax_id = BUYER_USCC
    cast.client.save(update_fields=["tax_id"])
    draft = services.invoice_create(
        actor=cast.am, client=cast.client, data={"kind": kind}, lines=lines
    )
    return services.invoice_request(actor=cast.am, invoice=draft)


def digital_issued(cast, **kwargs) -> Invoice:
    if not AgencyProfile.objects.exists():
        letterhead()
    invoice = digital_requested(cast, **kwargs)
    return services.invoice_issue(actor=cast.finance, invoice=invoice, fapiao_number=fapiao_no())


HUNDRED_K = [
    {
        "description": "品牌推广服务费",
        "quantity": Decimal("1"),
        "unit_price": Decimal("100000.00"),
        "tax_rate": Decimal("6.00"),
    }
]
