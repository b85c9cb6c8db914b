"""Durations and lags in other units of time (issue 16.9): cells (``2w``, ``3 wks``,
``16h``, ``5 days``, ``1.5 mo``), a units column, a unit in the header, lags with a
unit, and the hours per day and days per week that convert them."""

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskkit as rk
from riskkit.cli import main
from riskkit.io.cells import NumberFormatError
from riskkit.io.units import WorkTime, header_unit, parse_duration, split_unit, unit_of


def read(path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", rk.InputWarning)
        sch = rk.read_schedule(path, **kwargs)
    return sch, " | ".join(str(w.message) for w in caught)


def durations(sch):
    return dict(zip(sch.ids, sch.most_likely.tolist()))


def test_duration_cells_with_units(write_csv):
    # On main every one of these but '5 days' was "not a number".
    text = ("ID,Duration,Predecessors\nA,2w,\nB,3 wks,A\nC,16h,B\nD,5 days,C\nE,1.5 mo,D\n"
            "F,90 min,E\nG,2 Wochen,F\nH,1.5 jours,G\nI,3d?,H\n")
    sch, _ = read(write_csv(text))
    assert durations(sch) == pytest.approx({"A": 10, "B": 15, "C": 2, "D": 5, "E": 32.5,
                                            "F": 90 / 480, "G": 10, "H": 1.5, "I": 3})


def test_hours_per_day_and_days_per_week_are_settable(write_csv):
    # On main read_schedule had no such keywords.
    path = write_csv("ID,Duration,Predecessors\nA,15h,\nB,2w,A\nC,1 month,B\n")
    sch, _ = read(path, hours_per_day=7.5, days_per_week=6)
    assert durations(sch) == pytest.approx({"A": 2, "B": 12, "C": 6 * 52 / 12})
    with pytest.raises(rk.OptionError, match="hours_per_day"):
        rk.read_schedule(path, hours_per_day=0)


def test_a_units_column_per_row(write_csv):
    # On main the Units column was "not used by riskkit" and 16 hours read as 16 days.
    text = ("ID,Optimistic,Most Likely,Pessimistic,Units,Predecessors\n"
            "A,8,16,24,hours,\nB,1,2,3,weeks,A\nC,2,3,4,,B\nD,1,2,12d,w,C\n")
    sch, _ = read(write_csv(text))
    frame = sch.to_frame().set_index("id")
    assert frame.loc["A", ["duration_min", "duration_most_likely", "duration_max"]].tolist() \
        == [1, 2, 3]
    assert frame.loc["B", "duration_max"] == 15 and frame.loc["C", "duration_max"] == 4
    assert frame.loc["D", ["duration_min", "duration_max"]].tolist() == [5, 12]  # cell wins


def test_a_unit_in_the_header(write_csv):
    # On main 'Duration (weeks)' was read as days: the bracketed unit was dropped in
    # silence, so 2 weeks became 2 days. 'Duration (hours)' was not recognised at all.
    sch, _ = read(write_csv("ID,Duration (weeks),Predecessors\nA,2,\nB,1,A\n"))
    assert durations(sch) == {"A": 10, "B": 5}
    sch, _ = read(write_csv("Task,Duration (hours),Predecessors\nA,16,\nB,4,A\n"))
    assert durations(sch) == {"A": 2, "B": 0.5}
    sch, _ = read(write_csv("ID,Optimistic [wks],Most Likely [wks],Pessimistic [wks]\n"
                            "A,1,2,3\n"))
    assert sch.to_frame().loc[0, "duration_max"] == 15
    # 'Duration (min)' is the minimum duration, not minutes
    sch, _ = read(write_csv("ID,Duration (min),Duration (most likely),Duration (max)\n"
                            "A,2,3,5\n"))
    assert sch.to_frame().loc[0, "duration_min"] == 2


def test_lags_with_units(write_csv):
    # On main 'A FS+2w' was an unknown predecessor 'A FS+2w'.
    text = ('ID,Duration,Predecessors\nA,5,\nB,2,A FS+2w\nC,1,"A SS+16h; B+1 week"\n'
            "D,1,C FF-4 hrs\n")
    sch, said = read(write_csv(text))
    got = {(lk.predecessor, lk.successor): (lk.type, lk.lag) for lk in sch.links}
    assert got == {("A", "B"): ("FS", 10), ("A", "C"): ("SS", 2), ("B", "C"): ("FS", 5),
                   ("C", "D"): ("FF", -0.5)}
    assert "lags without a unit" not in said


def test_a_lag_without_a_unit_next_to_hours_says_how_it_is_read(write_csv):
    sch, said = read(write_csv("ID,Duration (hours),Predecessors\nA,16,\nB,8,A+4\n"))
    assert sch.links[0].lag == 4
    assert "lags without a unit are working days (row 3" in said


def test_units_riskkit_does_not_read_are_errors_saying_what_would_load(write_csv, capsys):
    path = write_csv("ID,Duration,Units,Predecessors\nA,3m,,\nB,2 edays,,A\nC,5 parsecs,,B\n"
                     "D,1,fortnights,C+2x\n", "plan.csv")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    found = {(p.row, p.column): p.message for p in info.value.problems}
    assert "could mean minutes or months: write 'min' or 'mo'" in found[2, "Duration"]
    assert "elapsed (calendar) time" in found[3, "Duration"]
    assert "unknown unit of time 'parsecs'" in found[4, "Duration"]
    assert "unknown unit of time 'fortnights'" in found[5, "Units"]
    assert "lag of 'C+2x'" in found[5, "Predecessors"]
    for suggestion in ("3min", "3mo", "2d", "5d", "2w"):  # what the messages propose loads
        assert rk.read_schedule(write_csv(f"ID,Duration\nA,{suggestion}\n")).duration() > 0
    assert main(["validate", "--schedule", str(path)]) == 2
    assert "5 problems found" in capsys.readouterr().err


def test_hours_per_day_from_the_cli(write_csv, capsys):
    path = str(write_csv("ID,Duration,Predecessors\nA,20h,\nB,1w,A\n", "plan.csv"))
    assert main(["validate", "--schedule", path, "--hours-per-day", "10",
                 "--days-per-week", "4"]) == 0
    assert "deterministic duration 6.0 working days" in capsys.readouterr().out
    assert main(["validate", "--schedule", path, "--hours-per-day", "0"]) == 2


def test_a_three_point_estimate_in_weeks_simulates_in_days(write_csv, capsys):
    # Triangular(1, 2, 4) weeks is Triangular(5, 10, 20) days: mean 35 / 3, variance
    # (a² + b² + c² - ab - ac - bc) / 18.
    path = str(write_csv("ID,Optimistic,Most Likely,Pessimistic\nA,1w,2w,4w\n", "plan.csv"))
    n = 20_000
    assert main(["simulate", "--schedule", path, "-n", str(n), "--seed", "7",
                 "--sampling", "random", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    a, m, b = 5.0, 10.0, 20.0
    mean = (a + m + b) / 3
    sd = np.sqrt((a * a + m * m + b * b - a * m - a * b - m * b) / 18)
    assert abs(data["schedule"]["mean"] - mean) < 4 * sd / np.sqrt(n)
    assert data["schedule"]["base"] == 10


def test_the_unit_helpers():
    assert split_unit("3 wks") == ("3", "wks") and split_unit("12") == ("12", None)
    assert unit_of("Std.") == "hours" and unit_of("недели") == "weeks"
    assert unit_of("miesiące") == "months" and unit_of("días") == "days"
    assert header_unit("Dauer in Wochen") == "weeks" and header_unit("Hours") == "hours"
    assert header_unit("Most Likely") is None and header_unit("Duration (min)") is None
    assert WorkTime().days(1, "months") == pytest.approx(21.6667, abs=1e-4)
    assert parse_duration("—") is None and parse_duration("") is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=12))
def test_any_cell_is_a_duration_or_a_clear_error(text):
    try:
        value = parse_duration(text)
    except NumberFormatError as exc:
        assert str(exc)
    else:
        assert value is None or np.isfinite(value) or np.isinf(value)
