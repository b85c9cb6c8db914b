"""Fuzzing: whatever a user feeds riskkit, it answers with exit code 0 or 2, never a
traceback; and a register that survives a harmless transformation gives the same
numbers as its clean original."""

import io
import os
import tempfile
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskkit as rk
from riskkit.cli import main

from .conftest import SAMPLES

CLEAN = (SAMPLES / "office_fitout.csv").read_text(encoding="utf-8")
SCHEDULE = (SAMPLES / "office_fitout_schedule.csv").read_text(encoding="utf-8")
FAST = settings(max_examples=700, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
_DIR = tempfile.mkdtemp(prefix="riskkit-fuzz-")


def run_cli(argv):
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue()


def write(name, data: bytes) -> str:
    path = os.path.join(_DIR, name)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def assert_clean_exit(code, err):
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


@FAST
@given(st.binary(max_size=2_000))
def test_random_bytes_as_a_register(data):
    assert_clean_exit(*run_cli(["validate", write("random.csv", data)]))


@FAST
@given(st.binary(max_size=2_000))
def test_random_bytes_as_a_schedule(data):
    assert_clean_exit(*run_cli(["validate", "--schedule", write("random_schedule.csv", data)]))


def mutations(text: str):
    """Edits a careless hand or a broken export makes to a CSV."""
    lines = text.splitlines()
    edit = st.one_of(
        st.tuples(st.just("delete"), st.integers(0, len(text) - 1), st.integers(1, 20)),
        st.tuples(st.just("insert"), st.integers(0, len(text)),
                  st.text(alphabet=',;"\n\r\t%$€£()-.0123456789abcXYZ =', max_size=8)),
        st.tuples(st.just("drop_line"), st.integers(0, len(lines) - 1), st.just(0)),
        st.tuples(st.just("dup_line"), st.integers(0, len(lines) - 1), st.just(0)),
        st.tuples(st.just("swap_cells"), st.integers(1, len(lines) - 1), st.integers(0, 20)),
    )
    return st.lists(edit, min_size=1, max_size=4)


def apply(text: str, edits) -> str:
    for kind, a, b in edits:
        lines = text.splitlines()
        if kind == "delete":
            text = text[:a] + text[a + b:]
        elif kind == "insert":
            text = text[:a] + b + text[a:]
        elif kind == "drop_line" and lines:
            del lines[a % len(lines)]
            text = "\n".join(lines)
        elif kind == "dup_line" and lines:
            lines.insert(a % len(lines), lines[a % len(lines)])
            text = "\n".join(lines)
        elif kind == "swap_cells" and lines:
            cells = lines[a % len(lines)].split(",")
            i = b % len(cells)
            j = (i + 1) % len(cells)
            cells[i], cells[j] = cells[j], cells[i]
            lines[a % len(lines)] = ",".join(cells)
            text = "\n".join(lines)
    return text


@FAST
@given(mutations(CLEAN))
def test_mutated_registers_simulate_or_fail_cleanly(edits):
    path = write("mutated.csv", apply(CLEAN, edits).encode("utf-8", "surrogatepass"))
    assert_clean_exit(*run_cli(["simulate", path, "-n", "200", "--seed", "1", "-q"]))


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutations(SCHEDULE))
def test_mutated_schedules_simulate_or_fail_cleanly(edits):
    path = write("mutated_schedule.csv", apply(SCHEDULE, edits).encode("utf-8",
                                                                        "surrogatepass"))
    assert_clean_exit(*run_cli(["simulate", "--schedule", path, "-n", "200", "--seed", "1",
                                "-q"]))


BASE = rk.read_register(SAMPLES / "office_fitout.csv").frame
NUMERIC = [c for c in BASE.columns if BASE[c].dtype.kind == "f"]


def harmless(text: str, case: str, crlf: bool, bom: bool, blank_rows: int, quote: bool,
             reorder: int) -> bytes:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    cols = list(frame.columns)
    k = reorder % len(cols)
    frame = frame[cols[k:] + cols[:k]]
    frame.columns = [getattr(str, case)(c) if case != "spaced" else c.replace(" ", "  ")
                     for c in frame.columns]
    out = frame.to_csv(index=False, quoting=1 if quote else 0, lineterminator="\n")
    if blank_rows:
        lines = out.split("\n")
        lines.insert(2, "," * (len(cols) - 1))
        out = "\n".join(lines[:3] + [""] * (blank_rows - 1) + lines[3:])
    if crlf:
        out = out.replace("\n", "\r\n")
    data = out.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["lower", "upper", "title", "spaced"]), st.booleans(), st.booleans(),
       st.integers(0, 3), st.booleans(), st.integers(0, 30))
def test_harmless_changes_give_the_same_numbers(case, crlf, bom, blank_rows, quote, reorder):
    path = write("harmless.csv", harmless(CLEAN, case, crlf, bom, blank_rows, quote, reorder))
    frame = rk.read_register(path).frame
    pd.testing.assert_frame_equal(frame[NUMERIC].reset_index(drop=True),
                                  BASE[NUMERIC].reset_index(drop=True))
    assert list(frame["id"]) == list(BASE["id"])
