"""Guards nbval cannot give: a notebook stored unexecuted, or left out of the book, fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
# Numbered notebooks are chapters (a story with a summary and an exercise); others are reference pages.
NUMBERED = [p for p in NOTEBOOKS if p.name[:2].isdigit()]
PAGES = [*NOTEBOOKS, *sorted((ROOT / "chapters").glob("*.md")), ROOT / "intro.md"]
TOC = (ROOT / "_toc.yml").read_text()


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def test_there_are_chapters():
    assert len(NUMBERED) >= 4


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_unfinished_pages(path):
    assert "PLACEHOLDER" not in path.read_text(), f"{path.name} is still a placeholder"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_the_table_of_contents(path):
    """A notebook missing from _toc.yml is neither on the site nor linked from it."""
    entry = f"chapters/{path.stem}"
    assert re.search(rf"file:\s*{re.escape(entry)}\s*$", TOC, re.M), f"{entry} is not in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom_in_one_kernel(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts, f"{path.name} has no code cells"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; run `make execute` to store fresh outputs"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_stderr(path):
    noisy = [
        i for i, c in enumerate(code_cells(path), start=1)
        if any(o.get("name") == "stderr" for o in c.get("outputs", []))
    ]
    assert not noisy, f"{path.name}: code cells {noisy} stored stderr output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text_and_a_caption(path):
    for i, cell in enumerate(code_cells(path), start=1):
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            options = cell["metadata"].get("mystnb", {})
            alt = options.get("image", {}).get("alt", "")
            caption = options.get("figure", {}).get("caption", "")
            assert alt.strip() and caption.strip(), f"{path.name} cell {i}: figure lacks alt text or caption"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_backend_tensor_reprs_or_tensorflow_keras(path):
    cells = json.loads(path.read_text())["cells"]
    sources = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "tensorflow.keras" not in sources and "tf.keras" not in sources
    printed = json.dumps([c.get("outputs", []) for c in cells if c["cell_type"] == "code"])
    for repr_start in ("tf.Tensor(", "<tf.Tensor", "Array(", "tensor(["):
        assert repr_start not in printed, f"{path.name} stores a backend tensor repr {repr_start!r}"


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.name)
def test_has_a_summary_and_an_exercise(path):
    markdown = "".join(
        "".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"
    )
    assert "## What to remember" in markdown, f"{path.name} has no 'What to remember' section"
    assert "## Exercise" in markdown, f"{path.name} has no exercise"


NBVAL_MARKERS = {"NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT", "NBVAL_RAISES_EXCEPTION", "NBVAL_SKIP"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbval_markers_are_written_as_nbval_reads_them(path):
    """nbval only honours a comment line that is exactly the marker: in
    ``# NBVAL_IGNORE_OUTPUT: rounding differs``, it sees no marker, compares the cell, and the
    chapter then fails only on another backend or machine. The reason goes on the next line."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    for index, cell in enumerate(cells):
        for line in "".join(cell["source"]).splitlines():
            comment = line.strip()
            if comment.startswith("#") and "NBVAL_" in comment:
                assert comment.lstrip("#").strip() in NBVAL_MARKERS, (
                    f"{path.name} Cell {index}: {comment!r} is not a marker nbval recognises; "
                    "put the marker alone on its line and the reason on the next"
                )
