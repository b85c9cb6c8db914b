"""A workbook's sheets as snapshots: sheets named by dates, or one sheet by name."""

import warnings

import pandas as pd
import pytest

import riskkit as rk
from riskkit.cli import main

from .conftest import SAMPLES

MONTHS = ("01", "02", "03")


@pytest.fixture
def book(tmp_path):
    """The three monthly fit-out snapshots as the sheets of one workbook, with a sheet
    of notes first."""
    path = tmp_path / "fitout_history.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Read me": ["monthly snapshots"]}).to_excel(writer, sheet_name="Notes",
                                                                 index=False)
        for m in MONTHS:
            frame = pd.read_csv(SAMPLES / f"office_fitout_2024-{m}.csv")
            frame.to_excel(writer, sheet_name="Jan 2024" if m == "01" else f"2024-{m}",
                           index=False)
    return path


def csv_snapshots():
    return rk.read_snapshots([SAMPLES / f"office_fitout_2024-{m}.csv" for m in MONTHS])


def test_sheets_named_by_dates_are_the_snapshots_in_order(book):
    with pytest.warns(rk.InputWarning, match="left out: Notes"):
        snaps = rk.read_snapshots([book])
    assert [str(s.as_of) for s in snaps] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert [s.source.rsplit("#", 1)[1] for s in snaps] == ["Jan 2024", "2024-02", "2024-03"]
    # the same registers as the CSV files: the same trend, number for number
    a = rk.trend(snaps, iterations=2_000, seed=3).to_frame()
    b = rk.trend(csv_snapshots(), iterations=2_000, seed=3).to_frame()
    numbers = a.select_dtypes("number").columns
    pd.testing.assert_frame_equal(a[numbers], b[numbers])


def test_one_sheet_by_name(book):
    (snap,) = rk.read_snapshots([f"{book}#2024-02"])
    assert str(snap.as_of) == "2024-02-01" and len(snap.register) == len(
        csv_snapshots()[1].register)


def test_sheets_whose_dates_go_backwards_are_refused(tmp_path):
    path = tmp_path / "backwards.xlsx"
    with pd.ExcelWriter(path) as writer:
        for name, m in (("2024-03", "03"), ("2024-02", "02")):
            pd.read_csv(SAMPLES / f"office_fitout_2024-{m}.csv").to_excel(
                writer, sheet_name=name, index=False)
    with pytest.raises(rk.SnapshotError, match="oldest first"):
        rk.read_snapshots([path])
    with pytest.raises(rk.OptionError, match="dated by their names"):
        rk.read_snapshots([path], as_of=["2024-01-01"])


def test_the_cli_reads_a_workbook_of_snapshots(book, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["trend", str(book), "-n", "1000", "--seed", "1"]) == 0
        out = capsys.readouterr().out
        assert "2024-03-01" in out
        assert main(["compare", f"{book}#Jan 2024", f"{book}#2024-03", "-n", "1000",
                     "--seed", "1"]) == 0
