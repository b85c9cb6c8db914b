"""The portfolio section of the pack: its pages, the board page's figures (read back
from the PDF as a reader's tools do), the allocation table, and ``riskkit portfolio -o``."""

import itertools
import shutil
import subprocess
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib.text import Text

import riskkit as rk
from riskkit.cli import main
from riskkit.plot.portfolio import (
    contingency_bridge,
    portfolio_heat_map,
    portfolio_s_curves,
    project_confidence,
)
from riskkit.report.portfolio import board_lines, portfolio_pages, write_portfolio_pack

from .conftest import SAMPLES

matplotlib.use("Agg")
MANIFEST = str(Path(SAMPLES) / "portfolio" / "portfolio.csv")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler's pdftotext is not installed")


@pytest.fixture(scope="module")
def result():
    return rk.simulate_portfolio(rk.read_portfolio(MANIFEST), iterations=2000, rng=7)


@pytest.fixture(scope="module")
def pack(result, tmp_path_factory):
    return write_portfolio_pack(result, tmp_path_factory.mktemp("pf") / "pack.pdf")


def _pages(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def test_pages_board_charts_and_one_per_programme(result):
    pages = portfolio_pages(result)
    assert len(pages) == 3 + len(result.programmes)


@needs_pdftotext
def test_board_page_states_the_numbers_of_the_result(result, pack):
    pages = _pages(pack)
    assert len(pages) == 3 + len(result.programmes)
    board = " ".join(pages[0].split())
    m = result.money
    c = result.portfolio.statistics("cost")
    for figure in (c["p80"], c["p50"], c["p90"], result.portfolio.contingency_p80,
                   result.diversification_benefit_p80,
                   sum(p.contingency_p80 for p in result.projects.values())):
        assert m(figure) in board
    for row in result.allocation().itertuples():
        assert row.project in board
        assert m(row.allocated_contingency_p80) in board
    for name in result.programmes:
        assert any(f"Programme: {name}" in p for p in pages[3:])


def test_board_lines_name_the_projects_most_in_need(result):
    top = result.allocation().iloc[0]
    assert top.project in board_lines(result)[2]


def test_allocation_table_sums_to_the_portfolio_contingency(result):
    alloc = result.allocation()
    cents = round(alloc["allocated_contingency_p80"].sum() * 100)
    assert cents == round(result.portfolio.contingency_p80 * 100)
    for lv in result.programmes.values():
        part = alloc[alloc["project"].isin(lv.projects)]["allocated_contingency_p80"].sum()
        assert round(part * 100) == round(lv.allocated * 100)


def test_bridge_steps_add_up(result):
    ax = contingency_bridge(result)
    heights = [p.get_height() for p in ax.patches]
    assert heights[0] + heights[1] == pytest.approx(heights[2], abs=1e-6)
    assert heights[1] == pytest.approx(-result.diversification_benefit_p80)


def test_charts_draw_every_project(result):
    ax = portfolio_s_curves(result)
    assert len(ax.lines) >= len(result.programmes) + 1
    prog = next(iter(result.programmes))
    ax = portfolio_s_curves(result, prog)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(result.programmes[prog].projects) <= set(labels)
    ax = project_confidence(result)
    texts = {t.get_text() for t in ax.texts}
    assert {k for k, lv in result.projects.items() if lv.budget is not None} <= texts
    ax = portfolio_heat_map(result)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(result.projects)


def test_cli_writes_the_pack(tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    assert main(["portfolio", MANIFEST, "-n", "1000", "--seed", "3", "-q", "-o",
                 str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_writing_the_pack_warns_nothing(result, tmp_path):
    # hand-placed pages are not given to tight_layout, which warned about their axes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_portfolio_pack(result, tmp_path / "pack.pdf")


def test_project_labels_do_not_overprint_and_amounts_carry_the_symbol(result):
    ax = project_confidence(result)
    fig = ax.get_figure()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    names = [t for t in ax.texts if t.get_text() in result.projects]
    assert len(names) == len(result.projects)
    # the text's own box (an annotation's includes its leader line)
    boxes = [Text.get_window_extent(t, renderer) for t in names]
    assert not [(a, b) for a, b in itertools.combinations(range(len(boxes)), 2)
                if boxes[a].overlaps(boxes[b])]
    bridge = contingency_bridge(result)
    assert all(t.get_text().lstrip("-").startswith("£") for t in bridge.texts)
