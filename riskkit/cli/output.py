"""What the commands write: files or standard output, JSON values, and the pieces of
text that several commands print."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError

__all__ = ["json_value", "left_out", "listed", "milestone_lines", "summary_table", "write"]


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


def milestone_lines(res: Any, most: int = 15) -> list[str]:
    """The milestones and deadlines of a run as lines of a table: P50 and P80 finish
    (dates when the start is known, else working days), the target and the chance of
    meeting it; with more than ``most``, those least likely to meet their target."""
    if not res.key_activities:
        return []
    table = res.milestone_table(most=most)
    dated = res.start is not None

    def when(row: Any, col: str) -> str:
        return str(row[f"{col}_date"].date()) if dated else f"{row[col]:,.1f} d"

    width = max(len(str(i)) for i in table["id"])
    some = (f"; the {len(table)} least likely to meet their target of "
            f"{len(res.key_activities)}" if len(res.key_activities) > len(table) else "")
    lines = [f"milestones and deadlines (P50 and P80 finish{some}):",
             f"  {'id':<{width}}  {'P50':>10}  {'P80':>10}  {'target':>10}  {'P(meet)':>7}  name"]
    for _, r in table.iterrows():
        target = str(r["target"].date()) if not pd.isna(r["target"]) else "-"
        chance = f"{r['p_meet']:.0%}" if not pd.isna(r["p_meet"]) else "-"
        lines.append(f"  {r['id']:<{width}}  {when(r, 'p50'):>10}  {when(r, 'p80'):>10}  "
                     f"{target:>10}  {chance:>7}  {r['name']}")
    return lines
