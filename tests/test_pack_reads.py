"""The pack reads right for a committee (issue 17, section 3).

Most checks read the written PDF as a reader's tools do (``pdftotext``, with word boxes
for overflow), so they hold whatever code drew the pages; they skip where poppler's
``pdftotext`` is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit import plot

from .conftest import SAMPLES

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler's pdftotext is not installed")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as pdftotext reads it (reading order, not layout)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8")
    return out.split("\f")[:-1]


def pdf_words(path: Path) -> list[tuple[float, float, list[tuple[float, float, float, float,
                                                                   str]]]]:
    """Per page: its width, its height and its words' boxes (x0, y0, x1, y1, text),
    y growing downwards."""
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True).stdout.decode("utf-8")
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html,
                         re.S):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
                 re.findall(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                            r'yMax="([-\d.]+)">(.*?)</word>', m.group(3))]
        # pdftotext gives a ligature (fi, ffi ...) a box of its own, oddly tall
        words = [w for w in words if w[4] not in ("ff", "fi", "fl", "ffi", "ffl")]
        pages.append((float(m.group(1)), float(m.group(2)), words))
    return pages


def page_titled(pages: list[str], start: str) -> str:
    found = [p for p in pages if p.lstrip().startswith(start)]
    assert found, f"no page starts with {start!r}"
    return found[0]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The bundled office fit-out pack, with a start, two holidays and the value of a day."""
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = rk.analyse(reg, sch, iterations=2_000, rng=5, start="2027-01-04",
                              holidays=["2027-03-26", "2027-03-29"], value_per_day=5_000)
    path = rk.write_report(analysis, tmp_path_factory.mktemp("office") / "pack.pdf",
                           currency="£")
    return analysis, path


@pytest.fixture(scope="module")
def no_schedule(tmp_path_factory):
    """The IT migration register alone: its risks name activities, but no schedule."""
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rk.write_report(tmp_path_factory.mktemp("it") / "pack.pdf", reg,
                               iterations=2_000, rng=5)


LONG_FOLDER = ("registers_of_the_northern_region_headquarters_programme_2027/"
               "office_fit_out_and_relocation_of_the_finance_and_people_directorates")
LONG_NAME = ("Northern_Region_Headquarters_Office_Fit_Out_and_Relocation_Quantitative_Risk_"
             "Register_revision_14_issued_for_steering_committee_review_FINAL_v2.csv")


@pytest.fixture(scope="module")
def long_names(tmp_path_factory):
    """The office fit-out with very long titles, owners and mitigations, read from a file
    with a very long name in very long folders."""
    frame = pd.read_csv(SAMPLES / "office_fitout.csv")
    frame["Title"] = [f"{t}, as reported by the site team at the fortnightly progress "
                      f"meeting of the principal contractor and the client's project "
                      f"manager (see minutes {i})" for i, t in enumerate(frame["Title"])]
    frame["Owner"] = frame["Owner"] + " (Head of Estates and Facilities Management)"
    frame["Mitigation"] = frame["Mitigation"].fillna("") + (
        " agreed with the landlord's surveyor and recorded in the change control log "
        "before the works start on site")
    folder = tmp_path_factory.mktemp("long") / LONG_FOLDER
    folder.mkdir(parents=True)
    source = folder / LONG_NAME
    frame.to_csv(source, index=False)
    reg = rk.read_register(source)
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = rk.analyse(reg, sch, iterations=2_000, rng=5, start="2027-01-04",
                              value_per_day=5_000)
    return analysis, rk.write_report(analysis, folder / "pack.pdf", currency="£")


# --- start, calendar, scale; the plan's finish; the S-curve in dates -------------------

