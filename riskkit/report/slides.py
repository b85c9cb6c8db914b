"""The pack as 16:9 PowerPoint slides (``riskkit report ... -o pack.pptx``,
:func:`write_slides`), through python-pptx (the ``pptx`` extra).

Each page of the PDF pack becomes one slide, taken apart rather than pasted as a
picture: its title goes into the layout's title placeholder; its tables
(:func:`riskkit.report.layout.draw_table`) become real, editable PowerPoint tables with
the cells as written; its text (the plain-words pages, the summary's bullets, the
glossary) becomes text boxes with the page's line breaks, sizes, weights and colours;
each chart (an axes, with any axes that overlap it, such as a colour bar) becomes a
picture rendered at 220 dpi of the page, about 280 dpi on the slide. The page's area
below its title is mapped onto the slide's area below the title placeholder: positions
stretch to the wider slide, while pictures keep their proportions and type is scaled
by the smaller of the two stretches, so nothing overlaps that did not on the page.

A ``template`` (a .pptx or .potx) gives the slide size, the theme (fonts and colours)
and the layouts: slides use its "Title Only" layout, or the layout with a title and the
fewest other placeholders; the template's own slides are not kept.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .._version import __version__
from ..analysis import Analysis
from ..exceptions import InputError, Problem
from .layout import check_folder, lay_out, now, table_cells, text_width

__all__ = ["write_slides"]

_DPI = 220  # of the page: a picture on the slide is about 1.25 times denser
_TOP = 0.94  # the pages' layout keeps their content below this figure fraction
_EMU = 914400  # per inch


def write_slides(analysis: Analysis, path: str | os.PathLike[str], *,
                 title: str | None = None, currency: str | None = None,
                 template: str | os.PathLike[str] | None = None) -> Path:
    """Write the pack of ``analysis`` (from :func:`riskkit.analyse`) as slides, one per
    page of the PDF pack, and return the path.

    Examples
    --------
    >>> import riskkit as rk, tempfile, os
    >>> from riskkit.report.slides import write_slides
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> analysis = rk.analyse(reg, iterations=1_000, rng=1)
    >>> out = write_slides(analysis, os.path.join(tempfile.mkdtemp(), "pack.pptx"))
    >>> from pptx import Presentation
    >>> len(Presentation(out).slides) >= 10
    True
    """
    from . import pack_pages, pack_title

    path = Path(path)
    check_folder(path)
    prs = _presentation(path, template)
    layout = _title_layout(prs)
    when = now()
    for fig in pack_pages(analysis, title=title, currency=currency, when=when):
        _slide(prs, layout, lay_out(fig), template is not None)
    props = prs.core_properties
    props.title = pack_title(analysis, title)
    props.author = "riskkit"
    props.subject = "Quantitative risk analysis"
    props.keywords = "risk; Monte Carlo; contingency"
    props.comments = f"riskkit {__version__}"
    stamp = when.replace(tzinfo=None)
    props.created = props.modified = stamp
    props.last_modified_by = "riskkit"
    props.revision = 1
    prs.save(os.fspath(path))
    return path


def _presentation(path: Path, template: str | os.PathLike[str] | None) -> Any:
    try:
        from pptx import Presentation
        from pptx.util import Inches
    except ImportError:
        raise InputError(Problem(
            "writing .pptx slides needs python-pptx", source=os.fspath(path),
            hint='pip install "riskkit[pptx]", or write the pack as a .pdf')) from None
    if template is None:
        prs = Presentation()
        prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
        return prs
    name = os.fspath(template)
    if not Path(name).is_file():
        raise InputError(Problem(f"the slide template {name} does not exist", source=name))
    try:
        prs = Presentation(name)
    except Exception as exc:  # python-pptx raises zipfile, KeyError, lxml errors, ...
        raise InputError(Problem(
            f"cannot read the slide template: {exc}", source=name,
            hint="give a PowerPoint .pptx (or .potx saved as .pptx)")) from None
    ids = prs.slides._sldIdLst  # the template's own slides are not kept
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


def _title_layout(prs: Any) -> Any:
    """The template's "Title Only" layout, else the one with a title and the fewest
    other placeholders."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    titled = []
    for layout in prs.slide_layouts:
        kinds = [ph.placeholder_format.type for ph in layout.placeholders]
        if PP_PLACEHOLDER.TITLE in kinds or PP_PLACEHOLDER.CENTER_TITLE in kinds:
            if layout.name.strip().lower() == "title only":
                return layout
            titled.append((len(kinds), layout))
    if not titled:
        return prs.slide_layouts[len(prs.slide_layouts) - 1]
    return min(titled, key=lambda pair: pair[0])[1]


