"""How riskkit writes numbers for people: money, days, ratios, short text.

One rule per quantity, read by the charts, the PDF pack and the command line alike, so
an amount reads the same wherever a steering committee meets it.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

__all__ = ["CURRENCY_SYMBOLS", "amount", "compact", "currency_code", "currency_symbol", "days",
           "money", "number", "plural", "ratio", "ratio_label", "short"]

#: ISO codes riskkit writes as a symbol; any other code is written before the amount.
CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "INR": "₹"}


def money(value: float, currency: str | None = None) -> str:
    """An amount as a committee reads it: thousands separators, k or M for large ones.

    >>> money(2_290_907, "£")
    '£2.29M'
    >>> money(48_500, "CHF ")
    'CHF 48.5k'
    >>> money(9_250)
    '9,250'
    """
    sign = "-" if value < 0 else ""
    v = abs(value)
    cur = currency or ""
    if v >= 1e9:
        text = f"{v / 1e9:,.2f}bn"
    elif v >= 1e6:
        text = f"{v / 1e6:,.2f}M"
    elif v >= 1e4:
        text = f"{v / 1e3:.3g}k"
    else:
        text = f"{v:,.0f}"
    return f"{sign}{cur}{text}"


def compact(value: float, currency: str | None = None) -> str:
    """A short amount for tight labels and table columns: £16k, £1.3M, 950.

    >>> compact(16_250, "£"), compact(1_312_000), compact(-0.2)
    ('£16.2k', '1.31M', '0.2')
    """
    v, cur = abs(value), currency or ""
    sign = "-" if value < 0 and v >= 0.5 else ""
    if v >= 1e9:
        return f"{sign}{cur}{v / 1e9:.3g}bn"
    if v >= 1e6:
        return f"{sign}{cur}{v / 1e6:.3g}M"
    if v >= 1e3:
        return f"{sign}{cur}{v / 1e3:.3g}k"
    if v < 0.005:  # noise from a change that saves nothing: 0, never 4.59e-05
        return f"{cur}0"
    return f"{sign}{cur}{v:.3g}"


def days(value: float) -> str:
    """A number of days for an axis: no false rounding (2.5 stays 2.5), no "-0".

    >>> days(2.5), days(-0.0), days(1200)
    ('2.5', '0', '1,200')
    """
    text = f"{value + 0.0:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def number(value: float, digits: int = 0) -> str:
    """A plain number with thousands separators: ``number(1234.5, 1)`` is '1,234.5'."""
    return f"{value:,.{digits}f}"


def amount(value: float, currency: str | None = None, digits: int = 0) -> str:
    """An exact amount for a line of text: the currency symbol (as
    :func:`currency_symbol` writes it), thousands separators, no scientific notation,
    the sign before the symbol; no "-0".

    >>> amount(499_817.4, "£"), amount(-582, "£"), amount(48_500, "CHF "), amount(-0.2)
    ('£499,817', '-£582', 'CHF 48,500', '0')
    """
    text = f"{abs(value):,.{digits}f}"
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return f"{sign}{currency or ''}{text}"


def ratio(value: float, decimals: int = 2) -> str:
    """A benefit/cost ratio to ``decimals`` places, never rounded up to 1 from below: a
    mitigation that costs more than it saves must not read as breaking even.

    >>> ratio(0.996), ratio(1.234, 1), ratio(0.9999, 1)
    ('0.99', '1.2', '0.9')
    """
    text = f"{value:.{decimals}f}"
    return f"{1 - 10.0 ** -decimals:.{decimals}f}" if value < 1 and float(text) >= 1 else text


def ratio_label(value: float) -> str:
    """A benefit/cost ratio as a chart label: ×7.1, ×0.04 (below 1 never rounded up to
    1), or (free) without a cost."""
    if not math.isfinite(value):
        return "(free)"
    return "×" + ratio(value, 1 if value >= 1 else 2)


def short(text: Any, width: int) -> str:
    """Text shortened to ``width`` characters at a word boundary, with an ellipsis; ""
    for None or NaN."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    text = str(text)
    return textwrap.shorten(text, width=width, placeholder="…") if text else ""


def currency_symbol(code: str | None) -> str | None:
    """How to write amounts in currency ``code`` (an ISO code as a register gives it):
    its symbol, or the code and a space; None for None.

    >>> currency_symbol("GBP"), currency_symbol("CHF")
    ('£', 'CHF ')
    """
    if code is None:
        return None
    return CURRENCY_SYMBOLS.get(code, code + " ")


def currency_code(text: str | None) -> str | None:
    """The ISO code of a currency as a user types it (``--currency '£'``): the code of a
    symbol riskkit writes, else the text itself, trimmed; None for None or blank.

    >>> currency_code("£"), currency_code("CHF "), currency_code("eur")
    ('GBP', 'CHF', 'EUR')
    """
    if text is None or not text.strip():
        return None
    text = text.strip()
    codes = {symbol: code for code, symbol in CURRENCY_SYMBOLS.items()}
    return codes.get(text, text.upper() if text.isalpha() and len(text) == 3 else text)


def plural(n: int, word: str) -> str:
    """``plural(1, 'risk')`` is '1 risk', ``plural(1200, 'risk')`` '1,200 risks'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
