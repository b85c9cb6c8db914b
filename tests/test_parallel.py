"""Chunks of blocks give bit-identical numbers on any executor and worker count."""

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.cli import main

from .conftest import SAMPLES

N = 140_000  # three random-number blocks


@pytest.fixture(scope="module")
def model():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    return reg, sch


def same(a, b):
    for name in ("cost", "schedule", "occurrences", "criticality", "mean_finish"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_serial_process_pool_and_dask_give_identical_results(model):
    distributed = pytest.importorskip("distributed")  # in the test extra
    reg, sch = model
    serial = rk.simulate(reg, sch, iterations=N, rng=11)
    same(serial, rk.simulate(reg, sch, iterations=N, rng=11, workers=2))
    with ProcessPoolExecutor(2) as pool:
        same(serial, rk.simulate(reg, sch, iterations=N, rng=11, executor=pool,
                                 chunk_size=70_000))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        same(serial, rk.simulate(reg, sch, iterations=N, rng=11,
                                 executor=client.get_executor()))
        ranked = rk.rank_mitigations(reg, sch, iterations=N, rng=11,
                                     executor=client.get_executor())
    pd_serial = rk.rank_mitigations(reg, sch, iterations=N, rng=11)
    np.testing.assert_array_equal(ranked.column("expected_cost_reduction"),
                                  pd_serial.column("expected_cost_reduction"))


def test_ranking_and_drivers_on_a_pool_match_serial(model):
    reg, sch = model
    a = rk.risk_drivers(reg, sch, iterations=N, rng=5)
    b = rk.risk_drivers(reg, sch, iterations=N, rng=5, workers=2)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)


def test_workers_option(capsys):
    argv = ["simulate", str(SAMPLES / "it_migration.csv"), "-n", "140000", "--seed", "2",
            "--json", "-"]
    assert main(argv) == 0
    one = capsys.readouterr().out
    assert main([*argv, "--workers", "2"]) == 0
    assert capsys.readouterr().out == one
    with pytest.raises(rk.OptionError, match="workers"):
        rk.simulate(rk.read_register(SAMPLES / "it_migration.csv"), workers=0)


def test_threads_running_different_plans_at_once_get_their_own_numbers():
    """Caches derived from a plan live with the plan: threads simulating different
    registers at the same time neither crash nor see each other's tables."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    regs = [rk.read_register(SAMPLES / name) for name in ("office_fitout.csv",
                                                          "it_migration.csv")]
    expected = [rk.simulate(reg, iterations=50, rng=5).cost for reg in regs]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(4) as pool:
            runs = list(pool.map(lambda i: rk.simulate(regs[i % 2], iterations=50,
                                                       rng=5).cost, range(500)))
    finally:
        sys.setswitchinterval(interval)
    for i, cost in enumerate(runs):
        np.testing.assert_array_equal(cost, expected[i % 2])


def test_a_pool_leaves_the_callers_frozen_objects_frozen(model):
    import gc

    reg, sch = model
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        rk.simulate(reg, iterations=140_000, rng=1, workers=2)
        # still frozen (a few frozen objects may have been freed meanwhile)
        assert gc.get_freeze_count() > 0.9 * frozen
    finally:
        gc.unfreeze()
    rk.simulate(reg, iterations=140_000, rng=1, workers=2)
    assert gc.get_freeze_count() == 0


def test_the_scheduler_option_runs_the_commands_on_a_cluster(capsys):
    distributed = pytest.importorskip("distributed")  # in the test extra
    reg = str(SAMPLES / "it_migration.csv")
    runs = {
        "simulate": ["simulate", reg, "-n", "140000", "--seed", "2", "--json", "-"],
        "rank": ["rank", reg, "-n", "70000", "--seed", "2", "--json", "-"],
        "portfolio": ["portfolio", str(SAMPLES / "portfolio" / "portfolio.csv"), "-n",
                      "70000", "--seed", "2", "--json", "-"],
    }
    alone = {}
    for name, argv in runs.items():
        assert main(argv) == 0
        alone[name] = capsys.readouterr().out
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        for name, argv in runs.items():
            assert main([*argv, "--scheduler", cluster.scheduler_address]) == 0, name
            assert capsys.readouterr().out == alone[name], name
    assert main([*runs["simulate"], "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the cluster" in capsys.readouterr().err


def test_a_pool_started_while_other_threads_run_forks_from_a_server(model, monkeypatch):
    """A process running other threads (a JVM, a dask client) is not forked: its
    workers come from a fork server, with the same numbers."""
    import threading

    from riskkit.sim import runner

    reg, _ = model
    serial = rk.simulate(reg, iterations=N, rng=4)
    contexts = []
    real = runner.ProcessPoolExecutor

    def spy(*args, **kwargs):
        contexts.append(kwargs.get("mp_context"))
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "ProcessPoolExecutor", spy)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        same(serial, rk.simulate(reg, iterations=N, rng=4, workers=2))
    finally:
        stop.set()
        other.join()
    assert contexts and contexts[0] is not None
    assert contexts[0].get_start_method() == "forkserver"
