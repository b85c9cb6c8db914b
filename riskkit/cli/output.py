"""What the commands write: files or standard output, JSON values, and the pieces of
text that several commands print."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..exceptions import InputError

__all__ = ["json_value", "left_out", "listed", "summary_table", "write"]


def write(path: str, text: str) -> None:
    """``text`` to the file ``path``, or to standard output for ``-``."""
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def json_value(value: Any) -> Any:
    """A table's cell as JSON takes it: numpy numbers as Python's, NaN and infinity as
    null."""
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def summary_table(res: Any) -> str:
    """The summary as :class:`~riskkit.result.Summary` shows it, in fixed columns: cost
    in the currency, days to one decimal, no row for a metric the inputs do not model."""
    s = res.summary()
    shown = s.shown()
    label = max([16, *(len(str(i)) + 1 for i in shown.index)])
    width = max([13, *(len(v) + 2 for v in shown.to_numpy().ravel())])
    lines = [" " * label + "".join(f"{c:>{width}}" for c in shown.columns)]
    for name, row in shown.iterrows():
        lines.append(f"{name!s:<{label}}" + "".join(f"{v:>{width}}" for v in row))
    return "\n".join(lines + s.notes)


def listed(ids: Sequence[str], most: int = 6) -> str:
    """"A01, A38" or "A01, A05, … (9)": ids for a line of text."""
    if len(ids) <= most:
        return ", ".join(ids)
    return ", ".join(ids[:most]) + f", … ({len(ids)})"


def left_out(reg: Any) -> str:
    """"2 closed" or "2 closed, 1 realised (an issue)": the risks a simulation leaves out."""
    realised = len(reg.realised_ids)
    return f"{len(reg.closed_ids)} closed" + (
        f", {realised} realised ({'an issue' if realised == 1 else 'issues'})"
        if realised else "")
