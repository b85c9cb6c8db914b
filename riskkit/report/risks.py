"""The pack's table of the top risks."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .._format import compact, short
from ..analysis import Drivers
from ..analysis import columns as C
from ..model import Risk, RiskRegister
from .layout import draw_table, page

__all__ = ["mitigation_cost_text", "risk_table_page"]


def risk_table_page(register: RiskRegister, drivers: Drivers, cur: str | None,
                footer: str) -> Figure:
    label = C.label(drivers.percentile).upper()
    fig = page(f"Top 20 risks by {label} cost effect (the {label} reduction if removed)",
                footer)
    ax = fig.add_subplot()
    frame = register.frame.set_index("id")
    cost_col, delay_col = drivers.reduction_column("cost"), drivers.reduction_column("schedule")
    rows = []
    for r in drivers.table.head(20).to_dict("records"):
        rec = frame.loc[r[C.ID]]

        def rng3(prefix: str, money: bool, rec: pd.Series = rec) -> str:
            lo, ml, hi = (rec[f"{prefix}_{p}"] for p in ("min", "most_likely", "max"))
            if pd.isna(lo):
                return "—"
            # one format down the column: £8k / £15k / £30k, not £8,000 / £15k
            f = (lambda v: compact(v, cur)) if money else (lambda v: f"{v:,.0f}")
            return f(lo) if lo == hi else f"{f(lo)} / {f(ml)} / {f(hi)}"

        rows.append([r[C.ID], short(rec["title"], 44), short(rec["owner"], 16),
                     f"{rec['probability']:.0%}", rng3("cost", True), rng3("schedule", False),
                     compact(r[cost_col], cur), f"{r[delay_col]:,.1f}",
                     mitigation_cost_text(register.risk(r[C.ID]), cur)])
    draw_table(ax, rows, ["id", "risk", "owner", "P", "cost min / ML / max", "delay (d)",
                      f"{label} cost cut", f"{label} days cut", "mitigation"],
           [0.06, 0.27, 0.11, 0.05, 0.18, 0.09, 0.08, 0.08, 0.07], fontsize=8)
    return fig


def mitigation_cost_text(risk: Risk, cur: str | None) -> str:
    """A risk's mitigation in a table cell: its cost, "free", or a dash for none."""
    if not risk.has_mitigation:
        return "—"
    cost = risk.mitigation_cost
    return "free" if cost is None or cost == 0 else compact(float(cost), cur)
