"""The pack's table of the top risks."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .._format import compact
from ..analysis import Drivers
from ..analysis import columns as C
from ..model import Risk, RiskRegister
from .layout import draw_table, page

__all__ = ["mitigation_text", "risk_table_page"]


def risk_table_page(register: RiskRegister, drivers: Drivers, cur: str | None,
                    footer: str) -> Figure:
    """The 20 risks with the largest P80 cost effect: estimates, effects and the
    mitigation (what it is and what it costs). Titles and mitigations wrap to two lines."""
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
            factor = f"{prefix}_factor"
            if pd.isna(lo) and not pd.isna(rec[f"{factor}_min"]):
                # a risk driver: the range of its factor of the activities' durations
                # or costs (percent of the plan)
                lo, hi = rec[f"{factor}_min"], rec[f"{factor}_max"]
                return f"×{lo:.0f}%" if lo == hi else f"×{lo:.0f}–{hi:.0f}%"
            if pd.isna(lo):
                return "—"
            # one format down the column: £8k / £15k / £30k, not £8,000 / £15k
            f = (lambda v: compact(v, cur)) if money else (lambda v: f"{v:,.0f}")
            if lo == hi:
                return f(lo)
            if pd.isna(ml):  # a range without a most likely value (uniform)
                return f"{f(lo)} – {f(hi)}"
            return f"{f(lo)} / {f(ml)} / {f(hi)}"

        risk = register.risk(r[C.ID])
        rows.append([r[C.ID], rec["title"] if isinstance(rec["title"], str) else "",
                     rec["owner"] if isinstance(rec["owner"], str) else "",
                     f"{rec['probability']:.0%}", rng3("cost", True), rng3("schedule", False),
                     compact(r[cost_col], cur), f"{r[delay_col]:,.1f}",
                     mitigation_text(risk, cur)])
    draw_table(ax, rows, ["id", "risk", "owner", "P", "cost min / ML / max", "delay (d)",
                          f"{label} cost cut", f"{label} days cut", "mitigation (cost: action)"],
               [0.05, 0.22, 0.1, 0.04, 0.14, 0.075, 0.07, 0.07, 0.235], fontsize=8)
    return fig


def mitigation_text(risk: Risk, cur: str | None) -> str:
    """A risk's mitigation in a table cell: what it costs ("free" without a cost) and
    what it is, the cost first so that wrapping never cuts it; a dash for none."""
    if not risk.has_mitigation:
        return "—"
    cost = risk.mitigation_cost
    price = "free" if cost is None or cost == 0 else compact(float(cost), cur)
    return f"{price}: {risk.mitigation}" if risk.mitigation else price
