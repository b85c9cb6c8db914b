"""Per-risk and per-activity tables and the results workbook (issue 22, parts 4 and 1)."""

import datetime as dt
import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.analysis.figures import RISK_COLUMNS, activity_figures, risk_figures
from riskkit.cli import main

from .conftest import SAMPLES

openpyxl = pytest.importorskip("openpyxl")

OFFICE = str(SAMPLES / "office_fitout.csv")
SCHEDULE = str(SAMPLES / "office_fitout_schedule.csv")
IT = str(SAMPLES / "it_migration.csv")


def sheet_frame(path, name):
    return pd.read_excel(path, sheet_name=name)


def test_risk_figures_add_up_on_a_cost_register():
    reg = rk.read_register(IT)
    res = rk.simulate(reg, iterations=6_000, rng=5)
    t = risk_figures(reg, None, res)
    assert tuple(t.columns) == RISK_COLUMNS
    assert list(t["id"]) == [r.id for r in reg.active_risks]
    # a cost total that is a sum of impacts: removals add up to the mean exactly
    assert t["cost_mean_contribution"].sum() == pytest.approx(res.cost.mean() - res.base_cost,
                                                              rel=1e-12)
    # and the Euler allocations to the P80's contingency, to the cent
    assert round(t["cost_p80_contribution"].sum(), 2) == round(res.contingency(0.8), 2)
    assert np.allclose(t["occurrence_rate"], res.occurrences / res.iterations)
    # contribution to the mean against the analytic expected impact, within 4 SE
    for _, row in t.iterrows():
        risk = next(r for r in reg.active_risks if r.id == row["id"])
        if risk.cost is None:
            continue
        var = risk.probability * (risk.cost.variance + risk.cost.mean**2) - \
            row["expected_cost_impact"]**2
        se = np.sqrt(var / res.iterations)
        assert abs(row["cost_mean_contribution"] - row["expected_cost_impact"]) <= 4 * se + 1e-6


def test_risks_and_activities_csv_from_the_cli(tmp_path, capsys):
    risks, acts = tmp_path / "r.csv", tmp_path / "a.csv"
    assert main(["simulate", OFFICE, "--schedule", SCHEDULE, "-n", "3000", "--seed", "4",
                 "--start", "2027-01-04", "--risks-csv", str(risks),
                 "--activities-csv", str(acts)]) == 0
    assert "risks' figures" in capsys.readouterr().out
    reg, sch = rk.read_register(OFFICE), rk.read_schedule(SCHEDULE)
    res = rk.simulate(reg, sch, iterations=3000, rng=4, start="2027-01-04")
    expected = risk_figures(reg, sch, res)
    got = pd.read_csv(risks)
    assert list(got["id"]) == list(expected["id"])
    for col in ("cost_mean_contribution", "cost_p80_contribution",
                "schedule_p80_contribution", "probability"):
        assert np.allclose(got[col], expected[col], rtol=0, atol=1e-9)
    # the schedule's P80 contributions add up to its risk-events part, to the hundredth
    split = rk.contingency(reg, sch, iterations=3000, rng=4)
    assert round(got["schedule_p80_contribution"].sum(), 2) == round(split.schedule.risk, 2)
    a = pd.read_csv(acts)
    table = res.activity_table(milestones=True)
    assert list(a["id"]) == list(table["id"])
    assert np.allclose(a["criticality"], table["criticality"])
    assert a["mean_finish_date"].iloc[0] == str(res.calendar.finish_date(
        res.start, table["mean_finish"].iloc[0]))


def test_activities_csv_without_a_schedule_is_a_usage_error(tmp_path, capsys):
    assert main(["simulate", IT, "-n", "500", "--activities-csv",
                 str(tmp_path / "a.csv")]) == 2
    assert "needs a --schedule" in capsys.readouterr().err