@needs_pdftotext
def test_the_cover_states_the_start_calendar_scale_and_currency(office):
    """On main the cover named the files, the date and the run only."""
    _, path = office
    pages = pdf_pages(path)
    cover = " ".join(pages[0].split())
    assert "Start: Monday 4 January 2027" in cover
    assert "Calendar: Monday to Friday without 2 holidays (26 Mar 2027, 29 Mar 2027)" in cover
    assert "Scale: none needed" in cover and "Amounts: £" in cover
    method = " ".join(" ".join(p.split()) for p in pages if "Assumptions and method" in p)
    assert "Start: Monday 4 January 2027" in method and "Qualitative scores" in method


@needs_pdftotext
def test_the_plan_finish_has_a_date(office):
    """On main the summary's base row read "167 d" with no date."""
    analysis, path = office
    res = analysis.current
    finish = pd.Timestamp(str(res.calendar.finish_date(res.start, res.base_schedule)))
    when = f"{finish.day} {finish:%b %Y}"  # 24 Aug 2027
    summary = " ".join(page_titled(pdf_pages(path), "Executive summary").split())
    assert f"{res.base_schedule:,.0f} d ({when})" in summary
    assert f"finishing {when}" in summary


def test_the_finish_s_curve_reads_in_dates(office):
    """A date axis on top with month ticks where each month begins, and every
    percentile's date on its mark; on main the axis was in working days only."""
    analysis, _ = office
    res, after = analysis.current, analysis.mitigated
    fig, ax = plt.subplots()
    plot.s_curve({"current": res, "mitigated": after}, "schedule", ax=ax)
    tops = [c for c in ax.child_axes]
    assert len(tops) == 1
    fig.canvas.draw()
    labels = [t.get_text() for t in tops[0].get_xticklabels()]
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", x) for x in labels)
    # the tick of a month is where its first working day begins
    for tick, label in zip(tops[0].get_xticks(), labels):
        month = pd.Timestamp(f"1 {label}").date()
        first_day = res.calendar.finish_date(res.start, tick + 1)
        assert str(first_day)[:7] == str(month)[:7]
    texts = " ".join(t.get_text() for t in ax.texts)
    assert plot.style.date_text(res.finish_date(0.8)) in texts
    assert plot.style.date_text(after.finish_date(0.8)) in texts


def test_the_mitigated_s_curve_marks_its_percentiles_as_the_current_one(office):
    """On main only the first curve's P10-P90 were marked and labelled."""
    analysis, _ = office
    res, after = analysis.current, analysis.mitigated
    fig, ax = plt.subplots()
    plot.s_curve({"current": res, "mitigated": after}, "cost", ax=ax, currency="£")
    for i, result in enumerate((res, after)):
        marker = plot.MARKERS[i]
        xs = sorted(line.get_xdata()[0] for line in ax.lines if line.get_marker() == marker)
        assert xs == pytest.approx([result.percentile(q, "cost") for q in (0.1, 0.5, 0.8, 0.9)])
    texts = [t.get_text() for t in ax.texts]
    for q in (0.1, 0.5, 0.8, 0.9):
        label = f"P{round(q * 100)} {rk._format.money(after.percentile(q, 'cost'), '£')}"
        assert label in texts


# --- opportunities ------------------------------------------------------------------

def test_the_tornado_shows_opportunities_as_savings(office):
    """OF-16 (value engineering) saves P80 cost: its bar is to the left, labelled as a
    saving. On main the top 12 bars were the 12 largest threats, so it was not shown."""
    analysis, _ = office
    fig, ax = plt.subplots()
    plot.tornado(analysis.drivers, "cost", ax=ax, top=12, currency="£")
    labels = [t.get_text().split()[0] for t in ax.get_yticklabels()]
    assert "OF-16" in labels
    y = ax.get_yticks()[labels.index("OF-16")]
    bar = next(b for b in ax.patches if abs(b.get_y() + b.get_height() / 2 - y) < 1e-9)
    row = analysis.drivers.table.set_index("id").loc["OF-16"]
    assert bar.get_width() == pytest.approx(row["p80_cost_reduction"]) and bar.get_width() < 0
    assert any(t.get_text() == "saves " + rk._format.compact(-row["p80_cost_reduction"], "£")
               for t in ax.texts)
    assert "opportunity: saves" in [t.get_text() for t in ax.get_legend().get_texts()]


