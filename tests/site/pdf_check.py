"""The book as one PDF (``make pdf``): every chapter's title, outputs and figures are in it.

    make pdf-test                           # builds the PDF (make pdf), then runs this file
    pytest tests/site/pdf_check.py          # on an existing _build/latex/

Like browser_check.py, the name does not match ``test_*.py``, so ``make test`` does not collect
it: it needs the PDF (XeLaTeX and Debian's TeX Live, see README.md) and poppler-utils
(``pdftotext``, ``pdfimages``). Set ``PDF`` to check another file. It reads the text with
``pdftotext`` and checks, for every page in _toc.yml: its title; a sample of what its code cells
printed (the stored outputs, which nbval checks, so these are lines Keras really printed),
including the plain-text form of every output that is a table on the site (``describe``); and
that the PDF holds as many pictures (``pdfimages -list``) as the pages have: every stored figure
and every image in a Markdown page (the SVG overview is rendered to PNG for LaTeX).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(
    os.environ.get("PDF", ROOT / "_build" / "latex" / "lstm-outputs-executed.pdf")
)
# Stored output lines sampled per notebook (the first ones of a useful length).
SAMPLE_PER_NOTEBOOK = 4
# Output lines longer than this may be wrapped in the PDF (a verbatim block is about 80 wide).
LONGEST_SAMPLED_LINE = 70
HIDDEN_TAGS = {"remove-cell", "remove-output"}


def toc_sources() -> list[Path]:
    """The source file of the root and of every page in _toc.yml, in book order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    sources = []
    for name in names:
        found = [
            ROOT / f"{name}{suffix}"
            for suffix in (".ipynb", ".md")
            if (ROOT / f"{name}{suffix}").is_file()
        ]
        assert found, f"_toc.yml lists {name}, which has no .ipynb or .md"
        sources.append(found[0])
    return sources


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


def table_outputs(path: Path) -> list[str]:
    """The plain-text form of outputs the site shows as an HTML table (describe's tables)."""
    return [
        "".join(o["data"]["text/plain"])
        for o in shown_outputs(path)
        if "text/html" in o.get("data", {}) and "text/plain" in o["data"]
    ]


def pictures(path: Path) -> int:
    """How many pictures the page puts in the book."""
    if path.suffix == ".md":
        text = path.read_text()
        return len(re.findall(r"^```\{(?:figure|image)\}", text, flags=re.M)) + len(
            re.findall(r"!\[[^\]]*\]\(", text)
        )
    return sum(1 for o in shown_outputs(path) if "image/png" in o.get("data", {}))


SOURCES = toc_sources()


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.is_file():
        pytest.fail(f"{PDF} does not exist: run `make pdf`", pytrace=False)
    # -layout keeps each printed line whole (without it, columns of a table come apart).
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(PDF), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
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
        # Line by line: a line longer than the page is wrapped (with a continuation mark).
        for line in table.splitlines():
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
