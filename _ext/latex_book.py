"""Sphinx extension: how the PDF (``make pdf``) sets titles, code and tables.

Two parts, both for the LaTeX builder only (the site is not affected):

* ``_ext/static/lstmbook.sty``, copied next to the generated ``.tex`` (as
  ``latex_additional_files`` would) and loaded after Sphinx's own packages, which it adjusts:
  chapter titles keep their case, code is never hyphenated, inline code may break after
  ``. , ( =`` (and ``_`` as a last resort), table columns are ragged right. Its comments say why.
* :class:`TableColumnWidths`, which gives every table too wide for the line explicit column
  widths: at least its longest unbreakable piece (a code name such as
  ``GlobalAveragePooling1D`` cannot be broken at all), the rest shared in proportion to each
  column's length on one line. Sphinx would otherwise leave the widths to LaTeX's tabulary,
  which shares by length alone and so can squeeze a column below its longest word: that word
  then runs into the margin. Such a table is also set as a ``longtable``, which breaks across
  pages where a tabulary runs off the bottom of one; ``_ext/latex_templates/longtable.tex.jinja``
  (Sphinx's, one line changed) heads its next page without a table number it never showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

STYLE = Path(__file__).resolve().parent / "static" / "lstmbook.sty"
# Sphinx's LaTeX writer looks for its table templates in templates_path first.
TEMPLATES = Path(__file__).resolve().parent / "latex_templates"

# Widths in em of the body font (10 pt). The text block: letter paper less Sphinx's default
# 1 in margins = 6.5 in = 468 pt. Each column also loses 2 * \tabcolsep (6 pt) to padding.
LINE_WIDTH = 46.8
COLUMN_PADDING = 1.2
# FreeMono is monospaced at 0.6 em; FreeSerif's letters average under 0.5 em: 0.5 leaves room.
# A header row is set in FreeSans, wider: 0.6.
CODE_CHARACTER = 0.6
TEXT_CHARACTER = 0.5
HEADER_CHARACTER = 0.6
# What a code cell printed is indented by 20 pt (jupyterBook.cls: adjustwidth{20pt}).
OUTPUT_INDENT = 2.0
# \small in a 10 pt document: 9 pt, the size of a table a code cell printed.
OUTPUT_FONT = 0.9
# Added to every column's needs, so that a piece measured exactly still fits (digits are 0.5 em).
SLACK = 0.5
# Where lstmbook.sty lets inline code break (after these characters, and at spaces), from the
# best breaks to the last resort: a column is made wide enough to need only the best ones
# when the line has room for that.
CODE_BREAKS = ("", ".,;?!/(", ".,;?!/(=_")


@dataclass
class ColumnText:
    """What a table column needs, in em: its longest cell set on one line, and its widest
    piece no line can break, for each set of breaks in ``CODE_BREAKS``."""

    natural: float = 0.0
    unbreakable: tuple[float, ...] = (0.0,) * len(CODE_BREAKS)

    def widen(self, other: ColumnText) -> None:
        self.natural = max(self.natural, other.natural)
        self.unbreakable = tuple(map(max, self.unbreakable, other.unbreakable))


def measure(entry: nodes.Element) -> ColumnText:
    """Width of a table cell set on one line, and of its widest unbreakable pieces."""
    header = any(isinstance(a, nodes.thead) for a in _ancestors(entry, None))
    natural = 0.0
    unbreakable = [0.0] * len(CODE_BREAKS)
    for paragraph in entry.findall(nodes.TextElement):
        if isinstance(paragraph.parent, nodes.TextElement):
            continue  # measured with the paragraph that holds it
        line = 0.0
        pieces = [0.0] * len(CODE_BREAKS)
        for text in paragraph.findall(nodes.Text):
            code = any(
                isinstance(a, nodes.literal) for a in _ancestors(text, paragraph)
            )
            width = (
                CODE_CHARACTER
                if code
                else HEADER_CHARACTER
                if header
                else TEXT_CHARACTER
            )
            for character in text.astext():
                line += width
                for level, breaks in enumerate(CODE_BREAKS):
                    if character.isspace():
                        pieces[level] = 0.0
                        continue
                    pieces[level] += width
                    unbreakable[level] = max(unbreakable[level], pieces[level])
                    if code and character in breaks:
                        pieces[level] = 0.0
        natural = max(natural, line)
    if header:
        # A column's heading may break wherever code can (return_ | sequences): its width
        # is the body's to decide.
        unbreakable = [unbreakable[-1]] * len(CODE_BREAKS)
    return ColumnText(natural + SLACK, tuple(width + SLACK for width in unbreakable))


def _in_output(node: nodes.Node) -> bool:
    """Whether the node is in what a code cell printed (myst-nb's cell_output container)."""
    return any(
        isinstance(a, nodes.container) and "cell_output" in a["classes"]
        for a in _ancestors(node, None)
    )


def _ancestors(node: nodes.Node, stop: nodes.Node):
    while node is not None and node is not stop:
        yield node
        node = node.parent


def share(naturals: list[float], minimums: list[float], room: float) -> list[float]:
    """Column widths summing to ``room`` (the minimums must fit in it).

    A column that fits in an equal share of what is left keeps its natural width (a short
    column is not wrapped). The others share the rest in proportion to their natural widths,
    as tabulary does, except that none gets less than its minimum.
    """
    fixed: dict[int, float] = {}
    while len(fixed) < len(naturals):
        free = [i for i in range(len(naturals)) if i not in fixed]
        left = room - sum(fixed.values())
        short = {i: naturals[i] for i in free if naturals[i] <= left / len(free)}
        rest = sum(minimums[i] for i in free if i not in short)
        if short and sum(short.values()) + rest <= left:
            fixed.update(short)
            continue
        total = sum(naturals[i] for i in free)
        widths = {i: left * naturals[i] / total for i in free}
        narrow = {i: minimums[i] for i in free if widths[i] < minimums[i]}
        fixed.update(narrow or widths)
    return [fixed[i] for i in range(len(naturals))]


class TableColumnWidths(SphinxPostTransform):
    """Explicit column widths (and a longtable) for each table too wide to set on one line."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for table in list(self.document.findall(nodes.table)):
            if "colwidths-given" in table["classes"]:
                continue  # the page set its own widths (:widths:, list-table)
            tgroup = next(iter(table.findall(nodes.tgroup)), None)
            if tgroup is None:
                continue
            colspecs = [
                child for child in tgroup.children if isinstance(child, nodes.colspec)
            ]
            rows = list(tgroup.findall(nodes.row))
            if any(len(row.children) != len(colspecs) for row in rows):
                continue  # merged cells: left to Sphinx
            columns = [ColumnText() for _ in colspecs]
            for row in rows:
                for column, entry in zip(columns, row.children):
                    column.widen(measure(entry))
            # A table a code cell printed is set small (9 pt, lstmbook.sty): the same line
            # holds more of its ems.
            scale = OUTPUT_FONT if _in_output(table) else 1.0
            for column in columns:
                column.natural *= scale
                column.unbreakable = tuple(w * scale for w in column.unbreakable)
            line_width = LINE_WIDTH - (OUTPUT_INDENT if _in_output(table) else 0.0)
            room = line_width - COLUMN_PADDING * len(columns)
            naturals = [column.natural for column in columns]
            if sum(naturals) <= room:
                continue  # fits on the line: tabulary gives each column its natural width
            # The best breaks the line has room for (the last resort if none fits).
            for level in range(len(CODE_BREAKS)):
                minimums = [column.unbreakable[level] for column in columns]
                if sum(minimums) <= room:
                    break
            if sum(minimums) <= room:
                widths = share(naturals, minimums, room)
            else:
                logger.warning(
                    "a table's unbreakable pieces are wider than the line",
                    location=table,
                )
                widths = minimums
            # Sphinx writes \X{width}{total}: shares of the line, the padding included.
            tenths = [round(10 * (width + COLUMN_PADDING)) for width in widths]
            for colspec, width in zip(colspecs, tenths):
                colspec["colwidth"] = width
            table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"]
            table["classes"] += ["colwidths-given", "longtable"]


def add_style_and_templates(app, config) -> None:
    # Absolute paths: Sphinx joins both settings to the configuration directory.
    if str(STYLE) not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, str(STYLE)]
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app):
    app.connect("config-inited", add_style_and_templates)
    app.add_latex_package(STYLE.stem)
    app.add_post_transform(TableColumnWidths)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