def _small_register():
    return rk.read_register(pd.DataFrame({
        "id": ["T1", "S1", "O1", "O2"],
        "title": ["cost threat", "delay threat", "cost opportunity", "delay opportunity"],
        "probability": [0.2, 0.5, 0.35, 0.75],
        "cost_min": [40_000, None, -30_000, None],
        "cost_most_likely": [60_000, None, -20_000, None],
        "cost_max": [80_000, None, -10_000, None],
        "schedule_min": [None, 20, None, -6],
        "schedule_most_likely": [None, 30, None, -4],
        "schedule_max": [None, 40, None, -2]}))


def test_heat_maps_keep_opportunities_apart_and_place_delays_on_the_schedule_map():
    """The cost map holds cost impacts only (threats right, opportunities on their own
    matrix to the left); the schedule map places the delay-only risk by its delay. On
    main the delay-only risk sat in the lowest cost band of the cost map."""
    reg = _small_register()
    fig, (a, b) = plt.subplots(1, 2)
    plot.heat_map(reg, ax=a, metric="cost")
    plot.heat_map(reg, ax=b, metric="schedule")
    placed = {m: {t.get_text(): t.get_position() for t in ax.texts if t.get_text() in
                  ("T1", "S1", "O1", "O2")} for m, ax in (("cost", a), ("schedule", b))}
    assert set(placed["cost"]) == {"T1", "O1"} and set(placed["schedule"]) == {"S1", "O2"}
    assert placed["cost"]["T1"][0] > 0 > placed["cost"]["O1"][0]  # apart
    assert placed["schedule"]["O2"][0] < 0 < placed["schedule"]["S1"][0]
    bands = plot.impact_bands_of(reg, "schedule")
    column = int(np.searchsorted(bands, 30.0, side="right"))
    # probability 50% is on an edge: it belongs to the band above it (50-70%), row 3
    assert placed["schedule"]["S1"] == (column, 3)
    assert "1 risk without a cost impact" not in a.get_xlabel()  # S1 and O2: two
    assert "2 risks without a cost impact not on this map" in a.get_xlabel()
    assert "a value on a band edge is in the band above it" in a.get_xlabel()


def test_heat_map_edges_are_written_once_and_the_colours_explained():
    """On main the rows read "30%–50%" and "50%–70%": 50% on both."""
    reg = _small_register()
    fig, ax = plt.subplots()
    plot.heat_map(reg, ax=ax, metric="cost", currency="£")
    fig.canvas.draw()
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["0%", "10%", "30%", "50%", "70%", "100%"]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    threat_edges = columns[:5]
    assert len(set(threat_edges)) == 5 and threat_edges[0] == "0"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [x.split()[0] for x in legend] == ["very", "high", "medium", "low"]
    assert "low (1–4)" in legend


# --- plain words ----------------------------------------------------------------------

JARGON = ("iid", "common random numbers", "Hulett", "Shapley", "Iman")


@needs_pdftotext
def test_a_page_says_what_the_results_mean_in_plain_words(office):
    """On main there was no such page, the summary's "P(meeting base) 0%" stood
    unexplained and there was no glossary."""
    analysis, path = office
    pages = pdf_pages(path)
    meaning = " ".join(page_titled(pages, "What the results mean").split())
    for heading in ("How likely is the plan?", "What to budget and promise",
                    "What needs the contingency", "Opportunities",
                    "What the mitigations buy", "How far to trust these figures"):
        assert heading in meaning
    res = analysis.current
    n = f"{res.iterations:,}"
    p = res.probability_within(res.base_schedule, "schedule")
    assert p == 0.0 and f"in none of the {n} simulated outcomes" in meaning
    assert "is a target, not a forecast" in meaning and "(0% when none)" in meaning
    assert rk._format.money(res.percentile(0.8, "cost"), "£") in meaning
    for word in JARGON:
        assert word not in meaning
    summary = " ".join(page_titled(pages, "Executive summary").split())
    assert "P(meeting base)" not in summary and f"0 of {n}" in summary
    method = " ".join(" ".join(p.split()) for p in pages if "Assumptions and method" in p)
    for word in ("iid formula", "common random numbers", "Hulett's method"):
        assert word in method
    for term in ("P50, P80", "contingency", "criticality", "joint confidence"):
        assert term in method.split("Terms used in the pack", 1)[1]


