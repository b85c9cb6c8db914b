"""The pack as PowerPoint slides (issue 22, part 2)."""

import shutil
import subprocess
import sys

import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.report import pack_pages

from .conftest import SAMPLES

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.util import Inches  # noqa: E402

OFFICE = str(SAMPLES / "office_fitout.csv")
SCHEDULE = str(SAMPLES / "office_fitout_schedule.csv")


@pytest.fixture(scope="module")
def analysis():
    reg, sch = rk.read_register(OFFICE), rk.read_schedule(SCHEDULE)
    return rk.analyse(reg, sch, iterations=1_500, rng=3)


@pytest.fixture(scope="module")
def deck(analysis, tmp_path_factory):
    path = tmp_path_factory.mktemp("slides") / "pack.pptx"
    rk.write_report(analysis, path)
    return path


def titles(pages):
    return [fig._suptitle.get_text().replace("\n", " ") if fig._suptitle else ""
            for fig in pages]


def texts(slide):
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def tables(slide):
    return [shape.table for shape in slide.shapes if shape.has_table]


def test_one_16_9_slide_per_page_with_the_pages_title(analysis, deck):
    prs = Presentation(str(deck))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    pages = pack_pages(analysis)
    assert len(prs.slides) == len(pages)
    for slide, title in zip(prs.slides, titles(pages)):
        if title:
            assert slide.shapes.title.text_frame.text == title
        else:  # the cover: its title is the page's own text, no empty placeholder
            assert slide.shapes.title is None
            assert any("Quantitative risk analysis" in t for t in texts(slide))


def test_tables_are_real_tables_with_the_cells_as_written(analysis, deck):
    prs = Presentation(str(deck))
    (slide,) = [s for s in prs.slides if s.shapes.title is not None
                and s.shapes.title.text_frame.text.startswith("Top 20 risks")]
    (table,) = tables(slide)
    header = [table.cell(0, j).text for j in range(len(table.columns))]
    assert header[:2] == ["id", "risk"]
    ids = [table.cell(i, 0).text for i in range(1, len(table.rows))]
    active = {r.id for r in analysis.register.active_risks}
    assert len(ids) == 20 and set(ids) <= active
    titles_by_id = {r.id: r.title for r in analysis.register.active_risks}
    # whole titles, not the page's wrapped or shortened lines
    assert all(table.cell(i, 1).text == titles_by_id[ids[i - 1]]
               for i in range(1, len(table.rows)))


def test_the_plain_words_page_is_text_and_the_charts_are_sharp_pictures(deck):
    prs = Presentation(str(deck))
    (words,) = [s for s in prs.slides if s.shapes.title is not None
                and s.shapes.title.text_frame.text == "What the results mean"]
    body = "\n".join(texts(words))
    assert "How likely is the plan?" in body and "What needs the contingency" in body
    assert not [sh for sh in words.shapes if sh.shape_type == 13]  # no picture of text
    (curves,) = [s for s in prs.slides if s.shapes.title is not None
                 and s.shapes.title.text_frame.text.startswith("How likely are the cost")]
    pictures = [sh for sh in curves.shapes if sh.shape_type == 13]
    assert len(pictures) == 2  # the cost and the finish S-curves
    for pic in pictures:
        width_px, _ = pic.image.size
        dpi = width_px / (pic.width / Inches(1))
        assert dpi >= 200  # sharp when projected
        left, top = pic.left, pic.top
        assert 0 <= left and left + pic.width <= prs.slide_width
        assert 0 <= top and top + pic.height <= prs.slide_height


def test_every_shape_stays_on_its_slide(deck):
    prs = Presentation(str(deck))
    for slide in prs.slides:
        for sh in slide.shapes:
            assert sh.left >= 0 and sh.top >= 0
            assert sh.left + sh.width <= prs.slide_width + Inches(0.01)
            assert sh.top + sh.height <= prs.slide_height + Inches(0.01)


def test_a_formula_as_a_title_arrives_as_text(tmp_path):
    title = '=HYPERLINK("http://x","y")'
    path = tmp_path / "reg.csv"
    path.write_text("id,title,owner,probability,cost_most_likely\n"
                    f'R1,"{title.replace(chr(34), chr(34) * 2)}",@owner,0.5,100\n'
                    "R2,Second risk,Ann,0.4,50\n", encoding="utf-8")
    out = tmp_path / "pack.pptx"
    rk.write_report(out, rk.read_register(path), iterations=500, rng=1)
    prs = Presentation(str(out))
    cells = [t.cell(i, j).text for s in prs.slides for t in tables(s)
             for i in range(len(t.rows)) for j in range(len(t.columns))]
    assert title in cells
    assert "@owner" in cells
    # as a plain run of text: python-pptx writes no field or hyperlink for it
    xml = b"".join(s.part.blob for s in prs.slides)
    assert b"hlinkClick" not in xml and b"<a:fld" not in xml


def test_a_template_gives_the_slide_size_theme_and_layout(analysis, tmp_path):
    template = Presentation()  # 4:3, with a slide of its own that must not be kept
    template.slides.add_slide(template.slide_layouts[0]).shapes.title.text = "Corporate"
    template.save(str(tmp_path / "corporate.pptx"))
    out = tmp_path / "pack.pptx"
    rk.write_report(analysis, out, template=tmp_path / "corporate.pptx")
    prs = Presentation(str(out))
    assert (prs.slide_width, prs.slide_height) == (Inches(10), Inches(7.5))
    assert len(prs.slides) == len(pack_pages(analysis))
    assert all(s.slide_layout.name == "Title Only" for s in prs.slides)
    assert not any("Corporate" in t for s in prs.slides for t in texts(s))
    for slide in prs.slides:
        for sh in slide.shapes:
            assert sh.left + sh.width <= prs.slide_width + Inches(0.01)


def test_slides_from_the_cli_and_bad_templates(tmp_path, capsys):
    out = tmp_path / "pack.pptx"
    assert main(["report", OFFICE, "-n", "500", "--seed", "2", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out and out.stat().st_size > 0
    assert main(["report", OFFICE, "-n", "500", "--seed", "2", "-o", str(out),
                 "--template", str(tmp_path / "missing.pptx")]) == 2
    assert "the slide template" in capsys.readouterr().err
    junk = tmp_path / "junk.pptx"
    junk.write_text("not a presentation")
    assert main(["report", OFFICE, "-n", "500", "--seed", "2", "-o", str(out),
                 "--template", str(junk)]) == 2
    assert "cannot read the slide template" in capsys.readouterr().err
    assert main(["report", OFFICE, "-n", "500", "--seed", "2", "-o",
                 str(tmp_path / "pack.pdf"), "--template", str(out)]) == 2
    assert "template" in capsys.readouterr().err


def test_without_python_pptx_the_message_names_the_extra(analysis, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pptx", None)
    with pytest.raises(rk.InputError, match=r'needs python-pptx.*riskkit\[pptx\]'):
        rk.write_report(analysis, tmp_path / "pack.pptx")


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_every_slide(deck, tmp_path):
    done = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir",
                           str(tmp_path), str(deck)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "pack.pdf"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(next(line for line in info.splitlines()
                         if line.startswith("Pages:")).split()[1])
        assert pages == len(Presentation(str(deck)).slides)
    else:
        assert pdf.stat().st_size > 10_000
