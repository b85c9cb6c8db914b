"""Cells as spreadsheets write them: numbers, percentages, currency amounts, lists.

``1,250,000``, ``$10,000``, ``64,500,000 CHF``, ``(2,500)``, ``£1.5m``, ``35%`` and, in
``;``-delimited files, decimal commas such as ``€ 1.250.000,50``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..exceptions import Problem, RiskkitError

#: Cells that mean "no value" in a numeric column.
BLANKS = {"", "-", "–", "—", "n/a", "na", "none", "nil", "null", "nan"}

_CURRENCY_WORDS = (
    "chf", "usd", "eur", "gbp", "aud", "cad", "nzd", "sek", "nok", "dkk", "jpy", "inr",
    "zar", "sgd", "hkd", "cny", "pln", "czk", "brl", "mxn", "us$", "au$", "ca$", "fr.",
    "sfr", "kr", "r$",
)
_CURRENCY_SYMBOLS = "$€£¥₹₩₽₺₪₫฿"
_SCALE_SUFFIX = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


class NumberFormatError(RiskkitError, ValueError):
    """A cell that is not a number; the message is meant for the user."""


@dataclass(frozen=True)
class ParsedNumber:
    value: float
    percent: bool = False
    currency: str | None = None  # the symbol or code written with it, upper-cased


def parse_number(
    text: str,
    *,
    decimal_comma: bool = False,
    allow_percent: bool = True,
    allow_currency: bool = True,
    allow_days: bool = False,
) -> ParsedNumber | None:
    """Parse a spreadsheet cell into a number, or None for a blank cell.

    Understands ``35%``, ``"1,250,000"``, ``$10,000``, ``64,500,000 CHF``,
    ``€ 1.250.000,50`` (with ``decimal_comma``), ``(2,500)`` and ``-$2,500`` as
    negatives, and ``k`` / ``m`` / ``bn`` multipliers after a currency amount.

    >>> parse_number("$10,000").value
    10000.0
    >>> parse_number("1.250.000,50", decimal_comma=True).value
    1250000.5
    >>> parse_number("(2,500)").value
    -2500.0
    """
    raw = text
    s = str(text).strip()
    if s.lower() in BLANKS:
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    percent = False
    if s.endswith("%"):
        if not allow_percent:
            raise NumberFormatError("a percentage is not allowed here")
        percent, s = True, s[:-1].strip()
    low = s.lower()
    if allow_days:
        m = re.fullmatch(r"(.*?)\s*(d|day|days|wd|working days?)", low)
        if m and re.search(r"\d", m.group(1)):
            s = low = m.group(1).strip()
    # Leading sign may stand before or after a currency symbol: -$2,500 or $-2,500.
    if low.startswith(("-", "+", "−")):
        negative ^= low[0] in "-−"
        s, low = s[1:].strip(), low[1:].strip()
    currency = None
    if allow_currency:
        for word in sorted(_CURRENCY_WORDS, key=len, reverse=True):
            if low.startswith(word) and not low[len(word):len(word) + 1].isalpha():
                s, low, currency = s[len(word):].strip(), low[len(word):].strip(), word
                break
            if low.endswith(word) and not low[-len(word) - 1:-len(word)].isalpha():
                s, low, currency = s[:-len(word)].strip(), low[:-len(word)].strip(), word
                break
        if s[:1] in _CURRENCY_SYMBOLS:
            currency = (currency or "") + s[0]
            s = s[1:].strip()
        elif s[-1:] in _CURRENCY_SYMBOLS:
            currency = (currency or "") + s[-1]
            s = s[:-1].strip()
        low = s.lower()
        if low.startswith(("-", "+", "−")):
            negative ^= low[0] in "-−"
            s, low = s[1:].strip(), low[1:].strip()
    scale = 1.0
    m = re.fullmatch(r"(.*?\d)\s*(k|m|mm|mn|bn|b)", low)
    if m and allow_currency and not percent:
        scale, s = _SCALE_SUFFIX[m.group(2)], s[: len(m.group(1))]
    s = _SPACES.sub("", s)
    if not s:
        raise NumberFormatError("not a number")
    value = _parse_plain(s, decimal_comma)
    if value is None:
        hint = ""
        if not decimal_comma and re.fullmatch(r"\d+,\d{1,2}", s):
            hint = (" (a decimal comma? only ';'-delimited files use one; pass --decimal , "
                    "(decimal=',') if this file uses decimal commas)")
        raise NumberFormatError(f"not a number{hint}")
    value *= scale
    if negative:
        value = -value
    if percent:
        value /= 100.0
    del raw
    return ParsedNumber(value, percent, currency.upper() if currency else None)


#: Returned by :func:`parse_cell` for a cell that was not a number (already reported).
BAD = float("nan")


def parse_cell(text: str, report: Callable[[str], None],
               currencies: set[str] | None = None, **options: Any) -> float | None:
    """:func:`parse_number` for a validator: None for a blank cell; on a bad cell
    ``report(message)`` is called and :data:`BAD` (NaN) returned, so validation goes on
    and later checks can tell a bad cell from a blank one. Currencies seen are added to
    ``currencies``."""
    try:
        parsed = parse_number(text, **options)
    except NumberFormatError as exc:
        report(str(exc))
        return BAD
    if parsed is None:
        return None
    if not math.isfinite(parsed.value):
        report("not a finite number")
        return BAD
    if currencies is not None and parsed.currency:
        currencies.add(parsed.currency)
    return parsed.value


_THOUSANDS_DOT = re.compile(r"\d{1,3}(\.\d{3})+(,\d*)?")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")
_PLAIN = re.compile(r"(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _parse_plain(s: str, decimal_comma: bool) -> float | None:
    if decimal_comma:
        if _THOUSANDS_DOT.fullmatch(s):
            s = s.replace(".", "").replace(",", ".")
        elif "," in s:
            if "." in s:
                return None
            s = s.replace(",", ".")
    else:
        if _THOUSANDS_COMMA.fullmatch(s):
            s = s.replace(",", "")
        elif "," in s:
            return None
    if not _PLAIN.fullmatch(s):
        return None
    return float(s)


def split_list(text: str) -> tuple[str, ...]:
    """Split a multi-value cell such as ``A;B`` or ``A, B`` into its items."""
    items = re.split(r"[;,\n]", str(text))
    return tuple(i.strip() for i in items if i.strip())


def percentages(numbers: list[ParsedNumber], of: str = "the duration"
                ) -> tuple[list[float], str | None]:
    """Percentages (of ``of``) from cells: ``90`` and ``90%`` are both 90; values that
    all look like fractions (none written with %, all 3 or less) are refused, not
    guessed."""
    values = [n.value * 100 if n.percent else n.value for n in numbers]
    if numbers and not any(n.percent for n in numbers) and max(values) <= 3:
        shown = ", ".join(f"{v:g}" for v in values)
        return values, (f"{shown} would be {shown.replace(', ', '%, ')}% of {of}; "
                        f"write percentages such as 90, 100, 130 (or 90%, 100%, 130%)")
    return values, None


class RuleRow:
    """One row of a file of rules (uncertainty, weather): its cells by canonical
    column, and its problems named at the row and the column as the file wrote it."""

    def __init__(self, row: int, cells: tuple[str, ...], found: Mapping[str, int],
                 written: Mapping[str, str], src: str, decimal_comma: bool):
        self.row, self.cells, self.found, self.written = row, cells, found, written
        self.src, self.decimal_comma = src, decimal_comma
        self.problems: list[Problem] = []

    def cell(self, canon: str) -> str:
        i = self.found.get(canon)
        return self.cells[i].strip() if i is not None and i < len(self.cells) else ""

    def problem(self, canon: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(message, source=self.src, row=self.row,
                                     column=self.written.get(canon, canon),
                                     value=self.cell(canon), hint=hint))

    def number(self, canon: str) -> ParsedNumber | None:
        try:
            return parse_number(self.cell(canon), decimal_comma=self.decimal_comma,
                                allow_currency=False)
        except NumberFormatError as exc:
            self.problem(canon, str(exc))
            return None