def test_the_plain_words_follow_fixed_rules():
    """Rule 1 (chances in words, with counts) and rule 7 (precision) on a register whose
    answer is known: one risk that always costs 1,000 and one that never occurs."""
    from riskkit.report.meaning import chance_words, meaning

    assert [chance_words(p) for p in (0.0, 0.049, 0.05, 0.5, 0.94, 0.95, 1.0)] == [
        "very unlikely", "very unlikely", "unlikely", "about as likely as not", "likely",
        "very likely", "very likely"]
    reg = rk.read_register(pd.DataFrame({"id": ["A", "B"], "probability": [1.0, 0.0],
                                         "cost_impact": [1_000, 5_000]}))
    analysis = rk.analyse(reg, iterations=1_000, rng=1)
    said = dict(meaning(analysis, "£"))
    assert "The risks add no cost in none of the 1,000 simulated outcomes" in \
        said["What the figures measure"]
    promise = said["What to budget and promise"]
    assert "the risks add £1,000 or less in half of the outcomes (P50)" in promise
    assert "precise enough to decide on" in said["How far to trust these figures"]
    assert said["What the mitigations buy"] == "The register lists no mitigations."


# --- nothing overflows; titles whole where they fit ---------------------------------

def _ink(w):
    """Where a word's letters are: pdftotext's boxes span the font's whole height
    (ascent to descent, about 1.7 times the size), the letters their middle 60%."""
    middle, half = (w[1] + w[3]) / 2, 0.3 * (w[3] - w[1])
    return w[0], middle - half, w[2], middle + half


def _overlap(a, b, slack=0.5):
    """Whether two words overprint."""
    a, b = _ink(a), _ink(b)
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and \
        b[1] < a[3] - slack


@needs_pdftotext
def test_long_file_names_and_titles_stay_on_the_page_and_clear_of_the_footer(long_names):
    """Every word of every page lies on the page, none touches the footer, and on the
    text pages (cover, plain words, method) no two words overprint. On main the cover's
    file name ran off the page and the method page's Sources ran into the footer."""
    _, path = long_names
    pages = pdf_words(path)
    texts = pdf_pages(path)
    assert len(pages) == len(texts) > 8
    for k, ((width, height, words), text) in enumerate(zip(pages, texts), start=1):
        for w in words:
            x0, y0, x1, y1 = _ink(w)
            assert -0.5 <= x0 and x1 <= width + 0.5 and -0.5 <= y0 and y1 <= height + 0.5, \
                (k, w)
        footer = [w for w in words if w[1] > height - 22 and w[2] > width * 0.3]
        assert bool(footer) is (k > 1), k  # every page but the cover has one
        others = [w for w in words if w not in footer]
        for f in footer:
            for w in others:
                assert not _overlap(f, w), (k, f[4], w[4])
        if k == 1 or "What the results mean" in text[:40] or "Assumptions and method" in \
                text[:40]:
            for i, a in enumerate(words):
                for b in words[i + 1:]:
                    assert not _overlap(a, b, slack=1.0), (k, a[4], b[4])
    cover = " ".join(texts[0].split())
    assert "revision_14_issued_for_steering_committee_review_FINAL_v2.csv" in \
        cover.replace(" ", "").replace("…", "") or "FINAL_v2.csv" in cover


