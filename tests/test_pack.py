"""The pack's results (riskkit.analyse) and the pack written from them."""

import numpy as np
import pandas as pd
import pytest

import riskkit as rk

from .conftest import SAMPLES


def test_follow_on_runs_draw_the_main_runs_streams_even_from_a_generator():
    """With rng a Generator, the mitigated run, the drivers and the ranking use the
    main run's SeedSequence: a mitigation that changes nothing saves exactly 0, and the
    mitigated scenario equals the current one where nothing is mitigated."""
    frame = pd.DataFrame({"id": ["A", "B", "C"], "probability": [0.3, 0.5, 0.4],
                          "cost_min": [100, 200, 50], "cost_most_likely": [300, 400, 80],
                          "cost_max": [900, 800, 200], "schedule_impact": [2, 3, 1],
                          "mitigation": ["Talk about it", "", ""]})
    reg = rk.read_register(frame)
    a = rk.analyse(reg, iterations=20_000, rng=np.random.default_rng(1))
    assert a.seed is None  # a Generator's run has no integer seed ...
    for follow_on in (a.mitigated, a.drivers, a.ranking):
        assert follow_on.seed_sequence.entropy == a.current.seed_sequence.entropy
    np.testing.assert_array_equal(a.mitigated.cost, a.current.cost)  # ... but its streams
    np.testing.assert_array_equal(a.mitigated.schedule, a.current.schedule)
    row = a.ranking.row("A")
    for col in ("expected_cost_reduction", "p80_cost_reduction", "expected_delay_reduction",
                "p80_delay_reduction", "total_benefit", "net_benefit"):
        assert row[col] == 0.0
    # the drivers' baseline is the main run: removing A changes the mean by A's own share
    drivers = a.drivers.to_frame().set_index("id")
    without = rk.simulate(rk.read_register(frame[frame["id"] != "A"]), iterations=20_000,
                          rng=a.current.seed_sequence)
    assert drivers.loc["A", "expected_cost_reduction"] == pytest.approx(
        a.current.cost.mean() - without.cost.mean(), abs=1e-9)
    again = rk.analyse(reg, iterations=20_000, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(again.current.cost, a.current.cost)
    pd.testing.assert_frame_equal(again.drivers.to_frame(), a.drivers.to_frame())


def test_two_packs_from_the_same_generator_seed_are_identical(tmp_path, monkeypatch):
    """write_report twice with rng=np.random.default_rng(1): the same bytes (hence the
    same text), the fixed date coming from SOURCE_DATE_EPOCH."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    paths = [rk.write_report(tmp_path / f"{k}.pdf", reg, sch, iterations=3_000,
                             rng=np.random.default_rng(1), value_per_day=5_000)
             for k in ("a", "b")]
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_the_pack_only_draws_what_the_analysis_holds(tmp_path, monkeypatch):
    """write_report(analysis, path) gives the same pack as the convenience form, and
    runs no simulation of its own."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    analysis = rk.analyse(reg, iterations=2_000, rng=4)
    import riskkit.sim.simulation as sim

    def no_simulation(*args, **kwargs):
        raise AssertionError("presentation simulated")

    monkeypatch.setattr(sim, "_run", no_simulation)
    from_results = rk.write_report(analysis, tmp_path / "a.pdf")
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    convenience = rk.write_report(tmp_path / "b.pdf", reg, iterations=2_000, rng=4)
    assert from_results.read_bytes() == convenience.read_bytes()
    with pytest.raises(rk.OptionError, match="path"):
        rk.write_report(analysis, reg)


def test_run_options_carry_one_seed_to_every_run():
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    opts = rk.RunOptions(iterations=3_000, rng=np.random.default_rng(7), sampling="random")
    a, b = rk.simulate(reg, options=opts), rk.simulate(reg, options=opts)
    np.testing.assert_array_equal(a.cost, b.cost)
    assert a.sampling == "random" and a.iterations == 3_000
    # keyword arguments override the options; the seed stays
    c = rk.simulate(reg, options=opts, iterations=4_000)
    assert c.iterations == 4_000 and c.seed_sequence.entropy == a.seed_sequence.entropy
    ranking = rk.rank_mitigations(reg, options=opts)
    assert ranking.iterations == 3_000 and ranking.sampling == "random"
    with pytest.raises(rk.OptionError, match="sampling"):
        rk.RunOptions(sampling="sobol")
    with pytest.raises(rk.OptionError, match="fields of RunOptions"):
        rk.RunOptions.of(None, iteration=5)
    with pytest.raises(rk.OptionError, match="workers"):
        rk.RunOptions(workers=0)


def test_a_mitigation_that_changes_nothing_on_linked_activities_saves_exactly_0():
    """Through start-to-start links too: the variant's network pass reads the baseline's
    own early starts, so an activity whose inputs did not change comes out with the
    baseline's bits. riskkit 0.1 rebuilt the start of A as its finish minus its duration
    in float32 ((0.1 + 30.3) - 30.3 is 0.10000038), and showed this no-op mitigation
    saving -1.4e-7 days."""
    sch = rk.read_schedule(pd.DataFrame({
        "id": ["P", "A", "X", "Y"], "min": [0.1, 30.3, 50, 1],
        "most_likely": [0.1, 30.3, 60, 2], "max": [0.1, 30.3, 70, 3],
        "predecessors": ["", "P", "A SS+2", "X"]}))
    frame = pd.DataFrame({"id": ["R"], "probability": [0.6], "schedule_min": [2],
                          "schedule_most_likely": [6], "schedule_max": [15],
                          "activities": ["X"], "mitigation": ["Talk about it"],
                          "mitigation_cost": [1000]})
    row = rk.rank_mitigations(rk.read_register(frame), sch, iterations=5_000,
                              rng=4).row("R")
    for col in ("expected_delay_reduction", "p80_delay_reduction",
                "expected_cost_reduction", "p80_cost_reduction", "total_benefit"):
        assert row[col] == 0.0, (col, row[col])
