"""Uncertainty by rule (issue 18 part 5): three-point durations as percentages of each
activity's duration, for all activities or by WBS, activity code, calendar and
criticality."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.model import Uncertainty, UncertaintyRule, WorkCalendar

from .conftest import REALWORLD

needs_realworld = pytest.mark.skipif(not REALWORLD.exists(), reason="../shared/realworld absent")
REAL_XER = REALWORLD / "pyp6xer_SP10_cost_loaded.xer"


def chain(durations, **extra):
    acts = tuple(rk.Activity(f"A{i}", rk.Fixed(float(d)), **{k: v[i] for k, v in extra.items()})
                 for i, d in enumerate(durations))
    links = tuple(rk.Link(f"A{i - 1}", f"A{i}") for i in range(1, len(durations)))
    return rk.Schedule(acts, links)


def tri_var(a, m, b):
    return (a * a + m * m + b * b - a * m - a * b - m * b) / 18


def estimate(activity):
    d = activity.duration
    return (d.low, d.mode, d.high) if hasattr(d, "mode") else (d.low, None, d.high)


# --- one range for all activities ----------------------------------------------------

@pytest.mark.parametrize("spec", ["90,100,130", "90%, 100%, 130%", "90 100 130", (90, 100, 130)])
def test_chain_mean_is_the_sum_of_triangular_means(spec):
    durations = [4.0, 10.0, 7.0, 3.0, 12.0]
    sch = rk.apply_uncertainty(chain(durations), spec)
    assert [estimate(a) for a in sch.activities] == [
        pytest.approx((0.9 * d, d, 1.3 * d)) for d in durations]
    n = 40_000
    res = rk.simulate(schedule=sch, iterations=n, rng=11, sampling="random")
    mean = sum(d * (0.9 + 1.0 + 1.3) / 3 for d in durations)  # 38.4
    se = math.sqrt(sum(tri_var(0.9 * d, d, 1.3 * d) for d in durations) / n)
    assert mean == pytest.approx(38.4)
    assert abs(res.schedule.mean() - mean) < 4 * se
    assert res.summary().loc["schedule", "base"] == pytest.approx(sum(durations))


def test_pert_and_uniform_families():
    durations = [6.0, 12.0]
    pert = rk.apply_uncertainty(chain(durations), "pert:90,100,130")
    assert [a.distribution for a in pert.activities] == ["pert", "pert"]
    n = 40_000
    res = rk.simulate(schedule=pert, iterations=n, rng=5, sampling="random")
    mean = sum(d * (0.9 + 4 + 1.3) / 6 for d in durations)
    sd = math.sqrt(sum(a.duration.variance for a in pert.activities))
    assert abs(res.schedule.mean() - mean) < 4 * sd / math.sqrt(n)
    uniform = rk.apply_uncertainty(chain(durations), "uniform:80,120")
    a = uniform.activities[1]
    assert (a.distribution, a.duration.low, a.duration.high, a.most_likely) == (
        "uniform", pytest.approx(9.6), pytest.approx(14.4), pytest.approx(12.0))


def test_most_likely_percentage_moves_the_plan():
    sch = rk.apply_uncertainty(chain([10.0, 20.0]), "90,110,150")
    assert sch.duration() == pytest.approx(33.0)
    assert sch.activities[1].duration.mode == pytest.approx(22.0)


@pytest.mark.parametrize("spec,message", [
    ("0.9,1,1.3", "would be 0.9%, 1%, 1.3% of the duration"),
    ("90,100", "lacks|needs its most likely"),
    ("130,100,90", "estimate"),
    ("wobbly:90,100,130", "unknown distribution"),
    ("90,100,130,140", "gives 4 values"),
])
def test_bad_specs_say_what_is_wrong(spec, message):
    with pytest.raises(rk.InputError, match=message) as err:
        rk.apply_uncertainty(chain([5.0]), spec)
    assert err.value.problems[0].source == "--uncertainty"


def test_what_keeps_its_own_estimate():
    acts = (rk.Activity("M0", rk.Fixed(0.0), kind="start_milestone"),
            rk.Activity("T1", rk.Fixed(10.0)),
            rk.Activity("R2", rk.Triangular(5, 8, 20)),
            rk.Activity("L3", rk.Fixed(30.0), kind="level_of_effort"),
            rk.Activity("C4", rk.Fixed(0.0), status="complete"))
    sch = rk.Schedule(acts, (rk.Link("M0", "T1"), rk.Link("T1", "R2"), rk.Link("M0", "L3"),
                             rk.Link("C4", "T1")))
    with pytest.warns(rk.InputWarning, match=r"1 activity keeps its own three-point "
                                             r"estimate .*\(R2\).*override=True"):
        out = rk.apply_uncertainty(sch, "90,100,130")
    got = {a.id: a.duration for a in out.activities}
    assert got["T1"] == rk.Triangular(9.0, 10.0, 13.0)
    for kept in ("M0", "R2", "L3", "C4"):
        assert got[kept] == sch.activity(kept).duration
    replaced = rk.apply_uncertainty(sch, "90,100,130", override=True)
    assert replaced.activity("R2").duration == rk.Triangular(7.2, 8.0, 10.4)
    assert replaced.activity("L3").duration == rk.Fixed(30.0)


def test_the_schedule_is_otherwise_the_same():
    sch = chain([3.0, 4.0])
    out = rk.apply_uncertainty(sch, "90,100,130")
    assert out.links == sch.links and out.source == sch.source and out.ids == sch.ids
    assert sch.activities[0].duration == rk.Fixed(3.0)  # the original is unchanged
    with pytest.raises(rk.OptionError, match="same ids"):
        sch.with_activities(sch.activities[::-1])


# --- rules ---------------------------------------------------------------------------

SEVEN = WorkCalendar("7", "7-day", 8.0, (((8.0, 16.0),),) * 7)


def ruled_schedule():
    """A1 (PRJ.1) -> A2 (PRJ.2.1, Area North) -> A3 (PRJ.2.2, on a 7-day calendar);
    A4 (PRJ.20, Area South) in parallel, short: not critical."""
    acts = (rk.Activity("A1", rk.Fixed(10.0), wbs="PRJ.1"),
            rk.Activity("A2", rk.Fixed(10.0), wbs="PRJ.2.1", codes=(("Area", "North"),)),
            rk.Activity("A3", rk.Fixed(10.0), wbs="PRJ.2.2", calendar=SEVEN),
            rk.Activity("A4", rk.Fixed(10.0), wbs="PRJ.20", codes=(("Area", "South"),)))
    return rk.Schedule(acts, (rk.Link("A1", "A2"), rk.Link("A2", "A3")), "plan.csv")


def test_most_specific_rule_wins(write_csv):
    path = write_csv("WBS,Code Type,Code,Calendar,Min,Most Likely,Max,Distribution\n"
                     ",,,,90,100,130,\n"           # row 2: everything
                     "PRJ.2,,,,95,100,150,pert\n"   # row 3: A2, A3
                     "PRJ.2.1,,,,80,100,120,\n"     # row 4: A2 (deeper than row 3)
                     ",,,7-DAY,100,100,200,\n"      # row 5: A3 (a calendar, not a WBS)
                     "PRJ.2,,,7-day,100,110,120,\n"  # row 6: A3 (WBS and calendar)
                     ",Area,South,,50,100,100,\n",  # row 7: A4 (PRJ.20 is not under PRJ.2)
                     "uncertainty.csv")
    out = rk.apply_uncertainty(ruled_schedule(), path)
    got = {a.id: (a.distribution, *estimate(a)) for a in out.activities}
    assert got == {"A1": ("triangular", 9.0, 10.0, 13.0),
                   "A2": ("triangular", 8.0, 10.0, 12.0),
                   "A3": ("triangular", 10.0, 11.0, 12.0),
                   "A4": ("triangular", 5.0, 10.0, 10.0)}


def test_criticality_rules():
    rules = Uncertainty((UncertaintyRule(100, 100, 150, critical=True, row=2),
                         UncertaintyRule(50, 100, 100, critical=False, row=3)))
    out = rules.apply(ruled_schedule())
    got = {a.id: estimate(a) for a in out.activities}
    # A1 -> A2 -> A3 is the critical path (30 days); A4 (10 days) has 20 days of float
    assert got == {"A1": (10.0, 10.0, 15.0), "A2": (10.0, 10.0, 15.0),
                   "A3": (10.0, 10.0, 15.0), "A4": (5.0, 10.0, 10.0)}


def test_a_tie_is_an_error_naming_both_rows(write_csv):
    path = write_csv("wbs,code_type,code,min_pct,most_likely_pct,max_pct\n"
                     "PRJ.2,,,90,100,130\n"
                     ",Area,North,80,100,120\n", "u.csv")
    with pytest.raises(rk.InputError) as err:
        rk.apply_uncertainty(ruled_schedule(), path)
    (problem,) = err.value.problems
    assert problem.source.endswith("u.csv") and problem.row == 2
    assert "row 2 (WBS PRJ.2) and row 3 (Area=North) both cover 1 activity (A2)" in \
        problem.message


def test_same_conditions_twice_is_an_error(write_csv):
    path = write_csv("wbs,min_pct,most_likely_pct,max_pct\nPRJ.2,90,100,130\n"
                     "prj.2.*,80,100,120\n", "u.csv")
    with pytest.raises(rk.InputError, match=r"row 3.*same conditions as row 2"):
        rk.read_uncertainty(path)


def test_a_rule_that_applies_to_nothing_is_a_warning(write_csv):
    path = write_csv("wbs,min_pct,most_likely_pct,max_pct\nPRJ.9,90,100,130\n"
                     "PRJ,80,100,120\nPRJ.1,70,100,120\nPRJ.2,70,100,120\nPRJ.20,70,100,120\n",
                     "u.csv")
    with pytest.warns(rk.InputWarning) as caught:
        out = rk.apply_uncertainty(ruled_schedule(), path)
    text = " ".join(str(w.message) for w in caught)
    assert "row 2 (WBS PRJ.9) covers no activity of plan.csv" in text
    assert "row 3 (WBS PRJ) applies to no activity: more specific rules win" in text
    assert out.activity("A4").duration == rk.Triangular(7.0, 10.0, 12.0)


def test_override_column_and_activities_no_rule_covers(write_csv):
    sch = rk.Schedule((rk.Activity("A", rk.Triangular(4, 5, 9), wbs="X.1"),
                       rk.Activity("B", rk.Triangular(4, 5, 9), wbs="X.2"),
                       rk.Activity("C", rk.Fixed(5.0), wbs="Y")), (rk.Link("A", "B"),))
    path = write_csv("WBS,Min %,Most likely %,Max %,Override\nX.1,90,100,130,yes\n"
                     "X.2,90,100,130,no\n", "u.csv")
    with pytest.warns(rk.InputWarning, match=r"1 activity keeps .*\(B\); say yes in the "
                                             r"rule's 'Override' column"):
        out = rk.apply_uncertainty(sch, path)
    assert out.activity("A").duration == rk.Triangular(4.5, 5.0, 6.5)
    assert out.activity("B").duration == rk.Triangular(4, 5, 9)
    assert out.activity("C").duration == rk.Fixed(5.0)  # no rule covers it


@pytest.mark.parametrize("body,row,column,value,message", [
    ("PRJ.2,0.9,1,1.3,", 2, "Min", "0.9", "would be 0.9%"),
    ("PRJ.2,90,100,abc,", 2, "Max", "abc", "not a number"),
    ("PRJ.2,90,80,130,", 2, None, None, "estimate"),
    ("PRJ.2,90,100,130,wobbly", 2, "Distribution", "wobbly", "unknown distribution"),
    ("PRJ.2,,100,130,", 2, "Min", "", "is missing"),
])
def test_bad_cells_name_row_column_and_value(write_csv, body, row, column, value, message):
    path = write_csv("WBS,Min,Most Likely,Max,Distribution\n" + body + "\n", "u.csv")
    with pytest.raises(rk.InputError, match=message) as err:
        rk.read_uncertainty(path)
    p = err.value.problems[0]
    assert p.row == row and p.source.endswith("u.csv")
    if column is not None:
        assert (p.column, p.value) == (column, value)


def test_bad_yes_no_and_half_a_code(write_csv):
    path = write_csv("code_type,code,critical,min_pct,most_likely_pct,max_pct\n"
                     ",North,maybe,90,100,130\nArea,,,90,100,130\n", "u.csv")
    with pytest.raises(rk.InputError) as err:
        rk.read_uncertainty(path)
    got = [(p.row, p.column, p.message) for p in err.value.problems]
    assert (2, "critical", "is not yes or no") in got
    assert (3, "code", "an activity code needs its type and its value") in got


def test_code_written_as_type_equals_value(write_csv):
    path = write_csv("code,critical,min_pct,most_likely_pct,max_pct\n"
                     "Area=North,,90,100,130\n,non-critical,50,100,100\n", "u.csv")
    out = rk.apply_uncertainty(ruled_schedule(), path)
    assert estimate(out.activity("A2")) == (9.0, 10.0, 13.0)
    assert estimate(out.activity("A4")) == (5.0, 10.0, 10.0)
    assert out.activity("A1").duration == rk.Fixed(10.0)


def test_a_csv_schedule_keeps_its_wbs_column(write_csv):
    sched = write_csv("ID,WBS,Duration,Predecessors\nA,1.1,10,\nB,1.2,20,A\nC,2.1,5,B\n",
                      "plan.csv")
    sch = rk.read_schedule(sched)
    assert [a.wbs for a in sch.activities] == ["1.1", "1.2", "2.1"]
    rules = pd.DataFrame({"wbs": ["1", "2"], "min_pct": [90, 100],
                          "most_likely_pct": [100, 100], "max_pct": [130, 200]})
    out = rk.apply_uncertainty(sch, rules)
    assert [estimate(a) for a in out.activities] == [(9.0, 10.0, 13.0), (18.0, 20.0, 26.0),
                                                     (5.0, 5.0, 10.0)]


@needs_realworld
def test_real_p6_file_under_90_100_130():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.read_schedule(REAL_XER)
        out = rk.apply_uncertainty(sch, "90,100,130")
    changed = [a for a, b in zip(sch.activities, out.activities) if a.duration != b.duration]
    # every task with work left; not the 1,356 milestones, the level-of-effort activities
    # or the tasks with nothing left
    expected = [a for a in sch.activities if a.most_likely > 0 and a.kind != "level_of_effort"]
    assert len(changed) == len(expected) > 2_000
    ids = {a.id for a in changed}
    assert [estimate(b) for b in out.activities if b.id in ids] == [
        pytest.approx((0.9 * a.most_likely, a.most_likely, 1.3 * a.most_likely))
        for a in changed]
    assert out.duration() == sch.duration()
    rules = pd.DataFrame({"code_type": ["Fusion - WPS"], "code": ["AWH"], "min_pct": [100],
                          "most_likely_pct": [100], "max_pct": [150]})
    awh = rk.apply_uncertainty(sch, rules)
    hit = [a.id for a, b in zip(sch.activities, awh.activities) if a.duration != b.duration]
    assert hit == [a.id for a in expected if ("Fusion - WPS", "AWH") in a.codes]
    # Triangular(d, d, 1.5 d) has the mean 3.5 d / 3
    assert np.isclose(sum(awh.activity(i).duration.mean for i in hit),
                      sum(sch.activity(i).most_likely * 3.5 / 3 for i in hit))
    seven = "HS2 - 8h x 7d Workweek (No Holidays)"
    on_seven = rk.apply_uncertainty(sch, pd.DataFrame({
        "calendar": [seven.upper()], "min_pct": [100], "most_likely_pct": [100],
        "max_pct": [200]}))
    hit = [a.id for a, b in zip(sch.activities, on_seven.activities) if a.duration != b.duration]
    assert hit == [a.id for a in expected if a.calendar is not None and a.calendar.name == seven]
    assert 0 < len(hit) <= 659
