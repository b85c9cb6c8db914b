"""A schedule that changes between snapshots (``compare(..., new_schedule=)``,
``riskkit compare --new-schedule``, ``trend`` with a schedule per snapshot): a change of
kind "schedule" in the attribution.

Activities' streams are keyed by their ids, as risks' are, so the runs on the old and
the new schedule draw the same numbers for every activity that did not change: the
differences tested here are exact (floating-point precision), never within Monte Carlo
error.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import replace

import numpy as np
import pytest

import riskkit as rk
from riskkit.analysis.history import METRICS, SCHEDULE_ID, schedule_change
from riskkit.cli import main

from .conftest import SAMPLES

JAN, FEB, MAR = (str(SAMPLES / f"office_fitout_2024-0{m}.csv") for m in (1, 2, 3))
SCHEDULE = str(SAMPLES / "office_fitout_schedule.csv")
N = 4_000
SEED = 11


@pytest.fixture(scope="module", autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        yield


@pytest.fixture(scope="module")
def snaps():
    return rk.read_snapshots([JAN, FEB, MAR])


@pytest.fixture(scope="module")
def schedule():
    return rk.read_schedule(SCHEDULE)


def _edited(sch: rk.Schedule, **durations: tuple[float, float, float]) -> rk.Schedule:
    """The schedule with some activities re-estimated (low, mode, high)."""
    acts = tuple(replace(a, duration=rk.distributions.Triangular(*durations[a.id]),
                         most_likely=durations[a.id][1]) if a.id in durations else a
                 for a in sch.activities)
    return replace(sch, activities=acts, source="office_fitout_schedule_new.csv")


@pytest.fixture(scope="module")
def longer(schedule):
    # the asbestos strip-out (on the critical path) and the sprinkler works take longer
    return _edited(schedule, A14=(12.0, 15.0, 24.0), A20=(12.0, 16.0, 25.0))


def _stats(result: rk.SimulationResult) -> np.ndarray:
    cost, sched = result.values("cost"), result.values("schedule")
    return np.array([cost.mean(), np.percentile(cost, 80), sched.mean(),
                     np.percentile(sched, 80)])


def _run(register, schedule):
    return rk.simulate(register, schedule, iterations=N, rng=SEED, progress=False)


def test_schedule_change_says_what_changed(schedule, longer):
    again = rk.read_schedule(SCHEDULE)
    assert schedule_change(schedule, again) is None  # another read of the same file
    renamed = replace(schedule, activities=tuple(replace(a, name=f"{a.name} (rev. B)")
                                                 for a in schedule.activities),
                      source="renamed.csv")
    assert schedule_change(schedule, renamed) is None  # names are not simulated
    assert schedule_change(schedule, longer) == "schedule: 2 activities re-estimated (A14, A20)"
    fewer = replace(longer, activities=tuple(a for a in longer.activities if a.id != "A39"),
                    links=tuple(k for k in longer.links if "A39" not in
                                (k.predecessor, k.successor)))
    assert schedule_change(schedule, fewer) == (
        "schedule: 2 activities re-estimated (A14, A20); 1 removed (A39); links changed")


def test_an_unchanged_schedule_contributes_exactly_0(snaps, schedule):
    one = rk.compare(snaps[0], snaps[2], schedule, iterations=N, seed=SEED)
    two = rk.compare(snaps[0], snaps[2], schedule, new_schedule=rk.read_schedule(SCHEDULE),
                     iterations=N, seed=SEED)
    assert "schedule" not in two.attribution and SCHEDULE_ID not in [c.id for c in two.changes]
    assert two.attribution == one.attribution and two.changes == one.changes
    for metric in ("cost", "schedule"):
        assert np.array_equal(two.new.values(metric), one.new.values(metric))


def test_a_schedule_change_alone_moves_the_totals_by_exactly_the_new_schedules_run(
        snaps, schedule, longer):
    feb = snaps[1]
    c = rk.compare(feb, feb, schedule, new_schedule=longer, iterations=N, seed=SEED)
    assert [(x.id, x.kind) for x in c.changes] == [(SCHEDULE_ID, "schedule")]
    assert c.changes[0].title == "office_fitout_schedule_new.csv"
    expected = _stats(_run(feb.register, longer)) - _stats(_run(feb.register, schedule))
    assert expected[3] > 0  # a longer critical path: a later P80 finish
    for i, metric in enumerate(METRICS):
        # one kind: its Shapley value is the whole movement, and it is the change's own
        # effect: the new schedule's run minus the old one's, exactly
        assert c.movement(metric) == pytest.approx(expected[i], rel=1e-12, abs=1e-9)
        assert c.attribution["schedule"][metric] == pytest.approx(expected[i], rel=1e-12,
                                                                  abs=1e-9)
        assert getattr(c.changes[0], metric) == pytest.approx(expected[i], rel=1e-12,
                                                              abs=1e-9)


def test_with_a_schedule_change_the_attribution_still_adds_up_to_the_cent(
        snaps, schedule, longer):
    c = rk.compare(snaps[0], snaps[2], schedule, new_schedule=longer, iterations=N,
                   seed=SEED)
    assert c.method == "simulated" and "schedule" in c.attribution
    for metric in METRICS:
        total = sum(v[metric] for v in c.attribution.values())
        assert abs(total - c.movement(metric)) < 0.005
    # the new snapshot's figures are those of simulating it on the new schedule
    assert np.array_equal(c.new.values("cost"), _run(snaps[2].register, longer).values("cost"))
    # each risk change's own effect is measured on the old schedule, as without one
    plain = rk.compare(snaps[0], snaps[2], schedule, iterations=N, seed=SEED)
    assert [x for x in c.changes if x.kind != "schedule"] == list(plain.changes)


def test_two_kinds_shapley_by_hand(snaps, schedule, longer):
    """The register's change (one probability) and the schedule's: each kind's share is
    the average of its effect applied first and applied second, from four runs."""
    feb = snaps[1].register
    edited = replace(feb, risks=tuple(replace(r, probability=0.6) if r.id == "OF-14" else r
                                      for r in feb.risks))
    c = rk.compare(feb, edited, schedule, new_schedule=longer, iterations=N, seed=SEED)
    assert sorted(c.attribution) == ["probability", "schedule"]
    v0 = _stats(_run(feb, schedule))
    vs = _stats(_run(feb, longer))
    vp = _stats(_run(edited, schedule))
    vsp = _stats(_run(edited, longer))
    phi_s = ((vs - v0) + (vsp - vp)) / 2
    phi_p = ((vp - v0) + (vsp - vs)) / 2
    for i, metric in enumerate(METRICS):
        assert math.isclose(c.attribution["schedule"][metric], phi_s[i], rel_tol=1e-9,
                            abs_tol=1e-7)
        assert math.isclose(c.attribution["probability"][metric], phi_p[i], rel_tol=1e-9,
                            abs_tol=1e-7)


def test_the_attribution_does_not_depend_on_the_activities_order(snaps, schedule, longer):
    c = rk.compare(snaps[1], snaps[2], schedule, new_schedule=longer, iterations=N,
                   seed=SEED)
    g = np.random.default_rng(5)
    shuffled = replace(longer, activities=tuple(longer.activities[i] for i in
                                                g.permutation(len(longer.activities))))
    d = rk.compare(snaps[1], snaps[2], schedule, new_schedule=shuffled, iterations=N,
                   seed=SEED)
    for kind in c.attribution:
        for metric in METRICS:
            assert math.isclose(c.attribution[kind][metric], d.attribution[kind][metric],
                                rel_tol=1e-9, abs_tol=1e-6)


def test_bad_schedule_options(snaps, schedule, longer):
    with pytest.raises(rk.OptionError, match="new_schedule"):
        rk.compare(snaps[0], snaps[1], None, new_schedule=longer, iterations=N)
    with pytest.raises(rk.OptionError, match="schedule changed"):
        rk.compare(snaps[0], snaps[1], schedule, new_schedule=longer, iterations=N,
                   method="separable")
    with pytest.raises(rk.OptionError, match="one per snapshot"):
        rk.trend(snaps, [schedule, longer], iterations=N)


def test_trend_takes_a_schedule_per_snapshot(snaps, schedule, longer):
    t = rk.trend(snaps, [schedule, schedule, longer], iterations=N, seed=SEED)
    for res, reg, sch in zip(t.results, snaps, (schedule, schedule, longer)):
        assert np.array_equal(res.values("schedule"), _run(reg.register, sch).values(
            "schedule"))


def test_cli_compare_and_trend_with_a_new_schedule(tmp_path, capsys, longer):
    text = open(SCHEDULE, encoding="utf-8").read().splitlines()
    rows = [line.replace("A14,Soft strip and asbestos removal,10,12,18",
                         "A14,Soft strip and asbestos removal,12,15,24") for line in text]
    assert rows != text
    new = tmp_path / "schedule_march.csv"
    new.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "c.json"
    assert main(["compare", FEB, MAR, "--schedule", SCHEDULE, "--new-schedule", str(new),
                 "-n", str(N), "--seed", str(SEED), "--json", str(out)]) == 0
    said = capsys.readouterr().out
    assert "schedule: 1 activity re-estimated (A14)" in said
    data = json.loads(out.read_text())
    (change,) = [x for x in data["changes"] if x["kind"] == "schedule"]
    assert change["id"] == SCHEDULE_ID
    for metric in METRICS:
        total = sum(v[metric] for v in data["attribution"].values())
        assert abs(total - data["movement"][metric]) < 0.005
    assert main(["compare", FEB, MAR, "--new-schedule", str(new), "-n", "500"]) == 2
    assert "--new-schedule needs --schedule" in capsys.readouterr().err
    pack = tmp_path / "t.pdf"
    assert main(["trend", JAN, FEB, MAR, "--schedule", SCHEDULE, "--schedule", SCHEDULE,
                 "--schedule", str(new), "-n", "1000", "--seed", "1", "-o", str(pack),
                 "-q"]) == 0
    assert pack.read_bytes().startswith(b"%PDF")
    assert main(["trend", JAN, FEB, MAR, "--schedule", SCHEDULE, "--schedule", str(new),
                 "-n", "500"]) == 2
    assert "once for all, or once per snapshot" in capsys.readouterr().err
