"""Source data of the bundled sample registers, and the writer of their CSV exports.

Run ``python tools/sample_data.py`` to rewrite ``sample_registers/*.csv``: each register
in a clean export (comma-delimited, plain numbers) and in the way a European Excel
writes it (UTF-8 BOM, ';' delimiter, decimal commas, currency strings, percent cells,
CRLF). tests/test_samples.py checks that both load to identical numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = [
    "Risk ID", "Title", "Category", "Owner", "Status", "Probability",
    "Cost Min", "Cost Most Likely", "Cost Max",
    "Schedule Min (days)", "Schedule Most Likely (days)", "Schedule Max (days)",
    "Distribution", "Mitigation", "Mitigation Cost", "Residual Probability",
    "Residual Cost Min", "Residual Cost Most Likely", "Residual Cost Max",
    "Residual Schedule Min (days)", "Residual Schedule Most Likely (days)",
    "Residual Schedule Max (days)", "Activities",
]

# Schedule activities each risk acts on (sample_registers/*_schedule.csv). A risk
# without activities delays the project finish directly.
ACTIVITIES = {
    "OF-01": "A14", "OF-02": "A05", "OF-03": "A12", "OF-04": "A07", "OF-05": "A11",
    "OF-06": "A06;A22", "OF-07": "A08", "OF-08": "A14;A18", "OF-09": "A13", "OF-10": "A22",
    "OF-12": "A20", "OF-13": "A24", "OF-14": "A33", "OF-15": "A31", "OF-17": "A13",
    "OF-18": "A15", "OF-19": "A14", "OF-20": "A30", "OF-22": "A13", "OF-23": "A36",
    "OF-26": "A27", "OF-27": "A37", "OF-29": "A16", "OF-31": "A14", "OF-32": "A14",
    "IT-01": "M17", "IT-02": "M03", "IT-03": "M12", "IT-05": "M21", "IT-06": "M22",
    "IT-07": "M26", "IT-09": "M30", "IT-10": "M20", "IT-11": "M10;M11", "IT-12": "M07",
    "IT-13": "M31", "IT-15": "M23", "IT-16": "M14", "IT-17": "M20", "IT-18": "M12;M13",
    "IT-21": "M24", "IT-22": "M08", "IT-25": "M22", "IT-26": "M09", "IT-27": "M25",
    "IT-28": "M06", "IT-30": "M26",
}

# id, title, category, owner, status, P, cost (min, ml, max), schedule (min, ml, max),
# distribution, mitigation, mitigation cost, residual P, residual cost, residual schedule
# None = blank cell. Costs in GBP, schedule in working days.
OFFICE_FITOUT = [
    ("OF-01", "Asbestos found during strip-out of ceilings", "Site conditions", "Hannah Price", "Open", 0.25,
     (40000, 85000, 160000), (10, 20, 35), "pert", "Intrusive R&D asbestos survey before strip-out", 6500, 0.10, (20000, 40000, 80000), (3, 8, 15)),
    ("OF-02", "Landlord approval of drawings delayed", "Third party", "Mark Ellison", "Open", 0.40,
     (0, 5000, 15000), (5, 15, 30), "triangular", "Pre-application meeting with landlord's surveyor", 2000, 0.20, None, (3, 8, 15)),
    ("OF-03", "Raised-floor system supplier goes into administration", "Supply chain", "Priya Natarajan", "Open", 0.08,
     (30000, 60000, 120000), (15, 25, 45), "triangular", "Parent-company guarantee and approved second supplier", 4000, 0.04, (10000, 25000, 50000), (5, 10, 20)),
    ("OF-04", "Mechanical and electrical design not coordinated", "Design", "Tom Okafor", "Open", 0.45,
     (15000, 35000, 70000), (5, 10, 20), "pert", "BIM clash detection at RIBA stage 4", 12000, 0.15, None, None),
    ("OF-05", "Long lead time on chillers", "Supply chain", "Priya Natarajan", "Open", 0.35,
     (5000, 10000, 25000), (10, 20, 40), "triangular", "Early order with deposit", 15000, 0.10, None, None),
    ("OF-06", "Client changes floor layout after sign-off", "Client", "Sarah Whitfield", "Open", 0.50,
     (20000, 45000, 110000), (5, 12, 25), "triangular", "Formal change control board with cost and time impact", 3000, 0.35, (15000, 30000, 70000), (3, 8, 15)),
    ("OF-07", "Fire strategy rejected by building control", "Regulatory", "Tom Okafor", "Open", 0.15,
     (10000, 25000, 60000), (10, 15, 30), "triangular", "Early engagement with fire engineer and building control", 5000, 0.05, None, None),
    ("OF-08", "Out-of-hours working restrictions imposed by landlord", "Third party", "Mark Ellison", "Open", 0.30,
     (8000, 15000, 30000), (5, 10, 20), "uniform", "Agree working hours in the licence for alterations", 1000, 0.10, None, None),
    ("OF-09", "Lift refurbishment clashes with fit-out access", "Logistics", "Daniel Moss", "Open", 0.20,
     (5000, 12000, 25000), (3, 7, 14), "triangular", "Joint logistics plan and hoist booking schedule", 2500, 0.08, None, None),
    ("OF-10", "Labour shortage of dry-liners", "Resources", "Daniel Moss", "Open", 0.30,
     (10000, 22000, 45000), (5, 10, 20), "pert", "Framework agreement with two dry-lining subcontractors", 8000, 0.15, None, None),
    ("OF-11", "Inflation on copper cabling above allowance", "Commercial", "Rachel Green", "Open", 0.55,
     (8000, 18000, 40000), None, "triangular", "Fix prices through early procurement", 20000, 0.20, (3000, 8000, 15000), None),
    ("OF-12", "Existing sprinkler system needs replacement", "Site conditions", "Hannah Price", "Open", 0.18,
     (35000, 60000, 110000), (8, 15, 25), "triangular", "Condition survey of sprinkler mains", 3500, 0.18, (30000, 50000, 90000), (4, 8, 15)),
    ("OF-13", "IT cabling contractor late to site", "Interface", "Kofi Mensah", "Open", 0.25,
     (2000, 6000, 12000), (3, 8, 15), "triangular", "Single programme with IT milestones and weekly interface meeting", 0, 0.10, None, None),
    ("OF-14", "Furniture delivery damaged or incomplete", "Supply chain", "Sarah Whitfield", "Open", 0.20,
     (4000, 9000, 20000), (2, 5, 10), "triangular", "Factory inspection and staged deliveries", 1500, 0.08, None, None),
    ("OF-15", "Acoustic performance of meeting rooms fails testing", "Quality", "Tom Okafor", "Open", 0.15,
     (6000, 15000, 35000), (3, 6, 12), "pert", "Mock-up room tested before roll-out", 4000, 0.05, None, None),
    ("OF-16", "Value engineering on lighting saves money", "Opportunity", "Rachel Green", "Open", 0.40,
     (-30000, -18000, -8000), None, "triangular", None, None, None, None, None),
    ("OF-17", "Early access to floor 3 granted", "Opportunity", "Mark Ellison", "Open", 0.25,
     None, (-10, -5, -2), "triangular", None, None, None, None, None),
    ("OF-18", "Structural openings need steel reinforcement", "Design", "Tom Okafor", "Open", 0.12,
     (20000, 40000, 90000), (5, 10, 20), "triangular", "Structural survey of slab before setting out", 6000, 0.12, (15000, 30000, 60000), (2, 5, 10)),
    ("OF-19", "Noise complaints from tenants below", "Third party", "Daniel Moss", "Open", 0.35,
     (3000, 8000, 15000), (2, 5, 10), "triangular", "Noisy works window agreed with tenants", 500, 0.15, None, None),
    ("OF-20", "Data centre room cooling undersized", "Design", "Kofi Mensah", "Open", 0.10,
     (25000, 45000, 90000), (5, 10, 20), "triangular", "Independent review of heat loads", 3000, 0.04, None, None),
    ("OF-21", "Principal contractor insolvency", "Commercial", "Rachel Green", "Open", 0.03,
     (150000, 300000, 600000), (30, 60, 120), "pert", "Performance bond and project bank account", 12000, 0.03, (60000, 120000, 250000), (20, 40, 80)),
    ("OF-22", "Security clearance delays for contractors", "Resources", "Kofi Mensah", "Open", 0.30,
     (1000, 3000, 6000), (2, 5, 10), "uniform", "Submit clearance requests 6 weeks ahead", 0, 0.10, None, None),
    ("OF-23", "Snagging period longer than planned", "Quality", "Daniel Moss", "Open", 0.45,
     (5000, 10000, 20000), (3, 7, 15), "triangular", "Rolling snagging by floor", 2000, 0.30, None, (2, 4, 8)),
    ("OF-24", "Currency movement on imported furniture", "Commercial", "Rachel Green", "Open", 0.50,
     (-10000, 5000, 25000), None, "triangular", "Forward currency contract", 1500, 0.50, (0, 2000, 5000), None),
    ("OF-25", "Unexpected out-of-hours security costs", "Logistics", "Daniel Moss", "Closed", 0.20,
     (3000, 5000, 10000), None, "triangular", None, None, None, None, None),
    ("OF-26", "Building management system integration fails", "Interface", "Kofi Mensah", "Open", 0.22,
     (8000, 20000, 45000), (5, 10, 20), "pert", "Integration test plan with BMS vendor", 5000, 0.08, None, None),
    ("OF-27", "Planning condition on external signage", "Regulatory", "Mark Ellison", "Open", 0.15,
     (1000, 2500, 5000), (5, 10, 20), "triangular", None, None, None, None, None),
    ("OF-28", "Client's move date brought forward", "Client", "Sarah Whitfield", "Open", 0.10,
     (15000, 30000, 60000), (5, 10, 15), "triangular", "Agree move date in steering committee minutes", 0, 0.05, None, None),
    ("OF-29", "Defective screed requires grinding", "Quality", "Hannah Price", "Open", 0.20,
     (5000, 12000, 25000), (3, 6, 10), "triangular", "Moisture and level testing of screed", 1200, 0.08, None, None),
    ("OF-30", "Waste disposal costs higher than estimate", "Commercial", "Hannah Price", "Open", 0.35,
     (3000, 7000, 15000), None, "triangular", "Segregation on site and recycling rebate", 2500, 0.35, (1000, 4000, 9000), None),
]

IT_MIGRATION = [
    ("IT-01", "Legacy data quality worse than assumed", "Data", "Elena Rossi", "Open", 0.55,
     (40000, 90000, 200000), (10, 25, 50), "pert", "Data profiling sprint before migration design", 25000, 0.25, (20000, 45000, 90000), (5, 10, 20)),
    ("IT-02", "Key vendor architect leaves the project", "Resources", "James Carter", "Open", 0.25,
     (15000, 30000, 60000), (5, 15, 30), "triangular", "Named-resource clause and shadowing", 5000, 0.10, None, None),
    ("IT-03", "Interfaces to payroll undocumented", "Integration", "Aisha Bello", "Open", 0.40,
     (20000, 45000, 100000), (5, 12, 30), "triangular", "Interface discovery workshops with payroll team", 8000, 0.15, None, None),
    ("IT-04", "Cloud hosting costs above business case", "Commercial", "Martin Novak", "Open", 0.45,
     (10000, 35000, 90000), None, "triangular", "Reserved-instance purchase and cost alerts", 6000, 0.45, (5000, 15000, 40000), None),
    ("IT-05", "Security penetration test fails", "Security", "Lars Johansson", "Open", 0.30,
     (10000, 25000, 50000), (5, 10, 20), "pert", "Threat modelling and early scan in every sprint", 12000, 0.10, None, (3, 5, 10)),
    ("IT-06", "User acceptance testing finds major defects", "Quality", "Elena Rossi", "Open", 0.50,
     (20000, 50000, 120000), (10, 20, 40), "pert", "Business testers embedded from sprint 2", 30000, 0.25, (10000, 25000, 60000), (5, 10, 20)),
    ("IT-07", "Data protection impact assessment delayed", "Regulatory", "Lars Johansson", "Open", 0.25,
     (2000, 5000, 10000), (10, 15, 30), "triangular", "Start DPIA in discovery phase", 3000, 0.08, None, None),
    ("IT-08", "Licence true-up on legacy system", "Commercial", "Martin Novak", "Open", 0.20,
     (50000, 80000, 150000), None, "triangular", "Licence audit before renewal", 4000, 0.10, None, None),
    ("IT-09", "Cut-over weekend overruns", "Operations", "James Carter", "Open", 0.35,
     (15000, 30000, 60000), (1, 3, 7), "triangular", "Two dress rehearsals of the cut-over", 18000, 0.10, None, None),
    ("IT-10", "Network bandwidth insufficient at branch sites", "Infrastructure", "Aisha Bello", "Open", 0.30,
     (20000, 40000, 80000), (5, 10, 25), "triangular", "Bandwidth survey at branch sites", 6000, 0.12, None, None),
    ("IT-11", "Scope creep from business units", "Scope", "Elena Rossi", "Open", 0.60,
     (30000, 70000, 160000), (10, 20, 45), "triangular", "Product owner with authority and frozen MVP", 10000, 0.40, (20000, 45000, 90000), (5, 12, 25)),
    ("IT-12", "Single sign-on integration more complex", "Integration", "Lars Johansson", "Open", 0.35,
     (10000, 20000, 45000), (5, 8, 15), "triangular", "Proof of concept with identity provider", 7000, 0.10, None, None),
    ("IT-13", "Parallel running longer than planned", "Operations", "James Carter", "Open", 0.40,
     (25000, 50000, 100000), (10, 20, 40), "pert", "Clear exit criteria for parallel run", 2000, 0.25, None, (5, 10, 20)),
    ("IT-14", "Supplier rate increase at contract renewal", "Commercial", "Martin Novak", "Open", 0.30,
     (10000, 20000, 40000), None, "uniform", None, None, None, None, None),
    ("IT-15", "Training materials not ready for go-live", "Change", "Grace Kim", "Open", 0.30,
     (5000, 12000, 25000), (5, 10, 15), "triangular", "Training lead appointed at design stage", 9000, 0.10, None, None),
    ("IT-16", "Reporting requirements misunderstood", "Scope", "Grace Kim", "Open", 0.35,
     (10000, 25000, 60000), (5, 10, 20), "triangular", "Report prototypes reviewed by finance", 4000, 0.15, None, None),
    ("IT-17", "Performance of batch jobs below SLA", "Quality", "Aisha Bello", "Open", 0.25,
     (15000, 30000, 70000), (5, 15, 30), "pert", "Load test on production-size data", 15000, 0.08, None, None),
    ("IT-18", "Reuse of existing APIs reduces build effort", "Opportunity", "Aisha Bello", "Open", 0.35,
     (-40000, -20000, -5000), (-10, -5, -1), "triangular", None, None, None, None, None),
    ("IT-19", "Change freeze over year-end blocks release", "Operations", "James Carter", "Open", 0.20,
     None, (10, 20, 30), "triangular", "Plan go-live outside freeze window", 0, 0.05, None, None),
    ("IT-20", "Archive storage of legacy data required by auditors", "Regulatory", "Lars Johansson", "Open", 0.30,
     (8000, 15000, 30000), None, "triangular", "Agree retention policy with internal audit", 1500, 0.30, (5000, 8000, 15000), None),
    ("IT-21", "Business readiness low; adoption slow", "Change", "Grace Kim", "Open", 0.40,
     (10000, 30000, 70000), (5, 15, 30), "triangular", "Change champions network", 12000, 0.20, None, None),
    ("IT-22", "Test environments unavailable", "Infrastructure", "Aisha Bello", "Open", 0.45,
     (5000, 15000, 30000), (5, 10, 20), "triangular", "Environments as code with booking calendar", 10000, 0.15, None, None),
    ("IT-23", "Budget freeze delays phase 2 funding", "Governance", "Martin Novak", "Open", 0.15,
     (0, 10000, 30000), (20, 40, 80), "triangular", "Phase 2 case approved with phase 1", 0, 0.08, None, None),
    ("IT-24", "Data centre exit penalty", "Commercial", "Martin Novak", "Closed", 0.10,
     (20000, 40000, 60000), None, "triangular", None, None, None, None, None),
    ("IT-25", "Key-user availability during peak season", "Resources", "Grace Kim", "Open", 0.50,
     (5000, 10000, 20000), (5, 10, 20), "triangular", "Backfill key users with temporary staff", 14000, 0.20, None, None),
    ("IT-26", "Vendor product release slips", "Supply chain", "James Carter", "Open", 0.20,
     (5000, 15000, 30000), (10, 20, 40), "pert", "Contractual release dates with delay damages", 3000, 0.20, None, (5, 10, 20)),
    ("IT-27", "Accessibility audit finds issues", "Quality", "Grace Kim", "Open", 0.30,
     (5000, 12000, 25000), (3, 5, 10), "triangular", "Accessibility checks in definition of done", 2500, 0.10, None, None),
    ("IT-28", "Encryption key management redesign", "Security", "Lars Johansson", "Open", 0.15,
     (15000, 30000, 60000), (5, 10, 20), "triangular", None, None, None, None, None),
    ("IT-29", "Early decommissioning of legacy servers", "Opportunity", "Martin Novak", "Open", 0.30,
     (-25000, -15000, -5000), None, "triangular", None, None, None, None, None),
    ("IT-30", "Regulator requests migration evidence pack", "Regulatory", "Lars Johansson", "Open", 0.20,
     (5000, 10000, 20000), (5, 10, 15), "triangular", "Evidence pack built during migration", 3000, 0.05, None, None),
]


def _rows(data):
    for (rid, title, cat, owner, status, p, cost, sch, dist, mit, mit_cost, rp, rcost,
         rsch) in data:
        yield {
            "id": rid, "title": title, "category": cat, "owner": owner, "status": status,
            "p": p, "cost": cost, "sch": sch, "dist": dist, "mit": mit,
            "mit_cost": mit_cost, "rp": rp, "rcost": rcost, "rsch": rsch,
        }


def _triple(t):
    return [None, None, None] if t is None else list(t)


def clean_csv(data) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for r in _rows(data):
        w.writerow([r["id"], r["title"], r["category"], r["owner"], r["status"],
                    r["p"], *_triple(r["cost"]), *_triple(r["sch"]), r["dist"],
                    r["mit"], r["mit_cost"], r["rp"], *_triple(r["rcost"]),
                    *_triple(r["rsch"]), ACTIVITIES.get(r["id"], "")])
    return out.getvalue().replace("None", "")


def _eu_number(x, money: bool) -> str:
    if x is None:
        return ""
    neg = x < 0
    whole = f"{abs(x):,.2f}" if money else f"{abs(x):,.1f}"
    whole = whole.replace(",", "X").replace(".", ",").replace("X", ".")
    if not money:
        whole = whole.removesuffix(",0")
    text = f"€ {whole}" if money else whole
    return f"-{text}" if neg else text


def _eu_percent(p) -> str:
    if p is None:
        return ""
    return f"{p * 100:g}".replace(".", ",") + " %"


def european_csv(data) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(HEADER)
    for r in _rows(data):
        money = [_eu_number(v, True) for v in _triple(r["cost"])]
        days = [_eu_number(v, False) for v in _triple(r["sch"])]
        rmoney = [_eu_number(v, True) for v in _triple(r["rcost"])]
        rdays = [_eu_number(v, False) for v in _triple(r["rsch"])]
        w.writerow([r["id"], r["title"], r["category"], r["owner"], r["status"],
                    _eu_percent(r["p"]), *money, *days, r["dist"].upper() if r["dist"] == "pert" else r["dist"].capitalize(),
                    r["mit"] or "", _eu_number(r["mit_cost"], True), _eu_percent(r["rp"]),
                    *rmoney, *rdays, ACTIVITIES.get(r["id"], "").replace(";", ", ")])
        if r["id"].endswith("-15"):
            w.writerow([""] * len(HEADER))  # a blank row, as people leave them
    return "\ufeff" + out.getvalue()


# Risks of the office fit-out driven by the same market conditions, as rank
# correlations (lower triangle; blank means the mirrored cell, or 0).
OFFICE_FITOUT_CORRELATION = {
    ("OF-24", "OF-11"): 0.5,   # currency and copper prices both follow sterling
    ("OF-30", "OF-11"): 0.3,   # general construction inflation
    ("OF-30", "OF-24"): 0.3,
    ("OF-21", "OF-03"): 0.4,   # insolvencies come together in a downturn
    ("OF-22", "OF-10"): 0.3,   # a tight labour market
}


def correlation_csv(pairs) -> str:
    ids = sorted({i for pair in pairs for i in pair})
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["", *ids])
    for i, a in enumerate(ids):
        row = ["1" if a == b else (f"{pairs.get((a, b), pairs.get((b, a), 0)):g}" if j < i
                                   else "") for j, b in enumerate(ids)]
        w.writerow([a, *row])
    return out.getvalue()


def _edited(data, edits):
    """The rows of ``data`` with ``edits`` (id -> {field: value}) applied, by the field
    names of :func:`_rows`."""
    fields = ["id", "title", "category", "owner", "status", "p", "cost", "sch", "dist",
              "mit", "mit_cost", "rp", "rcost", "rsch"]
    out = []
    for row in data:
        change = edits.get(row[0], {})
        out.append(tuple(change.get(f, v) for f, v in zip(fields, row)))
    return out


def office_fitout_snapshots():
    """Three monthly snapshots of the office fit-out register (issue 21): January as
    bundled; February closes OF-13, re-assesses OF-06's probability and OF-11's cost,
    adds a mitigation to OF-27 and a new risk OF-31; March realises OF-01's mitigation
    (its current values become its residual ones), closes OF-02, raises OF-10's
    probability, widens OF-31's cost and adds OF-32."""
    jan = list(OFFICE_FITOUT)
    feb = [*_edited(jan, {
        "OF-13": {"status": "Closed"},
        "OF-06": {"p": 0.3},
        "OF-11": {"cost": (12000, 26000, 55000)},
        "OF-27": {"mit": "Pre-application meeting with the planning officer",
                  "mit_cost": 500, "rp": 0.05},
    }), ("OF-31", "Asbestos found in service risers", "Site conditions", "Hannah Price",
          "Open", 0.2, (15000, 30000, 70000), (5, 10, 20), "pert", None, None, None, None,
          None)]
    of01 = next(r for r in feb if r[0] == "OF-01")
    mar = [*_edited(feb, {
        "OF-01": {"p": of01[11], "cost": of01[12], "sch": of01[13]},
        "OF-02": {"status": "Closed"},
        "OF-10": {"p": 0.45},
        "OF-31": {"cost": (15000, 30000, 90000)},
    }), ("OF-32", "Tenant below objects to riser core drilling", "Third party",
          "Mark Ellison", "Open", 0.25, (5000, 12000, 30000), (3, 7, 15), "triangular",
          None, None, None, None, None)]
    return {"2024-01": jan, "2024-02": feb, "2024-03": mar}


def main() -> None:
    here = Path(__file__).resolve().parent.parent / "sample_registers"
    (here / "office_fitout_correlation.csv").write_text(
        correlation_csv(OFFICE_FITOUT_CORRELATION), encoding="utf-8")
    for name, data in (("office_fitout", OFFICE_FITOUT), ("it_migration", IT_MIGRATION)):
        (here / f"{name}.csv").write_text(clean_csv(data), encoding="utf-8")
        (here / f"{name}_eu.csv").write_bytes(european_csv(data).encode("utf-8"))
    for month, data in office_fitout_snapshots().items():
        (here / f"office_fitout_{month}.csv").write_text(clean_csv(data), encoding="utf-8")


if __name__ == "__main__":
    main()
