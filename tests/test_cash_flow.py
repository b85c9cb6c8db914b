"""Time-phased cost and escalation (issue 19, part 6)."""

import io
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.phasing import DAYS_PER_MONTH

SAMPLES = Path(__file__).resolve().parent.parent / "sample_registers"


def _chain(*activities: rk.Activity) -> rk.Schedule:
    links = tuple(rk.Link(a.id, b.id) for a, b in zip(activities, activities[1:]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        return rk.Schedule(activities, links)


def _run(register=None, schedule=None, **kw) -> rk.SimulationResult:
    kw.setdefault("iterations", 2_000)
    kw.setdefault("rng", 6)
    return rk.simulate(register, schedule, activity_detail=True, **kw)


@pytest.fixture(scope="module")
def office():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    return reg, sch


@pytest.mark.parametrize("scenario", ["current", "mitigated"])
def test_the_final_cumulative_is_each_iterations_cost_to_the_cent(office, scenario):
    reg, sch = office
    res = _run(reg, sch, start="2027-01-04", scenario=scenario)
    flow = res.cash_flow()
    assert np.abs(flow.total - res.cost).max() < 0.005
    assert flow.unplaced < 0.005  # every cost placed by a rule, nothing left over
    cum = flow.cumulative
    assert (np.diff(cum, axis=1) >= -1e-6).all()  # spend never negative here
    t = flow.table
    assert list(t["period"][:2]) == ["2027-01", "2027-02"]
    assert t["cumulative_p50"].is_monotonic_increasing
    assert t["cumulative_mean"].iloc[-1] == pytest.approx(res.cost.mean(), abs=0.005)
    assert (t["cumulative_p10"] <= t["cumulative_p50"]).all()
    assert (t["cumulative_p50"] <= t["cumulative_p90"]).all()


def test_keeping_the_draws_changes_no_number(office, tmp_path):
    reg, sch = office
    corr = rk.read_correlation(SAMPLES / "office_fitout_correlation.csv")
    plain = rk.simulate(reg, sch, iterations=3_000, rng=4, correlation=corr)
    kept = _run(reg, sch, iterations=3_000, rng=4, correlation=corr)
    assert np.array_equal(plain.cost, kept.cost)
    assert np.array_equal(plain.schedule, kept.schedule)
    flow = kept.cash_flow()  # correlated risks' exported costs are the ones added
    assert flow.unplaced < 0.005 and np.abs(flow.total - kept.cost).max() < 0.005


def test_quarters_and_years_are_the_months_added_up(office):
    reg, sch = office
    res = _run(reg, sch, start="2027-01-04")
    months, quarters, years = (res.cash_flow(f) for f in ("M", "Q", "Y"))
    assert np.array_equal(quarters.cumulative[:, 0], months.cumulative[:, 2])
    assert np.array_equal(years.total, months.total)
    assert list(years.table["period"]) == ["2027", "2028"][:len(years.table)]
    with pytest.raises(rk.OptionError, match="freq"):
        res.cash_flow("W")


def test_an_activity_spends_evenly_between_its_start_and_finish():
    # four months of 21.75 working days without a start date, then a risk on B
    a = rk.Activity("A", rk.Fixed(4 * DAYS_PER_MONTH), cost_per_day=1_000.0)
    b = rk.Activity("B", rk.Fixed(DAYS_PER_MONTH), fixed_cost=2_000.0)
    reg = rk.RiskRegister((rk.Risk("R1", 1.0, cost=rk.Fixed(500.0), activities=("B",)),
                           rk.Risk("R2", 1.0, cost=rk.Fixed(870.0))))
    res = _run(reg, _chain(a, b), iterations=10)
    t = res.cash_flow().table
    assert list(t["period"]) == [f"month {k}" for k in range(1, 6)]
    per = 21_750.0 + 870.0 / 5  # A's month, and R2 spread over the five months
    assert np.allclose(t["p50"], [per, per, per, per, 2_000.0 + 500.0 + 870.0 / 5],
                       rtol=0, atol=1e-9)


def test_escalation_at_zero_is_no_escalation_exactly(office):
    reg, sch = office
    res = _run(reg, sch, start="2027-01-04")
    plain, zero = res.cash_flow(), res.cash_flow(escalation=0.0)
    assert np.array_equal(plain.cumulative, zero.cumulative)
    assert plain.table.equals(zero.table)
    flat = rk.read_escalation_index(io.StringIO(
        "month,index\n" + "".join(f"2027-{m:02d},100\n" for m in range(1, 13))
        + "".join(f"2028-{m:02d},100\n" for m in range(1, 13))))
    assert np.array_equal(res.cash_flow(escalation=flat).cumulative, plain.cumulative)


@pytest.mark.parametrize("rate", [0.03, 0.10, -0.02])
def test_a_rate_on_an_even_spend_gives_the_analytic_escalated_total(rate):
    # cost C spread evenly over K months: month m (from 0) at (1 + r) ** (m / 12), so
    # the total is C / K x (g ** K - 1) / (g - 1) with g = (1 + r) ** (1 / 12)
    k, c = 9, 9 * DAYS_PER_MONTH * 1_000.0
    sch = _chain(rk.Activity("A", rk.Fixed(k * DAYS_PER_MONTH), cost_per_day=1_000.0))
    flow = _run(None, sch, iterations=10).cash_flow(escalation=rate)
    g = (1 + rate) ** (1 / 12)
    assert flow.total == pytest.approx(np.full(10, c / k * (g ** k - 1) / (g - 1)),
                                       rel=1e-13)
    assert flow.table["p50"].to_numpy() == pytest.approx(c / k * g ** np.arange(k),
                                                         rel=1e-13)


def test_a_delay_costs_inflation_too():
    a = rk.Activity("A", rk.Fixed(2 * DAYS_PER_MONTH), cost_per_day=1_000.0)
    b = rk.Activity("B", rk.Fixed(DAYS_PER_MONTH), fixed_cost=10_000.0)
    late = rk.RiskRegister((rk.Risk("D", 1.0, schedule=rk.Fixed(2 * DAYS_PER_MONTH),
                                    activities=("A",)),))
    on_time = _run(None, _chain(a, b), iterations=10).cash_flow(escalation=0.12)
    delayed = _run(late, _chain(a, b), iterations=10).cash_flow(escalation=0.12)
    g = 1.12 ** (1 / 12)
    # A's cost doubles with the delay (cost per day) and B's fixed cost moves 2 months
    assert on_time.total[0] == pytest.approx(21_750 * (1 + g) + 10_000 * g ** 2, rel=1e-13)
    assert delayed.total[0] == pytest.approx(21_750 * (1 + g + g ** 2 + g ** 3)
                                             + 10_000 * g ** 4, rel=1e-13)


def test_an_index_by_month_escalates_each_months_spend():
    # Mon 4 Jan 2027: A's 20 working days end on Fri 29 Jan, B's on Fri 26 Feb
    a = rk.Activity("A", rk.Fixed(20.0), cost_per_day=1_000.0)
    b = rk.Activity("B", rk.Fixed(20.0), cost_per_day=500.0)
    res = _run(None, _chain(a, b), iterations=10, start="2027-01-04")
    index = rk.read_escalation_index(io.StringIO(
        "Month;Index\n2026-12;99\n2027-01;100\n2027-02-01;103,5\n"))
    flow = res.cash_flow(escalation=index)
    assert list(flow.table["period"]) == ["2027-01", "2027-02"]
    assert flow.total == pytest.approx(np.full(10, 20_000 + 10_000 * 1.035), rel=1e-13)


def test_months_after_the_index_follow_its_last_growth_with_a_warning():
    e = rk.read_escalation_index(io.StringIO("month,index\n2027-01,100\n2027-02,102\n"))
    with pytest.warns(rk.InputWarning, match="ends in 2027-02"):
        f = e.factors(np.datetime64("2027-01", "M"), 4)
    assert f == pytest.approx([1.0, 1.02, 1.02 ** 2, 1.02 ** 3], rel=1e-13)


def test_bad_index_files_name_the_row_and_column():
    with pytest.raises(rk.InputError) as err:
        rk.read_escalation_index(io.StringIO(
            "month,index\n2027-01,100\n2027-03,-4\nsoon,101\n"))
    text = str(err.value)
    assert "row 3" in text and "without gaps" in text and "positive" in text
    assert "row 4" in text and "not a month" in text
    with pytest.raises(rk.InputError, match="month and index"):
        rk.read_escalation_index(io.StringIO("when,value2\n2027-01,100\n"))
    with pytest.raises(rk.OptionError, match="start's month"):
        e = rk.read_escalation_index(io.StringIO("month,index\n2030-01,100\n"))
        e.factors(np.datetime64("2027-01", "M"), 2)


def test_the_cash_flow_needs_the_activities_draws(office):
    reg, sch = office
    with pytest.raises(rk.OptionError, match="activity_detail"):
        rk.simulate(reg, sch, iterations=1_000, rng=1).cash_flow()
    with pytest.raises(rk.OptionError, match="start date"):
        idx = rk.read_escalation_index(io.StringIO("month,index\n2027-01,100\n"))
        _run(reg, sch).cash_flow(escalation=idx)


OFFICE = str(SAMPLES / "office_fitout.csv")
OFFICE_SCHEDULE = str(SAMPLES / "office_fitout_schedule.csv")


def test_cli_reports_the_escalated_cost_and_writes_the_cash_flow(tmp_path, capsys):
    from riskkit.cli import main

    out, flow_csv = tmp_path / "r.json", tmp_path / "flow.csv"
    base = ["simulate", OFFICE, "--schedule", OFFICE_SCHEDULE, "-n", "2000", "--seed", "2",
            "--start", "2027-01-04", "-q"]
    assert main([*base, "--escalation", "0%", "--json", str(out)]) == 0
    zero = json.loads(out.read_text())
    for k in ("mean", "p10", "p50", "p80", "p90"):  # 0%: the cost itself, to the cent
        assert zero["escalated_cost"][k] == pytest.approx(zero["cost"][k], abs=0.005)
    assert main([*base, "--escalation", "3%", "--json", str(out),
                 "--cash-flow-csv", str(flow_csv)]) == 0
    three = json.loads(out.read_text())
    assert three["cost"] == zero["cost"]  # the same run; escalation is reported beside it
    assert three["escalated_cost"]["p50"] > three["cost"]["p50"]
    assert three["escalated_cost"]["escalation"] == "escalated at 3% a year"
    table = pd.read_csv(flow_csv)
    assert list(table.columns[:3]) == ["period", "start", "end"]
    assert table["cumulative_mean"].iloc[-1] == pytest.approx(three["escalated_cost"]["mean"])
    capsys.readouterr()
    assert main([*base[:-1], "--escalation", "3%"]) == 0
    assert "cost escalated at 3% a year: mean" in capsys.readouterr().out


@pytest.mark.parametrize("extra, message", [
    (["--escalation", "3"], "ambiguous"),
    (["--escalation", "soon"], "annual rate"),
    (["--escalation", "3%", "--escalation-index", "x.csv"], "not allowed with"),
])
def test_cli_refuses_a_bad_escalation(extra, message, capsys):
    from riskkit.cli import main

    assert main(["simulate", OFFICE, "--schedule", OFFICE_SCHEDULE, "-n", "1000",
                 *extra]) == 2
    assert message in capsys.readouterr().err


def test_cli_escalation_needs_a_costed_schedule_and_an_index_a_start(tmp_path, capsys):
    from riskkit.cli import main

    assert main(["simulate", OFFICE, "-n", "1000", "--escalation", "3%"]) == 2
    assert "needs a --schedule with activity costs" in capsys.readouterr().err
    index = tmp_path / "index.csv"
    index.write_text("month,index\n2027-01,100\n")
    assert main(["simulate", OFFICE, "--schedule", OFFICE_SCHEDULE, "-n", "1000",
                 "--escalation-index", str(index)]) == 2
    assert "--start" in capsys.readouterr().err
    index.write_text("month,index\n2027-01,100\n2027-02,-1\n")
    assert main(["simulate", OFFICE, "--schedule", OFFICE_SCHEDULE, "-n", "1000",
                 "--start", "2027-01-04", "--escalation-index", str(index)]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "'index'" in err and "positive" in err


def test_the_pack_has_a_cash_flow_page_with_a_costed_schedule(office):
    from riskkit.report import pack_pages

    reg, sch = office
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        a = rk.analyse(reg, sch, iterations=1_000, rng=1, activity_detail=True,
                       start="2027-01-04", escalation=0.03)
        plain = rk.analyse(reg, None, iterations=1_000, rng=1)
    assert a.cash_flow is not None and a.escalated_cash_flow is not None
    assert np.array_equal(a.cash_flow.total, a.current.cash_flow().total)

    def titles(analysis):
        return [f._suptitle.get_text() for f in pack_pages(analysis) if f._suptitle]

    assert sum("Cost over time" in t for t in titles(a)) == 1
    assert not any("Cost over time" in t for t in titles(plain))


def test_the_cash_flow_chart_draws_the_band_and_the_escalated_lines(office):
    import matplotlib.pyplot as plt

    reg, sch = office
    res = _run(reg, sch, start="2027-01-04")
    ax = rk.plot.cash_flow(res.cash_flow(), escalated=res.cash_flow(escalation=0.05),
                           currency="£")
    labels = ax.get_legend_handles_labels()[1]
    assert {"P10 to P90", "P50", "mean", "P50, escalated at 5% a year"} <= set(labels)
    assert ax.get_ylabel() == "cumulative spend (£)"
    undated = rk.plot.cash_flow(_run(reg, sch), bars=False)
    assert "no start date" in undated.get_xlabel()
    plt.close("all")
