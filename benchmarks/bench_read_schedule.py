"""Schedule reading benchmark (issue 18: reading scales linearly).

Builds in a temporary folder:

- CSV chains of 3,500, 6,900 and 13,900 activities whose links all carry a type and a
  lag (``A12 SS+2d``), the case that was quadratic (1.1 s, 4.5 s and 21 s before);
- the real P6 export ``../shared/realworld/pyp6xer_SP10_cost_loaded.xer`` (3,994
  activities; skipped when the folder is absent), target under 1 s;
- the same XER with its network copied ten times (task ids and activity ids made
  unique; about 40,000 activities), target under 10 s;

and prints each ``riskkit.read_schedule`` time, the time per activity of the largest
input over the smallest of its kind (linear reading: about 1), and the ratio to a
reference measured in the same run on the same file: ``pandas.read_csv`` for the CSV,
splitting every line of the XER at its tabs for the XER.

    python benchmarks/bench_read_schedule.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, peak_rss_mb  # noqa: E402

import riskkit as rk  # noqa: E402

HERE = Path(__file__).resolve().parent
REAL_XER = HERE.parent.parent / "shared" / "realworld" / "pyp6xer_SP10_cost_loaded.xer"
CHAINS = (3_500, 6_900, 13_900)
TYPES = ("FS", "SS", "FF", "SF")
#: the XER tables that hold one project's activities and what refers to them, with the
#: fields that are ids of a task (made unique per copy) or a record's own id
_TASK_FIELDS = {"TASK": ("task_id",), "TASKPRED": ("task_pred_id", "task_id", "pred_task_id"),
                "TASKRSRC": ("taskrsrc_id", "task_id"), "TASKACTV": ("task_id",)}


def write_chain(path: Path, activities: int) -> Path:
    """A chain of activities, every link with a type and a lag."""
    lines = ["id,name,duration,predecessors"]
    for i in range(activities):
        pred = "" if i == 0 else f"A{i - 1} {TYPES[i % 4]}+{i % 3}d"
        lines.append(f"A{i},Activity {i},{1 + i % 7},{pred}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def copy_network(source: Path, path: Path, copies: int = 10) -> Path:
    """``source`` with every activity, link, resource assignment and activity code of
    its TASK tables copied ``copies`` times: copy k adds k x 10^9 to each task id and
    ``-k`` to each activity id (``task_code``)."""
    out: list[str] = []
    table, fields = "", ()
    for line in source.read_text(encoding="cp1252").splitlines():
        out.append(line)
        tag, _, rest = line.partition("\t")
        if tag == "%T":
            table = rest.strip()
        elif tag == "%F":
            fields = tuple(rest.split("\t"))
        elif tag == "%R" and table in _TASK_FIELDS:
            values = rest.split("\t")
            ids = [fields.index(f) for f in _TASK_FIELDS[table] if f in fields]
            code = fields.index("task_code") if table == "TASK" else None
            for k in range(1, copies):
                copy = list(values)
                for i in ids:
                    if copy[i]:
                        copy[i] = str(int(copy[i]) + k * 10**9)
                if code is not None:
                    copy[code] = f"{copy[code]}-{k}"
                out.append("%R\t" + "\t".join(copy))
    path.write_text("\n".join(out) + "\n", encoding="cp1252")
    return path


def split_lines(path: Path, encoding: str) -> int:
    """The reference for an XER: every line read and split at its tabs."""
    with open(path, encoding=encoding) as fh:
        return sum(len(line.split("\t")) for line in fh)


def measure(path: Path, reference, repeat: int) -> tuple[int, float, float]:
    """(activities, read_schedule seconds, reference seconds), best of ``repeat``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds, schedule = best_time(lambda: rk.read_schedule(path), repeat)
    floor, _ = best_time(reference, repeat)
    return len(schedule), seconds, floor


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="best of N reads (default 3)")
    args = ap.parse_args(argv)
    rows: list[tuple[str, str, int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in CHAINS:
            path = write_chain(folder / f"chain_{n}.csv", n)
            rows.append(("csv", f"chain of {n:,} (typed lags)",
                         *measure(path, lambda p=path: pd.read_csv(p), args.repeat)))
        if REAL_XER.exists():
            tenfold = copy_network(REAL_XER, folder / "tenfold.xer")
            for path, label in ((REAL_XER, "real P6 file"), (tenfold, "network x 10")):
                rows.append(("xer", label, *measure(
                    path, lambda p=path: split_lines(p, "cp1252"), args.repeat)))
        else:
            print(f"({REAL_XER} not found: the XER rows are skipped)")
    print(f"bench_read_schedule: riskkit.read_schedule, best of {args.repeat}")
    print(f"  {'input':32s} {'activities':>10s} {'seconds':>8s} {'us/act':>7s} "
          f"{'x ref':>6s}  (ref: pandas.read_csv / split lines)")
    for kind, label, n, seconds, floor in rows:
        print(f"  {kind + ' ' + label:32s} {n:10,d} {seconds:8.3f} {seconds / n * 1e6:7.1f} "
              f"{seconds / floor:6.1f}")
    for kind, target in (("csv", None), ("xer", 10.0)):
        mine = [r for r in rows if r[0] == kind]
        if len(mine) < 2:
            continue
        (_, _, n0, s0, f0), (_, _, n1, s1, f1) = mine[0], mine[-1]
        print(f"  {kind}: time per activity, largest / smallest: {(s1 / n1) / (s0 / n0):.2f} "
              f"(linear: about 1); reference's own: {(f1 / n1) / (f0 / n0):.2f}")
        if target is not None:
            print(f"  {kind}: real file {s0:.2f} s (target < 1 s), x 10 {s1:.2f} s "
                  f"(target < {target:g} s)")
    print(f"  peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
