"""``riskkit template``: an empty register to fill in (xlsx or CSV)."""

from __future__ import annotations

import argparse
from typing import Any

from ..io.template import write_template

NAME = "template"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="write an empty register to fill in (.xlsx or .csv)")
    p.add_argument("path", metavar="REGISTER.xlsx|REGISTER.csv",
                   help="the file to write: a workbook (Register, Instructions and Scale "
                        "sheets; needs the xlsx extra) or a CSV (the header and an "
                        "example row)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return p


def run(args: argparse.Namespace) -> int:
    path = write_template(args.path)
    if not args.quiet:
        print(f"wrote {path}: an empty register; riskkit reads it as it is "
              + ("(the example row is closed: delete it or write over it)"
                 if path.lower().endswith(".csv") else
                 "(--scale " + path + " reads its Scale sheet)"))
    return 0
