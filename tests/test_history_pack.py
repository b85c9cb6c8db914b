"""The register-over-time pack (riskkit.report.history, ``compare -o``, ``trend -o``),
its charts (riskkit.plot.history: severity_trend, heat_trajectory) and the severity
rule they count by (riskkit.analysis.severity)."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace

import matplotlib
import numpy as np
import pytest

import riskkit as rk
from riskkit.analysis.severity import LEVELS, SEVERITIES, band, level_of, severities
from riskkit.cli import main
from riskkit.report.history import headline, history_pages, top_changes, write_history_pack

from .conftest import SAMPLES

matplotlib.use("Agg")

JAN, FEB, MAR = (str(SAMPLES / f"office_fitout_2024-0{m}.csv") for m in (1, 2, 3))
N = 2_000
SEED = 5


def pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


@pytest.fixture(scope="module", autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        yield


@pytest.fixture(scope="module")
def snaps():
    return rk.read_snapshots([JAN, FEB, MAR])


@pytest.fixture(scope="module")
def feb_mar(snaps):
    return rk.compare(snaps[1], snaps[2], iterations=N, seed=SEED)


@pytest.fixture(scope="module")
def months(snaps):
    return rk.trend(snaps, iterations=N, seed=SEED, budget=[250_000, None, 220_000])


# -- severity ------------------------------------------------------------------------------

def test_severity_is_the_heat_maps_level_the_higher_of_cost_and_schedule(snaps):
    reg = snaps[0].register
    frame = severities(reg, cost_bands=[10_000, 20_000, 40_000, 80_000],
                       schedule_bands=[2, 5, 10, 20])
    assert list(frame["id"]) == [r.id for r in reg.active_risks]
    names = [name for _, name in LEVELS]
    for row in frame.itertuples():
        risk = reg.risk(row.id)
        p = risk.current.probability
        levels = []
        for d, bounds in ((risk.current.cost, [10_000, 20_000, 40_000, 80_000]),
                          (risk.current.schedule, [2, 5, 10, 20])):
            if d is not None and d.mean > 0:
                levels.append(level_of((band(p, (0.1, 0.3, 0.5, 0.7)) + 1)
                                       * (band(d.mean, bounds) + 1)))
        expected = names[max(levels)] if levels else "opportunity"
        assert row.severity == expected, row.id
    # OF-16 (a saving of 18k) and OF-17 (five days saved) are opportunities
    assert set(frame.loc[frame["severity"] == "opportunity", "id"]) == {"OF-16", "OF-17"}


def test_band_edges_belong_to_the_band_above():
    assert [band(v, (0.1, 0.3, 0.5, 0.7)) for v in (0.0, 0.1, 0.29, 0.3, 0.7, 1.0)] == [
        0, 1, 1, 2, 4, 4]
    assert [level_of(s) for s in (1, 4, 5, 9, 10, 14, 15, 25)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_open_risks_by_severity_add_up_to_the_open_risks(months, snaps):
    frame = months.severity_frame()
    assert list(frame.columns) == list(SEVERITIES)
    assert list(frame.index) == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert list(frame.sum(axis=1)) == [len(s.register.active_risks) for s in snaps]
    # one set of bands for every date: a risk that did not change keeps its level
    levels = [f.set_index("id")["severity"] for f in months.severities()]
    for rid in ("OF-03", "OF-21", "OF-26"):
        assert snaps[0].register.risk(rid).current == snaps[2].register.risk(rid).current
        assert levels[0][rid] == levels[1][rid] == levels[2][rid]


# -- charts ----------------------------------------------------------------------------------

def test_severity_bars_stack_to_the_open_risks(months):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert rk.plot.severity_trend(months, ax=ax) is ax
    frame = months.severity_frame()
    tops = {}
    for bar in ax.patches:
        x = round(bar.get_x() + bar.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), bar.get_y() + bar.get_height())
    assert [tops[i] for i in range(3)] == list(frame.sum(axis=1).astype(float))
    plt.close(fig)


def test_the_trajectory_draws_an_arrow_per_moved_risk(snaps):
    import matplotlib.pyplot as plt

    jan, feb = snaps[0].register, snaps[1].register
    # two risks re-assessed in probability, one closed, one new, the rest unchanged
    moved = {"OF-01": 0.5, "OF-04": 0.2}
    old = replace(jan, risks=tuple(r for r in jan.risks if r.id != "OF-31"))
    def edited(r: rk.Risk) -> rk.Risk:
        if r.id in moved:
            return replace(r, probability=moved[r.id])
        return replace(r, status="Closed") if r.id == "OF-12" else r

    new = replace(jan, risks=(*(edited(r) for r in jan.risks), feb.risk("OF-31")))
    fig, ax = plt.subplots()
    assert rk.plot.heat_trajectory([old, new], "cost", ax=ax) is ax
    arrows = [t for t in ax.texts if t.arrow_patch is not None]
    assert len(arrows) == 2
    labels = {t.get_text() for t in ax.texts}
    assert {"OF-01", "OF-04", "OF-31 (new)", "OF-12 (closed)"} <= labels
    # each arrow runs upwards (the probability rose) for OF-01, downwards for OF-04
    ends = sorted((a.xy[1] - a.xyann[1]) for a in arrows)
    assert ends[0] < 0 < ends[1]
    with pytest.raises(rk.OptionError, match="snapshots"):
        rk.plot.heat_trajectory([old], "cost", ax=ax)
    plt.close(fig)


def test_the_drawdown_chart_labels_the_headroom(months):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    rk.plot.contingency_trend(months, ax=ax, currency="£")
    frame = months.to_frame()
    said = [t.get_text() for t in ax.texts]
    assert len(said) == 2  # the February snapshot has no budget
    for text, i in zip(said, (0, 2)):
        room = frame["headroom"][i]
        assert text.startswith("headroom " if room >= 0 else "short by ")
    plt.close(fig)


# -- the pages ------------------------------------------------------------------------------

def test_top_changes_rank_by_the_larger_share_of_the_p80_effects(feb_mar):
    chosen = top_changes(feb_mar, 3)
    assert len(chosen) == 3 and {c.id for c in chosen} <= {c.id for c in feb_mar.changes}
    big_cost = max(abs(c.cost_p80) for c in feb_mar.changes)
    big_days = max(abs(c.schedule_p80) for c in feb_mar.changes)
    weights = [max(abs(c.cost_p80) / big_cost, abs(c.schedule_p80) / big_days)
               for c in chosen]
    assert weights == sorted(weights, reverse=True)
    rest = [c for c in feb_mar.changes if c not in chosen]
    assert all(max(abs(c.cost_p80) / big_cost, abs(c.schedule_p80) / big_days)
               <= weights[-1] for c in rest)


def test_the_headline_says_the_movement_of_the_comparison(feb_mar):
    text = headline(feb_mar, "£")
    moved = feb_mar.movement("cost_p80")
    assert rk.plot.money(moved, "£") in text
    assert f"{feb_mar.movement('schedule_p80'):+,.1f} d" in text
    same = rk.compare(FEB, FEB, iterations=N, seed=SEED)
    assert "Nothing a simulation reads has changed" in headline(same, "£")


def test_history_pages_by_what_is_given(feb_mar, months):
    assert len(history_pages(feb_mar)) == 2  # what changed, the heat map
    assert len(history_pages(feb_mar, months)) == 4  # + drawdown and severity
    assert len(history_pages(trend=months)) == 3
    with pytest.raises(rk.OptionError):
        history_pages()


def test_compare_pack_is_written_and_reproducible(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = []
    for name in ("a.pdf", "b.pdf"):
        path = tmp_path / name
        assert main(["compare", FEB, MAR, "-n", str(N), "--seed", str(SEED), "-o",
                     str(path), "--title", "Fit-out: what changed"]) == 0
        out.append(path.read_bytes())
    assert "wrote" in capsys.readouterr().out
    assert out[0] == out[1]
    assert pages(out[0]) == 2
    assert b"Fit-out: what changed" in out[0] and b"D:20270115" in out[0]


def test_trend_pack_is_written_and_reproducible(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = []
    for name in ("a.pdf", "b.pdf"):
        path = tmp_path / name
        assert main(["trend", JAN, FEB, MAR, "-n", str(N), "--seed", str(SEED),
                     "--budget", "250000,240000,220000", "-o", str(path), "-q"]) == 0
        out.append(path.read_bytes())
    assert out[0] == out[1]
    # what changed (February to March), the drawdown, severity, the heat map
    assert pages(out[0]) == 4
    one = tmp_path / "one.pdf"
    assert main(["trend", MAR, "-n", str(N), "--seed", str(SEED), "-o", str(one),
                 "-q"]) == 0
    assert pages(one.read_bytes()) == 2  # one snapshot: the drawdown and severity


def test_the_pack_is_a_pdf(tmp_path, capsys, feb_mar):
    for argv in (["compare", FEB, MAR], ["trend", FEB, MAR]):
        assert main([*argv, "-n", "500", "-o", str(tmp_path / "pack.pptx")]) == 2
        assert "the pack is a PDF" in capsys.readouterr().err
    assert not (tmp_path / "pack.pptx").exists()
    with pytest.raises(rk.OptionError, match="pdf"):
        write_history_pack(tmp_path / "pack.png", feb_mar)
    with pytest.raises(rk.InputError, match="does not exist"):
        write_history_pack(tmp_path / "no" / "pack.pdf", feb_mar)


def test_the_trend_packs_last_step_is_the_trends_own_runs(snaps):
    # the pack explains the last step with compare on the same seed: its old and new
    # runs are the trend's last two, number for number
    t = rk.trend(snaps, iterations=N, seed=SEED)
    c = rk.compare(snaps[1], snaps[2], iterations=N, seed=SEED)
    for metric in ("cost", "schedule"):
        assert np.array_equal(c.old.values(metric), t.results[1].values(metric))
        assert np.array_equal(c.new.values(metric), t.results[2].values(metric))


def test_a_pack_of_a_snapshot_against_itself_says_nothing_changed():
    same = rk.compare(FEB, FEB, iterations=N, seed=SEED)
    first = history_pages(same)[0]
    texts = [ax.get_title(loc) for ax in first.axes for loc in ("left", "center")]
    texts += [t.get_text() for ax in first.axes for t in ax.texts]
    texts += [t.get_text() for t in first.texts]
    texts = [t.replace("\n", " ") for t in texts]  # the page wraps its sentences
    assert any("No risk changed" in t for t in texts)
    assert any("Nothing a simulation reads has changed" in t for t in texts)
    # the waterfalls: the old and the new figure only, the same height
    bars = first.axes[0].patches
    assert len(bars) == 2 and bars[0].get_height() == bars[1].get_height()