def test_table_cells_hold_their_text(long_names):
    """Every table cell's text lies inside its cell once the page is laid out (long
    titles, owners and mitigations wrap to two lines and end with "…" after a whole
    word when they need more)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.table import Table

    from riskkit.report import pack_pages
    from riskkit.report.layout import lay_out

    analysis, _ = long_names
    checked = 0
    for fig in pack_pages(analysis, currency="£"):
        FigureCanvasAgg(fig)
        lay_out(fig)
        fig.canvas.draw()  # the cells place their text when drawn
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            for table in [c for c in ax.get_children() if isinstance(c, Table)]:
                for cell in table.get_celld().values():
                    text = cell.get_text()
                    if not text.get_text():
                        continue
                    box, inside = text.get_window_extent(renderer), \
                        cell.get_window_extent(renderer)
                    assert box.x0 >= inside.x0 - 0.5 and box.x1 <= inside.x1 + 0.5, \
                        text.get_text()
                    assert box.y0 >= inside.y0 - 0.5 and box.y1 <= inside.y1 + 0.5, \
                        text.get_text()
                    if text.get_text().endswith("…"):
                        assert not text.get_text()[-2].isspace()
                    checked += 1
            assert ax.get_position().y0 >= 0.0
        plt.close(fig)
    assert checked > 300


@needs_pdftotext
def test_titles_are_not_cut_mid_word_where_they_fit(office):
    """The top-20 table and the tornado keep whole titles (on two lines where needed):
    on main "Lift refurbishment clashes with fit-…" and "Out-of-hours working
    restrictions…" were cut."""
    _, path = office
    text = " ".join(" ".join(p.split()) for p in pdf_pages(path))
    assert "fit-…" not in text and not re.search(r"\w-…", text)
    table = " ".join(page_titled(pdf_pages(path), "Top 20 risks").split())
    for title in ("Out-of-hours working restrictions imposed by landlord",
                  "Mechanical and electrical design not coordinated"):
        assert title in table


# --- without a schedule; the top-20 table's mitigation column -----------------------------

@needs_pdftotext
def test_a_pack_without_a_schedule_warns_that_activity_links_were_ignored(no_schedule):
    """On main its method page said correlation "arises only through shared activities
    in the schedule" (there is none) and nothing said the activities were ignored."""
    pages = pdf_pages(no_schedule)
    text = " ".join(" ".join(p.split()) for p in pages)
    assert "shared activities" not in text
    summary = " ".join(page_titled(pages, "Executive summary").split())
    method = " ".join(" ".join(p.split()) for p in pages if "Assumptions and method" in p)
    for page in (summary, method):
        assert "were ignored and each of their delays was added to the total delay" in page
    assert "Warning: activities ignored" in method


@needs_pdftotext
def test_the_top_20_mitigation_column_holds_the_mitigation(office):
    """On main the column headed "mitigation" held only its cost ("£3k")."""
    table = " ".join(page_titled(pdf_pages(office[1]), "Top 20 risks").split())
    assert "mitigation (cost: action)" in table
    assert "£3k: Formal change control board" in table  # OF-06
    assert "free: Submit clearance requests 6 weeks ahead" in table  # OF-22, no cost


@needs_pdftotext
def test_a_register_without_mitigations_never_speaks_of_funding_them(tmp_path):
    """Review of #17: 'Funding every mitigation moves the P80 ...' stood above 'The
    register lists no mitigations'."""
    reg = rk.read_register(pd.DataFrame({"id": ["R1", "R2"], "probability": [0.3, 0.5],
                                         "cost_impact": [10_000, 5_000]}))
    out = rk.write_report(tmp_path / "bare.pdf", reg, iterations=1_000, rng=1)
    summary = page_titled(pdf_pages(out), "Executive summary")
    assert "Funding every mitigation" not in summary
    assert "The register lists no mitigations" in summary
