"""Schedule health (DCMA 14-point assessment and more) and register hygiene: each check
on a network built for it, whose flagged ids are known."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.analysis.health import rules, unfit_warning, warn_before_simulating
from riskkit.model import Constraint, SavedDates

from .conftest import REALWORLD, SAMPLES, register_from_text

DCMA = ("logic", "leads", "lags", "relationship_types", "hard_constraints", "high_float",
        "negative_float", "high_duration", "invalid_dates", "resources", "missed_tasks",
        "critical_path_test", "cpli", "bei")


DATA_DATE = "2027-01-04T08:00"  # a Monday


def act(id: str, days: float = 5.0, **kw) -> rk.Activity:
    """An activity of ``days``; a complete one finished (by default) before DATA_DATE."""
    if kw.get("status") == "complete":
        kw.setdefault("actual_start", "2026-12-28T08:00")
        kw.setdefault("actual_finish", "2026-12-31T16:00")
    elif kw.get("status") == "in_progress":
        kw.setdefault("actual_start", "2026-12-28T08:00")
    return rk.Activity(id, rk.Fixed(days), most_likely=days, **kw)


def sched(acts, links=(), **kw) -> rk.Schedule:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        return rk.Schedule(tuple(acts), tuple(rk.Link(*lk) for lk in links), "net.csv", **kw)


def chain(n: int = 3, days: float = 5.0, **kw) -> rk.Schedule:
    ids = [f"A{i}" for i in range(1, n + 1)]
    return sched([act(i, days, cost_per_day=100) for i in ids],
                 [(a, b) for a, b in zip(ids, ids[1:])], **kw)


def test_names_and_json_follow_design():
    health = rk.check_schedule(chain())
    assert health.names == (*DCMA, "open_ends", "out_of_sequence", "dangling")
    data = json.loads(json.dumps(health.to_dict()))
    first = data["checks"][0]
    assert {"name", "metric", "value", "threshold", "passed", "ids"} <= set(first)
    assert first["name"] == "logic" and first["passed"] is True and first["ids"] == []
    # not applicable: never passed, value null, and it fails nothing
    bei = next(c for c in data["checks"] if c["name"] == "bei")
    assert bei["passed"] is False and bei["applicable"] is False and bei["value"] is None
    assert bei["status"] == "n/a" and bei["note"] == "no data date"
    assert health.passed and not health.failed
    frame = health.to_frame()
    assert list(frame["name"]) == list(health.names)
    assert frame.set_index("name").loc["bei", "status"] == "n/a"
    assert "pass" in health.describe() and "bei (no data date)" in health.describe()


def test_a_clean_chain_passes_every_check_that_applies():
    health = rk.check_schedule(chain())
    applicable = {c.name for c in health if c.applicable}
    assert applicable == {"logic", "leads", "lags", "relationship_types", "hard_constraints",
                          "high_float", "negative_float", "high_duration", "resources",
                          "critical_path_test", "open_ends", "dangling"}
    assert all(health[n].passed for n in applicable)
    assert health["relationship_types"].value == 1.0


def test_logic_and_open_ends_skip_the_project_start_and_finish():
    # S (start milestone) -> A -> B -> F (finish milestone); Y after A, no successor;
    # X unlinked; C complete and unlinked (not counted)
    acts = [act("S", 0, kind="start_milestone"), act("C", 0, status="complete"), act("A"),
            act("B"), act("F", 0, kind="finish_milestone"), act("X", 3), act("Y", 2)]
    links = [("S", "A"), ("A", "B"), ("B", "F"), ("A", "Y")]
    health = rk.check_schedule(sched(acts, links, data_date=DATA_DATE))
    logic = health["logic"]
    assert logic.ids == ("X", "Y") and logic.total == 6
    assert logic.value == pytest.approx(2 / 6) and logic.failed and logic.severe
    ends = health["open_ends"]
    assert ends.value == 2 and ends.ids == ("X", "Y") and ends.failed
    assert "logic" in unfit_warning(health) and "open_ends" not in unfit_warning(health)


def test_leads_lags_and_relationship_types_count_links_between_incomplete_activities():
    acts = [act(x) for x in "ABCDEF"] + [act("Z", status="complete")]
    links = [("A", "B", "FS", -2), ("B", "C", "SS", 3), ("C", "D", "FF"), ("D", "E"),
             ("E", "F", "FS", 1), ("Z", "A", "FS", -5)]  # Z's link is not counted
    health = rk.check_schedule(sched(acts, links, data_date=DATA_DATE))
    assert health["leads"].value == 1 and health["leads"].ids == ("B",)
    assert health["leads"].total == 5
    assert health["lags"].value == pytest.approx(2 / 5) and health["lags"].ids == ("C", "F")
    types = health["relationship_types"]
    assert types.value == pytest.approx(3 / 5) and types.ids == ("C", "D") and types.failed
    assert types.threshold_text == "≥ 90%" and types.value_text == "60.0%"
    # two leads into one activity are two leads (links are counted, ids named once)
    both = rk.check_schedule(sched([act("A"), act("B"), act("C")],
                                   [("A", "C", "FS", -1), ("B", "C", "SS", -2)]))["leads"]
    assert both.value == 2 and both.count == 2 and both.ids == ("C",)


def test_hard_constraints_count_the_kinds_that_hold_a_date():
    day = np.datetime64("2027-02-01T08:00")
    acts = [act("A", constraints=(Constraint("mandatory_start", day),)),
            act("B", constraints=(Constraint("finish_on_or_before", day),)),
            act("C", constraints=(Constraint("start_on_or_after", day),)),
            act("D", constraints=(Constraint("as_late_as_possible"),)),
            act("E", status="complete", constraints=(Constraint("mandatory_finish", day),)),
            *[act(f"P{i}") for i in range(6)]]
    check = rk.check_schedule(sched(acts, data_date=DATA_DATE))["hard_constraints"]
    assert check.ids == ("A", "B") and check.total == 10
    assert check.value == pytest.approx(0.2) and check.failed and not check.severe
    assert rules("schedule")["hard_constraints"].threshold == 0.05


def test_high_float_and_high_duration_above_44_working_days():
    # S -> A (50 days) -> F and S -> B (2 days) -> F: B has 48 days of float
    acts = [act("S", 0), act("A", 50), act("B", 2), act("F", 0)]
    links = [("S", "A"), ("A", "F"), ("S", "B"), ("B", "F")]
    health = rk.check_schedule(sched(acts, links))
    assert health["high_float"].ids == ("B",) and health["high_float"].value == 0.25
    duration = health["high_duration"]
    assert duration.ids == ("A",) and duration.total == 2 and duration.value == 0.5
    assert health["negative_float"].value == 0
    loose = rk.check_schedule(sched(acts, links), thresholds={"high_float": 0.3,
                                                              "high_duration": 0.5})
    assert loose["high_float"].passed and loose["high_duration"].passed


def test_negative_float_from_the_cpm(monkeypatch):
    sch = chain(4)
    cpm = rk.Schedule.cpm

    def late(self):  # as a constraint-aware CPM reports a must-finish date missed
        table = cpm(self)
        table.loc[table["id"].isin(["A3", "A4"]), "total_float"] = -10.0
        return table

    monkeypatch.setattr(rk.Schedule, "cpm", late)
    check = rk.check_schedule(sch)["negative_float"]
    assert check.ids == ("A3", "A4") and check.value == 2 and check.severe


def test_invalid_dates_against_the_data_date():
    dd = "2027-01-04T08:00"
    acts = [act("A", 0, status="complete", actual_start="2027-01-01",
                actual_finish="2027-01-10"),  # finished after the data date
            act("B", status="in_progress", actual_start="2027-01-01",
                saved=SavedDates(early_finish="2027-01-02")),  # forecast before it
            act("C", saved=SavedDates(early_start="2027-01-03")),  # forecast before it
            act("D", saved=SavedDates(early_start="2027-01-05")),
            act("E", 0, status="complete", actual_finish="2027-01-03")]
    check = rk.check_schedule(sched(acts, data_date=dd))["invalid_dates"]
    assert check.ids == ("A", "B", "C") and check.value == 3 and check.total == 5
    assert not rk.check_schedule(sched(acts))["invalid_dates"].applicable
    given = rk.check_schedule(sched(acts), data_date="2027-01-11")["invalid_dates"]
    assert given.ids == ("B", "C", "D")  # a later data date: A finished before it
    assert not rk.check_schedule(chain(), data_date=dd)["invalid_dates"].applicable


def test_resources_flags_work_without_resources_or_cost():
    acts = [act("A", cost_per_day=100), act("B", resources=("crew",)), act("C"),
            act("M", 0), act("D", status="complete"), act("E", fixed_cost=500)]
    check = rk.check_schedule(sched(acts, data_date=DATA_DATE))["resources"]
    assert check.ids == ("C",) and check.total == 4 and check.value == 0.25
    bare = rk.check_schedule(sched([act("A"), act("B")]))["resources"]
    assert not bare.applicable and "not resource-loaded" in bare.note


def test_missed_tasks_and_bei():
    dd = "2027-02-01T08:00"
    acts = [act("A", status="complete", baseline_finish="2027-01-10",
                actual_finish="2027-01-09"),
            act("B", status="complete", baseline_finish="2027-01-15",
                actual_finish="2027-01-20"),  # finished late
            act("C", status="in_progress", baseline_finish="2027-01-20"),  # not done
            act("D", status="complete", baseline_finish="2027-03-01"),  # early
            act("E", baseline_finish="2027-03-01"),
            act("F", baseline_finish="2027-01-25")]  # due, not started
    health = rk.check_schedule(sched(acts, data_date=dd))
    missed = health["missed_tasks"]
    assert missed.ids == ("B", "C", "F") and missed.total == 4 and missed.value == 0.75
    bei = health["bei"]
    assert bei.value == pytest.approx(3 / 4) and bei.failed and bei.ids == ("C", "F")
    assert bei.value_text == "0.75" and bei.threshold_text == "≥ 0.95"
    on_time = rk.check_schedule(sched(acts[:4] + acts[4:5], data_date=dd))
    assert on_time["bei"].value == 1.0 and on_time["bei"].passed
    plain = rk.check_schedule(sched([act("A"), act("B")], data_date=dd))
    assert plain["bei"].note == "no baseline dates" and not plain["missed_tasks"].applicable


def test_critical_path_test_delays_the_first_critical_activity():
    acts = [act("S", 0), act("A", 10), act("B", 5), act("C", 3), act("F", 0)]
    links = [("S", "A"), ("A", "B"), ("S", "C"), ("C", "B"), ("B", "F")]
    check = rk.check_schedule(sched(acts, links))["critical_path_test"]
    assert check.value == 1.0 and check.passed and check.ids == ()
    assert check.note.startswith("A delayed by 600 working days")  # not the milestone S


def test_critical_path_test_fails_when_the_finish_does_not_move(monkeypatch):
    sch = chain(3)  # A1 -> A2 -> A3, 5 days each
    cpm = rk.Schedule.cpm

    def held(self):  # A2 and A3 held to finish by day 15, as mandatory finishes would be
        table = cpm(self)
        later = table["id"] != "A1"
        table.loc[later, "early_finish"] = table.loc[later, "early_finish"].clip(upper=15.0)
        return table

    monkeypatch.setattr(rk.Schedule, "cpm", held)
    check = rk.check_schedule(sch)["critical_path_test"]
    # A1 finishes 600 days later, the project finish (the latest) moves 605 - 15 = 590
    assert check.value == pytest.approx(590 / 600) and check.failed and check.severe
    assert check.ids == ("A1",) and check.value_text == "0.98"


def test_cpli_from_the_must_finish_by_date():
    # 4 activities of 5 working days from Monday 4 January 2027: 20 working days
    start = "2027-01-04"
    on_time = rk.check_schedule(chain(4, start=start, must_finish_by="2027-01-29T17:00"))
    assert on_time["cpli"].value == 1.0 and on_time["cpli"].passed
    late = rk.check_schedule(chain(4, start=start, must_finish_by="2027-01-22T17:00"))
    assert late["cpli"].value == pytest.approx(15 / 20) and late["cpli"].failed
    assert late["cpli"].ids == ("A1", "A2", "A3", "A4")
    loose = rk.check_schedule(chain(4, start=start, must_finish_by="2027-02-05"))
    assert loose["cpli"].value == pytest.approx(25 / 20)
    # no start, but a data date: the finish is dated from it
    dated = rk.check_schedule(chain(4, data_date="2027-01-04T08:00",
                                    must_finish_by="2027-01-29"))
    assert dated["cpli"].value == 1.0
    assert rk.check_schedule(chain(4, start=start))["cpli"].note == "no must-finish-by date"


def test_out_of_sequence_progress_against_each_link_type():
    acts = [act("A"), act("B", status="in_progress"),  # FS: B started, A not finished
            act("C"), act("D", status="in_progress"),  # SS: D started, C not started
            act("E", status="in_progress"), act("F", status="complete"),  # FF
            act("G", status="in_progress"), act("H", status="in_progress"),  # SS: fine
            act("I", status="complete"), act("J", status="complete")]  # FS: fine
    links = [("A", "B"), ("C", "D", "SS"), ("E", "F", "FF"), ("G", "H", "SS"), ("I", "J")]
    check = rk.check_schedule(sched(acts, links, data_date=DATA_DATE))["out_of_sequence"]
    assert check.ids == ("B", "D", "F") and check.value == 3 and check.total == 5
    assert not rk.check_schedule(chain())["out_of_sequence"].applicable


def test_dangling_starts_and_finishes():
    acts = [act(x) for x in "ABCDGH"] + [act("E", status="in_progress"), act("F")]
    links = [("A", "B", "FF"),  # nothing drives B's start
             ("C", "D", "SS"),  # C's finish drives nothing
             ("F", "E", "FF"),  # E has started: its start is history
             ("G", "H"), ("B", "G"), ("D", "G"), ("E", "G")]
    check = rk.check_schedule(sched(acts, links, data_date=DATA_DATE))["dangling"]
    assert check.ids == ("B", "C") and check.value == 2


def test_thresholds_are_data_and_can_be_overridden():
    health = rk.check_schedule(chain(), thresholds={"lags": 0.5})
    assert health["lags"].threshold == 0.5
    with pytest.raises(rk.OptionError, match="the schedule checks are logic"):
        rk.check_schedule(chain(), thresholds={"logc": 0.1})
    with pytest.raises(rk.OptionError, match="finite number"):
        rk.check_schedule(chain(), thresholds={"logic": "5%"})
    assert "44 working days" in health["high_float"].metric
    assert rules("schedule")["critical_path_test"].parameters["delay"] == 600


def test_shares_never_round_onto_the_threshold_they_fail():
    check = rk.check_schedule(chain())["logic"]
    shown = type(check)("logic", "", 0.0504, 0.05, "at_most", "share")
    assert shown.failed and shown.value_text == "5.04%"
    ratio = type(check)("bei", "", 0.9496, 0.95, "at_least", "ratio")
    assert ratio.failed and ratio.value_text == "0.9496"


def test_the_warning_before_simulating_is_given_once():
    acts = [act(x) for x in "ABCD"]  # no logic at all
    sch = sched(acts)
    with pytest.warns(rk.InputWarning, match="fails its health checks by far.*logic 100"):
        health = warn_before_simulating(sch)
    assert health["logic"].severe
    with warnings.catch_warnings():
        warnings.simplefilter("error", rk.InputWarning)
        warn_before_simulating(sch)  # said once
        assert warn_before_simulating(chain()) is not None  # a healthy one: silent
    assert warn_before_simulating(None) is None


def test_analyse_warns_before_simulating_a_bad_schedule():
    acts = [act(x, cost_per_day=10) for x in "ABCD"]
    reg = rk.RiskRegister([rk.Risk("R1", 0.5, schedule=rk.Triangular(1, 2, 4),
                                   activities=("A",), owner="me")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", rk.InputWarning)
        analysis = rk.analyse(reg, sched(acts), iterations=500, rng=1)
    bad = [w for w in caught if "fails its health checks by far" in str(w.message)]
    assert len(bad) == 1
    assert analysis.health["logic"].severe
    assert analysis.health["missing_owner"].subject == "register"


def test_samples_run_and_read_as_expected():
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    health = rk.check_schedule(sch)
    assert health["logic"].value == 0 and health["critical_path_test"].passed
    assert health["resources"].ids == ("A10",)  # "Order long-lead items": no cost
    assert unfit_warning(health) is None


@pytest.mark.skipif(not (REALWORLD / "pyp6xer_SP10_cost_loaded.xer").exists(),
                    reason="the real-world files are not here")
def test_real_p6_schedule_gives_plausible_counts():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.read_schedule(REALWORLD / "pyp6xer_SP10_cost_loaded.xer")
    health = rk.check_schedule(sch)
    assert set(DCMA) <= set(health.names)
    counted = health["logic"].total
    assert 2_500 < counted <= len(sch)  # 3,994 activities, 523 of them complete
    # 495 open starts and 1,086 open ends in the file: logic fails, and by far
    assert 0.1 < health["logic"].value < 0.6 and health["logic"].severe
    assert health["open_ends"].count == len(health["logic"].ids)
    assert health["relationship_types"].value > 0.9  # 5,571 of 5,917 links are FS
    assert health["high_float"].failed  # no must-finish-by: floats run to the finish
    assert health["critical_path_test"].applicable
    for name, needs in (("invalid_dates", sch.data_date), ("missed_tasks", sch.data_date),
                        ("bei", sch.data_date), ("cpli", sch.must_finish_by)):
        if needs is None:
            assert not health[name].applicable and not health[name].passed
    if all(a.status == "not_started" for a in sch.activities):
        assert not health["out_of_sequence"].applicable
    assert "logic" in unfit_warning(health)


# -- register hygiene ---------------------------------------------------------------------

def _register() -> rk.RiskRegister:
    T = rk.Triangular
    return rk.RiskRegister([
        rk.Risk("R1", 0.5, cost=T(10, 20, 30), review_date="2027-01-01"),  # no owner
        rk.Risk("R2", 1.0, cost=T(10, 20, 30), owner="a", mitigation="x",
                review_date="2027-03-01"),
        rk.Risk("R3", 0.0, cost=T(10, 20, 30), owner="a", mitigation="x"),
        rk.Risk("R4", 0.5, cost=rk.Fixed(1_000), owner="a", mitigation="x",
                title="Ground conditions!"),
        rk.Risk("R5", 0.2, cost=T(10, 20, 30), owner="a", mitigation="x",
                title="ground  Conditions"),
        rk.Risk("R6", 0.5, cost=T(10, 20, 30), status="Closed"),  # closed: not counted
        rk.Risk("R7", 0.5, cost=T(100, 200, 300), owner="a", mitigation_cost=500,
                mitigated=rk.Exposure(0.1, T(100, 200, 300))),  # removes 80 for 500
        rk.Risk("R8", 0.5, cost=T(100, 200, 300), owner="a", mitigation_cost=10,
                mitigated=rk.Exposure(0.1, T(100, 200, 300))),  # removes 80 for 10
        rk.Risk("R9", 0.5, schedule=T(2, 4, 6), owner="a", mitigation_cost=100,
                mitigated=rk.Exposure(0.1, schedule=T(2, 4, 6))),  # saves 1.6 days
        rk.Risk("R10", 0.4, schedule=T(1, 2, 3), owner="a", activities=("A",)),
        rk.Risk("R11", 0.4, schedule=T(1, 2, 3), owner="a", mitigation="x",
                activities=("A", "B")),
    ], "reg.csv")


def test_register_hygiene_flags_each_risk_it_should():
    reg = _register()
    sch = sched([act("A", 0, status="complete"), act("B")], [("A", "B")])
    health = rk.check_register(reg, sch, as_of="2027-02-01")
    assert health.names == ("missing_owner", "missing_response", "overdue_review",
                            "extreme_probability", "single_point_impact", "duplicate_title",
                            "stale_open", "mitigation_cost")
    assert health["missing_owner"].ids == ("R1",) and health["missing_owner"].total == 10
    # threats by expected cost (R2 ... R8, R1) and by delay (R9, R10, R11): without a
    # response, R1, R10 (R7, R8 and R9 have a mitigation cost: a response)
    assert health["missing_response"].ids == ("R1", "R10")
    overdue = health["overdue_review"]
    assert overdue.ids == ("R1",) and overdue.total == 2 and "8 open risks" in overdue.note
    assert health["extreme_probability"].ids == ("R2", "R3")
    # R4's expected cost (500) is most of the register's; fixed: flagged
    assert health["single_point_impact"].ids == ("R4",)
    assert health["duplicate_title"].ids == ("R4", "R5")
    assert health["stale_open"].ids == ("R10",) and health["stale_open"].total == 2
    cost = health["mitigation_cost"]
    assert cost.ids == ("R7",) and cost.total == 3 and "1 mitigation that saves" in cost.note
    valued = rk.check_register(reg, sch, as_of="2027-02-01", value_per_day=100)
    assert valued["mitigation_cost"].ids == ("R7",)  # R9 saves 1.6 days x 100 = 160 > 100
    cheap = rk.check_register(reg, sch, as_of="2027-02-01", value_per_day=10)
    assert cheap["mitigation_cost"].ids == ("R7", "R9")  # 16 < 100
    assert not health.passed and len(health.failed) == 8


def test_register_hygiene_without_the_data_is_not_applicable():
    reg = rk.RiskRegister([rk.Risk("R1", 0.3, cost=rk.Triangular(1, 2, 3), owner="a",
                                   mitigation="m")])
    health = rk.check_register(reg)
    assert health["overdue_review"].note == "no risk has a review date"
    assert health["stale_open"].note == "no schedule"
    assert health.passed and health.not_applicable
    on_work = rk.RiskRegister([rk.Risk("R1", 0.3, cost=rk.Fixed(1), activities=("A1",),
                                       owner="a")])
    no_progress = rk.check_register(on_work, chain())
    assert no_progress["stale_open"].note == "the schedule records no progress"


def test_review_dates_are_read_from_the_register():
    reg = register_from_text("ID,Title,Owner,Probability,Cost,Next Review Date\n"
                             "R1,a,x,50%,100,2027-01-04\nR2,b,y,20%,200,25/12/2026\n"
                             "R3,c,z,20%,300,\n")
    assert [r.review_date for r in reg] == [np.datetime64("2027-01-04"),
                                           np.datetime64("2026-12-25"), None]
    assert rk.check_register(reg, as_of="2027-01-01")["overdue_review"].ids == ("R2",)
    frame = reg.to_frame()
    assert frame["review_date"].tolist()[:2] == [np.datetime64("2027-01-04"),
                                                np.datetime64("2026-12-25")]
    german = register_from_text("Risiko-Nr.,Wahrscheinlichkeit,Kosten,Überprüfungsdatum\n"
                                "R1,50%,100,2027-01-04\n")
    assert german.risks[0].review_date == np.datetime64("2027-01-04")
    with pytest.raises(rk.InputError) as err:
        register_from_text("ID,Probability,Cost,Review Date\nR1,50%,100,04/01/2027\n")
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (2, "Review Date", "04/01/2027")
    assert "read day first" in problem.hint


def test_review_dates_survive_the_tidy_csv(tmp_path):
    reg = register_from_text("ID,Probability,Cost,Review Date\nR1,50%,100,2027-01-04\n")
    reg.to_csv(tmp_path / "tidy.csv")
    assert rk.read_register(tmp_path / "tidy.csv").risks[0].review_date == reg.risks[0].review_date
    plain = register_from_text("ID,Probability,Cost\nR1,50%,100\n")
    plain.to_csv(tmp_path / "plain.csv")
    assert "review_date" not in (tmp_path / "plain.csv").read_text()  # no empty column
    assert isinstance(pd.read_csv(tmp_path / "tidy.csv")["review_date"][0], str)


def test_the_pack_has_a_health_page_per_subject():
    from riskkit.report import pack_pages

    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    analysis = rk.analyse(reg, sch, iterations=1_000, rng=1)
    titles = [fig._suptitle.get_text() if fig._suptitle else "" for fig in pack_pages(analysis)]
    schedule_page = titles.index("Is the schedule fit for a risk analysis? (DCMA 14-point "
                                 "assessment)")
    assert titles[schedule_page + 1] == "Is the register kept up? Register hygiene"
    fig = pack_pages(analysis)[schedule_page]
    cells = fig.axes[0].tables[0].get_celld()
    texts = [cells[r, 0].get_text().get_text() for r in range(1, 18)]
    assert texts[0] == "logic" and texts[-1] == "dangling"
    alone = rk.analyse(reg, iterations=1_000, rng=1)
    assert "Is the register kept up? Register hygiene" in [
        fig._suptitle.get_text() if fig._suptitle else "" for fig in pack_pages(alone)]
    assert alone.health.names[0] == "missing_owner"  # no schedule: register checks only
