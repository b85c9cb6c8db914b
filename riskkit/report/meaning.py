"""The pack's "What the results mean" page: the numbers of an analysis said in plain
words, by fixed rules, with a short glossary.

The rules (:func:`meaning` applies them; nothing else decides what the page says):

1. **Chances in words.** A probability is said with the first word of
   ``io/words/pack_meaning.json`` whose bound it is below (under 5% "very unlikely",
   under 35% "unlikely", under 65% "about as likely as not", under 95% "likely", else
   "very likely"), and always with the count behind it ("in 0 of the 10,000 simulated
   outcomes"), so 0% is never left unexplained.
2. **The plan** (the base: no risks, most-likely values) is judged by its chance of
   being met on cost and on time; below 5% the page says that a plan without risks is a
   target, not a forecast. Without a schedule there is no plan: the page says what the
   risks add.
3. **What to budget and promise**: the P50 (as likely to be enough as not) and the P80
   (enough four times in five), and the contingency the P80 needs above the plan, in
   money and as a share of the plan; finishes as dates when the start is known; with a
   schedule, the chance of meeting both P80s together.
4. **What needs the contingency**: its split into estimate uncertainty and risk events,
   and the risks with the largest allocations, largest first, until they cover half of
   the risk part (at most three).
5. **Opportunities**: every opportunity whose removal would raise the P80 cost or
   finish, largest saving first (at most four), or that there are none.
6. **What the mitigations buy**: all of them together (their cost, the P80 cost with
   their cost included, the P80 finish); the frontier's point of largest positive net
   value; the mitigations whose benefit on their own is below their cost.
7. **How far to trust the run**: twice the standard error of the P80s (the move a
   rerun with another seed could make), "precise enough to decide on" when both are
   within 1% (``SimulationResult.converged``), else "run more iterations"; whether
   correlation was modelled; the warnings a reader must see (activities ignored without
   a schedule).

No method names appear here; they are on the method page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .._format import money, plural
from ..analysis import Analysis
from ..analysis import columns as C
from ..plot.style import date_text
from ..result import SimulationResult
from ..words import read_words
from .facts import activity_warning
from .layout import Block, flow_pages, text_width

__all__ = ["chance_words", "glossary", "glossary_blocks", "meaning", "meaning_pages", "outcomes",
           "share"]


def _words() -> dict[str, Any]:
    words: dict[str, Any] = read_words("pack_meaning")
    return words


def glossary() -> list[tuple[str, str]]:
    """The glossary's (term, explanation) pairs, from ``io/words/pack_meaning.json``."""
    return [(str(t), str(x)) for t, x in _words()["glossary"]]


def chance_words(p: float) -> str:
    """A probability in words (rule 1).

    >>> chance_words(0.0), chance_words(0.5), chance_words(0.97)
    ('very unlikely', 'about as likely as not', 'very likely')
    """
    for bound, word in _words()["chances"]:
        if p < float(bound):
            return str(word)
    return str(_words()["chances"][-1][1])


def outcomes(p: float, n: int) -> str:
    """A share of the outcomes as a count: "in none of the 10,000 simulated outcomes",
    "in 1,234 of the 10,000 simulated outcomes (12%)"."""
    k = int(round(p * n))
    if k == 0:
        return f"in none of the {n:,} simulated outcomes"
    if k == n:
        return f"in every one of the {n:,} simulated outcomes"
    return f"in {k:,} of the {n:,} simulated outcomes ({share(p)})"


def share(p: float) -> str:
    """A share that is neither 0 nor 1 as a percentage never rounded to either.

    >>> share(0.0002), share(0.25), share(0.9996)
    ('under 1%', '25%', 'over 99%')
    """
    return "under 1%" if p < 0.005 else "over 99%" if p > 0.995 else f"{p:.0%}"


def _days(value: float) -> str:
    return f"{value:,.0f} working day{'s' if round(value) != 1 else ''}"


def _when(res: SimulationResult, days: float) -> str:
    if res.start is None:
        return _days(days) + " from the start"
    return date_text(res.calendar.finish_date(res.start, days))


def _n(k: int, one: str, many: str) -> str:
    return f"{k:,} {one if k == 1 else many}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def meaning(analysis: Analysis, currency: str | None = None) -> list[tuple[str, str]]:
    """The plain-words page of ``analysis`` as (heading, paragraph) pairs, by the rules
    of this module's documentation (rules 2 to 7; rule 1 in every sentence).

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> a = rk.analyse(reg, iterations=2_000, rng=1)
    >>> [h for h, _ in meaning(a)][:2]
    ['What the figures measure', 'What to budget and promise']
    """
    res, cur = analysis.current, currency
    n = res.iterations
    out = [_plan(res, cur, n), _promise(res, cur)]
    named: set[str] = set()  # a risk's title goes with its id the first time only
    split = _contingency(analysis, cur, named)
    if split:
        out.append(split)
    out.append(_opportunities(analysis, cur, named))
    out.append(_mitigations(analysis, cur))
    out.append(_trust(analysis, cur))
    return out


