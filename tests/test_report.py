import re

import riskkit as rk
from riskkit.cli import main

from .conftest import SAMPLES


def pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_pack_pages_metadata_and_reproducible_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    kwargs = dict(iterations=2_000, rng=7, start="2027-01-04", currency="£",
                  title="Office fit-out risk pack")
    a = rk.write_report(tmp_path / "a.pdf", reg, sch, **kwargs)
    b = rk.write_report(tmp_path / "b.pdf", reg, sch, **kwargs)
    data = a.read_bytes()
    assert data == b.read_bytes()
    # cover, summary, what it means, S-curves, drivers, mitigations, cost and schedule
    # heat maps, frontier, contingency, schedule, which activities move the finish,
    # milestones, cost over time, top 20, schedule health, register hygiene, method and
    # glossary (two pages)
    assert pages(data) == 19
    assert b"Office fit-out risk pack" in data and b"riskkit" in data
    assert b"D:20270115" in data  # CreationDate from SOURCE_DATE_EPOCH


def test_pack_without_schedule_or_mitigations(tmp_path):
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    out = rk.write_report(tmp_path / "pack.pdf", reg, iterations=1_000, rng=1)
    assert pages(out.read_bytes()) == 14  # no schedule page, no schedule health page
    bare = rk.read_register(reg.frame.drop(columns=["mitigation", "mitigation_cost"])
                            .drop(columns=[
                                c for c in reg.frame.columns if c.startswith("mitigated_")]))
    out = rk.write_report(tmp_path / "bare.pdf", bare, iterations=1_000, rng=1)
    assert pages(out.read_bytes()) == 12  # no mitigation or frontier page


def test_report_cli_and_simulate_pdf(tmp_path, capsys):
    pack = tmp_path / "pack.pdf"
    argv = ["report", str(SAMPLES / "it_migration.csv"), "--schedule",
            str(SAMPLES / "it_migration_schedule.csv"), "-n", "1000", "--seed", "3",
            "-o", str(pack)]
    assert main(argv) == 0
    assert pack.exists() and "wrote" in capsys.readouterr().out
    charts = tmp_path / "charts.pdf"
    assert main(["simulate", str(SAMPLES / "office_fitout.csv"), "-n", "1000", "--pdf",
                 str(charts), "-q"]) == 0
    assert pages(charts.read_bytes()) == 2
    assert main(["report", str(SAMPLES / "it_migration.csv"), "-o",
                 str(tmp_path / "nope" / "x.pdf")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_pack_bytes_do_not_depend_on_the_process(tmp_path):
    import subprocess
    import sys

    script = ("import riskkit as rk, warnings, sys; warnings.simplefilter('ignore');"
              f"reg = rk.read_register(r'{SAMPLES / 'office_fitout.csv'}');"
              f"sch = rk.read_schedule(r'{SAMPLES / 'office_fitout_schedule.csv'}');"
              "rk.write_report(sys.argv[1], reg, sch, iterations=500, rng=3)")
    outputs = []
    for hashseed in ("1", "2"):
        out = tmp_path / f"p{hashseed}.pdf"
        env = {**__import__("os").environ, "PYTHONHASHSEED": hashseed,
               "SOURCE_DATE_EPOCH": "1800000000"}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
