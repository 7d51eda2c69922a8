"""The book as one PDF (``make pdf``): every chapter's title, outputs and figures are in it.

    make pdf-test                           # builds the PDF (make pdf), then runs this file
    pytest tests/site/pdf_check.py          # on an existing _build/latex/

Like browser_check.py, the name does not match ``test_*.py``, so ``make test`` does not collect
it: it needs the PDF (XeLaTeX and Debian's TeX Live, see README.md) and poppler-utils
(``pdftotext``, ``pdfimages``). Set ``PDF`` to check another file. It reads the text with
``pdftotext`` and checks, for every page in _toc.yml: its title; a sample of what its code cells
printed (the stored outputs, which nbval checks, so these are lines Keras really printed),
including every output that is a table on the site (``describe``, the cheat sheet) in the form
the LaTeX builder prints it; and that the PDF holds as many pictures (``pdfimages -list``) as the
pages have: every stored figure and every image in a Markdown page (the SVG overview is
rendered to PNG for LaTeX).

And that the PDF reads as a book, not as a printed web page (issue 20): no chapter title
uppercased (``2. RETURN_SEQUENCES=TRUE`` is other code); no word outside the text block or on
top of another (a table column running into the next or into the margin, from the word boxes
of ``pdftotext -bbox``); no code hyphenated at a line end (``re-turn_state=True``); no
instructions for the website (a rocket button, an explorer that needs JavaScript). The tables
a cell printed: see ``test_table_outputs_print_as_tables``.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from myst_nb.core.render import get_mime_priority

from tools.book import toc_sources

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(
    os.environ.get("PDF", ROOT / "_build" / "latex" / "lstm-outputs-executed.pdf")
)
# Stored output lines sampled per notebook (the first ones of a useful length).
SAMPLE_PER_NOTEBOOK = 4
# Output lines longer than this may be wrapped in the PDF (a verbatim block is about 80 wide).
LONGEST_SAMPLED_LINE = 70
HIDDEN_TAGS = {"remove-cell", "remove-output"}
# The text block: Sphinx's LaTeX default margins (geometry hmargin=1in) on either side.
MARGIN = 72.0
# pdftotext's word boxes are rounded; a box this far past an edge or into another is a defect.
TOLERANCE = 0.5
# Phrases that only make sense on the website: its buttons and menus, and the shape explorer,
# which needs JavaScript. On the site they are wrapped in {only} html.
WEB_ONLY = (
    "rocket",
    "button",
    "click",
    "the same menu",
    "try it",
    "javascript",
    "explorer below",
)
# At most this many characters (no spaces) between two rows of a table: a page break's.
PAGE_BREAK_TEXT = 300
# Sphinx's mark at the start of a code line it wrapped (not a hyphen).
CONTINUATION = "\u21aa"


def normalise(text: str) -> str:
    """Text as pdftotext gives it back: one space for any run of white space, plain hyphens and
    quotes, no hyphenation at line ends, no terminal colour codes."""
    text = re.sub(
        r"\x1b\[[0-9;]*m", "", text
    )  # ANSI colours in stored outputs (summary())
    text = re.sub(r"[\u2010\u2011\u2012\u2013\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019]", "'", text)
    text = re.sub(r"[\u201c\u201d]", '"', text)
    text = re.sub(r"-\n(?=[a-z])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def markdown_title(markdown: str) -> str:
    """The ``# Title`` line, as the reader sees it (code spans and emphasis without marks)."""
    line = next(line for line in markdown.splitlines() if line.startswith("# "))
    return re.sub(r"[`*]", "", line[2:]).strip()


def notebook(path: Path) -> dict:
    return json.loads(path.read_text())


def title(path: Path) -> str:
    if path.suffix == ".md":
        return markdown_title(path.read_text())
    first = next(c for c in notebook(path)["cells"] if c["cell_type"] == "markdown")
    return markdown_title("".join(first["source"]))


