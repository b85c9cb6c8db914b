"""How the header row is found (issue 16, point 8) and a workbook whose first sheet is
a cover page (point 15)."""

import pytest

import riskkit as rk
from riskkit.cli import main

# --- 8: never a data row ------------------------------------------------------------


def test_a_schedule_data_row_is_never_its_header(write_csv):
    # "a" and "b" are the optimistic and pessimistic columns of a PERT sheet: main read
    # the data row B,A,6 as the header (and row 1 as a title)
    path = write_csv("Item,Follows,Span\nA,,5\nB,A,6\nC,B,3\n", "plan.csv")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    text = str(info.value)
    assert "headers found: 'Item', 'Follows', 'Span'" in text
    assert "'B', 'A', '6'" not in text
    columns = {"Item": "id", "Follows": "predecessors", "Span": "duration"}
    assert rk.read_schedule(path, columns=columns).ids == ("A", "B", "C")


def test_a_schedule_without_a_header_row_says_so(write_csv):
    path = write_csv("A,,5\nB,A,6\nC,B,3\n", "plan.csv")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    (problem,) = info.value.problems
    assert "has no header row: row 1 ('A', '', '5') holds data" in problem.message
    assert "header row" in problem.hint


def test_one_letter_headers_of_a_pert_sheet_still_count(write_csv):
    sch = rk.read_schedule(write_csv("Activity,Predecessors,a,m,b\nA,,1,2,4\nB,A,2,3,5\n",
                                     "pert.csv"))
    assert sch.ids == ("A", "B")
    assert sch.activities[1].duration.estimate == (2, 3, 5)


# --- 8: units rows ------------------------------------------------------------------

def test_a_units_row_below_the_header_is_left_out_and_read(write_csv):
    # main read the units row as a risk without an id
    text = ("Nr.,Risiko,Wahrscheinlichkeit,Kosten,Verzögerung\n"
            ",,in %,in €,in Tagen\n"
            "R1,Streik,40,1000,5\nR2,Frost,25,500,2\n")
    with pytest.warns(rk.InputWarning, match=r"row 2 below the header reads as units "
                                             r"\('in %', 'in €', 'in Tagen'\)"):
        reg = rk.read_register(write_csv(text))
    assert reg.ids == ("R1", "R2")
    # the units row's "%" says the plain numbers are percentages
    assert reg.frame["probability"].tolist() == pytest.approx([0.40, 0.25])
    assert reg.frame["cost_max"].tolist() == [1000, 500]


def test_a_scale_row_below_the_header(write_csv):
    text = ("ID,Title,Probability,Schedule Impact\n"
            ",,von 1 bis 5,(1-5)\n"
            "R1,Storm,4,3\n")
    reg = rk.read_register(write_csv(text), scale="default")
    assert reg.frame["probability"].iloc[0] == pytest.approx(0.6)
    assert reg.frame["schedule_most_likely"].iloc[0] == 20


def test_a_header_below_a_units_row(write_csv):
    text = ("Projekt Falke: Risikoliste,,,\n"
            ",,von 1 bis 10,(€)\n"
            "Nr.,Risiko,Wahrscheinlichkeit (%),Kosten\n"
            "R1,Streik,40,1000\n")
    with pytest.warns(rk.InputWarning) as record:
        reg = rk.read_register(write_csv(text))
    messages = " ".join(str(w.message) for w in record)
    assert "row 2 above the header reads as units" in messages
    assert "rows 1-1 above the header (row 3) were read as titles" in messages
    assert reg.ids == ("R1",) and reg.frame["probability"].iloc[0] == pytest.approx(0.4)


# --- 8: two-row headers -------------------------------------------------------------

def test_a_two_row_merged_header(write_csv):
    # main took row 1 as the header and row 2 as a risk without an id
    text = ("ID,Title,Probability,Cost,,,Schedule (days),,\n"
            ",,,Min,Most Likely,Max,Min,Most Likely,Max\n"
            "R1,Strike,30%,100,200,400,1,2,5\n")
    with pytest.warns(rk.InputWarning, match="rows 1 and 2 were read as one header"):
        reg = rk.read_register(write_csv(text))
    r = reg.frame.iloc[0]
    assert (r["cost_min"], r["cost_most_likely"], r["cost_max"]) == (100, 200, 400)
    assert (r["schedule_min"], r["schedule_most_likely"], r["schedule_max"]) == (1, 2, 5)


