"""Correlation (Iman–Conover) between risk impacts and between activity durations."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st

import riskkit as rk
from riskkit.cli import main
from riskkit.correlation import nearest_correlation
from riskkit.sim import simulate_variants

from .conftest import SAMPLES

Z90 = 1.2815515655446004


def certain_register(m: int, **extra) -> rk.RiskRegister:
    """m risks that always occur, with skewed triangular cost impacts."""
    frame = pd.DataFrame({"id": [f"R{i:02d}" for i in range(m)], "probability": 1.0,
                          "cost_min": 10.0, "cost_most_likely": 20.0 + np.arange(m),
                          "cost_max": 90.0 + 2 * np.arange(m), **extra})
    return rk.read_register(frame)


def impact_matrix(register, iterations, correlation, rng=1, sampling="lhs"):
    """(iterations x risks) cost impacts of every risk, from the engine's own draws."""
    run = simulate_variants(register, None, [], iterations=iterations, rng=rng,
                            keep_impacts=True, correlation=correlation, sampling=sampling)
    x = np.zeros((iterations, len(run.impacts)))
    for j, (pos, cost, _) in enumerate(run.impacts):
        x[pos, j] = cost
    return x


def target_matrix(m: int, seed: int = 3) -> np.ndarray:
    """A realistic 50 x 50 correlation matrix: five common drivers plus noise; entries
    from about -0.8 to 0.87."""
    g = np.random.default_rng(seed)
    a = g.normal(size=(m, 5))
    c = a @ a.T + np.diag(g.uniform(0.5, 2.0, m))
    d = np.sqrt(np.diag(c))
    return c / np.outer(d, d)


def test_induced_spearman_matches_a_50x50_target_and_marginals_are_unchanged():
    m, n = 50, 10_000
    reg = certain_register(m)
    ids = [f"R{i:02d}" for i in range(m)]
    c = target_matrix(m)
    x = impact_matrix(reg, n, pd.DataFrame(c, index=ids, columns=ids))
    spearman = st.spearmanr(x).statistic
    off = ~np.eye(m, dtype=bool)
    assert np.abs(spearman - c)[off].max() <= 0.02
    assert np.abs(c[off]).max() > 0.8  # the target is demanding, not near zero
    # Marginals: each risk's values are a reordering of its uncorrelated draw, so the
    # two-sample Kolmogorov-Smirnov distance is exactly 0.
    free = impact_matrix(reg, n, None)
    for j in range(m):
        assert st.ks_2samp(x[:, j], free[:, j]).statistic == 0.0
        np.testing.assert_array_equal(np.sort(x[:, j]), np.sort(free[:, j]))
    # Without correlation the same pairs are near 0 (the effect is the correlation's).
    assert np.abs(st.spearmanr(free).statistic[off]).max() < 0.06


def test_random_sampling_is_correlated_too():
    m, n = 10, 20_000
    reg = certain_register(m)
    ids = [f"R{i:02d}" for i in range(m)]
    c = target_matrix(m, seed=8)
    x = impact_matrix(reg, n, pd.DataFrame(c, index=ids, columns=ids), sampling="random")
    off = ~np.eye(m, dtype=bool)
    assert np.abs(st.spearmanr(x).statistic - c)[off].max() <= 0.02


def normal_register() -> rk.RiskRegister:
    mu, sd = np.array([5.0, 10.0, 15.0]), np.array([1.0, 2.0, 3.0])
    return rk.read_register(pd.DataFrame({
        "id": ["A", "B", "C"], "probability": 1.0, "cost_min": mu - Z90 * sd,
        "cost_most_likely": mu, "cost_max": mu + Z90 * sd, "distribution": "normal"}))


THREE = pd.DataFrame([[1, .2, .5], [.2, 1, .3], [.5, .3, 1]], index=list("ABC"),
                     columns=list("ABC"))
SD = np.array([1.0, 2.0, 3.0])