def _plan(res: SimulationResult, cur: str | None, n: int) -> tuple[str, str]:
    p_cost = res.probability_within(res.base_cost, "cost")
    if not res.has_schedule:
        p_time = res.probability_within(0.0, "schedule")
        text = ("Without a schedule there is no plan to test: the figures are what the "
                "register's risks add to the project's own estimate, which is not in them. "
                f"The risks add no cost {outcomes(p_cost, n)}")
        if np.any(res.schedule):
            text += f" and no delay {outcomes(p_time, n)}"
        text += (". Every figure below is an amount" + (" or a delay" if np.any(res.schedule)
                                                      else "") + " on top of the estimate.")
        return "What the figures measure", text
    p_time = res.probability_within(res.base_schedule, "schedule")
    both = max(p_cost, p_time)
    finish = ("" if res.start is None else
              f", finishing on {_when(res, res.base_schedule)}")
    text = (f"The plan, {money(res.base_cost, cur)} and {_days(res.base_schedule)}{finish}, "
            f"is {chance_words(both)} to hold. The cost stayed within it "
            f"{outcomes(p_cost, n)}, and the finish came on or before the plan's date "
            f"{outcomes(p_time, n)}.")
    if both < 0.05:
        text += (" That is usual: a plan made of most-likely values without risks is a "
                 "target, not a forecast, which is why the S-curves show it met in so few "
                 "outcomes (0% when none). The figures below say what to budget and "
                 "promise instead.")
    return "How likely is the plan?", text


def _promise(res: SimulationResult, cur: str | None) -> tuple[str, str]:
    p50, p80 = res.percentile(0.5, "cost"), res.percentile(0.8, "cost")
    cont = res.contingency(0.8, "cost")
    above = "the plan" if res.has_schedule else "the estimate"
    share = f" ({cont / res.base_cost:.0%} of it)" if res.base_cost > 0 else ""
    if res.has_schedule:
        text = (f"Cost: a budget of {money(p50, cur)} is as likely to be enough as not "
                f"(P50); {money(p80, cur)} is enough four times in five (P80). Budgeting at "
                f"the P80 means holding {money(cont, cur)} of contingency above "
                f"{above}{share}.")
    else:
        text = (f"Cost: the risks add {money(p50, cur)} or less in half of the outcomes "
                f"(P50) and {money(p80, cur)} or less four times in five (P80): holding "
                f"{money(cont, cur)} of contingency above {above} covers them at the P80.")
    if res.has_schedule:
        d50, d80 = res.percentile(0.5, "schedule"), res.percentile(0.8, "schedule")
        text += (f" Time: finishing by {_when(res, d50)} is even odds (P50); by "
                 f"{_when(res, d80)} four times in five (P80), "
                 f"{_days(res.contingency(0.8, 'schedule'))} after the plan's finish.")
        joint = float(np.mean((res.cost <= p80) & (res.schedule <= d80)))
        text += (f" Both P80s are met together in {joint:.0%} of the outcomes: fewer than "
                 f"80%, because one can be met while the other is not.")
    elif np.any(res.schedule):
        d50, d80 = res.percentile(0.5, "schedule"), res.percentile(0.8, "schedule")
        text += (f" Time: the risks delay the project by {_days(d50)} or less in half of "
                 f"the outcomes (P50) and by {_days(d80)} or less four times in five (P80).")
    return "What to budget and promise", text


def _name(rid: str, title: object, named: set[str]) -> str:
    """A risk as the page names it: its id with its title the first time, "risk 12"
    for an id that is a number."""
    shown = f"risk {rid}" if str(rid)[:1].isdigit() else str(rid)
    if rid in named or not isinstance(title, str) or not title:
        return shown
    named.add(rid)
    return f"{shown} {title}"


