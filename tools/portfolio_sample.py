"""Write the project registers of ``sample_registers/portfolio/`` from the two samples.

Each project's register is a selection of the office fit-out's or the IT migration's
risks, renumbered with the project's prefix and with its amounts scaled (rounded to
hundreds). The two projects with schedules (London fit-out, ERP migration) keep every
risk and its activities and use the samples' schedules; the others leave activities
blank. The manifest (``portfolio.csv``) and the shared risks (``shared_risks.csv``) are
kept by hand.

    python tools/portfolio_sample.py
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "sample_registers"

#: file, source sample, id prefix, rows taken (a slice), scale of the amounts
PROJECTS = [
    ("london_fitout.csv", "office_fitout.csv", "LDN", slice(0, 30), 1.0),
    ("leeds_fitout.csv", "office_fitout.csv", "LDS", slice(0, 30, 2), 0.6),
    ("bristol_refurb.csv", "office_fitout.csv", "BRS", slice(1, 30, 3), 0.4),
    ("erp_migration.csv", "it_migration.csv", "ERP", slice(0, 30), 1.0),
    ("crm_rollout.csv", "it_migration.csv", "CRM", slice(0, 30, 2), 0.5),
    ("data_platform.csv", "it_migration.csv", "DAT", slice(1, 30, 2), 0.7),
    ("depot_upgrade.csv", "office_fitout.csv", "DEP", slice(2, 30, 3), 0.8),
    ("hq_energy.csv", "office_fitout.csv", "NRG", slice(0, 30, 4), 0.3),
]
WITH_ACTIVITIES = {"LDN", "ERP"}


def main() -> None:
    for name, source, prefix, rows, scale in PROJECTS:
        with open(HERE / source, newline="", encoding="utf-8-sig") as fh:
            head, *body = list(csv.reader(fh))
        activities = head.index("Activities")
        money = [i for i, h in enumerate(head) if "Cost" in h]
        out = []
        for k, row in enumerate(body[rows], 1):
            row = [f"{prefix}-{k:02d}", *row[1:]]
            if prefix not in WITH_ACTIVITIES:
                row[activities] = ""
            for i in money:
                if row[i]:
                    row[i] = str(int(round(float(row[i]) * scale, -2)))
            out.append(row)
        with open(HERE / "portfolio" / name, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(head)
            w.writerows(out)


if __name__ == "__main__":
    main()
