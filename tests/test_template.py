"""The register template: what it writes, riskkit reads back (issue 22, part 3)."""

import csv
import json

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.scale import DEFAULT_SCALE, read_scale
from riskkit.io.template import TEMPLATE_COLUMNS, write_template

from .conftest import SAMPLES

openpyxl = pytest.importorskip("openpyxl")

OFFICE = SAMPLES / "office_fitout.csv"
SCHEDULE = SAMPLES / "office_fitout_schedule.csv"
#: the office fit-out's headers as a user pastes them under the template's columns
PASTED = {"Risk ID": "id", "Title": "title", "Category": "category", "Owner": "owner",
          "Status": "status", "Probability": "probability", "Cost Min": "cost_min",
          "Cost Most Likely": "cost_most_likely", "Cost Max": "cost_max",
          "Schedule Min (days)": "schedule_min",
          "Schedule Most Likely (days)": "schedule_most_likely",
          "Schedule Max (days)": "schedule_max", "Distribution": "distribution",
          "Mitigation": "mitigation", "Mitigation Cost": "mitigation_cost",
          "Residual Probability": "mitigated_probability",
          "Residual Cost Min": "mitigated_cost_min",
          "Residual Cost Most Likely": "mitigated_cost_most_likely",
          "Residual Cost Max": "mitigated_cost_max",
          "Residual Schedule Min (days)": "mitigated_schedule_min",
          "Residual Schedule Most Likely (days)": "mitigated_schedule_most_likely",
          "Residual Schedule Max (days)": "mitigated_schedule_max",
          "Activities": "activities"}


def typed(text):
    """A cell as a user's paste leaves it in Excel: numbers as numbers."""
    try:
        return float(text)
    except ValueError:
        return text or None


def filled_template(tmp_path):
    path = tmp_path / "register.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    sheet = book["Register"]
    column = {c: i for i, c in enumerate(TEMPLATE_COLUMNS, start=1)}
    with open(OFFICE, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) == set(PASTED)  # every column of the sample has its place
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=r, column=column[PASTED[header]], value=typed(value))
    book.save(path)
    return path


def test_template_workbook_sheets_and_validation(tmp_path):
    path = tmp_path / "t.xlsx"
    assert main(["template", str(path), "-q"]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Register", "Instructions", "Scale"]
    sheet = book["Register"]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == TEMPLATE_COLUMNS
    assert "Risk ID" in sheet.cell(row=1, column=1).comment.text  # the aliases noted
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in
             sheet.data_validations.dataValidation if dv.type == "list"}
    letter = {c: openpyxl.utils.get_column_letter(i)
              for i, c in enumerate(TEMPLATE_COLUMNS, start=1)}
    assert "pert" in lists[letter["distribution"] + "2"]
    assert "Closed" in lists[letter["status"] + "2"]
    assert "Opportunity" in lists[letter["type"] + "2"]
    assert sheet[letter["probability"] + "2"].number_format == "0%"
    assert sheet.freeze_panes == "B2"


def test_template_filled_with_the_office_rows_simulates_as_the_csv(tmp_path):
    path = filled_template(tmp_path)
    from_csv = rk.read_register(OFFICE)
    from_xlsx = rk.read_register(path)  # no sheet, no --map: the template reads as is
    assert [r.id for r in from_xlsx.risks] == [r.id for r in from_csv.risks]
    for schedule in (None, rk.read_schedule(SCHEDULE)):
        a = rk.simulate(from_csv, schedule, iterations=4_000, rng=7)
        b = rk.simulate(from_xlsx, schedule, iterations=4_000, rng=7)
        assert np.array_equal(a.cost, b.cost) and np.array_equal(a.schedule, b.schedule)
        assert a.excluded == b.excluded


def test_template_cli_json_equal(tmp_path, capsys):
    path = filled_template(tmp_path)
    outs = []
    for source in (OFFICE, path):
        assert main(["simulate", str(source), "-n", "3000", "--seed", "3",
                     "--json", "-"]) == 0
        data = json.loads(capsys.readouterr().out)
        outs.append({k: data[k] for k in ("cost", "schedule", "risks", "excluded")})
    assert outs[0] == outs[1]


def test_template_scale_sheet_reads_back_as_the_default(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path)
    scale = read_scale(path)
    assert scale.levels == DEFAULT_SCALE.levels
    # and through --scale: a register scored 1-5 reads the same with either scale
    scored = tmp_path / "scored.csv"
    scored.write_text("id,probability,schedule_impact\nR1,4,High\nR2,Rare,2\n")
    by_sheet = rk.read_register(scored, scale=str(path))
    by_default = rk.read_register(scored, scale="default")
    assert [(r.probability, r.schedule) for r in by_sheet.risks] == \
           [(r.probability, r.schedule) for r in by_default.risks]


def test_template_scale_sheet_is_editable(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    book["Scale"]["E2"] = 0.07  # probability level 1's most likely value
    book.save(path)
    assert read_scale(path).score_level("probability", 1).most_likely == 0.07


def test_csv_template_example_row_is_never_a_risk(tmp_path, capsys):
    path = tmp_path / "t.csv"
    assert main(["template", str(path)]) == 0
    assert "example row is closed" in capsys.readouterr().out
    reg = rk.read_register(path)
    assert reg.active_risks == () or len(reg.active_risks) == 0
    assert reg.closed_ids == ("EX-01",)
    with open(path, newline="") as fh:
        assert tuple(next(csv.reader(fh))) == TEMPLATE_COLUMNS


def test_template_other_extension_is_an_input_error(tmp_path, capsys):
    assert main(["template", str(tmp_path / "t.ods")]) == 2
    assert ".xlsx or .csv" in capsys.readouterr().err
