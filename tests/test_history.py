"""The register over time (riskkit.io.snapshots, riskkit.analysis.history, ``riskkit
compare``): snapshots, changes on common random numbers, the Shapley attribution.

Streams are keyed by risk id, so the differences tested here are exact: the other
risks draw the same numbers in both snapshots. Where two runs add the same numbers in
another order, "exact" means to floating-point precision (rel 1e-12), never within
Monte Carlo error.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from dataclasses import replace

import numpy as np
import pytest

import riskkit as rk
from riskkit.analysis.history import KINDS, METRICS, shapley
from riskkit.cli import main
from riskkit.io.snapshots import Rename

from .conftest import SAMPLES

JAN, FEB, MAR = (str(SAMPLES / f"office_fitout_2024-0{m}.csv") for m in (1, 2, 3))
SCHEDULE = str(SAMPLES / "office_fitout_schedule.csv")
N = 20_000
SEED = 7


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


def _alone(risk: rk.Risk, register: rk.RiskRegister, n: int = N) -> rk.SimulationResult:
    return rk.simulate(replace(register, risks=(risk,)), iterations=n, rng=SEED,
                       progress=False)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9 * max(1.0, abs(b)))


# -- snapshots ---------------------------------------------------------------------------

def test_dates_come_from_file_names_columns_and_given_dates(snaps, tmp_path):
    assert [str(s.as_of) for s in snaps] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    text = open(JAN, encoding="utf-8").read().splitlines()
    dated = tmp_path / "register.csv"
    dated.write_text("\n".join([text[0] + ",As of"] + [line + ",31/01/2024"
                                                        for line in text[1:]]) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", rk.InputWarning)  # the as_of column is not "unused"
        (s,) = rk.read_snapshots([dated])
    assert str(s.as_of) == "2024-01-31"
    (s,) = rk.read_snapshots([dated], as_of=["2024-02-15"])  # a given date wins
    assert str(s.as_of) == "2024-02-15"


def test_a_column_with_two_dates_is_refused(tmp_path):
    text = open(JAN, encoding="utf-8").read().splitlines()
    bad = tmp_path / "register.csv"
    rows = [line + (",2024-01-31" if i < 5 else ",2024-02-29") for i, line in
            enumerate(text[1:])]
    bad.write_text("\n".join([text[0] + ",as_of", *rows]) + "\n")
    with pytest.raises(rk.SnapshotError, match=r"row 7, column .as_of.: a snapshot has one date"):
        rk.read_snapshots([bad])


# -- compare: exact differences ------------------------------------------------------------

def test_a_register_compared_with_itself_moves_nothing(snaps, schedule):
    for sch in (None, schedule):
        c = rk.compare(snaps[0], snaps[0], sch, iterations=N, seed=SEED)
        assert c.changes == () and c.attribution == {}
        assert all(c.movement(m) == 0.0 for m in METRICS)
        assert np.array_equal(c.old.values("cost"), c.new.values("cost"))


def test_adding_a_risk_moves_the_totals_by_exactly_that_risk_alone(snaps):
    feb = snaps[1].register
    added = feb.risk("OF-31")
    old = replace(feb, risks=tuple(r for r in feb.risks if r.id != "OF-31"))
    c = rk.compare(old, feb, iterations=N, seed=SEED)
    alone = _alone(added, feb)
    assert [(x.id, x.kind) for x in c.changes] == [("OF-31", "new")]
    for metric in ("cost", "schedule"):
        # every other risk drew the same numbers: the difference per iteration is the
        # new risk's own draws
        assert np.allclose(c.new.values(metric) - c.old.values(metric),
                           alone.values(metric), rtol=0, atol=1e-9)
        mean = float(alone.values(metric).mean())
        assert _close(c.movement(f"{metric}_mean"), mean)
        assert _close(getattr(c.changes[0], f"{metric}_mean"), mean)
        assert _close(c.attribution["new"][f"{metric}_mean"], mean)


def test_closing_a_risk_moves_the_totals_by_minus_its_contribution(snaps):
    jan = snaps[0].register
    closed = replace(jan, risks=tuple(replace(r, status="Closed") if r.id == "OF-12" else r
                                      for r in jan.risks))
    c = rk.compare(jan, closed, iterations=N, seed=SEED)
    alone = _alone(jan.risk("OF-12"), jan)
    (change,) = c.changes
    assert (change.id, change.kind, change.detail) == ("OF-12", "closed", "closed")
    for metric in ("cost", "schedule"):
        mean = float(alone.values(metric).mean())
        assert _close(c.movement(f"{metric}_mean"), -mean)
        assert _close(getattr(change, f"{metric}_mean"), -mean)


def test_an_unchanged_risk_and_a_change_that_moves_nothing_contribute_exactly_0(snaps,
                                                                                schedule):
    # February adds a mitigation to OF-27 (the current scenario is unchanged)
    for sch in (None, schedule):
        c = rk.compare(snaps[0], snaps[1], sch, iterations=N, seed=SEED)
        mitigation = c.change("OF-27")
        assert mitigation.kind == "mitigation" and mitigation.detail == "mitigation added"
        assert all(getattr(mitigation, m) == 0.0 for m in METRICS)
        assert all(v == 0.0 for v in c.attribution["mitigation"].values())
        changed = {x.id for x in c.changes}
        assert changed == {"OF-06", "OF-11", "OF-13", "OF-27", "OF-31"}
        with pytest.raises(KeyError):
            c.change("OF-01")


def test_every_kind_of_change_is_classified(snaps):
    c = rk.compare(snaps[1], snaps[2], iterations=N, seed=SEED)
    kinds = {x.id: (x.kind, x.detail) for x in c.changes}
    assert kinds["OF-01"][0] == "mitigation" and "realised" in kinds["OF-01"][1]
    assert kinds["OF-02"] == ("closed", "closed")
    assert kinds["OF-10"] == ("probability", "probability 30% -> 45%")
    assert kinds["OF-31"] == ("impact", "re-assessed: cost")
    assert kinds["OF-32"] == ("new", "added")
    assert set(c.attribution) == {"new", "closed", "probability", "impact", "mitigation"}


# -- the attribution --------------------------------------------------------------------

@pytest.mark.parametrize("pair", [(0, 1), (1, 2), (0, 2)])
@pytest.mark.parametrize("with_schedule", [False, True])
def test_the_attribution_adds_up_to_new_minus_old_to_the_cent(snaps, schedule, pair,
                                                              with_schedule):
    sch = schedule if with_schedule else None
    c = rk.compare(snaps[pair[0]], snaps[pair[1]], sch, iterations=N, seed=SEED)
    assert c.method == ("simulated" if with_schedule else "separable")
    for metric in METRICS:
        total = sum(v[metric] for v in c.attribution.values())
        assert abs(total - c.movement(metric)) < 0.005


def test_the_attribution_does_not_depend_on_order(snaps):
    c = rk.compare(snaps[0], snaps[2], iterations=N, seed=SEED)
    # the same registers with their rows in another order
    g = np.random.default_rng(3)
    shuffled = [replace(s.register, risks=tuple(s.register.risks[i] for i in
                                                g.permutation(len(s.register))))
                for s in (snaps[0], snaps[2])]
    d = rk.compare(*shuffled, iterations=N, seed=SEED)
    for kind in c.attribution:
        for metric in METRICS:
            assert math.isclose(c.attribution[kind][metric], d.attribution[kind][metric],
                                rel_tol=1e-9, abs_tol=1e-6)


def test_shapley_values_are_the_mean_marginal_effect_over_every_order():
    g = np.random.default_rng(11)
    kinds = ["new", "closed", "probability", "impact"]
    values = {frozenset(s): g.normal(size=len(METRICS)) for r in range(5)
              for s in itertools.combinations(kinds, r)}
    phi = shapley(kinds, values)
    assert phi == shapley(kinds[::-1], values)  # the order the kinds come in: no matter
    for k in kinds:
        marginal = np.zeros(len(METRICS))
        for order in itertools.permutations(kinds):
            before = frozenset(order[:order.index(k)])
            marginal += values[before | {k}] - values[before]
        assert np.allclose([phi[k][m] for m in METRICS], marginal / 24, rtol=1e-12)


def test_separable_and_simulated_combinations_agree(snaps):
    a = rk.compare(snaps[0], snaps[2], iterations=N, seed=SEED, method="separable")
    b = rk.compare(snaps[0], snaps[2], iterations=N, seed=SEED, method="simulated")
    for kind in a.attribution:
        for metric in METRICS:
            assert math.isclose(a.attribution[kind][metric], b.attribution[kind][metric],
                                rel_tol=1e-9, abs_tol=1e-6)
    for x, y in zip(a.changes, b.changes):
        assert x.id == y.id and x.kind == y.kind
        assert all(math.isclose(getattr(x, m), getattr(y, m), rel_tol=1e-9, abs_tol=1e-6)
                   for m in METRICS)


# -- renames and bad snapshots ---------------------------------------------------------------

def test_a_changed_id_with_the_same_title_is_reported_as_a_likely_rename(snaps):
    feb = snaps[1].register
    renamed = replace(feb, risks=tuple(replace(r, id="OF-22A") if r.id == "OF-22" else r
                                       for r in feb.risks))
    c = rk.compare(feb, renamed, iterations=N, seed=SEED)
    title = feb.risk("OF-22").title
    assert c.renames == (Rename("OF-22", "OF-22A", title),)
    # never matched silently: a closed risk and a new one
    assert {(x.id, x.kind) for x in c.changes} == {("OF-22", "closed"), ("OF-22A", "new")}


def _rows(path: str) -> list[str]:
    return open(path, encoding="utf-8").read().splitlines()


@pytest.mark.parametrize("case", ["no_common_ids", "currency", "duplicate", "backwards"])
def test_bad_snapshots_exit_2_with_a_clear_message(tmp_path, capsys, case):
    head, *rows = _rows(JAN)
    old = tmp_path / "old.csv"
    new = tmp_path / "new.csv"
    old.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    args = []
    if case == "no_common_ids":
        new.write_text("\n".join([head, *(r.replace("OF-", "XX-", 1) for r in rows)]) + "\n")
        expected = "shares no risk id"
    elif case == "currency":
        old.write_text("\n".join([head, *(r.replace(",40000,", ",£40000,") for r in rows)])
                       + "\n", encoding="utf-8")
        new.write_text("\n".join([head, *(r.replace(",40000,", ",€40000,") for r in rows)])
                       + "\n", encoding="utf-8")
        expected = "amounts are in EUR but"
    elif case == "duplicate":
        new.write_text("\n".join([head, *rows, rows[0]]) + "\n")
        expected = "duplicate risk id"
    else:
        new.write_text("\n".join([head, *rows]) + "\n")
        args = ["--as-of", "2024-03-01", "--as-of", "2024-01-01"]
        expected = "is dated 2024-01-01, before"
    assert main(["compare", str(old), str(new), "-n", "1000", *args]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert "new.csv" in err


# -- the command -----------------------------------------------------------------------

def test_compare_json_follows_design(tmp_path, capsys):
    path = tmp_path / "compare.json"
    assert main(["compare", JAN, FEB, "-n", str(N), "--seed", str(SEED), "--json",
                 str(path)]) == 0
    out = capsys.readouterr().out
    assert "attribution" in out and "OF-31" in out and "probability 50% -> 30%" in out
    data = json.loads(path.read_text())
    assert {"old", "new", "changes", "attribution"} <= set(data)
    for side in ("old", "new"):
        assert {"cost", "schedule", "iterations", "seed", "as_of"} <= set(data[side])
        assert {"base", "mean", "std", "p10", "p50", "p80", "p90"} <= set(data[side]["cost"])
    assert data["old"]["as_of"] == "2024-01-01" and data["new"]["as_of"] == "2024-02-01"
    for change in data["changes"]:
        assert {"id", "kind", *METRICS} <= set(change) and change["kind"] in KINDS
    for kind, values in data["attribution"].items():
        assert kind in KINDS and set(values) == set(METRICS)
    for metric, (stat_name, stat) in zip(METRICS, [("cost", "mean"), ("cost", "p80"),
                                                   ("schedule", "mean"),
                                                   ("schedule", "p80")]):
        moved = data["new"][stat_name][stat] - data["old"][stat_name][stat]
        assert abs(sum(v[metric] for v in data["attribution"].values()) - moved) < 0.005
    # the same numbers as simulating each snapshot alone with the same seed
    assert main(["simulate", FEB, "-n", str(N), "--seed", str(SEED), "--json", "-"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert alone["cost"] == data["new"]["cost"]


def test_compare_json_to_stdout_prints_nothing_else(capsys):
    assert main(["compare", JAN, FEB, "-n", "2000", "--seed", "1", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["old"]["iterations"] == 2000


# -- trend ------------------------------------------------------------------------------

def test_trend_simulates_each_snapshot_on_one_seed(snaps):
    t = rk.trend(snaps, iterations=N, seed=SEED, budget=[250_000, None, 220_000])
    frame = t.to_frame()
    assert list(frame["open_risks"]) == [29, 29, 29]
    for snap, res, (_, row) in zip(snaps, t.results, frame.iterrows()):
        alone = rk.simulate(snap.register, iterations=N, rng=SEED, progress=False)
        assert np.array_equal(alone.values("cost"), res.values("cost"))
        assert row["cost_p80"] == float(np.percentile(alone.values("cost"), 80))
        assert row["contingency_p80"] == row["cost_p80"]  # no schedule: a base cost of 0
    first, second, third = (frame.iloc[i] for i in range(3))
    assert first["headroom"] == 250_000 - first["contingency_p80"]
    assert first["p_within_budget"] == float(np.mean(t.results[0].values("cost") <= 250_000))
    assert math.isnan(second["budget"]) and math.isnan(second["headroom"])  # not held
    # the trend's steps are the comparisons' movements
    c = rk.compare(snaps[1], snaps[2], iterations=N, seed=SEED)
    assert third["cost_p80"] - second["cost_p80"] == c.movement("cost_p80")


def test_trend_command_prints_and_writes_json(tmp_path, capsys):
    path = tmp_path / "trend.json"
    assert main(["trend", JAN, FEB, MAR, "-n", "2000", "--seed", "1", "--budget",
                 "250000", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2024-03-01" in out and "headroom" in out
    data = json.loads(path.read_text())
    assert [s["as_of"] for s in data["snapshots"]] == ["2024-01-01", "2024-02-01",
                                                       "2024-03-01"]
    assert all(s["budget"] == 250_000 for s in data["snapshots"])
    assert main(["trend", MAR, JAN, "-n", "1000"]) == 2  # dates backwards
    assert "before" in capsys.readouterr().err
    assert main(["trend", JAN, FEB, "--budget", "1,2,3"]) == 2


def test_a_risk_re_assessed_in_probability_and_impact_is_split_between_the_kinds(snaps):
    feb = snaps[1].register
    before = feb.risk("OF-10")
    after = replace(before, probability=0.45, cost=rk.Pert(15_000, 30_000, 60_000))
    new = replace(feb, risks=tuple(after if r.id == "OF-10" else r for r in feb.risks))
    a = rk.compare(feb, new, iterations=N, seed=SEED)
    b = rk.compare(feb, new, iterations=N, seed=SEED, method="simulated")
    assert [(x.id, x.kind) for x in a.changes] == [("OF-10", "probability"),
                                                   ("OF-10", "impact")]
    # each part's effect: the old risk with that part alone, against the old risk
    for change, part in zip(a.changes, (replace(before, probability=0.45),
                                        replace(before, cost=after.cost))):
        moved = _alone(part, feb).values("cost").mean() - _alone(before, feb).values(
            "cost").mean()
        assert _close(change.cost_mean, float(moved))
    for kind in ("probability", "impact"):
        for metric in METRICS:
            assert math.isclose(a.attribution[kind][metric], b.attribution[kind][metric],
                                rel_tol=1e-9, abs_tol=1e-6)
    for metric in METRICS:
        assert abs(sum(v[metric] for v in a.attribution.values()) - a.movement(metric)) < 0.005
    # the mean is additive: Shapley gives each part its own effect plus half the
    # interaction, and the two add up to the whole change
    whole = _alone(after, feb).values("cost").mean() - _alone(before, feb).values("cost").mean()
    assert _close(a.attribution["probability"]["cost_mean"]
                  + a.attribution["impact"]["cost_mean"], float(whole))


def test_the_snapshots_results_are_those_simulate_returns(snaps, schedule):
    for sch in (None, schedule):
        c = rk.compare(snaps[0], snaps[2], sch, iterations=N, seed=SEED)
        for snap, res in ((snaps[0], c.old), (snaps[2], c.new)):
            alone = rk.simulate(snap.register, sch, iterations=N, rng=SEED, progress=False)
            assert np.array_equal(res.values("cost"), alone.values("cost"))
            assert np.array_equal(res.values("schedule"), alone.values("schedule"))
            assert np.array_equal(res.occurrences, alone.occurrences)
            assert res.to_dict() == alone.to_dict()


# -- charts -----------------------------------------------------------------------------

def test_the_waterfall_steps_from_old_to_new_by_the_attribution(snaps):
    import matplotlib.pyplot as plt

    c = rk.compare(snaps[1], snaps[2], iterations=N, seed=SEED)
    fig, ax = plt.subplots()
    assert rk.plot.change_waterfall(c, "cost_p80", ax=ax) is ax
    bars = ax.patches
    assert len(bars) == len(c.attribution) + 2
    assert bars[0].get_height() == pytest.approx(c.stat(c.old, "cost_p80"))
    assert bars[-1].get_height() == pytest.approx(c.stat(c.new, "cost_p80"))
    # each kind's bar starts where the one before ended, and the last ends at the new P80
    level = bars[0].get_height()
    for bar, kind in zip(bars[1:-1], [k for k in KINDS if k in c.attribution]):
        assert bar.get_y() == pytest.approx(level)
        level += c.attribution[kind]["cost_p80"]
    assert level == pytest.approx(bars[-1].get_height(), abs=0.01)
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "2024-02-01"


def test_the_trend_chart_draws_the_contingency_held(snaps):
    import matplotlib.pyplot as plt

    t = rk.trend(snaps, iterations=2_000, seed=SEED, budget=[250_000, None, 220_000])
    fig, ax = plt.subplots()
    assert rk.plot.contingency_trend(t, ax=ax) is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"mean", "P50", "P80", "base + contingency held"}
    held = lines["base + contingency held"].get_ydata()
    assert held[0] == 250_000 and np.isnan(held[1]) and held[2] == 220_000
