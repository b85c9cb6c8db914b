import math

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.register import REGISTER_ALIASES

from .conftest import REALWORLD, SAMPLES, register_from_text


def cli_error(capsys, path, *extra):
    """Run `riskkit validate`; return stderr after checking exit 2 and no traceback."""
    code = main(["validate", str(path), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err


# --- each validation rule: Python error and CLI exit 2 naming row and column --------

RULES = [
    # (csv text, row, column as written, value shown, words in the message)
    ("Risk ID,Probability,Cost Impact\nR1,0.3,100\n,0.2,50\n", 3, "Risk ID", None,
     "id is missing"),
    ("Risk ID,Probability,Cost Impact\nR1,0.3,100\nR1,0.2,50\n", 3, "Risk ID", "R1",
     "duplicate risk id"),
    ("ID,Probability,Cost Impact\nR1,35,100\n", 2, "Probability", "35",
     "above 1 without a % sign"),
    ("ID,Probability,Cost Impact\nR1,-5%,100\n", 2, "Probability", "-5%", "outside 0-100%"),
    ("ID,Probability,Cost Impact\nR1,often,100\n", 2, "Probability", "often", "probability"),
    ("ID,Probability,Cost Impact\nR1,,100\n", 2, "Probability", None, "probability is missing"),
    ("ID,Probability,Cost Min,Cost Most Likely,Cost Max\nR1,0.3,50,20,40\n", 2, "Cost Min",
     None, "min <= most likely <= max"),
    ("ID,Probability,Cost Min,Cost Most Likely,Cost Max\nR1,0.3,10,60,40\n", 2, "Cost Max",
     None, "min <= most likely <= max"),
    ("ID,Probability,Cost Min,Cost Most Likely,Cost Max,Distribution\nR1,0.3,1,2,3,gamma\n",
     2, "Distribution", "gamma", "unknown distribution"),
    ("ID,Probability,Cost Impact,Schedule Impact\nR1,0.3,,\n", 2, None, None,
     "no cost or schedule impact"),
    ("ID,Probability,Cost Impact,Cost Min,Cost Most Likely,Cost Max\nR1,0.3,5,1,2,3\n", 2,
     "Cost Impact", "5", "both a single cost impact and a three-point"),
    ("ID,Probability,Cost Impact\nR1,0.3,lots\n", 2, "Cost Impact", "lots", "not a number"),
    ("ID,Probability,Cost Min,Cost Most Likely,Cost Max\nR1,0.3,,2,3\n", 2, "Cost Min", None,
     "lacks its minimum"),
    ("ID,Probability,Cost Min,Cost Most Likely,Cost Max\nR1,0.3,1,,3\n", 2,
     "Cost Most Likely", None, "lacks its most likely"),
    ("ID,Probability,Cost Min,Cost Most Likely,Cost Max,Residual Cost Max\n"
     "R1,0.3,10,20,40,15\n", 2, "Residual Cost Max", None,
     "after blank post-mitigation fields took the pre-mitigation values"),
    ("ID,Probability,Cost Impact,Mitigation Cost\nR1,0.3,100,-5\n", 2, "Mitigation Cost",
     "-5", "mitigation cost is negative"),
    ("ID,Probability,Cost Impact\nR1,0.3,100,extra\n", 2, None, None, "has 4 cells"),
]


@pytest.mark.parametrize("text, row, column, value, words", RULES)
def test_validation_rule(capsys, write_csv, text, row, column, value, words):
    path = write_csv(text)
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    problem = next(p for p in info.value.problems if words in str(p))
    assert problem.row == row
    assert problem.source == str(path)
    if column is not None:
        assert problem.column == column
    if value is not None:
        assert problem.value == value
    err = cli_error(capsys, path)
    assert f"row {row}" in err and words in err and str(path) in err
    if column is not None:
        assert repr(column) in err


def test_all_problems_are_reported_at_once(write_csv):
    path = write_csv("ID,Probability,Cost Impact\nR1,35,100\nR2,0.2,abc\n,0.1,5\n")
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    rows = sorted(p.row for p in info.value.problems)
    assert rows == [2, 3, 4]
    assert "3 problems found" in str(info.value)


def test_missing_required_columns_name_the_headers_found(capsys, write_csv):
    path = write_csv("Name,Chance of it\nR1,0.3\n")
    err = cli_error(capsys, path)
    assert "no risk id column" in err and "no cost or schedule impact column" in err
    assert "'Chance of it'" in err


def test_two_headers_for_one_column_is_an_error_the_map_resolves(capsys, write_csv):
    path = write_csv("ID,Probability,Likelihood,Cost Impact\nR1,0.3,0.1,100\n")
    err = cli_error(capsys, path)
    assert "'Probability' and 'Likelihood' both mean 'probability'" in err
    reg = rk.read_register(path, columns={"Likelihood": "mitigated_probability"})
    assert reg.frame.loc[0, "mitigated_probability"] == pytest.approx(0.1)
    assert main(["validate", str(path), "--map", "Likelihood=mitigated_probability"]) == 0


def test_column_map_overrides_and_reports_unknown_targets(write_csv):
    path = write_csv("Ref,Odds,Money\nR1,0.3,100\n")
    reg = rk.read_register(path, columns={"Odds": "probability", "Money": "cost_impact"})
    assert reg.frame.loc[0, "cost_max"] == 100
    with pytest.raises(rk.InputError, match="not a riskkit column"):
        rk.read_register(path, columns={"Odds": "likelihoood"})
    with pytest.raises(rk.InputError, match="does not have"):
        rk.read_register(path, columns={"Chance": "probability"})


# --- what must load -----------------------------------------------------------------

def test_aliases_of_real_registers():
    text = ("Risk ID,Risk Title,Risk Description,Risk Owner,Category,Status,Likelihood (%),"
            "Optimistic Cost,Most Likely Cost,Pessimistic Cost,Schedule Impact (days),"
            "Response,Mitigation Cost,Residual Probability,Residual Cost Impact\n"
            'R-1,Late permit,Permit may be late,Ann,Regulatory,Open,35,"1,000","2,000",'
            '"5,000",12,Chase early,$500,10%,"1,500"\n')
    reg = register_from_text(text)
    row = reg.frame.iloc[0]
    assert row["id"] == "R-1" and row["title"] == "Late permit"
    assert row["owner"] == "Ann" and row["mitigation"] == "Chase early"
    assert row["probability"] == pytest.approx(0.35)
    assert (row["cost_min"], row["cost_most_likely"], row["cost_max"]) == (1000, 2000, 5000)
    assert row["schedule_min"] == row["schedule_max"] == 12
    assert row["mitigation_cost"] == 500
    assert row["mitigated_probability"] == pytest.approx(0.10)
    assert row["mitigated_cost_min"] == row["mitigated_cost_max"] == 1500
    # the schedule is unchanged by the mitigation: blank means "same as before"
    assert row["mitigated_schedule_most_likely"] == 12


@pytest.mark.parametrize("headers", [
    ("Low", "Base", "High"), ("Best case", "Most likely", "Worst case"),
    ("Min", "Most Likely", "Max"), ("Minimum", "Mode", "Maximum"),
])
def test_three_point_header_families(headers):
    cols = ",".join(f"Cost {h}" for h in headers)
    reg = register_from_text(f"ID,P,{cols}\nR1,0.5,1,2,3\n")
    row = reg.frame.iloc[0]
    assert (row["cost_min"], row["cost_most_likely"], row["cost_max"]) == (1, 2, 3)


def test_three_point_columns_in_any_order():
    reg = register_from_text("ID,Prob.,Cost Max,Cost Min,Cost Most Likely\nR1,0.5,3,1,2\n")
    row = reg.frame.iloc[0]
    assert (row["cost_min"], row["cost_most_likely"], row["cost_max"]) == (1, 2, 3)


def test_alias_table_covers_the_issue_list():
    names = {n.lower() for phrases in REGISTER_ALIASES.values() for n in phrases}
    for n in ["risk id", "ref", "title", "risk description", "likelihood", "probability (%)",
              "p", "prob.", "owner", "risk owner", "status", "category", "mitigation",
              "response", "mitigation cost", "cost impact", "schedule impact days",
              "residual probability", "post-mitigation probability"]:
        assert n in names, n


def test_totals_and_repeated_headers_are_left_out_with_a_warning(write_csv):
    text = ("ID,Title,Probability,Cost Impact\nR1,A,0.5,100\n\nID,Title,Probability,Cost Impact\n"
            "R2,B,0.5,200\nTotal,,,300\n,Sum,,300\n")
    path = write_csv(text)
    with pytest.warns(rk.InputWarning) as record:
        reg = rk.read_register(path)
    assert reg.ids == ("R1", "R2")
    messages = " ".join(str(w.message) for w in record)
    assert "row 4 repeats the header" in messages
    assert "row 6 looks like a total" in messages and "row 7 looks like a total" in messages
    assert "not summed" in messages


def test_percent_header_reads_plain_numbers_as_percent():
    reg = register_from_text("ID,Probability (%),Cost Impact\nR1,35,100\nR2,5%,100\n")
    assert reg.frame["probability"].tolist() == pytest.approx([0.35, 0.05])


def test_percent_header_with_fractions_warns():
    with pytest.warns(rk.InputWarning, match="holds only values <= 1"):
        register_from_text("ID,Probability (%),Cost Impact\nR1,0.35,100\n")


def test_single_most_likely_is_fixed_and_uniform_needs_no_mode():
    reg = register_from_text(
        "ID,P,Cost Min,Cost Most Likely,Cost Max,Distribution\nR1,1,,7,,\nR2,1,2,,4,Uniform\n")
    risks = reg.active_risks
    assert isinstance(risks[0].cost, rk.Fixed) and risks[0].cost.value == 7
    assert isinstance(risks[1].cost, rk.Uniform) and risks[1].cost.mean == 3


def test_distribution_names_are_forgiving():
    reg = register_from_text("ID,P,Cost Min,Cost ML,Cost Max,Distribution\n"
                             "A,1,0,1,4,Beta-PERT\nB,1,0,1,4,TRIANGULAR\nC,1,0,1,4,\n")
    kinds = [type(r.cost).__name__ for r in reg.active_risks]
    assert kinds == ["Pert", "Triangular", "Triangular"]


def test_opportunities_are_negative_impacts():
    reg = register_from_text('ID,P,Cost Min,Cost ML,Cost Max\nO1,0.5,"(3,000)",-$2000,-1000\n')
    assert reg.active_risks[0].cost.mean == pytest.approx(-2000)


def test_closed_risks_are_kept_but_not_active():
    reg = register_from_text("ID,P,Cost Impact,Status\nA,0.5,10,Open\nB,0.5,10,Closed\n")
    assert len(reg) == 2 and reg.closed_ids == ("B",)
    assert [r.id for r in reg.active_risks] == ["A"]
    assert len(reg.active()) == 1


def test_has_mitigation():
    reg = register_from_text(
        "ID,P,Cost Impact,Mitigation,Mitigation Cost,Residual Probability\n"
        "A,0.5,10,,,\nB,0.5,10,Do it,,\nC,0.5,10,,5,\nD,0.5,10,,,0.1\n")
    assert reg.has_mitigation.tolist() == [False, True, True, True]


def test_dataframe_input_and_immutability():
    frame = pd.DataFrame({"id": ["A", "B"], "probability": [0.2, 0.4],
                          "cost_impact": [100.0, np.nan], "schedule_impact": [np.nan, 5.0]})
    reg = rk.read_register(frame)
    copy = reg.frame
    copy.loc[0, "probability"] = 0.99
    assert reg.frame.loc[0, "probability"] == 0.2
    with pytest.raises(AttributeError):
        reg.source = "x"  # frozen
    assert reg.active_risks[1].cost is None and reg.active_risks[1].schedule.mean == 5


def test_repr_html_summarises():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    html = reg._repr_html_()
    assert "30 risks" in html and "1 closed" in html and "OF-01" in html
    assert "Expected cost" in html


def test_rows_count_from_the_header_as_in_excel(write_csv):
    path = write_csv("ID,P,Cost Impact\r\nA,0.5,10\r\n\r\nB,2,10\r\n")
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    assert info.value.problems[0].row == 4


@pytest.mark.parametrize("name", ["office_fitout", "it_migration"])
def test_european_export_loads_to_the_same_numbers(name):
    clean = rk.read_register(SAMPLES / f"{name}.csv").frame
    euro = rk.read_register(SAMPLES / f"{name}_eu.csv").frame
    numeric = [c for c in clean.columns if c not in ("row", "activities", "source")
               and clean[c].dtype.kind == "f"]
    assert len(numeric) >= 15
    pd.testing.assert_frame_equal(clean[numeric], euro[numeric])
    text = ["id", "title", "owner", "status", "category", "mitigation", "distribution"]
    pd.testing.assert_frame_equal(clean[text], euro[text])


@pytest.mark.parametrize("name", ["office_fitout", "it_migration"])
def test_samples_are_realistic(name):
    reg = rk.read_register(SAMPLES / f"{name}.csv")
    frame = reg.frame
    assert 20 <= len(frame) <= 40
    assert frame["owner"].nunique() >= 5 and frame["category"].nunique() >= 6
    assert reg.has_mitigation.sum() >= 15
    assert (frame["cost_min"] < 0).any()  # at least one opportunity
    assert set(frame["distribution"]) >= {"triangular", "pert"}
    assert math.isclose(frame["probability"].max(), frame["probability"].max())


def test_xlsx_loads_like_csv(tmp_path):
    pytest.importorskip("openpyxl")  # part of the test extra; the skip is for bare installs
    clean = rk.read_register(SAMPLES / "office_fitout.csv")
    source = pd.read_csv(SAMPLES / "office_fitout.csv", dtype=object)
    path = tmp_path / "register.xlsx"
    numeric = ["Probability", "Cost Min", "Cost Most Likely", "Cost Max", "Mitigation Cost"]
    for col in numeric:
        source[col] = pd.to_numeric(source[col])
    source.to_excel(path, index=False, sheet_name="Risks")
    reg = rk.read_register(path, sheet="Risks")
    cols = ["probability", "cost_min", "cost_most_likely", "cost_max", "schedule_max",
            "mitigated_probability", "mitigation_cost"]
    pd.testing.assert_frame_equal(reg.frame[cols], clean.frame[cols])
    assert reg.ids == clean.ids
    with pytest.raises(rk.InputError, match="Worksheet named 'Nope' not found"):
        rk.read_register(path, sheet="Nope")


def test_duplicated_headers_are_told_apart_by_position(capsys, write_csv):
    path = write_csv("ID,Cost Impact,Likelihood,Likelihood\nR1,100,30%,10%\n")
    err = cli_error(capsys, path)
    assert "(the header appears twice)" in err and '"Likelihood#2=mitigated_probability"' in err
    reg = rk.read_register(path, columns={"Likelihood#2": "mitigated_probability"})
    row = reg.frame.iloc[0]
    assert row["probability"] == pytest.approx(0.3)
    assert row["mitigated_probability"] == pytest.approx(0.1)
    with pytest.raises(rk.InputError, match="has 2 times"):
        rk.read_register(path, columns={"Likelihood": "probability"})


def test_a_column_can_be_ignored(write_csv):
    path = write_csv("ID,P,Cost Impact,Schedule Impact?\nR1,0.5,100,Yes\n")
    with pytest.raises(rk.InputError, match="not a number"):
        rk.read_register(path)
    reg = rk.read_register(path, columns={"Schedule Impact?": "ignore"})
    assert reg.frame.loc[0, "cost_max"] == 100


def test_mixed_currencies_are_an_error_not_a_sum(capsys, write_csv):
    path = write_csv('ID,P,Cost Impact,Mitigation Cost\nR1,0.5,$1000,$50\nR2,0.5,"2,000 CHF",\n'
                     'R3,0.5,€ 3000,\n')
    err = cli_error(capsys, path)
    assert "more than one currency (CHF, EUR, USD)" in err
    assert "row 3" in err and "row 4" in err
    same = write_csv('ID,P,Cost Impact\nR1,0.5,$1000\nR2,0.5,USD 2000\n', "same.csv")
    assert rk.read_register(same).currency == "USD"


def test_a_bad_number_is_reported_once(write_csv):
    path = write_csv("ID,P,Cost Min,Cost ML,Cost Max\nR1,0.5,1,about 2k,3\n")
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].value == "about 2k"


def _with_cached_value(path, cell, value):
    """Give a formula cell the cached value Excel stores (openpyxl writes none)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # openpyxl writes an empty value as <v/> or (3.1.5) <v></v>
    parts[sheet] = re.sub(rf'(<c r="{cell}"[^>]*><f>[^<]*</f>)(?:<v ?/>|<v></v>)'.encode(),
                          rf"\g<1><v>{value}</v>".encode(), parts[sheet])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_xlsx_title_rows_merged_cells_and_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")  # in the test extra
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws["A1"] = "Project Falcon: risk register"
    ws.merge_cells("A1:F1")
    ws["A2"] = "Issued 1 November 2026"
    ws.append([])
    ws.append(["Risk ID", "Title", "Probability", "Unit cost", "Units", "Cost Impact"])
    ws.append(["R1", "Steel price", 0.4, 1000, 5, "=D5*E5"])
    ws.append(["R2", "Crane hire", "25%", 200, 3, 600])
    other = wb.create_sheet("Notes")
    other["A1"] = "nothing here"
    path = tmp_path / "falcon.xlsx"
    wb.save(path)
    _with_cached_value(path, "F5", 5000)
    with pytest.warns(rk.InputWarning, match="rows 1-3 above the header"):
        reg = rk.read_register(path, sheet="Register")
    assert reg.ids == ("R1", "R2")
    assert reg.frame["cost_max"].tolist() == [5000, 600]
    assert reg.frame["probability"].tolist() == pytest.approx([0.4, 0.25])
    with pytest.raises(rk.InputError, match="no risk id column"):
        rk.read_register(path, sheet="Notes")


def test_csv_title_rows_before_the_header(write_csv):
    path = write_csv("Risk register,,\nPrepared by the PMO,,\n,,\nID,Probability,Cost Impact\n"
                     "R1,30%,100\n")
    with pytest.warns(rk.InputWarning, match=r"above the header \(row 4\)"):
        reg = rk.read_register(path)
    assert reg.frame.loc[0, "row"] == 5


def test_utf16_tab_delimited_unicode_text(write_csv):
    text = "ID\tTitle\tProbability\tCost Impact\r\nR1\tGrève des dockers\t35%\t1200\r\n"
    reg = rk.read_register(write_csv(text.encode("utf-16"), "unicode.txt"))
    assert reg.frame.loc[0, "title"] == "Grève des dockers"
    assert reg.frame.loc[0, "cost_max"] == 1200


QCRA_MAP = {"Likelihood#2": "mitigated_probability", "Schedule Impact?": "ignore",
            "Initial risk": "cost_impact", "Residual risk": "mitigated_cost_impact",
            "Cost of Measures": "mitigation_cost"}


@pytest.mark.skipif(not (REALWORLD / "qcra_risk_register.csv").exists(),
                    reason="../shared/realworld absent")
def test_real_qcra_register_loads_simulates_and_ranks(capsys):
    path = REALWORLD / "qcra_risk_register.csv"
    reg = rk.read_register(path, columns=QCRA_MAP)
    assert len(reg) == 52 and reg.currency == "CHF"
    first = reg.frame.iloc[0]
    assert first["probability"] == pytest.approx(0.20)
    assert first["mitigated_probability"] == pytest.approx(0.10)
    assert first["cost_max"] == 300_000 and first["mitigation_cost"] == 10_000
    ev = reg.expected_value()["expected_cost"].sum()
    res = rk.simulate(reg, iterations=20_000, rng=1)
    assert res.cost.mean() == pytest.approx(ev, rel=0.02)
    ranking = rk.rank_mitigations(reg, iterations=5_000, rng=1)
    assert len(ranking) > 10
    assert ranking.column("rank").tolist() == list(range(1, len(ranking) + 1))
    argv = ["rank", str(path), "-n", "2000", "--seed", "1", "-q"]
    for header, target in QCRA_MAP.items():
        argv += ["--map", f"{header}={target}"]
    assert main(argv) == 0


def test_encoding_option_overrides_detection(write_csv, capsys):
    path = write_csv("ID,Title,P,Cost Impact\nR1,Straße,0.5,10\n".encode("cp1252"))
    assert rk.read_register(path, encoding="cp1252").frame.loc[0, "title"] == "Straße"
    assert main(["validate", str(path), "--encoding", "latin-1"]) == 0
    assert main(["validate", str(path), "--encoding", "no-such-codec"]) == 2
    assert "cannot be read as no-such-codec" in capsys.readouterr().err


def test_register_export_round_trips_and_is_injection_safe(tmp_path, write_csv):
    path = write_csv('ID,Title,P,Cost Min,Cost ML,Cost Max,Activities\n'
                     'R1,"=2+3",30%,-500,-200,-100,"A1; A2"\nR2,plain,0.5,1,2,3,\n')
    reg = rk.read_register(path)
    out = tmp_path / "tidy.csv"
    reg.to_csv(out)
    text = out.read_text()
    assert "'=2+3" in text and "-500" in text
    again = rk.read_register(out).frame
    assert again["cost_min"].tolist() == [-500, 1]
    assert again["activities"].tolist() == [("A1", "A2"), ()]


def test_decimal_comma_discrete_impact_simulates(write_csv):
    """A ;-file with a decimal-comma discrete impact: read once, with its decimal comma
    (it used to be re-parsed without it at simulate and fail). Mean 0.5 x 1,500 +
    0.3 x 100 = 780."""
    path = write_csv("id;probability;cost_impact\r\nR1;50%;1000:0,5|2000:0,5\r\nR2;0,3;100\r\n")
    reg = rk.read_register(path)
    n = 100_000
    res = rk.simulate(reg, iterations=n, rng=5)
    # per-iteration variance: R1 is 0 or 1000 or 2000 w.p. 0.5/0.25/0.25, R2 0 or 100
    var = (0.25 * 1000**2 + 0.25 * 2000**2 - 750**2) + (0.3 * 0.7 * 100**2)
    assert abs(res.cost.mean() - 780) < 3 * np.sqrt(var / n)
    assert isinstance(reg.risks[0].cost, rk.Discrete)


def test_modified_pert_reads_its_lambda_column(write_csv):
    path = write_csv("id,probability,cost min,cost most likely,cost max,distribution,"
                     "PERT Lambda\nR1,1,0,10,100,Modified PERT,8\nR2,1,0,10,100,modpert,\n"
                     "R3,1,0,10,100,pert,\n")
    reg = rk.read_register(path)
    lams = [r.cost.lam for r in reg.risks]
    assert lams == [8.0, 4.0, 4.0] and reg.risks[0].distribution == "modified_pert"
    assert reg.to_frame()["pert_lambda"].tolist()[:2] == [8.0, 4.0]
    n = 100_000
    res = rk.simulate(rk.RiskRegister(reg.risks[:1]), iterations=n, rng=2)
    d = reg.risks[0].cost
    assert d.mean == pytest.approx((0 + 8 * 10 + 100) / 10)
    assert abs(res.cost.mean() - d.mean) < 3 * np.sqrt(d.variance / n)
    bad = write_csv("id,probability,cost min,cost most likely,cost max,distribution,"
                    "pert_lambda\nR1,1,0,10,100,triangular,8\nR2,1,0,10,100,modified pert,-2\n")
    with pytest.raises(rk.InputError) as info:
        rk.read_register(bad)
    text = str(info.value)
    assert "row 2" in text and "pert_lambda is a parameter of the modified_pert family" in text
    assert "row 3" in text and "must be a positive number" in text
    sch = rk.read_schedule(write_csv("id,optimistic,most likely,pessimistic,distribution,"
                                     "lambda\nA,2,4,12,modified pert,10\n", "s.csv"))
    assert sch.activities[0].duration.lam == 10.0


def test_a_family_parameter_on_a_schedule_row_of_another_family_is_named(write_csv):
    """As in a register: a pert_lambda on a triangular activity is an error naming the
    row, column and value, never dropped in silence; a discrete duration is named too."""
    path = write_csv("id,optimistic,most likely,pessimistic,distribution,pert_lambda,"
                     "predecessors\nA,2,4,12,triangular,8,\nB,1,2,3,discrete,,A\n", "s.csv")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    text = str(info.value)
    assert "row 2, column 'pert_lambda'" in text and "value '8'" in text
    assert "pert_lambda is a parameter of the modified_pert family, not of triangular" in text
    assert "row 3" in text and "a discrete duration is not supported" in text


def test_hints_list_the_families_from_their_records(write_csv):
    path = write_csv("id,probability,cost min,cost most likely,cost max,distribution\n"
                     "R1,0.5,10,20,30,weibull\nR2,0.5,-10,20,30,lognormal\n")
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    text = str(info.value)
    assert "use one of triangular (the default), pert, modified_pert, uniform, trigen, " \
           "lognormal, normal, discrete" in text
    assert "for trigen, lognormal and normal the min and max columns are the P10 and " \
           "P90" in text


def test_objects_built_in_python_name_their_family():
    """The family column of a register or schedule built in Python is the family of the
    distributions given (a PERT weighted 8 is the modified PERT), not triangular."""
    risk = rk.Risk("R1", 0.5, cost=rk.distributions.Pert(0, 10, 100, 8.0))
    frame = rk.RiskRegister([risk]).to_frame()
    assert risk.distribution == "modified_pert" and frame["pert_lambda"].tolist() == [8.0]
    assert rk.Risk("R2", 0.5, schedule=rk.distributions.Uniform(1, 3)).distribution == \
        "uniform"
    act = rk.Activity("A", rk.distributions.Pert(1, 2, 9))
    assert act.distribution == "pert"
    assert rk.Activity("B", rk.distributions.Fixed(2.0)).distribution == "triangular"