def shown_outputs(path: Path) -> list[dict]:
    """Outputs of code cells the book shows (not removed by a tag); none for a Markdown page."""
    outputs = []
    if path.suffix != ".ipynb":
        return outputs
    for cell in notebook(path)["cells"]:
        if cell["cell_type"] != "code" or HIDDEN_TAGS & set(
            cell["metadata"].get("tags", [])
        ):
            continue
        outputs.extend(cell.get("outputs", []))
    return outputs


def output_text(output: dict) -> str:
    if output["output_type"] == "stream":
        return "".join(output["text"])
    data = output.get("data", {})
    if (
        output["output_type"] in ("execute_result", "display_data")
        and "image/png" not in data
    ):
        return "".join(data.get("text/plain", ""))
    return ""


def sampled_lines(path: Path) -> list[str]:
    lines = []
    for output in shown_outputs(path):
        for line in output_text(output).splitlines():
            if (
                12 <= len(line.strip()) <= LONGEST_SAMPLED_LINE
                and line.strip() not in lines
            ):
                lines.append(line.strip())
    return lines[:SAMPLE_PER_NOTEBOOK]


def latex_priority() -> list[str]:
    """The mime types myst-nb's LaTeX builder prints, best first: its defaults for ``latex``
    (application/pdf, image/png, image/jpeg, text/latex, text/markdown, text/plain; never
    text/html) with the book's ``nb_mime_priority_overrides``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    overrides = (
        config.get("sphinx", {}).get("config", {}).get("nb_mime_priority_overrides")
    )
    return get_mime_priority("latex", [tuple(o) for o in overrides or []])


LATEX_PRIORITY = latex_priority()


def printed_mime_type(output: dict) -> str | None:
    """The mime type of an output that the PDF shows."""
    data = output.get("data", {})
    return next((mime for mime in LATEX_PRIORITY if mime in data), None)


def table_outputs(path: Path) -> list[dict]:
    """The outputs the site shows as an HTML table (describe's tables, the cheat sheet; not
    Keras's summary(), whose HTML is preformatted text)."""
    return [
        o
        for o in shown_outputs(path)
        if "<table" in "".join(o.get("data", {}).get("text/html", ""))
    ]


def markdown_cell_text(cell: str) -> str:
    """A table cell's Markdown as the reader sees it: code without its backticks, the rest
    without emphasis marks or backslash escapes."""
    parts = re.split(r"(`[^`]*`)", cell)
    return "".join(
        part[1:-1]
        if part.startswith("`")
        else re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)\*", "", part))
        for part in parts
    ).strip()


def markdown_table_rows(markdown: str) -> list[list[str]]:
    """The rows of the tables in a Markdown output, header first: a pipe table's ``| a | b |``
    lines, or a MyST ``{list-table}``'s ``* - a`` / ``  - b`` items (a cell's further
    paragraphs belong to it)."""
    rows: list[list[str]] = []
    in_list_table = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_list_table = "{list-table}" in line
        elif in_list_table and line.startswith("* -"):
            rows.append([line[3:]])
        elif in_list_table and line.startswith("  -") and rows:
            rows[-1].append(line[3:])
        elif in_list_table and line.startswith("    ") and rows:
            rows[-1][-1] += " " + line.strip()
        elif not in_list_table and line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
            if not all(re.fullmatch(r"\s*:?-+:?\s*", c) for c in cells):
                rows.append(cells)
    return [[markdown_cell_text(c) for c in row] for row in rows]


def markdown_tables(path: Path) -> list[list[list[str]]]:
    """The rows of each table output that the PDF prints from its text/markdown form."""
    return [
        markdown_table_rows("".join(o["data"]["text/markdown"]))
        for o in table_outputs(path)
        if printed_mime_type(o) == "text/markdown"
    ]


def pictures(path: Path) -> int:
    """How many pictures the page puts in the book."""
    if path.suffix == ".md":
        text = path.read_text()
        return len(re.findall(r"^```\{(?:figure|image)\}", text, flags=re.M)) + len(
            re.findall(r"!\[[^\]]*\]\(", text)
        )
    return sum(1 for o in shown_outputs(path) if "image/png" in o.get("data", {}))