def sum_variance(rho12, rho13, rho23):
    return float((SD ** 2).sum() + 2 * (rho12 * SD[0] * SD[1] + rho13 * SD[0] * SD[2]
                                        + rho23 * SD[1] * SD[2]))


def variance_tolerance(variance: float, n: int) -> float:
    """3 Monte Carlo standard errors of a normal sample variance: var sqrt(2 / (n-1))."""
    return 3 * variance * math.sqrt(2 / (n - 1))


def test_three_correlated_normal_impacts_have_the_textbook_total_variance():
    """Pearson (normal-score) coefficients: 1 + 4 + 9 + 2(0.2x1x2 + 0.5x1x3 + 0.3x2x3)
    = 21.4."""
    n = 200_000
    assert sum_variance(.2, .5, .3) == pytest.approx(21.4)
    res = rk.simulate(normal_register(), iterations=n, rng=5,
                      correlation=rk.read_correlation(THREE, measure="pearson"))
    assert res.cost.var(ddof=1) == pytest.approx(21.4, abs=variance_tolerance(21.4, n))
    assert res.cost.mean() == pytest.approx(30.0, abs=3 * math.sqrt(21.4 / n))


def test_rank_coefficients_give_the_normal_correlation_2_sin_pi_rho_over_6():
    """Spearman coefficients (the default): normal impacts get the Pearson correlation
    2 sin(pi rho / 6), so the variance is 21.70, distinguishable from 21.4."""
    n = 200_000
    r = [2 * math.sin(math.pi * x / 6) for x in (.2, .5, .3)]
    expected = sum_variance(*r)
    tol = variance_tolerance(expected, n)
    assert abs(expected - 21.4) > tol
    res = rk.simulate(normal_register(), iterations=n, rng=5, correlation=THREE)
    assert res.cost.var(ddof=1) == pytest.approx(expected, abs=tol)


def test_uncorrelated_normals_add_variances():
    n = 200_000
    res = rk.simulate(normal_register(), iterations=n, rng=5)
    assert res.cost.var(ddof=1) == pytest.approx(14.0, abs=variance_tolerance(14.0, n))


def serial_schedule(groups=None) -> rk.Schedule:
    mu, sd = np.array([50.0, 100.0, 150.0]), 3 * SD
    frame = pd.DataFrame({"id": ["A", "B", "C"], "duration_min": mu - Z90 * sd,
                          "duration_most_likely": mu, "duration_max": mu + Z90 * sd,
                          "distribution": "normal", "predecessors": ["", "A", "B"]})
    if groups is not None:
        frame["correlation_group"] = groups
    return rk.read_schedule(frame)


def test_correlated_activity_durations_in_series():
    n = 200_000
    expected = 9 * sum_variance(.2, .5, .3)  # durations have 3x the sd
    res = rk.simulate(None, serial_schedule(), iterations=n, rng=5,
                      correlation=rk.read_correlation(THREE, measure="pearson"))
    assert res.schedule.var(ddof=1) == pytest.approx(expected,
                                                     abs=variance_tolerance(expected, n))
    assert res.schedule.mean() == pytest.approx(300.0, abs=3 * math.sqrt(expected / n))


def test_a_correlation_group_of_activities():
    n = 200_000
    expected = 9 * sum_variance(.6, .6, .6)
    res = rk.simulate(None, serial_schedule(["G", "G", "G"]), iterations=n, rng=5,
                      correlation=rk.read_correlation({"G": 0.6}, measure="pearson"))
    assert res.schedule.var(ddof=1) == pytest.approx(expected,
                                                     abs=variance_tolerance(expected, n))


def test_correlation_groups_in_the_register():
    m, n = 9, 40_000
    groups = ["civil"] * 4 + ["m&e"] * 3 + ["", ""]
    reg = certain_register(m, correlation_group=groups)
    x = impact_matrix(reg, n, {"civil": 0.7, "m&e": 0.3})
    s = st.spearmanr(x).statistic
    tol = 4 / math.sqrt(n)  # 4 standard errors of a sample rank correlation, at most
    for i in range(m):
        for j in range(i + 1, m):
            want = (0.7 if groups[i] == groups[j] == "civil" else
                    0.3 if groups[i] == groups[j] == "m&e" else 0.0)
            assert s[i, j] == pytest.approx(want, abs=tol), (i, j)