def test_workbook_summary_equals_summary_and_json_to_the_cent(tmp_path, capsys):
    path, js = tmp_path / "run.xlsx", tmp_path / "run.json"
    assert main(["simulate", OFFICE, "--schedule", SCHEDULE, "-n", "4000", "--seed", "9",
                 "--start", "2027-01-04", "--xlsx", str(path), "--json", str(js)]) == 0
    data = json.loads(js.read_text())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Confidence", "Risks", "Activities", "Milestones",
                               "Settings"]
    summary = sheet_frame(path, "Summary").set_index("statistic")
    res = rk.simulate(rk.read_register(OFFICE), rk.read_schedule(SCHEDULE), iterations=4000,
                      rng=9, start="2027-01-04")
    s = res.summary()
    for metric in ("cost", "schedule"):
        for stat in ("base", "mean", "std", "p10", "p50", "p80", "p90"):
            cell = summary.loc[stat, metric]
            assert round(cell, 2) == round(s.loc[metric, stat], 2) == \
                round(data[metric][stat], 2)
    assert summary.loc["p5", "cost"] == pytest.approx(res.percentile(0.05, "cost"), rel=1e-14)
    assert summary.loc["p80", "finish_date"].date() == \
        dt.date.fromisoformat(data["finish_dates"]["p80"])
    conf = sheet_frame(path, "Confidence")
    assert list(conf["confidence"]) == pytest.approx([q / 100 for q in range(5, 101, 5)])
    assert conf["cost"].iloc[-1] == pytest.approx(res.cost.max(), rel=1e-14)
    settings = dict(sheet_frame(path, "Settings").itertuples(index=False, name=None))
    assert settings["seed"] == 9 and settings["iterations"] == 4000
    assert settings["sampling"] == "lhs" and settings["riskkit version"] == rk.__version__
    # formats, frozen headers, tables
    ws = book["Summary"]
    assert ws.freeze_panes == "A2" and "Summary" in ws.tables
    assert "#,##0.00" in ws["B2"].number_format
    assert ws["D2"].number_format == "yyyy-mm-dd"
    risks = book["Risks"]
    head = [c.value for c in risks[1]]
    assert risks.cell(row=2, column=head.index("probability") + 1).number_format == "0.0%"
    assert all(book[name].tables for name in book.sheetnames)


def test_workbook_text_is_never_a_formula(tmp_path):
    reg_path = tmp_path / "evil.csv"
    reg_path.write_text('id,title,owner,probability,cost_impact\n'
                        'R1,"=HYPERLINK(""http://x"",""y"")",@owner,0.5,100\n'
                        'R2,+cmd,-x,0.5,200\n')
    reg = rk.read_register(reg_path)
    res = rk.simulate(reg, iterations=1000, rng=1)
    path = rk.write_workbook(tmp_path / "w.xlsx", res, risks=risk_figures(reg, None, res))
    ws = openpyxl.load_workbook(path)["Risks"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row
             if isinstance(c.value, str)}
    title = '=HYPERLINK("http://x","y")'
    assert title in cells and cells[title].data_type == "s"
    assert all(c.data_type == "s" for c in cells.values())
    assert "@owner" in cells and "+cmd" in cells


def test_rank_workbook_has_the_ranking(tmp_path, capsys):
    path = tmp_path / "rank.xlsx"
    assert main(["rank", IT, "-n", "2000", "--seed", "3", "--xlsx", str(path)]) == 0
    assert "Ranking" in openpyxl.load_workbook(path).sheetnames
    got = sheet_frame(path, "Ranking")
    ranking = rk.rank_mitigations(rk.read_register(IT), iterations=2000, rng=3)
    assert list(got["id"]) == list(ranking.table["id"])
    assert np.allclose(got["net_benefit"], ranking.table["net_benefit"])


def test_workbook_without_openpyxl_names_the_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert main(["simulate", IT, "-n", "500", "--xlsx", str(tmp_path / "w.xlsx")]) == 2
    assert "riskkit[xlsx]" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_workbook(tmp_path):
    path = tmp_path / "run.xlsx"
    assert main(["simulate", OFFICE, "-n", "1000", "--seed", "1", "-q",
                 "--xlsx", str(path)]) == 0
    done = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir",
                           str(tmp_path), str(path)], capture_output=True, timeout=180)
    assert done.returncode == 0 and (tmp_path / "run.pdf").stat().st_size > 0


def test_activity_figures_empty_columns_without_start():
    res = rk.simulate(rk.read_register(OFFICE), rk.read_schedule(SCHEDULE), iterations=500,
                      rng=1)
    assert "mean_finish_date" not in activity_figures(res).columns


