"""Portfolios: the manifest, one run over every project, the roll-up and the CLI.

Statistical checks compare with analytic answers, the tolerance from the Monte Carlo
standard error at a fixed seed (plain Monte Carlo sampling where the iid formulas are
used); where the common iterations make a statement exact, it is tested exactly.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

import riskkit as rk
from riskkit.cli import main
from riskkit.distributions import Fixed, Normal

from .conftest import SAMPLES

MANIFEST = str(Path(SAMPLES) / "portfolio" / "portfolio.csv")
OFFICE = str(Path(SAMPLES) / "office_fitout.csv")
IT = str(Path(SAMPLES) / "it_migration.csv")
HEADER = "project,programme,register,schedule,start,currency,value_per_day,budget,deadline\n"


@pytest.fixture(scope="module")
def sample():
    pf = rk.read_portfolio(MANIFEST)
    return pf, rk.simulate_portfolio(pf, iterations=20_000, rng=7)


def _project(name, risks, programme=None):
    return rk.Project(name, rk.RiskRegister(tuple(risks), source=name), programme=programme)


def _normal_project(name, sd=1000.0):
    """A project whose cost is N(0, sd^2): one certain risk with a normal impact."""
    return _project(name, [rk.Risk("R1", 1.0, cost=Normal(0.0, sd, None))])


# -- the manifest -----------------------------------------------------------------------

def test_reads_the_sample_manifest(sample):
    pf, _ = sample
    assert len(pf) == 8
    assert set(pf.programmes()) == {"Workplace", "Digital", "Estates"}
    london = pf.project("London fit-out")
    assert london.schedule is not None and london.register.project == "London fit-out"
    assert london.schedule.project == "London fit-out"
    assert london.budget == 2_250_000 and str(london.start) == "2027-01-04"


def _problems(tmp_path, text):
    path = tmp_path / "manifest.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rk.InputError) as err:
        rk.read_portfolio(path)
    return str(path), err.value.problems


def test_missing_register_names_row_column_and_value(tmp_path):
    src, problems = _problems(tmp_path, HEADER + f"A,X,{OFFICE},,,,,,\nB,X,nowhere.csv,,,,,,\n")
    (p,) = problems
    assert (p.source, p.row, p.column, p.value) == (src, 3, "register", "nowhere.csv")
    assert "not found" in p.message


def test_duplicate_project(tmp_path):
    _, problems = _problems(tmp_path, HEADER + f"A,X,{OFFICE},,,,,,\nA,Y,{IT},,,,,,\n")
    (p,) = problems
    assert (p.row, p.column, p.value) == (3, "project", "A") and "duplicate" in p.message


def test_mixed_currencies_need_exchange_rates(tmp_path):
    text = HEADER + f"A,X,{OFFICE},,,GBP,,,\nB,X,{IT},,,EUR,,,\n"
    _, problems = _problems(tmp_path, text)
    (p,) = problems
    assert (p.row, p.column, p.value) == (3, "currency", "EUR")
    path = tmp_path / "rated.csv"
    path.write_text(HEADER.strip() + ",exchange_rate\n" + f"A,X,{OFFICE},,,GBP,,,,\n"
                    f"B,X,{IT},,,EUR,,,,0.85\n", encoding="utf-8")
    pf = rk.read_portfolio(path)
    res = rk.simulate_portfolio(pf, iterations=1_000, rng=3)
    a, b = res.project("A").cost, res.project("B").cost
    assert np.array_equal(res.portfolio.cost, a + b * 0.85)


def test_bad_cells_and_unknown_columns(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("project,register,budget,colour\nA," + OFFICE + ",lots,blue\n",
                    encoding="utf-8")
    with pytest.warns(rk.InputWarning, match="colour"), pytest.raises(rk.InputError) as err:
        rk.read_portfolio(path)
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (2, "budget", "lots")


@pytest.mark.parametrize("body", [f"A,X,{OFFICE},,,,,,\nA,X,{OFFICE},,,,,,\n",
                                  "A,X,missing.csv,,,,,,\n",
                                  f"A,X,{OFFICE},,,GBP,,,\nB,X,{IT},,,EUR,,,\n"])
def test_bad_manifests_exit_2(tmp_path, capsys, body):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    assert main(["portfolio", str(path), "-n", "100"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "row " in err and "Traceback" not in err


# -- one run over every project -----------------------------------------------------------

def test_totals_are_sums_per_iteration(sample):
    pf, res = sample
    total = np.zeros(res.iterations)
    for name in res.names:
        total = total + res.project(name).cost
    assert np.array_equal(res.portfolio.cost, total)  # exact, iteration by iteration
    means = sum(res.project(n).cost.mean() for n in res.names)
    assert res.portfolio.statistics("cost")["mean"] == pytest.approx(means, rel=1e-12)
    for prog, members in pf.programmes().items():
        cost = sum(res.project(p.name).cost for p in members)
        assert np.allclose(res.level("programme", prog).cost, cost, rtol=1e-15)


@pytest.fixture(scope="module")
def unshared(tmp_path_factory):
    """The sample portfolio without its shared risks (paths made absolute)."""
    folder = Path(MANIFEST).parent
    lines = Path(MANIFEST).read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] == "*":
            continue
        cells[2:4] = [str((folder / c).resolve()) if c else "" for c in cells[2:4]]
        out.append(",".join(cells))
    path = tmp_path_factory.mktemp("unshared") / "portfolio.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return rk.simulate_portfolio(rk.read_portfolio(path), iterations=20_000, rng=7)


def test_a_project_alone_equals_its_slice_bit_for_bit(unshared):
    res = unshared
    folder = Path(MANIFEST).parent
    for name, reg, sch in [("London fit-out", "london_fitout.csv", "../office_fitout_schedule.csv"),
                           ("Leeds fit-out", "leeds_fitout.csv", None)]:
        register = rk.read_register(folder / reg, project=name)
        schedule = rk.read_schedule(folder / sch, project=name) if sch else None
        alone = rk.simulate(register, schedule, iterations=20_000, rng=7,
                            start="2027-01-04" if sch else None)
        part = res.project(name)
        assert np.array_equal(alone.cost, part.cost)
        assert np.array_equal(alone.schedule, part.schedule)


def test_schedule_rolls_up_as_the_latest_finish(sample):
    pf, res = sample
    cal = rk.Calendar()
    first = min(cal.start_day(p.start, warn=False) for p in pf)
    finish = np.full(res.iterations, -np.inf)
    for p in pf:
        shift = np.busday_count(first, cal.start_day(p.start, warn=False))
        finish = np.maximum(finish, res.project(p.name).schedule + shift)
    assert np.array_equal(res.portfolio.schedule, finish)


def test_independent_projects_variances_add():
    n, k = 40_000, 5
    pf = rk.Portfolio(tuple(_project(f"P{i}", [
        rk.Risk("R1", 0.3, cost=Normal(1000.0 * (i + 1), 300.0, None)),
        rk.Risk("R2", 0.6, cost=Fixed(500.0))]) for i in range(k)))
    res = rk.simulate_portfolio(pf, iterations=n, rng=11, sampling="random")
    var = np.array([res.project(f"P{i}").cost.var(ddof=1) for i in range(k)])
    total = res.portfolio.cost.var(ddof=1)
    # total − sum = 2 sum of sample covariances, each with SE sigma_i sigma_j / sqrt(n)
    se = 2 * math.sqrt(sum(var[i] * var[j] for i in range(k) for j in range(i + 1, k)) / n)
    assert abs(total - var.sum()) < 4 * se


def test_same_risk_ids_in_two_projects_are_independent():
    n = 40_000
    risk = rk.Risk("R1", 0.3, cost=Fixed(1.0))
    pf = rk.Portfolio((_project("A", [risk]), _project("B", [risk])))
    res = rk.simulate_portfolio(pf, iterations=n, rng=5, sampling="random")
    a, b = res.project("A").cost, res.project("B").cost
    assert 0.28 < a.mean() < 0.32 and 0.28 < b.mean() < 0.32
    assert not np.array_equal(a, b)
    assert abs(np.corrcoef(a, b)[0, 1]) < 4 / math.sqrt(n)
    # without the namespace the two registers would draw the very same numbers
    reg = rk.RiskRegister((risk,))
    same = [rk.simulate(reg, iterations=n, rng=5, sampling="random").cost for _ in (0, 1)]
    assert np.array_equal(*same)


@pytest.mark.parametrize("count", [1, 4, 16])
def test_contingency_of_identical_independent_projects_grows_like_sqrt_n(count):
    n, sd, z = 50_000, 1000.0, norm.ppf(0.8)
    pf = rk.Portfolio(tuple(_normal_project(f"P{i}", sd) for i in range(count)))
    res = rk.simulate_portfolio(pf, iterations=n, rng=21, sampling="random")
    sigma = sd * math.sqrt(count)
    expected = z * sigma  # the sum is N(0, count sd^2), its base 0
    se = math.sqrt(0.8 * 0.2 / n) / (norm.pdf(z) / sigma)
    assert abs(res.portfolio.contingency_p80 - expected) < 4 * se
    # the projects' own contingencies add up like count, the portfolio's like sqrt(count)
    own = sum(res.level("project", f"P{i}").contingency_p80 for i in range(count))
    assert abs(own - count * z * sd) < 4 * count * math.sqrt(0.8 * 0.2 / n) / (
        norm.pdf(z) / sd)
    benefit = count * z * sd - z * sigma
    assert abs(res.diversification_benefit_p80 - benefit) < 4 * (count + math.sqrt(count)) \
        * math.sqrt(0.8 * 0.2 / n) / (norm.pdf(z) / sd)


# -- allocation -----------------------------------------------------------------------

def _cents(x):
    return int(round(x * 100))


def test_allocations_add_up_to_the_cent_at_every_level(sample):
    _, res = sample
    top = _cents(res.portfolio.contingency_p80)
    assert _cents(res.portfolio.allocated) == top
    assert sum(_cents(lv.allocated) for lv in res.programmes.values()) == top
    assert sum(_cents(lv.allocated) for lv in res.projects.values()) == top
    for lv in res.programmes.values():
        assert _cents(lv.allocated) == sum(_cents(res.level("project", p).allocated)
                                           for p in lv.projects)
    # diversified: every project's share is below its own contingency here
    for lv in res.projects.values():
        assert 0 < lv.allocated < lv.contingency_p80


def test_identical_projects_get_equal_shares():
    count, n, sd = 4, 50_000, 1000.0
    pf = rk.Portfolio(tuple(_normal_project(f"P{i}", sd) for i in range(count)))
    res = rk.simulate_portfolio(pf, iterations=n, rng=2, sampling="random")
    shares = np.array([res.level("project", f"P{i}").allocated for i in range(count)])
    # exchangeable normals: X_i = S / count + e_i, e_i ~ N(0, sd^2 (1 - 1/count)) and
    # independent of S, so the share is C / count plus the window mean of e_i (scaled by
    # C / mean of S over the window, about 1), whose SE is sd sqrt(1 - 1/count) / sqrt(w)
    se = sd * math.sqrt(1 - 1 / count) / math.sqrt(res.window)
    assert np.all(np.abs(shares - res.portfolio.contingency_p80 / count) < 4 * se)


# -- the command line -----------------------------------------------------------------

def test_cli_json_keys(tmp_path, capsys):
    out = tmp_path / "p.json"
    assert main(["portfolio", MANIFEST, "-n", "2000", "--seed", "3", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert {"iterations", "seed", "portfolio", "programmes", "projects"} <= set(data)
    assert data["iterations"] == 2000 and data["seed"] == 3
    stats = {"cost", "schedule", "contingency_p80", "allocated_contingency_p80",
             "p_within_budget"}
    assert stats | {"diversification_benefit_p80"} <= set(data["portfolio"])
    for level in [*data["programmes"].values(), *data["projects"].values()]:
        assert stats <= set(level)
        assert set(level["cost"]) == set(level["schedule"]) == {
            "base", "mean", "std", "p10", "p50", "p80", "p90"}
    assert set(data["programmes"]) == {"Workplace", "Digital", "Estates"}
    assert data["portfolio"]["allocated_contingency_p80"] == data["portfolio"][
        "contingency_p80"]
    printed = capsys.readouterr().out
    assert "Portfolio" in printed and "London fit-out" in printed


def test_cli_top_risks(capsys):
    assert main(["portfolio", MANIFEST, "-n", "2000", "--seed", "1", "--top", "3",
                 "--json", "-"]) == 0
    top = json.loads(capsys.readouterr().out)["top_risks"]
    assert len(top) == 3 and {"project", "id", "contribution_p80"} <= set(top[0])
    assert top[0]["contribution_p80"] >= top[1]["contribution_p80"]


def test_cli_json_to_stdout_is_pure_json(capsys):
    assert main(["portfolio", MANIFEST, "-n", "1000", "--seed", "1", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["seed"] == 1


# -- shared risks ---------------------------------------------------------------------

def _shared_manifest(tmp_path, project_cell, risk_id="SH-01", activities=""):
    own = tmp_path / "own.csv"
    own.write_text("id,probability,cost_impact\nR1,0.5,1\n", encoding="utf-8")
    shared = tmp_path / "shared.csv"
    shared.write_text("id,project,probability,cost_impact,activities\n"
                      f"{risk_id},{project_cell},0.3,1000,{activities}\n", encoding="utf-8")
    path = tmp_path / "m.csv"
    path.write_text("project,programme,register\nA,X,own.csv\nB,X,own.csv\nC,Y,own.csv\n"
                    "*,,shared.csv\n", encoding="utf-8")
    return path


def test_a_shared_risk_hits_every_project_it_names_at_once(tmp_path):
    n = 40_000
    pf = rk.read_portfolio(_shared_manifest(tmp_path, "A; B"))
    assert pf.project("A").shared_ids == ("SH-01",) and pf.project("C").shared_ids == ()
    res = rk.simulate_portfolio(pf, iterations=n, rng=9, sampling="random")
    hit = {p: res.project(p).cost >= 1000 for p in ("A", "B", "C")}
    assert np.array_equal(hit["A"], hit["B"])  # one occurrence stream for both
    assert abs(hit["A"].mean() - 0.3) < 4 * math.sqrt(0.3 * 0.7 / n)
    assert not hit["C"].any()
    # the projects' own R1 are still independent of each other
    own = {p: res.project(p).cost % 1000 for p in ("A", "B")}
    assert abs(np.corrcoef(own["A"], own["B"])[0, 1]) < 4 / math.sqrt(n)


def test_a_shared_risk_on_every_project_is_comonotone():
    n = 20_000
    risk = rk.Risk("SH", 1.0, cost=Normal(0.0, 1000.0, None), project="*")
    pf = rk.Portfolio(tuple(_project(f"P{i}", [risk]) for i in range(4)))
    res = rk.simulate_portfolio(pf, iterations=n, rng=4, sampling="random")
    assert all(np.array_equal(res.project("P0").cost, res.project(f"P{i}").cost)
               for i in range(4))
    own = sum(res.level("project", f"P{i}").contingency_p80 for i in range(4))
    assert res.portfolio.contingency_p80 == pytest.approx(own, rel=1e-12)
    assert res.diversification_benefit_p80 == pytest.approx(0.0, abs=1e-6 * own)


@pytest.mark.parametrize("cell, activities, column, message", [
    ("A; Z", "", "project", "lacks: Z"),
    ("", "", "project", "names no project"),
    ("*", "A1", "activities", "may not name activities"),
])
def test_bad_shared_risks(tmp_path, cell, activities, column, message):
    path = _shared_manifest(tmp_path, cell, activities=activities)
    with pytest.raises(rk.InputError) as err:
        rk.read_portfolio(path)
    (p,) = err.value.problems
    assert (p.source.endswith("shared.csv"), p.row, p.column) == (True, 2, column)
    assert message in p.message
    assert main(["portfolio", str(path), "-n", "100"]) == 2


def test_a_shared_id_clashing_with_a_project_risk(tmp_path):
    with pytest.raises(rk.InputError, match="id of a risk of A, B, C"):
        rk.read_portfolio(_shared_manifest(tmp_path, "*", risk_id="R1"))


def test_the_sample_shares_its_supplier_risk(sample):
    pf, res = sample
    hit = [p.name for p in pf if "SH-01" in p.shared_ids]
    assert len(hit) == 4
    counts = {int(res.project(p).risk_table().set_index("id").loc["SH-03", "occurrences"])
              for p in res.names}
    assert len(counts) == 1  # SH-03 (project *) occurs in the same iterations everywhere


# -- deadlines and workbooks ----------------------------------------------------------

def test_on_time_is_the_finish_date_against_the_deadline(sample):
    pf, res = sample
    dated = [p for p in pf if p.deadline is not None]
    assert [p.name for p in dated] == ["London fit-out", "ERP migration"]
    marks = []
    for p in dated:
        mark = res.project(p.name).finish_dates() <= p.deadline
        assert res.level("project", p.name).p_on_time == pytest.approx(mark.mean(), abs=0)
        marks.append(mark)
    both = np.logical_and(*marks)
    assert res.portfolio.p_on_time == pytest.approx(both.mean(), abs=0)
    assert res.level("programme", "Estates").p_on_time is None
    assert res.level("project", "Leeds fit-out").to_dict()["p_on_time"] is None


def test_a_deadline_needs_a_start(tmp_path):
    _, problems = _problems(tmp_path, HEADER + f"A,X,{OFFICE},,,,,,2027-06-30\n")
    (p,) = problems
    assert (p.row, p.column, p.value) == (2, "deadline", "2027-06-30")


def test_an_xlsx_manifest_reads_as_its_csv(tmp_path):
    pytest.importorskip("openpyxl")
    import pandas as pd

    frame = pd.read_csv(MANIFEST, dtype=str, keep_default_na=False)
    path = Path(MANIFEST).parent
    for col in ("register", "schedule"):
        frame[col] = [str((path / v).resolve()) if v else "" for v in frame[col]]
    book = tmp_path / "portfolio.xlsx"
    frame.to_excel(book, index=False)
    a = rk.simulate_portfolio(rk.read_portfolio(book), iterations=2_000, rng=1)
    b = rk.simulate_portfolio(rk.read_portfolio(MANIFEST), iterations=2_000, rng=1)
    assert a.to_dict()["portfolio"] == b.to_dict()["portfolio"]


def test_projects_in_parallel_give_the_same_numbers(sample):
    pf, _ = sample
    serial = rk.simulate_portfolio(pf, iterations=3_000, rng=8)
    pooled = rk.simulate_portfolio(pf, iterations=3_000, rng=8, workers=2)
    for name in serial.names:
        assert np.array_equal(serial.project(name).cost, pooled.project(name).cost)
        assert np.array_equal(serial.project(name).schedule, pooled.project(name).schedule)
    assert serial.to_dict() == pooled.to_dict()


def test_allocation_table(sample):
    _, res = sample
    table = res.allocation()
    assert list(table["project"])[0] == "ERP migration"  # the largest share first
    assert table["allocated_contingency_p80"].is_monotonic_decreasing
    # the shares of the cents add up to the contingency rounded to the cent
    assert table["share"].sum() == pytest.approx(1.0, abs=0.006 / res.portfolio.contingency_p80)
    released = table["released"].sum()
    assert released == pytest.approx(res.diversification_benefit_p80, abs=0.01)


def test_top_risks_add_up_without_schedules(tmp_path):
    from riskkit.analysis.portfolio import portfolio_drivers

    pf = rk.read_portfolio(_shared_manifest(tmp_path, "A; B"))
    res = rk.simulate_portfolio(pf, iterations=20_000, rng=3)
    table = portfolio_drivers(pf, res)
    assert set(zip(table["project"], table["id"])) == {("A", "R1"), ("B", "R1"), ("C", "R1"),
                                                       ("*", "SH-01")}
    assert int(table.set_index("id").loc["SH-01", "projects"]) == 2
    # a cost register's total is the sum of its risks: removals add up exactly
    assert table["contribution_mean"].sum() == pytest.approx(
        res.portfolio.cost.mean(), rel=1e-12)
    assert table["contribution_p80"].sum() == pytest.approx(
        res.portfolio.cost[res.inside].mean(), rel=1e-12)
    assert table["contribution_p80"].iloc[0] == table["contribution_p80"].max()


# -- correlation across projects ------------------------------------------------------

def _grouped_project(name):
    """R1 is the cost; R2 (a millionth of it, so the cost's ranks are R1's) makes the
    group "market" two members in the project, as a group needs."""
    from riskkit.distributions import Triangular

    return _project(name, [
        rk.Risk("R1", 1.0, cost=Triangular(0, 100, 300), correlation_group="market"),
        rk.Risk("R2", 1.0, cost=Triangular(0, 1e-4, 3e-4), correlation_group="market")])


def test_a_correlation_group_correlates_across_projects():
    import scipy.stats as st

    n, rho = 20_000, 0.6
    pf = rk.Portfolio((_grouped_project("A"), _grouped_project("B")))
    res = rk.simulate_portfolio(pf, iterations=n, rng=1, correlation={"market": rho})
    a, b = res.project("A"), res.project("B")
    tol = 4 * (1 - rho**2) / math.sqrt(n)  # about the SE of a rank correlation
    assert abs(st.spearmanr(a.cost, b.cost)[0] - rho) < tol  # R1 of A with R1 of B
    alone = rk.Portfolio((_grouped_project("A"), _grouped_project("B")))
    free = rk.simulate_portfolio(alone, iterations=n, rng=1, correlation="none")
    assert abs(st.spearmanr(free.project("A").cost, free.project("B").cost)[0]) < \
        4 / math.sqrt(n)


def test_a_correlation_matrix_is_refused_for_a_portfolio():
    import pandas as pd

    pf = rk.Portfolio((_grouped_project("A"),))
    matrix = pd.DataFrame([[1, 0.5], [0.5, 1]], index=["R1", "R2"], columns=["R1", "R2"])
    with pytest.raises(rk.OptionError, match="correlation groups"):
        rk.simulate_portfolio(pf, iterations=100, rng=1, correlation=matrix)


# -- one register of several projects -------------------------------------------------

REGISTER = ("id,project,programme,probability,cost_impact,schedule_impact\n"
            "R1,A,X,0.5,100,\nR1,B,X,0.5,100,\nR2,B,,0.2,50,3\nR1,C,Y,0.3,10,\n")


def test_one_register_with_project_columns_is_a_portfolio(tmp_path):
    path = tmp_path / "all.csv"
    path.write_text(REGISTER, encoding="utf-8")
    pf = rk.read_portfolio(path)
    assert pf.names == ("A", "B", "C")
    assert {k: [p.name for p in v] for k, v in pf.programmes().items()} == {
        "X": ["A", "B"], "Y": ["C"]}
    assert [r.row for r in pf.project("B").register] == [3, 4]  # rows as in the file
    res = rk.simulate_portfolio(pf, iterations=5_000, rng=2)
    alone = tmp_path / "b.csv"
    alone.write_text("id,project,probability,cost_impact,schedule_impact\n"
                     "R1,B,0.5,100,\nR2,B,0.2,50,3\n", encoding="utf-8")
    solo = rk.simulate(rk.read_register(alone, project="B"), iterations=5_000, rng=2)
    assert np.array_equal(solo.cost, res.project("B").cost)
    assert np.array_equal(solo.schedule, res.project("B").schedule)


def test_one_register_with_shared_rows_and_bad_rows(tmp_path):
    path = tmp_path / "all.csv"
    path.write_text(REGISTER + "S1,*,,0.1,1000,\nS2,A; C,,0.2,500,\n", encoding="utf-8")
    pf = rk.read_portfolio(path)
    assert pf.project("B").shared_ids == ("S1",)
    assert pf.project("C").shared_ids == ("S1", "S2")
    path.write_text(REGISTER + "R9,,,0.1,5,\nR3,A,Y,0.1,5,\nS3,A; Q,,0.1,5,\n",
                    encoding="utf-8")
    with pytest.raises(rk.InputError) as err:
        rk.read_portfolio(path)
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {(6, "project"), (7, "programme")}  # blank project, second programme
    path.write_text(REGISTER + "S3,A; Q,,0.1,5,\n", encoding="utf-8")
    with pytest.raises(rk.InputError, match="lacks: Q"):
        rk.read_portfolio(path)


# -- a correlation matrix between projects ----------------------------------------------

def _two_projects():
    from riskkit.distributions import Triangular

    return rk.Portfolio((
        _project("A", [rk.Risk("R1", 0.4, cost=Triangular(100.0, 300.0, 900.0)),
                       rk.Risk("R2", 0.7, cost=Triangular(50.0, 80.0, 200.0))], "X"),
        _project("B", [rk.Risk("R1", 0.3, cost=Normal(2000.0, 500.0, None)),
                       rk.Risk("R3", 0.9, cost=Fixed(100.0))], "Y"),
        _project("C", [rk.Risk("R1", 0.5, cost=Fixed(10.0))], "Y")))


def _matrix(rho):
    import pandas as pd

    return pd.DataFrame([[1.0, rho], [rho, 1.0]], index=["A", "B"], columns=["A", "B"])


def test_projects_correlated_at_1_by_the_matrix_add_their_p80s():
    n = 20_000
    pf = _two_projects()
    res = rk.simulate_portfolio(pf, iterations=n, rng=3, correlation=_matrix(1.0))
    a, b = res.level("project", "A"), res.level("project", "B")
    # comonotone: the sum's P80 is the sum of the P80s (exactly, as the sorted values add)
    pair = a.cost + b.cost
    assert np.percentile(pair, 80) == pytest.approx(
        a.statistics("cost")["p80"] + b.statistics("cost")["p80"], rel=1e-12)
    # the programme Y (B and the uncorrelated C) and the portfolio are rolled up as ever
    assert np.array_equal(res.portfolio.cost, pair + res.level("project", "C").cost)
    # and well above the independent portfolio's, which diversifies
    free = rk.simulate_portfolio(pf, iterations=n, rng=3)
    sd = math.sqrt(np.var(free.portfolio.cost) / n)  # a generous MC scale for the P80s
    gap = np.percentile(pair, 80) - np.percentile(
        free.level("project", "A").cost + free.level("project", "B").cost, 80)
    assert gap > 10 * sd


@pytest.mark.parametrize("rho", [0.0, 0.6])
def test_the_matrix_gives_its_rank_correlation_and_keeps_each_project(rho):
    from scipy.stats import spearmanr

    n = 20_000
    pf = _two_projects()
    res = rk.simulate_portfolio(pf, iterations=n, rng=3, sampling="random",
                                correlation=_matrix(rho))
    r = spearmanr(res.level("project", "A").cost, res.level("project", "B").cost)[0]
    # ties (iterations where no risk occurs) pull a rank correlation towards 0: allow
    # for them, and for the Monte Carlo error (SE of a rank correlation ~ 1/sqrt(n))
    assert rho * 0.8 - 4 / math.sqrt(n) < r < rho + 4 / math.sqrt(n)
    for name in ("A", "B"):  # each project's own run, only paired differently
        alone = rk.simulate_portfolio(rk.Portfolio((pf.project(name),)), iterations=n,
                                      rng=3, sampling="random").project(name)
        assert np.array_equal(res.project(name).cost, alone.cost)
        assert np.array_equal(np.sort(res.level("project", name).cost), np.sort(alone.cost))
        assert np.array_equal(res.level("project", name).cost,
                              alone.cost[res.orders[name]])


def test_a_matrix_over_risk_ids_or_with_shared_risks_is_refused(tmp_path):
    import pandas as pd

    pf = _two_projects()
    ids = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["R1", "R2"], columns=["R1", "R2"])
    with pytest.raises(rk.OptionError, match="not projects: R1, R2"):
        rk.simulate_portfolio(pf, iterations=100, rng=1, correlation=ids)
    shared = rk.read_portfolio(MANIFEST)
    names = list(shared.names[:2])
    both = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=names, columns=names)
    with pytest.raises(rk.OptionError, match="share no risk"):
        rk.simulate_portfolio(shared, iterations=100, rng=1, correlation=both)


def test_cli_project_correlation_matrix(tmp_path, capsys):
    own = tmp_path / "a.csv"
    own.write_text("id,probability,cost_min,cost_most_likely,cost_max\n"
                   "R1,50%,100,200,400\nR2,30%,50,60,90\n", encoding="utf-8")
    other = tmp_path / "b.csv"
    other.write_text("id,probability,cost_min,cost_most_likely,cost_max\n"
                     "R1,40%,300,500,900\n", encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text(HEADER + "A,X,a.csv,,,,,,\nB,X,b.csv,,,,,,\n", encoding="utf-8")
    matrix = tmp_path / "corr.csv"
    matrix.write_text(",A,B\nA,1,1\nB,1,1\n", encoding="utf-8")
    out = tmp_path / "p.json"
    assert main(["portfolio", str(manifest), "-n", "4000", "--seed", "2", "-q",
                 "--correlation", str(matrix), "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    p80 = sum(data["projects"][k]["cost"]["p80"] for k in ("A", "B"))
    assert data["portfolio"]["cost"]["p80"] == pytest.approx(p80, rel=1e-12)
    assert data["portfolio"]["diversification_benefit_p80"] == pytest.approx(0, abs=1e-6)


def _matrix_manifest(tmp_path, matrix_text, extra=""):
    for name, body in (("a.csv", "R1,50%,100,200,400\nR2,30%,50,60,90\n"),
                       ("b.csv", "R1,40%,300,500,900\n")):
        (tmp_path / name).write_text("id,probability,cost_min,cost_most_likely,cost_max\n"
                                     + body, encoding="utf-8")
    (tmp_path / "corr.csv").write_text(matrix_text, encoding="utf-8")
    path = tmp_path / "m.csv"
    path.write_text(HEADER.rstrip("\n") + ",correlation\nA,X,a.csv,,,,,,,\n"
                    "B,X,b.csv,,,,,,,\n" + extra + "*,,,,,,,,,corr.csv\n", encoding="utf-8")
    return path


def test_the_manifest_names_the_matrix_between_projects(tmp_path, capsys):
    path = _matrix_manifest(tmp_path, ",A,B\nA,1,1\nB,1,1\n")
    pf = rk.read_portfolio(path)
    assert pf.correlation is not None and pf.correlation.form == "matrix"
    res = rk.simulate_portfolio(pf, iterations=4000, rng=2)
    p80 = sum(res.level("project", k).statistics("cost")["p80"] for k in ("A", "B"))
    assert res.portfolio.statistics("cost")["p80"] == pytest.approx(p80, rel=1e-12)
    # a correlation given to the run wins over the manifest's
    free = rk.simulate_portfolio(pf, iterations=4000, rng=2, correlation="none")
    assert free.diversification_benefit_p80 > 0 and not free.orders
    out = tmp_path / "p.json"
    assert main(["portfolio", str(path), "-n", "4000", "--seed", "2", "-q", "--json",
                 str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["portfolio"]["diversification_benefit_p80"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("matrix, extra, words", [
    (",A,Z\nA,1,0.5\nZ,0.5,1\n", "", "names what is not a project of the manifest: Z"),
    (",A,B\nA,1,0.5\nB,0.5,1\n", "C,X,b.csv,,,,,,,corr.csv\n",
     "belongs on the portfolio's own row"),
])
def test_bad_matrix_in_the_manifest_exits_2_naming_row_and_column(tmp_path, capsys, matrix,
                                                                  extra, words):
    path = _matrix_manifest(tmp_path, matrix, extra)
    assert main(["portfolio", str(path), "-n", "100"]) == 2
    err = capsys.readouterr().err
    assert words in err and str(path) in err and "row " in err and "correlation" in err
    assert "Traceback" not in err