def _contingency(analysis: Analysis, cur: str | None,
                 named: set[str]) -> tuple[str, str] | None:
    split = analysis.contingency
    if split is None:
        return None
    parts = []
    for metric in ("cost", "schedule"):
        part = split.split(metric)
        total = part.contingency
        if metric == "schedule" and (not _has_delay(analysis.current) or abs(total) < 0.05):
            continue
        amount = ((lambda v: money(v, cur)) if metric == "cost" else _days)
        if total <= 0:
            continue
        table = part.table
        chosen: list[str] = []
        covered = 0.0
        for rec in table.to_dict("records"):
            if len(chosen) == 3 or covered >= 0.5 * part.risk or rec["allocation"] <= 0:
                break
            chosen.append(f"{_name(rec['id'], rec['title'], named)} "
                          f"({amount(rec['allocation'])})")
            covered += float(rec["allocation"])
        noun = "cost contingency" if metric == "cost" else "schedule contingency"
        own = "costs and durations" if metric == "cost" else "durations"
        if analysis.schedule is not None and metric == "schedule":
            sentence = (f"Of the {amount(total)} of {noun}, {amount(part.estimate)} "
                        f"({part.estimate / total:.0%}) are for estimate uncertainty and "
                        f"{amount(part.risk)} ({part.risk / total:.0%}) for risks.")
        elif analysis.schedule is not None:
            sentence = (f"Of the {amount(total)} of {noun}, {amount(part.estimate)} "
                        f"({part.estimate / total:.0%}) is for estimate uncertainty, the "
                        f"ranges on the plan's own {own}, and {amount(part.risk)} "
                        f"({part.risk / total:.0%}) for the register's risks.")
        elif metric == "cost":
            sentence = (f"All {amount(total)} of the {noun} is for the register's risks "
                        f"(without a schedule there are no estimate ranges).")
        else:
            sentence = f"All {amount(total)} of the delay contingency are for them too."
        if chosen:
            sentence += (f" The risk{'s' if len(chosen) > 1 else ''} needing most: "
                         f"{_join(chosen)}, together {covered / total:.0%} of it.")
        parts.append(sentence)
    if not parts:
        return None
    return "What needs the contingency", " ".join(parts)


def _has_delay(res: SimulationResult) -> bool:
    return res.has_schedule or bool(np.any(res.schedule))


def _opportunities(analysis: Analysis, cur: str | None, named: set[str]) -> tuple[str, str]:
    table = analysis.drivers.table
    q = analysis.drivers.percentile
    label = C.label(q).upper()
    found = []
    for metric, word in (("cost", "cost"), ("schedule", "finish")):
        col, mean = C.reduction(metric, q), C.reduction(metric, q, kind="expected")
        rows = table[(table[mean] < 0) & (table[col] < 0)].sort_values(col)
        for rec in rows.to_dict("records"):
            saving = (money(-rec[col], cur) if metric == "cost" else _days(-rec[col]))
            found.append((rec[C.ID], rec.get(C.TITLE) or "", f"{saving} off the {label} {word}"))
    if not found:
        return ("Opportunities", "The register lists no opportunities (risks that would "
                "save cost or time if they happened).")
    merged: dict[str, list[str]] = {}
    titles = {}
    for rid, title, text in found:
        merged.setdefault(rid, []).append(text)
        titles[rid] = title
    items = [f"{_name(rid, titles[rid], named)} ({' and '.join(t)})"
             for rid, t in list(merged.items())[:4]]
    more = len(merged) - len(items)
    text = (f"{_n(len(merged), 'opportunity', 'opportunities')} could lower the outcome: "
            f"{_join(items)}"
            + (f", and {more} more" if more else "") + ". They are already counted in the "
            "figures above: pursue them, but do not spend their savings before they happen.")
    return "Opportunities", text


