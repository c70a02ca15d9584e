"""Validators of Chinese identifiers, written once for every app that stores them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code (统一社会信用代码) is 18
# characters of this alphabet (no I, O, Z, S, V); the 18th is a check
# character over the first 17 with these weights, modulo 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

ERR_USCC = _(
    "Enter a valid unified social credit code (统一社会信用代码): 18 characters, "
    "digits and capital letters, with a correct check character."
)


def uscc_check_char(first17: str) -> str:
    """The check character (18th) of the first 17 characters of a code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    value = (value or "").strip().upper()
    if len(value) != 18 or any(c not in USCC_ALPHABET for c in value):
        return False
    return uscc_check_char(value[:17]) == value[17]


def validate_uscc(value: str) -> None:
    """Django validator: blank values are left to `blank=`/`required`."""
    if value and not is_valid_uscc(value):
        raise ValidationError(ERR_USCC, code="invalid_uscc")
