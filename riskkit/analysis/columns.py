"""The columns of rankings and drivers tables: one name per quantity.

Plots, the pack and the command line read tables by these names. A percentile column
is named after its percentile (``p80_cost_reduction`` at 0.8): the result that holds
the table knows its percentile, and :func:`cost_reduction` / :func:`delay_reduction`
give the name.
"""

from __future__ import annotations

__all__ = [
    "BENEFIT_COST_RATIO", "COST_SPEARMAN", "COST_VARIANCE_SHARE", "EXPECTED_COST_REDUCTION",
    "EXPECTED_DELAY_REDUCTION", "ID", "MITIGATION", "MITIGATION_COST", "NET_BENEFIT", "OWNER",
    "PROBABILITY", "RANK", "SCHEDULE_SPEARMAN", "SCHEDULE_VARIANCE_SHARE", "TITLE",
    "TOTAL_BENEFIT", "cost_reduction", "delay_reduction", "drivers_columns", "label",
    "percentile_cost", "percentile_finish", "ranking_columns", "reduction",
]

ID = "id"
TITLE = "title"
OWNER = "owner"
MITIGATION = "mitigation"
PROBABILITY = "probability"
RANK = "rank"
#: what the mitigation costs (0 when the register gives none)
MITIGATION_COST = "mitigation_cost"
#: mean(baseline cost - changed cost), gross: a mitigation's own cost not subtracted
EXPECTED_COST_REDUCTION = "expected_cost_reduction"
#: mean(baseline duration - changed duration), working days
EXPECTED_DELAY_REDUCTION = "expected_delay_reduction"
#: expected cost reduction + value per day x expected delay reduction
TOTAL_BENEFIT = "total_benefit"
#: total benefit - mitigation cost
NET_BENEFIT = "net_benefit"
#: total benefit / mitigation cost (NaN when free)
BENEFIT_COST_RATIO = "benefit_cost_ratio"
#: Spearman rank correlation of a risk's impact (0 where it does not occur) with the total
COST_SPEARMAN = "cost_spearman"
SCHEDULE_SPEARMAN = "schedule_spearman"
#: squared rank correlations normalised to 1 (Crystal Ball's contribution to variance)
COST_VARIANCE_SHARE = "cost_variance_share"
SCHEDULE_VARIANCE_SHARE = "schedule_variance_share"


def label(q: float) -> str:
    """``p80`` for 0.8: how a percentile is written in column names."""
    return f"p{round(q * 100):d}"


def percentile_cost(q: float) -> str:
    """The column of a set's cost percentile, its mitigation spend included (frontier)."""
    return f"{label(q)}_cost"


def percentile_finish(q: float) -> str:
    """The column of a set's duration percentile, working days (frontier)."""
    return f"{label(q)}_finish"


def cost_reduction(q: float) -> str:
    """The column of the cost percentile's reduction: P(baseline) - P(changed)."""
    return f"{label(q)}_cost_reduction"


def delay_reduction(q: float) -> str:
    """The column of the duration percentile's reduction, working days."""
    return f"{label(q)}_delay_reduction"


def reduction(metric: str, q: float, kind: str = "percentile") -> str:
    """The reduction column of ``metric`` ("cost" or "schedule"): its expected value
    (``kind="expected"``) or its percentile ``q``."""
    if kind == "expected":
        return EXPECTED_COST_REDUCTION if metric == "cost" else EXPECTED_DELAY_REDUCTION
    return cost_reduction(q) if metric == "cost" else delay_reduction(q)


def ranking_columns(q: float) -> tuple[str, ...]:
    """The columns of a ranking table, in order (DESIGN.md's ``rank --json`` keys)."""
    return (RANK, ID, TITLE, OWNER, MITIGATION, MITIGATION_COST, EXPECTED_COST_REDUCTION,
            cost_reduction(q), EXPECTED_DELAY_REDUCTION, delay_reduction(q), TOTAL_BENEFIT,
            NET_BENEFIT, BENEFIT_COST_RATIO)


def drivers_columns(q: float) -> tuple[str, ...]:
    """The columns of a risk-drivers table, in order."""
    return (ID, TITLE, OWNER, PROBABILITY, EXPECTED_COST_REDUCTION, cost_reduction(q),
            EXPECTED_DELAY_REDUCTION, delay_reduction(q), COST_SPEARMAN, SCHEDULE_SPEARMAN,
            COST_VARIANCE_SHARE, SCHEDULE_VARIANCE_SHARE)