def test_same_numbers_for_any_chunk_size_and_workers():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    corr = SAMPLES / "office_fitout_correlation.csv"
    a = rk.simulate(reg, sch, iterations=140_000, rng=3, correlation=corr)
    b = rk.simulate(reg, sch, iterations=140_000, rng=3, correlation=corr,
                    chunk_size=65_536)
    np.testing.assert_array_equal(a.cost, b.cost)
    np.testing.assert_array_equal(a.schedule, b.schedule)
    w = rk.simulate(reg, sch, iterations=140_000, rng=3, correlation=corr, workers=2)
    np.testing.assert_array_equal(a.cost, w.cost)
    np.testing.assert_array_equal(a.schedule, w.schedule)
    c = rk.simulate(reg, sch, iterations=140_000, rng=3)
    assert not np.array_equal(a.cost, c.cost)
    assert a.correlation and not c.correlation


def test_correlation_widens_the_range_of_a_register():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    ids = list(reg.frame["id"])
    c = np.full((len(ids), len(ids)), 0.8)
    np.fill_diagonal(c, 1.0)
    everything = pd.DataFrame(c, index=ids, columns=ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        free = rk.simulate(reg, iterations=50_000, rng=2)
        tied = rk.simulate(reg, iterations=50_000, rng=2, correlation=everything)
    assert tied.cost.mean() == pytest.approx(free.cost.mean(), rel=0.01)
    assert tied.cost.std() > free.cost.std()
    assert tied.percentile(0.9) > free.percentile(0.9)


def test_removing_a_grouped_risk_matches_a_resimulation():
    """Common random numbers hold with correlation: removing a risk from a group leaves
    the other members' draws as they were."""
    groups = ["g"] * 5 + [""] * 3
    frame = pd.DataFrame({"id": [f"R{i}" for i in range(8)],
                          "probability": [0.3, 0.5, 0.7, 0.2, 0.9, 0.4, 0.6, 0.5],
                          "cost_min": 10.0, "cost_most_likely": 30.0, "cost_max": 90.0,
                          "correlation_group": groups})
    reg = rk.read_register(frame)
    drivers = rk.risk_drivers(reg, iterations=70_000, rng=4, correlation={"g": 0.6})
    base = rk.simulate(reg, iterations=70_000, rng=4, correlation={"g": 0.6})
    for rid in ("R1", "R6"):
        without = rk.simulate(rk.read_register(frame[frame["id"] != rid]),
                              iterations=70_000, rng=4, correlation={"g": 0.6})
        row = drivers.to_frame().set_index("id").loc[rid]
        assert row["expected_cost_reduction"] == pytest.approx(
            base.cost.mean() - without.cost.mean(), abs=1e-9)
        assert row["p80_cost_reduction"] == pytest.approx(
            base.percentile(0.8) - without.percentile(0.8), abs=1e-9)


def test_a_mitigation_that_changes_nothing_saves_exactly_zero_with_correlation():
    frame = pd.DataFrame({"id": ["A", "B", "C"], "probability": 0.5, "cost_min": 10.0,
                          "cost_most_likely": 20.0, "cost_max": 50.0,
                          "mitigation": ["a note", "cheaper", ""],
                          "mitigated_cost_max": [None, 30.0, None],
                          "correlation_group": ["g", "g", "g"]})
    ranking = rk.rank_mitigations(rk.read_register(frame), iterations=20_000, rng=1,
                                  correlation={"g": 0.5}).to_frame().set_index("id")
    assert ranking.loc["A", "expected_cost_reduction"] == 0.0
    assert ranking.loc["B", "expected_cost_reduction"] > 0


# --- the nearest correlation matrix -----------------------------------------------------

def test_nearest_correlation_matches_highams_example():
    """Higham (2002), section 4: the nearest correlation matrix to [[1 1 0] [1 1 1]
    [0 1 1]]."""
    a = np.array([[1.0, 1, 0], [1, 1, 1], [0, 1, 1]])
    x = nearest_correlation(a)
    expected = np.array([[1, 0.7607, 0.1573], [0.7607, 1, 0.7607], [0.1573, 0.7607, 1]])
    np.testing.assert_allclose(x, expected, atol=1e-4)


def test_a_valid_matrix_is_left_alone():
    c = target_matrix(8)
    np.testing.assert_allclose(nearest_correlation(c), c, atol=1e-9)


def test_non_psd_matrix_is_repaired_with_a_warning(write_csv):
    path = write_csv(",A,B,C\nA,1,,\nB,0.9,1,\nC,0.9,-0.9,1\n", "m.csv")
    with pytest.warns(rk.InputWarning) as caught:
        corr = rk.read_correlation(path)
    text = str(caught[0].message)
    assert "not positive semi-definite" in text and "Higham" in text
    assert "Largest change" in text and "0.900 →" in text
    assert corr.repaired
    normal = corr.normal_matrix()
    assert np.linalg.eigvalsh(normal)[0] > -1e-9
    assert np.allclose(np.diag(corr.matrix.to_numpy()), 1.0)


# --- input errors -------------------------------------------------------------------

MATRIX_ERRORS = [
    (",A,B\nA,1,0.5\nB,0.4,1\n", 2, "'B'", "not symmetric"),
    (",A,B\nA,1,1.5\nB,,1\n", 2, "'B'", "between -1 and 1"),
    (",A,B\nA,1,x\nB,,1\n", 2, "'B'", "not a number"),
    (",A,B\nA,0.9,\nB,0.5,1\n", 2, "'A'", "diagonal must be 1"),
    (",A,B\nA,1,\nC,0.5,1\n", None, None, "ids down the first column and across"),
    (",A,A\nA,1,\nA,0.5,1\n", 1, None, "twice in the header"),
    ("group,coefficient\ncivil,-0.2\n", 2, "'coefficient'", "between 0 and 1"),
    ("group,coefficient\ncivil,\n", 2, "'coefficient'", "coefficient is missing"),
    ("group,coefficient\ncivil,0.5\ncivil,0.3\n", 3, "'group'", "listed twice"),
]


@pytest.mark.parametrize("text,row,column,words", MATRIX_ERRORS)
def test_bad_correlation_files_exit_2_naming_row_and_column(text, row, column, words,
                                                            write_csv, capsys):
    path = write_csv(text, "corr.csv")
    code = main(["simulate", str(SAMPLES / "office_fitout.csv"), "-n", "100", "--seed", "1",
                 "--correlation", str(path), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "corr.csv" in err and words in err
    if row is not None:
        assert f"row {row}" in err
    if column is not None:
        assert f"column {column}" in err


def test_unknown_ids_exit_2(write_csv, capsys):
    path = write_csv(",OF-01,ZZ-9\nOF-01,1,0.5\nZZ-9,0.5,1\n", "corr.csv")
    code = main(["simulate", str(SAMPLES / "office_fitout.csv"), "--correlation", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "unknown id" in err and "ZZ-9" in err and "row 3" in err


def test_group_without_coefficient_is_an_error(write_csv, capsys):
    text = "id,probability,cost impact,correlation group\nR1,0.5,100,civil\nR2,0.5,100,civil\n"
    path = write_csv(text)
    code = main(["simulate", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "row 2" in err and "'correlation group'" in err and "civil" in err
    assert "--correlation" in err
    groups = write_csv("group,coefficient\nmechanical,0.5\n", "groups.csv")
    code = main(["simulate", str(path), "--correlation", str(groups)])
    err = capsys.readouterr().err
    assert code == 2 and "does not list" in err and "mechanical" in err


def test_a_risk_cannot_be_correlated_with_an_activity(write_csv, capsys):
    sch = SAMPLES / "office_fitout_schedule.csv"
    path = write_csv(",OF-01,A03\nOF-01,1,0.5\nA03,0.5,1\n", "corr.csv")
    code = main(["simulate", str(SAMPLES / "office_fitout.csv"), "--schedule", str(sch),
                 "--correlation", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "risks with risks and activities with activities" in err


def test_cli_reports_the_correlation(capsys):
    code = main(["simulate", str(SAMPLES / "office_fitout.csv"), "-n", "2000", "--seed", "1",
                 "--correlation", str(SAMPLES / "office_fitout_correlation.csv"),
                 "--json", "-"])
    out = capsys.readouterr().out
    import json

    data = json.loads(out)
    assert code == 0
    assert "rank (Spearman) correlation matrix of 7 ids" in data["correlation"]
    code = main(["validate", str(SAMPLES / "office_fitout.csv"),
                 "--correlation", str(SAMPLES / "office_fitout_correlation.csv")])
    out = capsys.readouterr().out
    assert code == 0 and "7 risks in 3 correlated sets" in out


GROUPED = ("id,probability,cost impact,Correlation Group\n"
           "R1,1,100,Civil Works\nR2,1,200,civil  works\nR3,0.5,300,\n")


def test_validate_uses_the_correlation_with_a_schedule(write_csv, capsys):
    reg = write_csv(GROUPED)
    groups = write_csv("group,coefficient\nCivil Works,0.6\n", "groups.csv")
    code = main(["validate", str(reg), "--schedule",
                 str(SAMPLES / "office_fitout_schedule.csv"), "--correlation", str(groups)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "2 risks in 1 correlated set" in captured.out


def test_group_names_match_ignoring_case_spacing_and_pandas_floats():
    reg = rk.read_register(pd.read_csv(__import__("io").StringIO(
        "id,probability,cost_impact,correlation_group\nA,1,1,1\nB,1,2,1\nC,1,3,\n")))
    assert reg.frame["correlation_group"].tolist()[:2] == ["1.0", "1.0"]
    res = rk.simulate(reg, iterations=100, rng=1, correlation={1: 0.5})
    assert "groups" in res.correlation
    text = GROUPED.encode()
    import io

    fh = io.BytesIO(text)
    fh.name = "reg.csv"
    res = rk.simulate(rk.read_register(fh), iterations=100, rng=1,
                      correlation={"CIVIL WORKS": 0.5})
    assert res.correlation


def test_groups_file_with_other_columns_and_trailing_empty_column(write_csv):
    path = write_csv("Group Name,Coefficient,Notes,\ncivil,0.6,same contractor,\n",
                     "groups.csv")
    with pytest.warns(rk.InputWarning, match="columns not used: 'Notes'"):
        corr = rk.read_correlation(path)
    assert corr.groups == {"civil": 0.6}
    with pytest.raises(rk.InputError, match="between 0 and 1"):
        rk.read_correlation(write_csv("group,coefficient\ncivil,1.5\n", "g2.csv"))


def test_decimal_commas_and_xlsx(write_csv, tmp_path):
    tab = write_csv("\tA\tB\nA\t1\t\nB\t0,6\t1\n", "m.tsv")
    corr = rk.read_correlation(tab, decimal=",")
    assert corr.matrix.loc["A", "B"] == pytest.approx(0.6)
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ([None, "A", "B"], ["A", 1, None], ["B", 0.4, 1]):
        sheet.append(row)
    book.save(tmp_path / "m.xlsx")
    assert rk.read_correlation(tmp_path / "m.xlsx").matrix.loc["B", "A"] == 0.4


def test_extra_cells_in_a_matrix_row_are_an_error(write_csv):
    path = write_csv(",A,B\nA,1,\nB,0.5,1,0.9\n", "m.csv")
    with pytest.raises(rk.InputError) as info:
        rk.read_correlation(path)
    assert info.value.problems[0].row == 3 and "0.9" in str(info.value)


def test_a_repaired_matrix_keeps_risks_and_activities_apart(write_csv):
    """Repair noise (1e-16) between a risk block and an activity block is not taken for
    a correlation between a risk and an activity."""
    reg = rk.read_register(pd.DataFrame({"id": ["R1", "R2", "R3"], "probability": 1.0,
                                         "cost_impact": [1.0, 2.0, 3.0]}))
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    ids = ["R1", "A02", "R2", "A03", "R3", "A05"]
    c = np.eye(6)
    for a, b, v in (("R1", "R2", .9), ("R1", "R3", .9), ("R2", "R3", -.9),
                    ("A02", "A03", .5)):
        i, j = ids.index(a), ids.index(b)
        c[i, j] = c[j, i] = v
    with pytest.warns(rk.InputWarning, match="positive semi-definite"):
        corr = rk.read_correlation(pd.DataFrame(c, index=ids, columns=ids))
    res = rk.simulate(reg, sch, iterations=200, rng=1, correlation=corr)
    assert res.correlation


def test_a_risk_activity_correlation_names_the_cell_as_written(write_csv, capsys):
    path = write_csv(",OF-01,OF-02,A02\nOF-01,1,,\nOF-02,0.3,1,\nA02,0.5,,1\n", "m.csv")
    code = main(["validate", str(SAMPLES / "office_fitout.csv"), "--schedule",
                 str(SAMPLES / "office_fitout_schedule.csv"), "--correlation", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "row 4, column 'OF-01'" in err and "(value '0.5')" in err


def test_closed_risks_in_a_matrix_are_reported(write_csv):
    text = "id,probability,cost impact,status\nR1,0.5,100,open\nR2,0.5,100,closed\n"
    reg = rk.read_register(write_csv(text))
    m = pd.DataFrame([[1, .8], [.8, 1]], index=["R1", "R2"], columns=["R1", "R2"])
    with pytest.warns(rk.InputWarning, match="closed risks are left out of the correlation: R2"):
        rk.simulate(reg, iterations=100, rng=1, correlation=m)


def test_correlation_none_gives_the_uncorrelated_baseline(write_csv, capsys):
    reg = write_csv(GROUPED)
    code = main(["simulate", str(reg), "-n", "1000", "--seed", "1", "--correlation", "none",
                 "--json", "-"])
    captured = capsys.readouterr()
    assert code == 0 and "are not used" in captured.err
    import json

    assert json.loads(captured.out)["correlation"] is None


@pytest.mark.parametrize("iterations", [1, 3, 4_097])
def test_tiny_blocks_and_slices_raise_no_numpy_warnings(iterations):
    import warnings as w

    sch = serial_schedule(["G", "G", "G"])
    reg = certain_register(4, correlation_group=["a", "a", "a", "a"])
    with w.catch_warnings():
        w.simplefilter("error", RuntimeWarning)
        rk.simulate(reg, iterations=iterations, rng=1, correlation={"a": 0.5})
        rk.simulate(None, sch, iterations=iterations, rng=1, correlation={"G": 0.5})


def test_a_risk_activity_entry_in_a_non_psd_matrix_is_named_once_as_typed(write_csv, capsys):
    """The check reads the cells as the file gives them, not the repaired matrix."""
    text = (",OF-01,OF-02,OF-04,A05\nOF-01,1,,,\nOF-02,0.9,1,,\nOF-04,0.9,-0.9,1,\n"
            "A05,.70,0,0,1\n")
    path = write_csv(text, "m.csv")
    code = main(["validate", str(SAMPLES / "office_fitout.csv"), "--schedule",
                 str(SAMPLES / "office_fitout_schedule.csv"), "--correlation", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("are correlated; correlate risks with risks") == 1
    assert "row 5, column 'OF-01'" in err and "(value '.70')" in err
