"""The kernels: riskkit's random numbers are numpy's, and its sampling rules exact.

riskkit draws every random number with its own compiled PCG64, SeedSequence and
``Generator.choice`` (riskkit.kernels.pcg64), so its results do not depend on numpy's
version. These tests show they are numpy's algorithms: the same numbers, call after
call.
"""

import os
import subprocess
import sys

import numpy as np

from riskkit.cpm import Workspace
from riskkit.kernels import pcg64
from riskkit.kernels.durations import uniform_rows
from riskkit.kernels.risks import workspace
from riskkit.sim.durations import stratified_rows

from .conftest import SAMPLES


def state_of(generator: np.random.Generator) -> np.ndarray:
    """A numpy PCG64 generator's state as the kernels hold it (uint64 x 6)."""
    s = generator.bit_generator.state
    state, inc = s["state"]["state"], s["state"]["inc"]
    mask = (1 << 64) - 1
    return np.array([state >> 64, state & mask, inc >> 64, inc & mask, s["has_uint32"],
                     s["uinteger"]], dtype=np.uint64)


def test_choice_and_raw_words_are_numpys():
    """numpy's Generator.choice (tail shuffle, whole permutation, Floyd's algorithm) and
    random_raw, call after call on the same scratch arrays."""
    ws = workspace
    g = np.random.default_rng(11)
    cases = [(65_536, 65_536), (65_536, 1_311), (65_536, 1_310), (10_001, 10_001),
             (10_000, 10_000), (16_960, 339), (16_960, 340), (1, 1), (2, 1), (65_536, 0)]
    cases += [(int(n), int(g.integers(0, n + 1))) for n in g.integers(1, 65_537, 40)]
    for seed, (n, k) in enumerate(cases):
        gen = np.random.default_rng(seed)
        gen.random()
        state = state_of(gen)
        pcg64.choice(state, n, k, ws.order, ws.tagged, ws.tag, ws.hash)
        np.testing.assert_array_equal(ws.order[:k], gen.choice(n, k, replace=False),
                                      err_msg=f"choice({n}, {k})")
        np.testing.assert_array_equal(pcg64.raw_words(state, 3),
                                      gen.bit_generator.random_raw(3))
        np.testing.assert_array_equal(state, state_of(gen))


def test_streams_are_seeded_as_seed_sequence_and_pcg64_do():
    g = np.random.default_rng(3)
    keys = [(0,), (1,), (2**32,), (2**64 - 1,), (5, 2**40 + 3)]
    keys += [(int(k),) for k in g.integers(0, 2**63, 20)]
    for entropy, spawn_key in ((0, (0, 0)), (42, (17, 0)), ((1, 2, 3, 4, 5), (2**40, 2)),
                               (2**100 + 7, (3,))):
        prefix = pcg64.seed_words(entropy, spawn_key)
        table = pcg64.key_table(keys)
        states, v = pcg64.stream_states(prefix, table, first_double=True)
        fresh, _ = pcg64.stream_states(prefix, table)
        for r, key in enumerate(keys):
            ss = np.random.SeedSequence(entropy, spawn_key=(*spawn_key, *key))
            gen = np.random.Generator(np.random.PCG64(ss))
            np.testing.assert_array_equal(fresh[r], state_of(gen))
            assert v[r] == gen.random()
            np.testing.assert_array_equal(states[r], state_of(gen))


def test_duration_uniforms_are_numpys_float32_draws_or_latin_hypercube_strata():
    """Random sampling: numpy's ``random(dtype=float32)``. Latin hypercube: every
    stratum exactly once per row, values in [0, 1), rows from different streams
    uncorrelated, no position bias."""
    states, _ = pcg64.stream_states(pcg64.seed_words(7, (0, 1)),
                                    pcg64.key_table([(i,) for i in range(40)]))
    work = Workspace()
    u = np.empty((40, 1000), np.float32)
    expected = [np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        7, spawn_key=(0, 1, i)))).random(1000, dtype=np.float32) for i in range(40)]
    uniform_rows(states.copy(), 1000, False, u, np.zeros((0, 0), np.uint64))
    np.testing.assert_array_equal(u, np.array(expected))

    def strata(size: int) -> np.ndarray:
        u, words = np.empty((40, size), np.float32), np.empty((40, size), np.uint64)
        uniform_rows(states, size, True, u, words)
        stratified_rows(u, words, work)
        return u

    for size in (4096, 1808, 7, 1):
        u = strata(size)
        assert u.min() >= 0.0 and u.max() < 1.0
        # the j-th smallest value lies in stratum j (up to float32 rounding at its edge)
        offset = np.sort(u.astype(float) * size, axis=1) - np.arange(size)
        assert offset.min() > -1e-3 and offset.max() < 1.0
    u = strata(4096)
    rho = np.corrcoef(u)[np.triu_indices(40, 1)]
    # 780 pairs of independent rows: |r| < 5 / sqrt(4096) with overwhelming probability
    assert np.abs(rho).max() < 5 / 64
    low = (u < 0.5).mean(axis=0)
    assert abs(low.mean() - 0.5) < 0.01


