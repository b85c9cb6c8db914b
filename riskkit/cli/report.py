"""``riskkit report``: the steering-committee PDF pack."""

from __future__ import annotations

import argparse
from typing import Any

from ..analysis import analyse
from ..report import write_pack
from ..seeds import fresh_seed
from .inputs import escalation, holidays, load, progress
from .office import add_office_options, write_office
from .options import add_escalation_options, add_input_options, add_run_options

NAME = "report"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="write the steering-committee PDF pack")
    add_input_options(p)
    add_run_options(p)
    p.add_argument("-o", "--output", required=True, metavar="PACK.pdf",
                   help="the pack to write: a PDF, or 16:9 slides for a .pptx (needs the "
                        "pptx extra)")
    p.add_argument("--template", metavar="SLIDES.pptx",
                   help="for a .pptx pack: a PowerPoint file whose slide size, theme and "
                        "layouts the slides use")
    p.add_argument("--title", help="title on the cover (default: from the register's name)")
    p.add_argument("--currency", help="currency symbol, e.g. '£' or 'CHF ' (default: the "
                                      "register's, if it writes one)")
    p.add_argument("--value-per-day", type=float, default=None, metavar="AMOUNT",
                   help="what a working day of delay is worth, for the mitigation values")
    add_escalation_options(p)
    add_office_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    reg, sch, corr = load(args)
    assert reg is not None
    # drawn here, as simulate() would, so that the line below can say which seed it was
    seed = args.seed if args.seed is not None else fresh_seed()
    analysis = analyse(reg, sch, iterations=args.iterations, rng=seed, start=args.start,
                       holidays=holidays(args), value_per_day=args.value_per_day,
                       sampling=args.sampling, progress=progress(args),
                       workers=args.workers, executor=args.executor, correlation=corr,
                       activity_detail=sch is not None,  # the sensitivity, cash flow pages
                       escalation=escalation(args, sch))
    path = write_pack(analysis, args.output, title=args.title, currency=args.currency,
                      template=args.template)
    # the workbook and tables are of the pack's own runs: the same numbers
    ranking = analysis.ranking.to_frame() if analysis.ranking is not None else None
    said = write_office(args, reg, sch, analysis.current, corr, ranking=ranking,
                        contingency=analysis.contingency)
    if not args.quiet:
        for line in said:
            print(line)
        print(f"wrote {path}: the steering-committee pack for {reg.source}"
              + (f" and {sch.source}" if sch is not None else "")
              + f" ({args.iterations:,} iterations, seed {seed})")
    return 0
