"""What a fapiao is made of, written once: the 价税合计大写 and the fapiao number rule.

Pure functions (no database), so the page, the PDF and the services share them.
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")

# A 数电票's 发票号码 is 20 digits (2 of the year, 2 of the tax bureau, ...).
DIGITAL_FAPIAO_LENGTH = 20


def _group(n: int) -> str:
    """0 < n < 10000 in capitals, inner zeros as one 零 (1010 -> 壹仟零壹拾)."""
    out, zero = "", False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + SMALL_UNITS[power]
    return out


def amount_in_capitals(amount) -> str:
    """The total in Chinese capitals as printed on a fapiao (价税合计大写).

    100000.00 -> 壹拾万元整; 1234.56 -> 壹仟贰佰叁拾肆元伍角陆分; a negative
    amount (a red-letter invoice) is prefixed （负数）."""
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    prefix = "（负数）" if value < 0 else ""
    cents = int(abs(value) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if yuan >= 10**16:
        raise ValueError("amount too large for capitals")
    groups = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text, zero_pending = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(text)
            continue
        if text and (zero_pending or group < 1000):
            text += "零"
        text += _group(group) + BIG_UNITS[index]
        zero_pending = False
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return prefix + (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
        if fen:
            text += DIGITS[fen] + "分"
    else:
        text += ("零" if text else "") + DIGITS[fen] + "分"
    return prefix + text


def is_digital_fapiao_number(value: str) -> bool:
    return len(value) == DIGITAL_FAPIAO_LENGTH and value.isascii() and value.isdigit()