def pdftotext(mode: str) -> str:
    """The PDF's text as ``pdftotext <mode>`` gives it (pages end with a form feed)."""
    return subprocess.run(
        ["pdftotext", mode, "-enc", "UTF-8", str(PDF), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


SOURCES = toc_sources()


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.is_file():
        pytest.fail(f"{PDF} does not exist: run `make pdf`", pytrace=False)
    # -layout keeps each printed line whole (without it, columns of a table come apart).
    text = pdftotext("-layout")
    return normalise(text)


def test_the_pdf_has_pages():
    info = subprocess.run(
        ["pdfinfo", str(PDF)], check=True, capture_output=True, text=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    print(f"{PDF.name}: {pages} pages, {PDF.stat().st_size / 1e6:.1f} MB")
    assert pages > 10 * len(SOURCES) / 2


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_page_is_in_the_pdf(source, pdf_text):
    assert normalise(title(source)) in pdf_text, (
        f"{source.name}: its title is not in the PDF"
    )
    for line in sampled_lines(source):
        assert normalise(line) in pdf_text, (
            f"{source.name}: output line {line!r} not in the PDF"
        )
    for table in table_outputs(source):
        if printed_mime_type(table) != "text/plain":
            continue  # a table: test_table_outputs_are_tables_in_the_pdf
        # Line by line: a line longer than the page is wrapped (with a continuation mark).
        for line in "".join(table["data"]["text/plain"]).splitlines():
            if len(line) <= LONGEST_SAMPLED_LINE:
                assert normalise(line) in pdf_text, (
                    f"{source.name}: {line!r} not in the PDF"
                )


def test_every_table_output_is_checked():
    """The describe tables exist (so the loop above checks something)."""
    assert sum(len(table_outputs(s)) for s in SOURCES) >= 5


def test_every_picture_is_in_the_pdf():
    listing = subprocess.run(
        ["pdfimages", "-list", str(PDF)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    # An image with transparency is listed twice: "image", then its "smask".
    images = [row for row in listing if row.split()[2] == "image"]
    expected = {source.name: pictures(source) for source in SOURCES}
    assert sum(expected.values()) >= 10
    assert len(images) == sum(expected.values()), (
        f"the PDF has {len(images)} pictures, the pages {sum(expected.values())}: {expected}"
    )


class Word(NamedTuple):
    """A word as ``pdftotext -bbox`` places it: page (from 1), box in pt from the top left."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    page_width: float


@pytest.fixture(scope="module")
def words() -> list[Word]:
    """Every word of the PDF with its box, in the order the PDF draws them."""
    xhtml = pdftotext("-bbox")
    found = []
    pages = re.findall(
        r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', xhtml, re.S
    )
    for number, (width, page) in enumerate(pages, start=1):
        for box in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
            r"(.*?)</word>",
            page,
        ):
            x0, y0, x1, y1 = map(float, box.groups()[:4])
            found.append(
                Word(number, x0, y0, x1, y1, html.unescape(box[5]), float(width))
            )
    return found


@pytest.fixture(scope="module")
def pdf_raw_pages() -> list[str]:
    """Each page's text in the order the PDF draws it (-raw), without white space."""
    return [despace(page) for page in pdftotext("-raw").split("\f")]


@pytest.fixture(scope="module")
def pdf_raw(pdf_raw_pages) -> str:
    """The text in the order the PDF draws it (-raw): a table cell's lines stay together."""
    return "".join(pdf_raw_pages)


def despace(text: str) -> str:
    """Text without any white space, where a line may end anywhere (a table cell)."""
    return re.sub(r"\s+", "", normalise(text))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_titles_keep_their_case(source, pdf_text):
    """fncychap's Bjarne style (Sphinx's default) printed "2. RETURN_SEQUENCES=TRUE"."""
    shown = normalise(title(source))
    if shown != shown.upper():
        assert shown.upper() not in pdf_text, (
            f"{source.name}: its title is printed in capitals: {shown.upper()!r}"
        )


def test_text_stays_in_the_text_block(words):
    """No word past the margins: a table column wider than the page, or a code line."""
    outside = [
        f"page {w.page}: {w.text!r} {max(MARGIN - w.x0, w.x1 - w.page_width + MARGIN):.1f} pt"
        for w in words
        if w.x0 < MARGIN - TOLERANCE or w.x1 > w.page_width - MARGIN + TOLERANCE
    ]
    assert not outside, f"{len(outside)} words outside the text block: {outside[:10]}"


def accent(text: str) -> bool:
    """Only combining marks: the tilde of a math h~ is a word of its own, over the h."""
    return all(unicodedata.category(c).startswith("M") for c in text)


def test_no_word_is_printed_over_another(words):
    """A table column too narrow for a word lets it run on under the next column."""
    by_page = defaultdict(list)
    for word in words:
        by_page[word.page].append(word)
    overlaps = []
    for page in by_page.values():
        page.sort(key=lambda w: w.x0)
        for i, left in enumerate(page):
            for right in page[i + 1 :]:
                if right.x0 > left.x1 - TOLERANCE:
                    break
                overlap = min(left.x1, right.x1) - right.x0
                if (
                    overlap > TOLERANCE
                    and min(left.y1, right.y1) - max(left.y0, right.y0) > 2
                    and not accent(right.text)
                ):
                    overlaps.append(
                        f"page {left.page}: {left.text!r} over {right.text!r} "
                        f"by {overlap:.1f} pt"
                    )
    assert not overlaps, f"{len(overlaps)} overlapping words: {overlaps[:10]}"


def test_code_is_not_hyphenated(words):
    """A hyphen TeX adds at a line end turns code into other code: re-turn_state=True."""
    hyphenated = []
    for word, following in zip(words, words[1:]):
        if (
            len(word.text) > 1
            and word.text.endswith("-")
            and following.y0 > word.y0 + 1  # the next line
            and not following.text.startswith(CONTINUATION)  # a wrapped code line
        ):
            joined = (word.text[:-1] + following.text).strip("().,;:'\"")
            if re.search(r"[_=(]|\.\w", joined):
                hyphenated.append(f"page {word.page}: {word.text}{following.text}")
    assert not hyphenated, f"code hyphenated at a line end: {hyphenated}"


def test_the_migration_table_is_whole(pdf_raw):
    """Chapter 19's Keras 2 -> 3 table: each row's Keras 2, Keras 3 and On Keras 3 cells in
    order (the column of links prints section titles, not the Markdown)."""
    chapter = notebook(ROOT / "chapters" / "19_keras2_to_keras3.ipynb")
    cell = next(c for c in chapter["cells"] if c.get("id") == "k2-migration-table")
    rows = markdown_table_rows("".join(cell["source"]))
    assert len(rows) > 10, "the migration table has no rows"
    missing = [row[:3] for row in rows if despace("".join(row[:3])) not in pdf_raw]
    assert not missing, f"rows of the migration table not in the PDF: {missing}"


def test_no_web_only_text(pdf_text):
    """Instructions for the website (its buttons, the JavaScript shape explorer) are
    wrapped in {only} html; none is left in the PDF."""
    found = [
        pdf_text[max(0, m.start() - 40) : m.end() + 40]
        for phrase in WEB_ONLY
        for m in re.finditer(re.escape(phrase), pdf_text, flags=re.I)
    ]
    assert not found, f"web-only text in the PDF: {found}"


# Issue 20, "the cheat sheet and describe outputs as real LaTeX tables": describe() and
# cheat_sheet() return their tables as text/markdown too (a _repr_markdown_ beside the HTML
# the site shows), and _config.yml's sphinx.config sets nb_render_markdown_format: myst.
# Without them the PDF prints their text/plain form, wrapped at the page edge.
MARKDOWN_TABLE_SOURCES = [s for s in SOURCES if markdown_tables(s)]


def test_table_outputs_print_as_tables():
    """Every output that is a table on the site is a table in the PDF: myst-nb's LaTeX
    builder prints its text/markdown (never text/html), as MyST, not CommonMark."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert config.get("nb_render_markdown_format") == "myst", (
        "myst-nb renders text/markdown as CommonMark by default: no tables"
    )
    plain = {
        source.name: count
        for source in SOURCES
        if (
            count := sum(
                printed_mime_type(o) != "text/markdown" for o in table_outputs(source)
            )
        )
    }
    assert not plain, f"table outputs the PDF prints as plain text, per page: {plain}"
    # So the test below runs on every page with a table output.
    assert MARKDOWN_TABLE_SOURCES == [s for s in SOURCES if table_outputs(s)]


def find_table(raw: str, rows: list[list[str]]) -> tuple[int, int] | None:
    """Where the rows are in the PDF's text, one after another (between two rows only what
    a page break adds: the footer, the header, the table's repeated heading)."""
    keys = [despace("".join(row)) for row in rows]
    start = raw.find(keys[0])
    while start >= 0:
        end = start + len(keys[0])
        for key in keys[1:]:
            found = raw.find(key, end)
            if found < 0 or found - end > PAGE_BREAK_TEXT:
                break
            end = found + len(key)
        else:
            return start, end
        start = raw.find(keys[0], start + 1)
    return None


@pytest.mark.parametrize("source", MARKDOWN_TABLE_SOURCES, ids=lambda p: p.stem)
def test_table_outputs_are_tables_in_the_pdf(source, pdf_raw):
    """Each table output's rows, together and in order, and no code line wrapped among
    them (the cheat sheet's plain-text form is wider than the page: 41 wrapped lines)."""
    for table in table_outputs(source):
        if printed_mime_type(table) != "text/markdown":
            continue
        rows = markdown_table_rows("".join(table["data"]["text/markdown"]))
        assert len(rows) >= 2, f"{source.name}: a text/markdown output without a table"
        found = find_table(pdf_raw, rows)
        assert found, f"{source.name}: the table {rows[:2]}... is not in the PDF"
        wrapped = pdf_raw[slice(*found)].count(CONTINUATION)
        assert not wrapped, f"{source.name}: {wrapped} wrapped lines in a table output"


# Issue 20, item 8: pictures of the pages a reader prints most, to be looked at by a person.
PICTURES = ROOT / "test-output" / "pdf"


def page_of(rows: list[list[str]], pages: list[str]) -> int:
    """The page (from 1) on which a table's first data row is printed (its first three cells:
    a column of links prints section titles, not the Markdown)."""
    key = despace("".join(rows[1][:3]))
    found = [number for number, text in enumerate(pages, 1) if key in text]
    assert found, f"the row {rows[1]} is on no page of the PDF"
    return found[0]


def test_pictures_of_the_cheat_sheet_and_the_migration_table(pdf_raw_pages):
    """test-output/pdf/cheat-sheet.png and migration-table.png: the page with the first row
    of each table, as ``pdftoppm`` draws it (100 dpi)."""
    cheat_sheet = next(
        markdown_table_rows("".join(o["data"]["text/markdown"]))
        for o in table_outputs(ROOT / "chapters" / "cheat_sheet.ipynb")
        if printed_mime_type(o) == "text/markdown"
    )
    chapter = notebook(ROOT / "chapters" / "19_keras2_to_keras3.ipynb")
    cell = next(c for c in chapter["cells"] if c.get("id") == "k2-migration-table")
    migration = markdown_table_rows("".join(cell["source"]))
    PICTURES.mkdir(parents=True, exist_ok=True)
    for name, rows in (("cheat-sheet", cheat_sheet), ("migration-table", migration)):
        page = page_of(rows, pdf_raw_pages)
        target = PICTURES / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-singlefile", "-f", str(page)]
            + ["-l", str(page), str(PDF), str(target)],
            check=True,
        )
        assert target.with_suffix(".png").stat().st_size > 10_000, (
            f"{name}: empty page"
        )