def test_a_banner_tells_two_probability_columns_apart(write_csv):
    # main: "headers 'Probability' and 'Probability' both mean 'probability'"
    text = (",,Pre-mitigation,,Post-mitigation,\n"
            "ID,Title,Probability,Cost Impact,Probability,Cost Impact\n"
            "R1,Strike,30%,1000,10%,400\n")
    r = rk.read_register(write_csv(text)).frame.iloc[0]
    assert r["probability"] == pytest.approx(0.3)
    assert r["mitigated_probability"] == pytest.approx(0.1)
    assert (r["cost_max"], r["mitigated_cost_max"]) == (1000, 400)


def test_a_header_and_a_row_of_text_below_it_are_not_merged(write_csv):
    text = "ID,Title,Probability,Cost Impact\nOwner,Cost,Residual,High\nR1,A,30%,100\n"
    with pytest.raises(rk.InputError, match="row 2"):
        rk.read_register(write_csv(text))


def test_a_merged_header_in_a_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")  # in the test extra
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nr.", "Risiko", "Wahrscheinlichkeit", "Kosten", None, None])
    ws.append([None, None, None, "min", "wahrscheinlich", "max"])
    ws.append(["R1", "Streik", 0.3, 100, 200, 400])
    ws.merge_cells("D1:F1")
    for cell in ("A1:A2", "B1:B2", "C1:C2"):
        ws.merge_cells(cell)
    path = tmp_path / "register.xlsx"
    wb.save(path)
    r = rk.read_register(path).frame.iloc[0]
    assert (r["cost_min"], r["cost_most_likely"], r["cost_max"]) == (100, 200, 400)
    assert r["probability"] == pytest.approx(0.3)


# --- 15: a cover sheet --------------------------------------------------------------

def _workbook(tmp_path, registers=("Risk Register",)):
    openpyxl = pytest.importorskip("openpyxl")  # in the test extra
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "Project Falcon"
    cover["A3"] = "Risk register, issue 4, prepared by the PMO"
    notes = wb.create_sheet("Instructions")
    notes["A1"] = "How to fill in the register"
    notes["A2"] = "Probability: 0 to 100%"
    for name in registers:
        ws = wb.create_sheet(name)
        ws.append(["Risk ID", "Title", "Probability", "Cost Impact"])
        ws.append(["R1", "Steel price", 0.4, 1000])
    wb.create_sheet("Lists").append(["Status"])
    path = tmp_path / "falcon.xlsx"
    wb.save(path)
    return path


def test_a_cover_sheet_names_the_sheet_that_looks_like_a_register(tmp_path, capsys):
    # main: "no risk id column ... headers found: 'Project Falcon'"
    path = _workbook(tmp_path)
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    (problem,) = info.value.problems
    assert "the first sheet, 'Cover', does not look like a register" in problem.message
    assert "'Cover', 'Instructions', 'Risk Register', 'Lists'" in problem.message
    assert "'Risk Register' looks like one" in problem.message
    assert '--sheet "Risk Register"' in problem.hint
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    # the hint loads
    assert rk.read_register(path, sheet="Risk Register").ids == ("R1",)
    assert main(["validate", str(path), "--sheet", "Risk Register"]) == 0


def test_two_sheets_that_look_like_registers_are_never_guessed(tmp_path):
    path = _workbook(tmp_path, registers=("Register 2025", "Register 2026"))
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    message = str(info.value)
    assert "'Register 2025', 'Register 2026' look like registers" in message
    assert "--sheet" in message


def test_a_missing_sheet_lists_the_sheets(tmp_path):
    path = _workbook(tmp_path)
    with pytest.raises(rk.InputError, match="Worksheet named 'Nope' not found") as info:
        rk.read_register(path, sheet="Nope")
    assert "'Cover', 'Instructions', 'Risk Register', 'Lists'" in str(info.value)
