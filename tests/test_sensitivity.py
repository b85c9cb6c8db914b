"""What drives the finish, per activity: P50/P80 finish, duration sensitivity,
cruciality and the schedule sensitivity index (issue 19 part 5; issue 22's activities
sheet)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.analysis.figures import activity_figures
from riskkit.cli import main

from .conftest import SAMPLES

N = 20_000


def two_paths():
    """A (uniform 10-20 days) and B (uniform 1-5) in parallel into the milestone C:
    A is always the longer, so it is critical in every iteration and B in none."""
    frame = pd.DataFrame({
        "id": ["A", "B", "C"], "name": ["long", "short", "end"],
        "duration_min": [10, 1, 0], "duration_most_likely": [15, 3, 0],
        "duration_max": [20, 5, 0], "distribution": ["uniform", "uniform", "triangular"],
        "predecessors": ["", "", "A;B"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)  # two open starts
        return rk.read_schedule(frame)


@pytest.fixture(scope="module")
def run():
    return rk.simulate(schedule=two_paths(), iterations=N, rng=1, activity_detail=True)


def row(table, ident):
    return table.set_index("id").loc[ident]


def test_one_dominant_path_gives_criticality_and_sensitivity_1_and_0(run):
    t = run.activity_sensitivity()
    assert list(t["id"]) == ["A", "B"]  # the milestone C left out, the crucial one first
    a, b = row(t, "A"), row(t, "B")
    assert (a["criticality"], b["criticality"]) == (1.0, 0.0)
    # the finish is A's duration: the same ranks, a rank correlation of 1
    assert a["sensitivity"] == pytest.approx(1.0, abs=1e-12)
    assert a["cruciality"] == pytest.approx(1.0, abs=1e-12)
    # B is independent of the finish: 0 within 4 standard errors (1/sqrt(N - 1))
    assert abs(b["sensitivity"]) < 4 / np.sqrt(N - 1)
    assert b["cruciality"] == 0.0
    # SSI = criticality x sd(duration) / sd(finish): 1 for A (its duration is the
    # finish), 0 for B
    assert a["ssi"] == pytest.approx(1.0, rel=1e-6)
    assert b["ssi"] == 0.0


def test_every_activitys_finish_percentiles_against_the_uniform(run):
    t = run.activity_sensitivity(milestones=True)
    a, b, c = row(t, "A"), row(t, "B"), row(t, "C")
    # quantiles of U(10, 20) and U(1, 5); the standard error of a sample quantile is
    # sqrt(q(1-q)/N) / density
    for r, lo, hi in ((a, 10, 20), (b, 1, 5)):
        for q in (0.5, 0.8):
            se = np.sqrt(q * (1 - q) / N) * (hi - lo)
            assert abs(r[f"p{round(100 * q)}_finish"] - (lo + q * (hi - lo))) < 4 * se
        assert abs(r["mean_finish"] - (lo + hi) / 2) < 4 * (hi - lo) / np.sqrt(12 * N)
    # the milestone finishes with A, in every iteration
    assert c["p80_finish"] == a["p80_finish"] and c["criticality"] == 1.0
    assert c["sensitivity"] == 0.0  # it has no duration of its own


def test_keeping_the_draws_changes_no_number(run):
    plain = rk.simulate(schedule=two_paths(), iterations=N, rng=1)
    assert np.array_equal(plain.schedule, run.schedule)
    assert np.array_equal(plain.cost, run.cost)
    assert np.array_equal(plain.criticality, run.criticality)
    # the finish kept is the network's: the project finish is the latest of them
    assert np.array_equal(run.activity_finishes.max(axis=0),
                          run.schedule.astype(np.float32))
    assert plain.activity_finishes.size == 0


def test_a_chain_shares_the_finish_between_its_activities():
    # A then B, both U(0, 10) independent: each has Pearson correlation 1/sqrt(2) with
    # the sum; Spearman's of a uniform with the sum of two is 12 E[F_X(X) F_S(S)] - 3,
    # 7/10 exactly (integrated here by the trapezoid rule as a check)
    frame = pd.DataFrame({"id": ["A", "B"], "duration_min": [0, 0],
                          "duration_most_likely": [5, 5], "duration_max": [10, 10],
                          "distribution": ["uniform", "uniform"], "predecessors": ["", "A"]})
    res = rk.simulate(schedule=rk.read_schedule(frame), iterations=N, rng=4,
                      activity_detail=True)
    t = res.activity_sensitivity()
    x = np.linspace(0, 1, 2001)[:, None]
    y = np.linspace(0, 1, 2001)[None, :]
    s = x + y  # the sum of two U(0, 1); its CDF
    cdf = np.where(s <= 1, s ** 2 / 2, 1 - (2 - s) ** 2 / 2)
    rho = 12 * np.trapezoid(np.trapezoid(x * cdf, dx=1 / 2000, axis=1), dx=1 / 2000) - 3
    assert rho == pytest.approx(0.7, abs=1e-5)
    for ident in ("A", "B"):
        assert abs(row(t, ident)["sensitivity"] - rho) < 4 / np.sqrt(N)
        assert row(t, ident)["criticality"] == 1.0
        assert row(t, ident)["ssi"] == pytest.approx(1 / np.sqrt(2), rel=0.03)


def test_without_the_draws_the_message_says_what_to_ask_for():
    res = rk.simulate(schedule=two_paths(), iterations=1_000, rng=1)
    with pytest.raises(rk.OptionError, match="activity_detail=True"):
        res.activity_sensitivity()


def test_the_activities_csv_and_sheet_carry_them(tmp_path, capsys):
    office = str(SAMPLES / "office_fitout.csv")
    schedule = str(SAMPLES / "office_fitout_schedule.csv")
    out = tmp_path / "acts.csv"
    assert main(["simulate", office, "--schedule", schedule, "-n", "3000", "--seed", "2",
                 "--start", "2027-01-04", "--activities-csv", str(out), "-q"]) == 0
    got = pd.read_csv(out)
    for col in ("p50_finish", "p80_finish", "p80_finish_date", "sensitivity",
                "cruciality", "ssi"):
        assert col in got.columns
    res = rk.simulate(rk.read_register(office), rk.read_schedule(schedule),
                      iterations=3000, rng=2, start="2027-01-04", activity_detail=True)
    want = activity_figures(res)
    assert list(got["id"]) == list(want["id"])
    assert np.allclose(got["p80_finish"], want["p80_finish"])
    assert np.allclose(got["sensitivity"], want["sensitivity"])
    assert (got["p80_finish"] >= got["p50_finish"]).all()
    assert ((got["cruciality"] - got["criticality"] * got["sensitivity"]).abs() < 1e-9).all()


def test_the_pack_shows_the_sensitivity_and_cruciality_tornadoes():
    from riskkit.report import pack_pages

    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    analysis = rk.analyse(reg, sch, iterations=1_000, rng=2, activity_detail=True)
    (fig,) = [f for f in pack_pages(analysis)
              if f.get_suptitle() == "Schedule: which activities move the finish?"]
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["What moves the finish: duration sensitivity",
                      "What moves the finish: cruciality"]
    t = analysis.current.activity_sensitivity()
    top = t.iloc[np.argsort(-t["cruciality"].to_numpy(), kind="stable")].head(15)
    bars = sorted(p.get_width() for p in fig.axes[1].patches)[::-1]
    assert np.allclose(bars, top["cruciality"].to_numpy()[:len(bars)])