@dataclass(frozen=True)
class _Frame:
    """Where the page's content area (figure fractions, y from 0 up to ``_TOP``) goes on
    the slide, in EMU, and how much type shrinks or grows."""

    left: float
    top: float
    width: float
    height: float
    type_scale: float

    def box(self, bbox: Bbox, fig_w: float, fig_h: float) -> tuple[float, float, float, float]:
        """``bbox`` (pixels of the page) as left, top, width, height on the slide."""
        x0, x1 = bbox.x0 / fig_w, bbox.x1 / fig_w
        y0, y1 = bbox.y0 / fig_h, bbox.y1 / fig_h
        left = self.left + x0 * self.width
        top = self.top + (_TOP - y1) / _TOP * self.height
        return left, top, (x1 - x0) * self.width, (y1 - y0) / _TOP * self.height


def _slide(prs: Any, layout: Any, fig: Figure, templated: bool) -> None:
    from pptx.util import Emu, Inches

    slide = prs.slides.add_slide(layout)
    title_shape = slide.shapes.title
    sw, sh = int(prs.slide_width), int(prs.slide_height)
    margin = Inches(0.3)
    heading = fig.get_suptitle()
    if title_shape is not None and heading.strip():
        if not templated:  # the default template is 4:3: put the title where it belongs
            title_shape.left, title_shape.top = Emu(margin), Inches(0.15)
            title_shape.width, title_shape.height = Emu(sw - 2 * margin), Inches(0.8)
        heading = heading.replace("\n", " ")
        room = (int(title_shape.width) - Inches(0.2)) / 12700  # points
        size = 24.0
        while size > 14.0 and text_width(heading, size, True) > room:
            size -= 1.0
        _set_text(title_shape.text_frame, heading, size=size, bold=not templated)
        content_top = int(title_shape.top) + int(title_shape.height) + Inches(0.08)
    else:
        if title_shape is not None:  # a page without a title (the cover): no empty box
            title_shape._element.getparent().remove(title_shape._element)
        content_top = Inches(0.3)
    content_top = min(content_top, sh // 3)
    fig_w_in, fig_h_in = fig.get_size_inches()
    width, height = sw - 2 * margin, sh - content_top - Inches(0.3)
    scale = min(width / (fig_w_in * _EMU), height / (_TOP * fig_h_in * _EMU))
    frame = _Frame(float(margin), float(content_top), float(width), float(height), scale)
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    fig_w, fig_h = fig_w_in * fig.dpi, fig_h_in * fig.dpi
    tables, texts, charts = _parts(fig)
    for ax in tables:
        _table(slide, ax, frame, renderer, fig_w, fig_h)
    for text in texts:
        _text_box(slide, text, frame, renderer, fig_w, fig_h, sw, sh)
    for group in _groups(charts, renderer):
        _picture(slide, fig, group, frame, renderer, fig_w, fig_h)


def _parts(fig: Figure) -> tuple[list[Axes], list[Text], list[Axes]]:
    """The page's tables, its texts (the figure's own, the footer's and those of axes
    that hold only text) and its charts."""
    tables: list[Axes] = []
    texts: list[Text] = [t for t in fig.texts if t.get_visible() and t.get_text().strip()
                         and t is not _title(fig)]  # the title is the placeholder's
    charts: list[Axes] = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        if table_cells(ax) is not None:
            tables.append(ax)
        elif _only_text(ax):
            texts += [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
        else:
            charts.append(ax)
    return tables, texts, charts


def _title(fig: Figure) -> Text | None:
    """The page's title (matplotlib keeps its suptitle among the figure's texts)."""
    title = getattr(fig, "_suptitle", None)
    return title if isinstance(title, Text) else None


def _only_text(ax: Axes) -> bool:
    drawn = (ax.lines, ax.collections, ax.images, ax.patches, ax.tables, ax.artists)
    return not ax.axison and not any(len(x) for x in drawn) and bool(ax.texts)


def _groups(charts: list[Axes], renderer: Any) -> list[tuple[list[Axes], Bbox]]:
    """Charts whose extents (labels and legends included) overlap, drawn as one
    picture: a plot and its colour bar, twin axes."""
    groups: list[tuple[list[Axes], Bbox]] = []
    for ax in charts:
        extent = ax.get_tightbbox(renderer)
        if extent is None:
            continue
        members, box = [ax], Bbox(extent.get_points())
        for other in list(groups):
            if other[1].overlaps(box):
                groups.remove(other)
                members = other[0] + members
                box = Bbox.union([box, other[1]])
        groups.append((members, box))
    return groups


def _picture(slide: Any, fig: Figure, group: tuple[list[Axes], Bbox], frame: _Frame,
             renderer: Any, fig_w: float, fig_h: float) -> None:
    from pptx.util import Emu

    members, box = group
    pad = 0.04 * fig.dpi
    box = Bbox.from_extents(max(box.x0 - pad, 0), max(box.y0 - pad, 0),
                            min(box.x1 + pad, fig_w), min(box.y1 + pad, fig_h))
    hidden: list[Any] = [a for a in fig.axes if a not in members and a.get_visible()]
    hidden += [t for t in fig.texts if t.get_visible()]
    title = _title(fig)
    if title is not None and title.get_visible():
        hidden.append(title)
    for artist in hidden:
        artist.set_visible(False)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=_DPI, facecolor="white",
                    bbox_inches=Bbox(box.get_points() / fig.dpi))
    finally:
        for artist in hidden:
            artist.set_visible(True)
    left, top, width, height = frame.box(box, fig_w, fig_h)
    # the picture keeps its proportions, centred in the stretched box
    aspect = box.width / box.height
    w = min(width, height * aspect)
    h = w / aspect
    buf.seek(0)
    slide.shapes.add_picture(buf, Emu(int(left + (width - w) / 2)),
                             Emu(int(top + (height - h) / 2)), Emu(int(w)), Emu(int(h)))


def _text_box(slide: Any, text: Text, frame: _Frame, renderer: Any, fig_w: float,
              fig_h: float, sw: int, sh: int) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu

    extent = text.get_window_extent(renderer)
    left, top, width, height = frame.box(extent, fig_w, fig_h)
    footer = text.get_gid() == "footer"
    size = float(text.get_fontsize()) * (1.0 if footer else frame.type_scale)
    width = width * 1.08 + 0.1 * _EMU  # room for the slide's font being wider
    if footer:  # the footer sits at the slide's foot, right-aligned
        top, height = sh - 0.28 * _EMU, 0.25 * _EMU
        left = sw - 0.3 * _EMU - width
    elif text.get_horizontalalignment() == "right":
        left = left - (width - extent.width / fig_w * frame.width)
    left = min(max(left, 0.0), sw - width) if width < sw else 0.0
    shape = slide.shapes.add_textbox(Emu(int(left)), Emu(int(top)), Emu(int(width)),
                                     Emu(int(max(height, size * 12700 * 1.3))))
    tf = shape.text_frame
    # the lines are the page's; the box is wider than they are, so wrapping keeps them
    # (and keeps the box's left edge where it is: an unwrapped box grows from its centre
    # in some applications)
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    weight = text.get_fontweight()
    bold = weight == "bold" or (isinstance(weight, int) and weight >= 600)
    _set_text(tf, text.get_text(), size=size, bold=bold, color=to_hex(text.get_color()),
              spacing=_line_spacing(text) * size,
              align=PP_ALIGN.RIGHT if footer or text.get_horizontalalignment() == "right"
              else None)


def _line_spacing(text: Text) -> float:
    spacing = text.get_linespacing()
    return float(spacing) if isinstance(spacing, (int, float)) else 1.2


def _set_text(tf: Any, text: str, *, size: float | None, bold: bool = False,
              color: str | None = None, spacing: float | None = None,
              align: Any = None) -> None:
    """``text`` in ``tf``, a paragraph per line, as a run of plain text (never a field
    or a formula)."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    tf.clear()
    for i, line in enumerate(text.split("\n")):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if spacing is not None:
            para.line_spacing = Pt(spacing)
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = line
        font = run.font
        if size is not None:
            font.size = Pt(round(size * 2) / 2)
        if bold:
            font.bold = True
        if color is not None:
            font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())


def _table(slide: Any, ax: Axes, frame: _Frame, renderer: Any, fig_w: float,
           fig_h: float) -> None:
    from pptx.util import Emu, Pt

    found = table_cells(ax)
    assert found is not None
    cells, widths = found
    drawn = ax.tables[0]
    extent = drawn.get_window_extent(renderer)
    left, top, width, height = frame.box(extent, fig_w, fig_h)
    size = max(float(drawn.get_celld()[(0, 0)].get_text().get_fontsize()) * frame.type_scale,
               7.0)
    shape = slide.shapes.add_table(len(cells), len(cells[0]), Emu(int(left)), Emu(int(top)),
                                   Emu(int(width)), Emu(int(height)))
    table = shape.table
    total = sum(widths) or 1.0
    for j, w in enumerate(widths):
        table.columns[j].width = Emu(int(width * w / total))
    row_height = Emu(int(min(height / len(cells), size * 12700 * 2.6)))
    for i, row in enumerate(cells):
        table.rows[i].height = row_height
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = Pt(3)
            cell.margin_top = cell.margin_bottom = Pt(1.5)
            _set_text(cell.text_frame, value, size=size, bold=i == 0)
