import pytest

from riskkit.exceptions import InputError
from riskkit.io.cells import NumberFormatError, parse_number, split_list
from riskkit.io.tables import normalise_header, read_table


@pytest.mark.parametrize("text, expected", [
    ("35%", 0.35), ("35 %", 0.35), ("0.35", 0.35), ("1,250,000", 1_250_000),
    ("$10,000", 10_000), ("64,500,000 CHF", 64_500_000), ("CHF 64,500,000", 64_500_000),
    ("-$2,500", -2_500), ("$-2,500", -2_500), ("(2,500)", -2_500), ("($2,500)", -2_500),
    ("£1.5m", 1_500_000), ("250k", 250_000), ("€ 12", 12), ("1e3", 1000),
    ("1 250 000", 1_250_000), ("1'250'000", 1_250_000), ("12.5", 12.5),
    ("1,250.75", 1250.75), ("USD 3,000", 3000), ("\u00a012\u00a0000", 12000),
])
def test_numbers_as_spreadsheets_write_them(text, expected):
    assert parse_number(text).value == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("€ 1.250.000,50", 1_250_000.5), ("0,35", 0.35), ("35 %", 0.35), ("12,5 %", 0.125),
    ("1.250", 1250), ("-€ 2.500,00", -2500), ("2,5", 2.5), ("64.500.000 CHF", 64_500_000),
])
def test_decimal_comma_numbers(text, expected):
    assert parse_number(text, decimal_comma=True).value == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "  ", "-", "—", "n/a", "N/A"])
def test_blank_cells(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["abc", "1,25", "12..5", "1.2.3", "$", "5 apples"])
def test_not_numbers(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_decimal_comma_in_comma_file_is_refused_with_a_hint():
    with pytest.raises(NumberFormatError, match="decimal comma"):
        parse_number("1,25")


def test_days_suffix_only_where_allowed():
    assert parse_number("5d", allow_days=True, allow_currency=False).value == 5
    assert parse_number("5 days", allow_days=True, allow_currency=False).value == 5
    with pytest.raises(NumberFormatError):
        parse_number("5 days")


def test_percent_refused_where_not_allowed():
    with pytest.raises(NumberFormatError):
        parse_number("5%", allow_percent=False)


@pytest.mark.parametrize("header, expected", [
    ("Risk ID", "riskid"), ("Probability (%)", "probability"), ("Cost (Min)", "costmin"),
    ("Schedule Impact (days)", "scheduleimpact"), ("Risk #", "riskno"),
    ("Post-mitigation Probability", "postmitigationprobability"), ("Cost (CHF)", "cost"),
])
def test_header_normalisation(header, expected):
    assert normalise_header(header) == expected


def test_split_list():
    assert split_list("A;B") == ("A", "B")
    assert split_list("A, B ,C") == ("A", "B", "C")


def test_row_numbers_count_blank_lines_and_quoted_newlines(write_csv):
    path = write_csv('a,b\r\n1,2\r\n\r\n"multi\nline",3\r\n4,5\r\n')
    table = read_table(path)
    assert table.header == ("a", "b")
    numbers = [row for row, cells in table.rows if any(cells)]
    assert numbers == [2, 4, 5]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_is_detected(write_csv, delim):
    path = write_csv(delim.join(["id", "probability", "cost"]) + "\n" + delim.join(["A", "1", "2"]))
    table = read_table(path)
    assert table.delimiter == delim
    assert table.decimal_comma == (delim == ";")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252", "utf-8"])
def test_encodings(write_csv, encoding):
    path = write_csv("id,title\nR1,Café façade\n".encode(encoding))
    table = read_table(path)
    assert table.header == ("id", "title")
    assert table.rows[0][1] == ("R1", "Café façade")


def test_missing_and_empty_files(tmp_path, write_csv):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is empty"):
        read_table(write_csv(""))
    with pytest.raises(InputError, match="Excel workbook"):
        read_table(write_csv(b"PK\x03\x04\x00\x00binary"))


@pytest.mark.parametrize("cell, shown", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("-2+3", "'-2+3"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-2500", "-2500"), ("-1.5e3", "-1.5e3"), ("plain", "plain"), ("", ""),
])
def test_exported_cells_cannot_run_as_formulas(cell, shown):
    from riskkit.io.export import safe_cell

    assert safe_cell(cell) == shown
    assert safe_cell(-2500.0) == -2500.0


def test_ranking_csv_export_is_injection_safe(tmp_path):
    import pandas as pd

    from riskkit.cli import main
    path = tmp_path / "reg.csv"
    path.write_text('ID,Title,P,Cost Impact,Mitigation,Mitigation Cost,Residual P\n'
                    'R1,"=cmd|\' /C calc\'!A0",0.5,100,"@evil",10,0.1\n'
                    'R2,-opportunity,0.5,-50,"+do it",5,0.2\n')
    out = tmp_path / "rank.csv"
    assert main(["rank", str(path), "-n", "500", "--seed", "1", "--csv", str(out), "-q"]) == 0
    frame = pd.read_csv(out, keep_default_na=False)
    text = out.read_text()
    assert "'=cmd" in text and "'@evil" in text and "'+do it" in text and "'-opportunity" in text
    assert not any(str(v).startswith(("=", "+", "@")) for v in frame.to_numpy().ravel())
    assert (frame["expected_cost_reduction"].astype(float) != 0).any()  # numbers stay numbers
