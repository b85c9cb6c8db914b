"""``riskkit families``: the distribution families a register or schedule may name."""

from __future__ import annotations

import argparse
import shutil
import textwrap
from typing import Any

from ..distributions import FAMILIES

NAME = "families"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="list the distribution families a register or schedule may name, and "
                   "what their columns hold")
    return p


def run(args: argparse.Namespace) -> int:
    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    for fam in FAMILIES.values():
        print(f"{fam.name}" + (f"  (also: {', '.join(fam.aliases)})" if fam.aliases else ""))
        what = "value:probability pairs in the impact cell" if fam.pairs else fam.columns
        lines = [f"columns: {what}"
                 + ("" if fam.needs_mode or fam.pairs else "; no most likely value needed")]
        lines += [f"{p.name} column (default {p.default:g}): {p.description}"
                  for p in fam.parameters]
        if fam.notes:
            lines.append(fam.notes)
        for line in lines:
            print(textwrap.fill(line, width, initial_indent="    ",
                                subsequent_indent="      "))
    return 0