def _mitigations(analysis: Analysis, cur: str | None) -> tuple[str, str]:
    ranking, after, res = analysis.ranking, analysis.mitigated, analysis.current
    if ranking is None or not len(ranking):
        return "What the mitigations buy", "The register lists no mitigations."
    table = ranking.table
    spend = float(table[C.MITIGATION_COST].fillna(0).sum())
    p80, p80_after = res.percentile(0.8, "cost"), after.percentile(0.8, "cost")
    change = p80 - p80_after
    text = (f"Funding all {plural(len(table), 'mitigation')} costs {money(spend, cur)} and "
            f"moves the P80 cost to {money(p80_after, cur)}, their cost included "
            f"({money(abs(change), cur)} {'lower' if change >= 0 else 'higher'} than now)")
    if _has_delay(res):
        d80, d80_after = res.percentile(0.8, "schedule"), after.percentile(0.8, "schedule")
        to = (f"finish to {_when(after, d80_after)}" if res.has_schedule else
              f"delay to {_days(d80_after)}")
        sooner = (("earlier" if d80 >= d80_after else "later") if res.has_schedule else
                  ("less" if d80 >= d80_after else "more"))
        text += f", and the P80 {to} ({_days(abs(d80 - d80_after))} {sooner})"
    text += "."
    frontier = analysis.frontier
    if frontier is not None and len(frontier.table):
        ft = frontier.table
        best = ft.loc[ft[C.NET_BENEFIT].idxmax()]
        if best[C.NET_BENEFIT] > 0:
            funded = len(frontier.sets[int(best["step"])])
            text += (f" The best value is to fund {plural(funded, 'mitigation')} (step "
                     f"{int(best['step'])} on the frontier page) for "
                     f"{money(best[C.MITIGATION_COST], cur)}: their expected saving exceeds "
                     f"their cost by {money(best[C.NET_BENEFIT], cur)}, with the P80 cost at "
                     f"{money(best[frontier.cost_column], cur)}.")
        else:
            text += " No set of mitigations is expected to save more than it costs."
    losing = table[table[C.TOTAL_BENEFIT] < table[C.MITIGATION_COST].fillna(0)]
    if len(losing):
        ids = ", ".join(_name(str(r), None, set()) for r in losing[C.ID].head(8)) + (
            " …" if len(losing) > 8 else "")
        one = len(losing) == 1
        text += (f" {plural(len(losing), 'mitigation')} "
                 f"{'costs more than it saves' if one else 'cost more than they save'} on "
                 f"{'its' if one else 'their'} own ({ids}): fund "
                 f"{'it' if one else 'them'} only for reasons beyond cost and time, such as "
                 f"safety or obligations.")
    return "What the mitigations buy", text


def _trust(analysis: Analysis, cur: str | None) -> tuple[str, str]:
    res = analysis.current
    se_cost, se_time = res.standard_error(0.8, "cost"), res.standard_error(0.8, "schedule")
    p80 = res.percentile(0.8, "cost")
    text = (f"The figures come from {res.iterations:,} simulated outcomes. Run again with "
            f"another seed, the P80 cost could move by about {money(2 * se_cost, cur)}"
            + (f" ({2 * se_cost / abs(p80):.1%})" if p80 else ""))
    if _has_delay(res):
        text += f" and the P80 {'finish' if res.has_schedule else 'delay'} by about " \
                f"{2 * se_time:,.1f} working days"
    text += (": precise enough to decide on." if res.converged() else
             ": not yet steady, so run more iterations before deciding.")
    if res.correlation:
        text += " Risks that share causes were set to move together, as the register says."
    else:
        text += (" No risks were set to move together: if some share a cause, the real "
                 "spread, and the contingency it needs, is larger.")
    drivers = sum(r.is_driver for r in analysis.register.modelled_risks(analysis.schedule))
    driven = f" and {plural(drivers, 'risk driver')}" if drivers else ""
    text += (" The figures are only as good as the register's estimates: "
             f"{plural(len(res.risk_ids), 'active risk')}{driven}, their chances and ranges "
             "as their owners gave them.")
    warning = activity_warning(analysis.register, analysis.schedule)
    if warning:
        text += " Warning: " + warning[0].lower() + warning[1:]
    return "How far to trust these figures", text


def meaning_pages(analysis: Analysis, currency: str | None, footer: str) -> list[Figure]:
    """The page (or pages) of :func:`meaning`; the glossary is at the end of the pack
    (:func:`glossary_blocks`)."""
    blocks: list[Block] = []
    for heading, text in meaning(analysis, currency):
        blocks.append(Block(heading, size=10.5, bold=True, before=5, keep=1))
        blocks.append(Block(text, size=9.5, before=1))
    blocks.append(Block("The terms that remain (P80, contingency, criticality, joint "
                        "confidence ...) are explained on the last page.", size=8.5,
                        color="0.35", before=8))
    return flow_pages("What the results mean", blocks, footer)


def glossary_blocks() -> list[Block]:
    """The glossary as text blocks in two columns, kept together under its heading."""
    terms = glossary()
    half = (len(terms) + 1) // 2
    room = max(text_width(t, 8, True) for t, _ in terms) + 8
    blocks = [Block("Terms used in the pack", size=10, bold=True, before=9, keep=half)]
    for (term, text), right in zip(terms[:half], [*terms[half:], None]):
        beside = None
        if right is not None:
            beside = Block(right[1], size=8, before=1.5, term=right[0], term_width=room,
                           color="0.15", share=0.49)
        blocks.append(Block(text, size=8, before=1.5, term=term, term_width=room,
                            color="0.15", share=0.49, beside=beside))
    return blocks
