"""Milestones and deadlines (#18, part 6): the key activities of a schedule, their
finish per iteration, P50/P80 dates, the probability of meeting their target and the
schedule's must-finish-by date; in the results, the JSON and the terminal.

The analytic case: activity A ~ Uniform(4.5, 8.5) working days from Monday 2027-01-04,
then milestone M. A duration d ends on working day ceil(d), so P50 = 6.5 days is
Tuesday 12 January, P80 = 7.7 days Wednesday 13 January, and a target of Tuesday 12
January (working day 7) is met with probability P(d <= 7) = 2.5 / 4 = 0.625.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.model import Constraint, key_activities, target_day

from .test_mspdi import link, mspdi, task
from .test_mspdi import read as read_mspdi_text
from .test_xer import load as load_xer

START = "2027-01-04"  # a Monday
N = 20_000


def analytic(**m_fields) -> rk.Schedule:
    return rk.Schedule((rk.Activity("A", rk.Uniform(4.5, 8.5), name="Build"),
                        rk.Activity("M", rk.Fixed(0.0), name="Handover", **m_fields)),
                       (rk.Link("A", "M"),))


def day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def test_a_milestone_after_one_uniform_activity_has_the_analytic_dates_and_chance():
    sch = rk.Schedule(analytic(baseline_finish="2027-01-12T17:00").activities,
                      analytic().links, must_finish_by="2027-01-12T17:00")
    res = rk.simulate(None, sch, iterations=N, rng=11, sampling="random", start=START)
    table = res.milestone_table()
    assert list(table["id"]) == ["M"] and table["milestone"].tolist() == [True]
    row = table.iloc[0]
    assert row["base"] == 6.5 and row["base_date"] == day("2027-01-12")
    assert (row["p50_date"], row["p80_date"]) == (day("2027-01-12"), day("2027-01-13"))
    assert (row["target"], row["target_source"]) == (day("2027-01-12"), "baseline")
    p, se = 0.625, np.sqrt(0.625 * 0.375 / N)
    assert abs(row["p_meet"] - p) < 4 * se
    assert abs(row["mean"] - 6.5) < 4 * (4 / np.sqrt(12)) / np.sqrt(N)
    # P(meet) is exactly the share of iterations whose finish date is on or before it
    dates = res.calendar.finish_dates(res.start, res.key_finish[0])
    assert row["p_meet"] == np.mean(dates <= day("2027-01-12"))
    # the project finishes with M: the same numbers, from the must-finish-by date
    finish = res.finish_summary()
    assert (finish.base, finish.p50, finish.p80) == (
        day("2027-01-12"), day("2027-01-12"), day("2027-01-13"))
    assert finish.deadline == day("2027-01-12") and finish.p_meet == row["p_meet"]
    np.testing.assert_array_equal(res.key_finish[0], res.schedule)


def test_the_dates_and_chances_do_not_depend_on_the_chunk_size():
    sch = analytic(baseline_finish="2027-01-12T17:00")
    a = rk.simulate(None, sch, iterations=70_000, rng=3, start=START)
    b = rk.simulate(None, sch, iterations=70_000, rng=3, start=START, chunk_size=1)
    np.testing.assert_array_equal(a.key_finish, b.key_finish)
    assert a.milestone_table().equals(b.milestone_table())


def test_a_target_at_midnight_is_the_day_before():
    assert target_day(np.datetime64("2027-01-13T00:00")) == day("2027-01-12")
    assert target_day(np.datetime64("2027-01-12T17:00")) == day("2027-01-12")
    assert target_day(None) is None
    sch = analytic(baseline_finish="2027-01-13T00:00")
    res = rk.simulate(None, sch, iterations=2_000, rng=1, start=START)
    assert res.milestone_table()["target"].iloc[0] == day("2027-01-12")
    before = analytic(baseline_finish="2027-01-01T17:00")  # before the start: never met
    res = rk.simulate(None, before, iterations=2_000, rng=1, start=START)
    assert res.milestone_table()["p_meet"].iloc[0] == 0.0


def test_what_is_a_key_activity_and_its_target():
    acts = (
        rk.Activity("S", rk.Fixed(0.0), kind="start_milestone"),
        rk.Activity("A", rk.Uniform(2, 4), constraints=(
            Constraint("finish_on_or_before", "2027-01-20T17:00"),
            Constraint("finish_on_or_before", "2027-01-08T17:00"))),
        rk.Activity("B", rk.Uniform(2, 4), constraints=(
            Constraint("start_on_or_before", "2027-01-05T08:00"),)),  # a task's start
        rk.Activity("L", rk.Fixed(0.0), kind="level_of_effort"),
        rk.Activity("Z", rk.Fixed(0.0), constraints=(Constraint("as_late_as_possible"),)),
        rk.Activity("D", rk.Fixed(0.0), status="complete",
                    actual_finish="2027-01-04T08:00"),
        rk.Activity("F", rk.Fixed(0.0), kind="finish_milestone", constraints=(
            Constraint("start_on_or_before", "2027-01-15T08:00"),),
            baseline_finish="2027-01-11T17:00"),
    )
    links = (rk.Link("S", "A"), rk.Link("A", "B"), rk.Link("B", "F"), rk.Link("S", "L"),
             rk.Link("L", "F"), rk.Link("F", "Z"), rk.Link("S", "D"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.Schedule(acts, links, data_date="2027-01-04T08:00", start=START)
    keys = {k.id: k for k in key_activities(sch)}
    # LOE, as late as possible and complete left out; B's start constraint is no finish
    assert list(keys) == ["S", "A", "F"]
    assert (keys["A"].target, keys["A"].target_source) == (day("2027-01-08"), "constraint")
    assert not keys["A"].milestone and keys["S"].target is None
    # a milestone's start constraint is its finish's; it comes before the baseline
    assert (keys["F"].target, keys["F"].target_source) == (day("2027-01-15"), "constraint")
    assert keys["F"].base == sch.cpm().set_index("id").at["F", "early_finish"] == 6.0
    res = rk.simulate(None, sch, iterations=4_000, rng=2)
    table = res.milestone_table().set_index("id")
    assert table.at["F", "p_meet"] == 1.0  # at most 8 working days: by Thursday 14th
    a = res.key_finish[1]
    assert table.at["A", "p_meet"] == np.mean(np.ceil(a - 1e-9) <= 5)


def test_a_csv_schedules_zero_duration_rows_are_its_milestones(tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_text("id,name,duration_min,duration_most_likely,duration_max,predecessors\n"
                    "K,Kick-off,0,0,0,\nA,Design,4,5,9,K\nB,Build,8,10,15,A\n"
                    "G,Gate,0,0,0,A\nE,Handover,0,0,0,B\n", encoding="utf-8")
    sch = rk.read_schedule(path)
    assert [k.id for k in key_activities(sch)] == ["K", "G", "E"]
    out = tmp_path / "out.json"
    assert main(["simulate", "--schedule", str(path), "-n", "2000", "--seed", "5",
                 "--start", START, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "milestones and deadlines" in printed and "Handover" in printed
    data = json.loads(out.read_text())
    assert set(data["finish"]) == {"base", "mean", "p10", "p50", "p80", "p90", "deadline",
                                   "p_meet"}
    assert data["finish"]["deadline"] is None and data["finish"]["p_meet"] is None
    assert list(data["milestones"]) == ["K", "G", "E"]
    assert set(data["milestones"]["E"]) >= {"name", "p50", "p80", "target", "p_meet"}
    res = rk.simulate(None, sch, iterations=2000, rng=5, start=START)
    assert data["milestones"]["E"]["p80"] == str(res.milestone_table()["p80_date"].iloc[2].date())
    assert data["finish"]["p80"] == data["finish_dates"]["p80"] == str(res.finish_date(0.8))
    assert data["milestones"]["K"]["p50"] == START  # at the start, on the first day
    # without a start: days, no dates, no "finish"
    assert main(["simulate", "--schedule", str(path), "-n", "2000", "--seed", "5",
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert "finish" not in data and data["milestones"]["E"]["p50"] is None
    assert data["milestones"]["E"]["p80_days"] == pytest.approx(
        res.milestone_table()["p80"].iloc[2])


def test_p6_milestones_and_the_must_finish_by_date():
    bridge, _ = load_xer("BRIDGE")
    res = rk.simulate(None, bridge, iterations=2_000, rng=1)
    table = res.milestone_table().set_index("id")
    assert list(table.index) == ["B1005", "B1050"]  # B1000 is complete
    cpm = bridge.cpm().set_index("id")
    for ident in table.index:  # fixed durations: every date is the plan's
        assert table.at[ident, "p80_date"] == table.at[ident, "base_date"] == \
            np.datetime64(cpm.at[ident, "early_finish_date"], "D")
    depot, _ = load_xer("DEPOT")
    res = rk.simulate(None, depot, iterations=2_000, rng=1)
    assert res.key_activities == ()  # D120 a level of effort, D130 as late as possible
    finish = res.finish_summary()
    assert finish.deadline == day("2027-06-30") and finish.p_meet == 1.0
    assert res.to_dict()["finish"]["deadline"] == "2027-06-30"
    assert "milestones" not in res.to_dict()


def test_ms_project_deadlines_and_constraints(tmp_path):
    xml = mspdi(
        task(1, 16),
        task(2, 0, link(1), Milestone=1, Deadline="2027-01-05T17:00:00"),
        task(3, 0, link(1), Milestone=1, Deadline="2027-01-05T00:00:00"),
        task(4, 8, link(1), ConstraintType=7, ConstraintDate="2027-01-06T17:00:00"),
        task(5, 0, link(4), Milestone=1, ConstraintType=1),
        task(6, 8, link(4)))
    sch, _ = read_mspdi_text(xml, tmp_path)
    res = rk.simulate(None, sch, iterations=1_000, rng=1)
    table = res.milestone_table().set_index("id")
    assert list(table.index) == ["2", "3", "4"]  # 5 as late as possible, 6 no date
    assert table["target_source"].tolist() == ["constraint"] * 3
    assert table["target"].tolist() == [day("2027-01-05"), day("2027-01-04"),
                                        day("2027-01-06")]
    assert table["p_meet"].tolist() == [1.0, 0.0, 1.0]
    assert table.at["2", "p50_date"] == day("2027-01-05")
    assert table.at["4", "p80_date"] == day("2027-01-06")


def test_the_terminal_shows_the_least_likely_to_be_met_first_when_there_are_many():
    acts = [rk.Activity("A", rk.Uniform(1, 30))]
    links = []
    for k in range(20):
        acts.append(rk.Activity(f"M{k:02d}", rk.Fixed(0.0),
                                baseline_finish=f"2027-01-{5 + k:02d}T17:00"))
        links.append(rk.Link("A", f"M{k:02d}"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.Schedule(tuple(acts), tuple(links))
    res = rk.simulate(None, sch, iterations=2_000, rng=1, start=START)
    full = res.milestone_table()
    few = res.milestone_table(most=5)
    assert len(few) == 5
    # the earliest targets; equal chances (a weekend's targets) in schedule order
    assert list(few["id"]) == ["M00", "M01", "M02", "M03", "M04"]
    assert (full["p_meet"].diff().dropna() >= 0).all()


def test_the_pack_has_a_milestones_page_with_the_chances_before_and_after():
    import dataclasses

    from riskkit.report import pack_pages

    from .conftest import SAMPLES

    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    acts = list(sch.activities)
    k = sch.index_of("A38")
    acts[k] = dataclasses.replace(acts[k], baseline_finish="2027-10-29T17:00")
    sch = dataclasses.replace(sch.with_activities(acts), must_finish_by="2027-11-12T17:00")
    a = rk.analyse(reg, sch, iterations=2_000, rng=1, start=START)
    pages = pack_pages(a)
    found = [p for p in pages if any(t.get_text() == "Milestones and deadlines: will they "
                                     "be met?" for t in p.texts)]
    assert len(found) == 1
    text = " ".join(t.get_text() for ax in found[0].axes for t in ax.texts
                    ) + " ".join(c.get_text().get_text() for ax in found[0].axes
                                 for tb in ax.tables for c in tb.get_celld().values())
    before = a.current.milestone_table().set_index("id").at["A38", "p_meet"]
    after = a.mitigated.milestone_table().set_index("id").at["A38", "p_meet"]
    assert f"{before:.0%}" in text and f"{after:.0%}" in text and "must finish by" in text
    assert f"{a.current.finish_summary().p_meet:.0%}" in text
    ax = rk.plot.milestone_dates(a.current, ax=found[0].axes[0])
    assert ax is found[0].axes[0]


def test_a_deadline_given_as_a_day_means_by_the_end_of_it(tmp_path, capsys):
    sch = analytic()
    assert sch.with_deadline("2027-01-12").must_finish_by == np.datetime64("2027-01-13T00:00")
    assert sch.with_deadline("2027-01-12T17:00").must_finish_by == \
        np.datetime64("2027-01-12T17:00")
    assert sch.with_deadline(None).must_finish_by is None
    res = rk.simulate(None, sch.with_deadline("2027-01-12"), iterations=N, rng=4,
                      sampling="random", start=START)
    finish = res.finish_summary()
    assert finish.deadline == day("2027-01-12")
    assert abs(finish.p_meet - 0.625) < 4 * np.sqrt(0.625 * 0.375 / N)
    path = tmp_path / "plan.csv"
    path.write_text("id,duration_min,duration_most_likely,duration_max,predecessors\n"
                    "A,4.5,6.5,8.5,\nM,0,0,0,A\n", encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["simulate", "--schedule", str(path), "-n", "2000", "--seed", "5",
                 "--start", START, "--deadline", "12/01/2027", "--dayfirst",
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["finish"]["deadline"] == "2027-01-12"
    res = rk.simulate(None, rk.read_schedule(path).with_deadline("2027-01-12"),
                      iterations=2000, rng=5, start=START)
    assert data["finish"]["p_meet"] == res.finish_summary().p_meet
    assert "must finish by 2027-01-12" in capsys.readouterr().out
    assert main(["simulate", "--deadline", "2027-01-12", str(path)]) == 2
    assert "--deadline needs --schedule" in capsys.readouterr().err


def test_the_key_finish_is_the_same_on_worker_processes():
    sch = analytic(baseline_finish="2027-01-12T17:00")
    a = rk.simulate(None, sch, iterations=70_000, rng=3, start=START)
    b = rk.simulate(None, sch, iterations=70_000, rng=3, start=START, chunk_size=1,
                    workers=2)
    np.testing.assert_array_equal(a.key_finish, b.key_finish)


def test_the_workbook_has_a_milestones_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    sch = analytic(baseline_finish="2027-01-12T17:00")
    res = rk.simulate(None, sch, iterations=2_000, rng=1, start=START)
    path = rk.write_workbook(tmp_path / "run.xlsx", res)
    sheet = openpyxl.load_workbook(path)["Milestones"]
    head = [c.value for c in sheet[1]]
    row = dict(zip(head, (c.value for c in sheet[2])))
    table = res.milestone_table().iloc[0]
    assert row["id"] == "M" and row["p_meet"] == table["p_meet"]
    assert row["p80_date"].date() == table["p80_date"].date()
    assert row["target"].date().isoformat() == "2027-01-12"
    assert sheet.cell(2, head.index("p_meet") + 1).number_format == "0.0%"