def test_importing_riskkit_does_not_load_numba():
    """numba loads with the first simulation, not with ``import riskkit``; reading a
    register (without trigen estimates) or a schedule and its CPM dates do not need it."""
    code = ("import sys, warnings; warnings.simplefilter('ignore'); import riskkit as rk; "
            "assert 'numba' not in sys.modules, 'import'; "
            f"rk.read_register({str(SAMPLES / 'it_migration.csv')!r}); "
            "assert 'numba' not in sys.modules, 'read'; "
            f"rk.read_schedule({str(SAMPLES / 'it_migration_schedule.csv')!r}).cpm(); "
            "assert 'numba' not in sys.modules, 'schedule'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_durations_are_the_rule_rounded_once_to_float32():
    """Every activity's duration is its family's inverse CDF at its float32 uniform,
    rounded once to float32. (riskkit 0.1 blended the triangular's two sides in float32
    and lost the lower tail to cancellation: up to 0.15 working days on a
    0 / 0.5 / 1,000-day estimate, where rounding alone errs by 3e-5.)"""
    import warnings

    import riskkit as rk
    from riskkit.sim.durations import inverse_durations
    from riskkit.sim.plan import NetworkModel

    dists = [rk.Triangular(0, 0.5, 1000), rk.Triangular(100, 101, 400), rk.Triangular(5, 7, 10),
             rk.Pert(2, 5, 30), rk.Uniform(3, 9), rk.Fixed(4.0), rk.distributions.trigen(8, 10, 15),
             rk.Lognormal.from_percentiles(5, 20)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.Schedule([rk.Activity(f"A{i}", d) for i, d in enumerate(dists)])
    net = NetworkModel.of(sch, False)
    g = np.random.default_rng(0)
    u = np.sort(g.random((len(dists), 4096)).astype(np.float32), axis=1)
    u[:, :64] = np.sort(g.random((len(dists), 64)).astype(np.float32) * 1e-4, axis=1)
    got = u.copy()
    inverse_durations(net, got, Workspace())
    for d, row, x in zip(dists, u, got):
        exact = d.ppf(row.astype(float))
        np.testing.assert_array_equal(x, exact.astype(np.float32))
        # rounding to float32 is the only error: half an ulp
        assert np.all(np.abs(x - exact) <= np.spacing(np.float32(np.abs(exact).max())))


def _random_network(g: np.random.Generator, n: int):
    """A random DAG with every link type, zero, positive and negative lags."""
    from riskkit.cpm import Network

    src, dst, kind, lag = [], [], [], []
    for b in range(1, n):
        for a in g.choice(b, size=min(b, int(g.integers(1, 4))), replace=False):
            src.append(int(a))
            dst.append(b)
            kind.append(int(g.integers(0, 4)))
            lag.append(float(g.choice([0.0, 0.0, 2.5, -1.25, 0.1, 7.0])))
    return Network(n, src, dst, kind, lag)


def test_a_variants_network_pass_is_the_full_forward_pass_to_the_last_bit():
    """``Network.overlay_finish`` recomputes only what a change moves, iteration by
    iteration; its project finish is exactly a full forward pass with the changed
    durations (every link type, negative lags, starts read through SS and SF links,
    changes that move nothing)."""
    g = np.random.default_rng(21)
    for trial in range(12):
        n, width = int(g.integers(5, 120)), 300
        net = _random_network(g, n)
        base = g.gamma(2.0, 5.0, (n, width)).astype(np.float32)
        base[g.random((n, width)) < 0.05] = 0.0
        work = Workspace()
        ef, es = net.forward_with_starts(base, work)
        ef, es = ef.copy(), es.copy()
        finish = net.project_finish(ef)
        by_iteration = net.by_iteration(base, ef, es, work)
        changed = g.choice(n, size=int(g.integers(1, min(n, 6) + 1)), replace=False)
        columns = np.sort(g.choice(width, size=int(g.integers(1, width)), replace=False))
        rows = {}
        for a in changed.tolist():
            row = base[a, columns].copy()
            moved = g.random(columns.size) < 0.7  # some iterations keep their duration
            row[moved] = np.maximum(row[moved] + g.normal(0, 6, moved.sum()), 0)
            rows[a] = row.astype(np.float32)
        kept = [x.copy() for x in by_iteration]
        got = net.overlay_finish(rows, *by_iteration, finish, columns)
        for x, y in zip(by_iteration, kept):  # worked on in place, and put back
            np.testing.assert_array_equal(x, y)
        full = base.copy()
        for a, row in rows.items():
            full[a, columns] = row
        expected = net.project_finish(net.forward(full, Workspace()))[columns]
        np.testing.assert_array_equal(got, expected, err_msg=f"trial {trial}")
        unchanged = {a: base[a, columns].copy() for a in changed.tolist()}
        np.testing.assert_array_equal(
            net.overlay_finish(unchanged, *by_iteration, finish, columns), finish[columns])


def test_the_transpose_places_columns():
    from riskkit.kernels.network import transpose

    g = np.random.default_rng(2)
    x = g.random((130, 70)).astype(np.float32)
    place = g.permutation(130)
    out = np.empty((70, 130), dtype=np.float32)
    transpose(x, out, place)
    expected = np.empty_like(out)
    expected[:, place] = x.T
    np.testing.assert_array_equal(out, expected)
