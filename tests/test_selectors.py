"""Risks whose activities cell names WBS codes or activity-code values (issue 18 part 5):
``Schedule.resolve``, the one reading of such names."""

from __future__ import annotations

import warnings

import pytest

import riskkit as rk

from .conftest import REALWORLD, register_from_text

needs_realworld = pytest.mark.skipif(not REALWORLD.exists(), reason="../shared/realworld absent")


def wbs_schedule():
    """A1 (PRJ.1) -> A2 (PRJ.2.1, Area North) -> A3 (PRJ.2.2, Area South) -> A4 (PRJ.20);
    durations 2, 3, 1, 4."""
    acts = (rk.Activity("A1", rk.Fixed(2.0), wbs="PRJ.1"),
            rk.Activity("A2", rk.Fixed(3.0), wbs="PRJ.2.1", codes=(("Area", "North"),)),
            rk.Activity("A3", rk.Fixed(1.0), wbs="PRJ.2.2", codes=(("Area", "South"),)),
            rk.Activity("A4", rk.Fixed(4.0), wbs="PRJ.20"),
            rk.Activity("PRJ.1", rk.Fixed(0.0), wbs="PRJ.1.9"))
    links = (rk.Link("A1", "A2"), rk.Link("A2", "A3"), rk.Link("A3", "A4"),
             rk.Link("A4", "PRJ.1"))
    return rk.Schedule(acts, links, "plan.csv")


@pytest.mark.parametrize("names,ids", [
    (["A2"], ("A2",)),
    (["WBS:PRJ.2"], ("A2", "A3")),
    (["wbs: prj.2"], ("A2", "A3")),
    (["PRJ.2.*"], ("A2", "A3")),
    (["PRJ.2"], ("A2", "A3")),            # not an id: the WBS node
    (["WBS:PRJ"], ("A1", "A2", "A3", "A4", "PRJ.1")),
    (["PRJ.20"], ("A4",)),                # PRJ.20 is not under PRJ.2
    (["code:Area=North"], ("A2",)),
    (["CODE: area = south", "A1"], ("A3", "A1")),
    (["A*"], ("A1", "A2", "A3", "A4")),
    (["PRJ.*.1"], ("A2",)),
    (["A2", "WBS:PRJ.2"], ("A2", "A3")),  # each activity once
    (["id:PRJ.1"], ("PRJ.1",)),
])
def test_names_resolve_to_activities(names, ids):
    found = wbs_schedule().resolve(names)
    assert found.ids == ids and found.unknown == ()


@pytest.mark.parametrize("name", ["PRJ.9", "WBS:PRJ.3", "code:Area=East", "code:North",
                                  "B*", "id:PRJ.2", "a2"])
def test_names_that_name_nothing(name):
    assert wbs_schedule().resolve([name, "A1"]).unknown == (name,)


def test_an_id_that_is_also_a_wbs_code_means_the_id():
    found = wbs_schedule().resolve(["PRJ.1"])
    assert found.ids == ("PRJ.1",)
    assert found.notes == ("'PRJ.1' is an activity id and also a WBS code (of 2 activities): "
                           "the activity PRJ.1 is meant; write 'WBS:PRJ.1' for the WBS",)
    assert wbs_schedule().resolve(["WBS:PRJ.1"]).ids == ("A1", "PRJ.1")


REGISTER = ("id,probability,schedule_impact,activities\n"
            "R1,1,5,{cell}\n")


@pytest.mark.parametrize("cell,finish", [
    ("WBS:PRJ.2", 2 + 3 + 5 + 1 + 5 + 4),   # 5 days on A2 and on A3
    ('"A2; A3"', 2 + 3 + 5 + 1 + 5 + 4),
    ("PRJ.2.*", 2 + 3 + 5 + 1 + 5 + 4),
    ("code:Area=North", 2 + 3 + 5 + 1 + 4),
    ("WBS:PRJ", 2 + 5 + 3 + 5 + 1 + 5 + 4 + 5 + 5),
])
def test_a_risk_on_a_wbs_hits_all_its_activities(cell, finish):
    reg = register_from_text(REGISTER.format(cell=cell))
    res = rk.simulate(reg, wbs_schedule(), iterations=1_000, rng=1)
    assert res.schedule.min() == res.schedule.max() == pytest.approx(finish)


def test_the_id_wins_with_a_warning():
    reg = register_from_text(REGISTER.format(cell="PRJ.1"))
    with pytest.warns(rk.InputWarning, match=r"test.csv, row 2, risk R1: 'PRJ.1' is an "
                                             r"activity id and also a WBS code"):
        named = reg.check_activities(wbs_schedule())
    assert named == {"R1": ("PRJ.1",)}


@pytest.mark.parametrize("cell,hint", [
    ("WBS:PRJ.3", "no activity lies under that WBS path (WBS starts: prj)"),
    ("code:Area", "write code:TYPE=VALUE, e.g. code:Area=North (code types: area)"),
    ('"A1; Z9"', "names are activity ids, WBS:PATH (or PATH.*), code:TYPE=VALUE"),
])
def test_unknown_names_are_errors_with_row_and_column(cell, hint):
    reg = register_from_text(REGISTER.format(cell=cell))
    with pytest.raises(rk.InputError) as err:
        rk.simulate(reg, wbs_schedule(), iterations=100, rng=1)
    (p,) = err.value.problems
    assert (p.source, p.row, p.column) == ("test.csv", 2, "activities")
    assert "names activities the schedule lacks" in p.message
    assert p.hint.startswith("activity ids are those of plan.csv; ") and hint in p.hint


def test_a_csv_schedules_wbs_column_can_be_named(write_csv):
    sch = rk.read_schedule(write_csv("ID,WBS,Duration,Predecessors\nA,1.1,10,\nB,1.2,20,A\n"
                                     "C,2.1,5,B\n", "plan.csv"))
    reg = register_from_text(REGISTER.format(cell="WBS:1"))
    res = rk.simulate(reg, sch, iterations=100, rng=1)
    assert res.schedule.max() == pytest.approx(10 + 5 + 20 + 5 + 5)


@needs_realworld
def test_real_p6_file_codes_and_wbs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.read_schedule(REALWORLD / "pyp6xer_SP10_cost_loaded.xer")
    awh = sch.resolve(["code:Fusion - WPS=AWH"])
    assert awh.unknown == () and len(awh.ids) == 817
    assert awh.ids == tuple(a.id for a in sch.activities if ("Fusion - WPS", "AWH") in a.codes)
    top = sch.activities[0].wbs.split(".")[0]
    assert len(sch.resolve([f"WBS:{top}"]).ids) == len(sch)