def test_report_workbook_has_the_packs_ranking_and_contingency_split(tmp_path, capsys):
    book = tmp_path / "pack.xlsx"
    assert main(["report", OFFICE, "--schedule", SCHEDULE, "-n", "2000", "--seed", "6",
                 "--start", "2027-01-04", "-o", str(tmp_path / "pack.pdf"),
                 "--xlsx", str(book)]) == 0
    capsys.readouterr()
    reg, sch = rk.read_register(OFFICE), rk.read_schedule(SCHEDULE)
    analysis = rk.analyse(reg, sch, iterations=2000, rng=6, start="2027-01-04")
    names = openpyxl.load_workbook(book).sheetnames
    assert names == ["Summary", "Confidence", "Risks", "Activities", "Milestones",
                     "Ranking", "Contingency", "Settings"]
    # the pack's own runs: the summary is the analysis's current run
    summary = sheet_frame(book, "Summary").set_index("statistic")
    assert summary.loc["p80", "cost"] == pytest.approx(analysis.current.percentile(0.8, "cost"),
                                                       abs=0.005)
    ranking = sheet_frame(book, "Ranking")
    assert list(ranking["id"]) == list(analysis.ranking.to_frame()["id"])
    split = sheet_frame(book, "Contingency")
    parts = split[split["part"] != "contingency at P80"]
    total = split[split["part"] == "contingency at P80"].iloc[0]
    # the parts add up to the contingency, to the cent and to the hundredth of a day
    assert round(parts["cost_allocation"].sum(), 2) == round(total["cost_allocation"], 2)
    assert parts["schedule_allocation"].sum() == pytest.approx(total["schedule_allocation"],
                                                               abs=0.01)
    assert total["cost_allocation"] == pytest.approx(analysis.contingency.cost.contingency,
                                                     abs=0.005)
    settings = dict(sheet_frame(book, "Settings").values.tolist())
    assert settings["calendar"] == "Monday to Friday, no holidays"
    assert settings["scale"] == "none (numbers)" and settings["seed"] == 6


def test_report_currency_gives_the_workbooks_money_format_and_prints_on_one_page_width(
        tmp_path, capsys):
    book = tmp_path / "pack.xlsx"
    assert main(["report", OFFICE, "--schedule", SCHEDULE, "-n", "500", "--seed", "6",
                 "--start", "2027-01-04", "--currency", "£", "-o", str(tmp_path / "p.pdf"),
                 "--xlsx", str(book)]) == 0
    capsys.readouterr()
    wb = openpyxl.load_workbook(book)
    assert wb["Summary"]["B2"].number_format == '"£"#,##0.00'
    assert dict(sheet_frame(book, "Settings").values.tolist())["currency"] == "GBP"
    # days without a rule of their own are not written with fifteen digits
    assert wb["Milestones"]["E2"].number_format == "#,##0.00"
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0


def test_rank_workbook_has_the_selection_with_the_joint_run(tmp_path, capsys):
    book = tmp_path / "rank.xlsx"
    assert main(["rank", OFFICE, "-n", "2000", "--seed", "2", "--budget", "20000",
                 "--xlsx", str(book), "-q"]) == 0
    capsys.readouterr()
    reg = rk.read_register(OFFICE)
    chosen = rk.select_mitigations(rk.rank_mitigations(reg, iterations=2000, rng=2), 20000,
                                   register=reg)
    sel = sheet_frame(book, "Selection")
    assert list(sel["id"]) == [*chosen.ids, "together"]
    last = sel.iloc[-1]
    assert last["mitigation_cost"] == pytest.approx(chosen.confirmed.mitigation_cost)
    assert last["net_benefit"] == pytest.approx(chosen.confirmed.net_benefit, abs=1e-6)
    ranking = sheet_frame(book, "Ranking")
    assert set(ranking.loc[ranking["funded"], "id"]) == set(chosen.ids)


def test_iterations_sheet_holds_every_iteration_and_says_when_cut(tmp_path, capsys,
                                                                  monkeypatch):
    book = tmp_path / "run.xlsx"
    assert main(["simulate", IT, "-n", "3000", "--seed", "3", "--xlsx", str(book),
                 "--iterations-sheet", "-q"]) == 0
    res = rk.simulate(rk.read_register(IT), iterations=3000, rng=3)
    it = sheet_frame(book, "Iterations")
    assert list(it["iteration"]) == list(range(1, 3001))
    # the floats as stored (the xlsx text of a double is exact to about 1e-16)
    assert np.allclose(it["cost"].to_numpy(), res.values("cost"), rtol=1e-15, atol=0)
    assert np.allclose(it["schedule"].to_numpy(), res.values("schedule"), rtol=1e-15, atol=0)
    # beyond Excel's last row: cut, with a warning that says so
    from riskkit.report import workbook

    monkeypatch.setattr(workbook, "EXCEL_ROWS", 1001)
    with pytest.warns(rk.InputWarning, match="first 1,000 of 3,000 iterations"):
        rk.write_workbook(tmp_path / "cut.xlsx", res, iterations=True)
    assert len(sheet_frame(tmp_path / "cut.xlsx", "Iterations")) == 1000
    assert main(["simulate", IT, "-n", "100", "--iterations-sheet", "-q"]) == 2
    assert "--iterations-sheet adds a sheet to the --xlsx" in capsys.readouterr().err
