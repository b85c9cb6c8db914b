"""The model validates itself: every reader, and Python code, gets the same checks."""

import warnings

import numpy as np
import pytest

import riskkit as rk


def act(aid, low=2, ml=3, high=5, **kw):
    return rk.Activity(aid, rk.Triangular(low, ml, high), **kw)


def test_a_schedule_built_in_python_is_checked_like_a_file():
    acts = [act("A", row=2), act("B", row=3), act("C", row=4)]
    with pytest.raises(rk.InputError, match="activity B lists predecessor 'Z'") as info:
        rk.Schedule(acts, [rk.Link("Z", "B", row=3)], "plan")
    assert info.value.problems[0].row == 3 and info.value.problems[0].source == "plan"
    with pytest.raises(rk.InputError, match="cycle through A, B, C") as info:
        rk.Schedule(acts, [rk.Link("A", "B"), rk.Link("B", "C"), rk.Link("C", "A")])
    assert "rows 2, 3, 4" in str(info.value)
    with pytest.raises(rk.InputError, match="its own predecessor"):
        rk.Schedule(acts, [rk.Link("A", "A")])
    with pytest.raises(rk.InputError, match="duplicate activity id"):
        rk.Schedule([act("A"), act("A")])
    with pytest.raises(rk.InputError, match="unknown link type"):
        rk.Link("A", "B", "XX")
    with pytest.warns(rk.InputWarning, match="open starts: A, C"):
        sch = rk.Schedule(acts, [rk.Link("A", "B", "SS", 1.5)])
    assert sch.links[0].type == "SS" and sch.duration() == pytest.approx(4.5)
    with pytest.raises(rk.InputError, match="negative duration"):
        rk.Activity("N", rk.Uniform(-1, 2))


def test_risks_and_registers_check_themselves():
    with pytest.raises(rk.InputError, match="probability outside 0-100%"):
        rk.Risk("R1", 1.5, cost=rk.Fixed(10))
    with pytest.raises(rk.InputError, match="mitigation cost"):
        rk.Risk("R1", 0.5, cost=rk.Fixed(10), mitigation_cost=-3)
    with pytest.raises(rk.InputError, match="duplicate risk id"):
        rk.RiskRegister([rk.Risk("R1", 0.5, cost=rk.Fixed(1)), rk.Risk("R1", 0.2)])
    risk = rk.Risk("R1", 0.4, cost=rk.Triangular(100, 200, 600),
                   mitigated=rk.Exposure(0.1, rk.Triangular(100, 200, 600)))
    assert risk.has_mitigation and risk.exposure("mitigated").probability == 0.1
    assert risk.exposure("current").expected_cost == pytest.approx(0.4 * 300)
    reg = rk.RiskRegister([risk, rk.Risk("R2", 0.2, schedule=rk.Fixed(5), status="Closed")])
    assert reg.closed_ids == ("R2",) and [r.id for r in reg.active_risks] == ["R1"]
    frame = reg.to_frame()
    assert frame.loc[0, "cost_most_likely"] == 200 and frame.loc[1, "schedule_max"] == 5
    res = rk.simulate(reg, iterations=20_000, rng=1)
    assert res.risk_ids == ("R1",) and res.excluded == ("R2",)


def test_registers_of_different_projects_never_share_streams():
    """Two registers with a risk "R1": in different projects they draw different
    numbers; without a project, the id alone keys the stream (riskkit 0.1's keys)."""
    def one(project=None):
        reg = rk.RiskRegister([rk.Risk("R1", 0.5, cost=rk.Triangular(0, 5, 10))],
                              project=project)
        return rk.simulate(reg, iterations=5_000, rng=3).cost

    assert not np.array_equal(one("Depot"), one("Tunnel"))
    np.testing.assert_array_equal(one("Depot"), one("Depot"))
    np.testing.assert_array_equal(one(), one(None))
    project = rk.Project("Depot", rk.RiskRegister([rk.Risk("R1", 0.5,
                                                           cost=rk.Triangular(0, 5, 10))]))
    assert project.register.project == "Depot"
    np.testing.assert_array_equal(rk.simulate(project.register, iterations=5_000, rng=3).cost,
                                  one("Depot"))
    with pytest.raises(rk.InputError, match="same name"):
        rk.Portfolio([project, project])


def test_calendars_give_finish_dates():
    cal = rk.Calendar(holidays=("2027-01-01",))
    assert str(cal.finish_date("2026-12-31", 2)) == "2027-01-04"
    assert str(cal.finish_date("2027-01-04", 0.5)) == "2027-01-04"
    six_day = rk.Calendar(weekmask="1111110")
    assert str(six_day.finish_date("2027-01-04", 6)) == "2027-01-09"
    with pytest.raises(rk.OptionError, match="weekmask"):
        rk.Calendar(weekmask="7 days")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.Schedule([rk.Activity("A", rk.Fixed(5))], calendar=six_day)
    res = rk.simulate(None, sch, iterations=10, rng=1, start="2027-01-04")
    assert str(res.finish_date(0.8)) == "2027-01-08"  # 5 working days, Saturday works
