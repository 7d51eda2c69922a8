"""Guards nbval cannot give: a notebook stored unexecuted, or left out of the book, fails here."""

from __future__ import annotations

import base64
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from PIL import Image

from tools.book import toc_documents

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
# Numbered notebooks are chapters (a story with a summary and an exercise); others are reference pages.
NUMBERED = [p for p in NOTEBOOKS if p.name[:2].isdigit()]
PAGES = [*NOTEBOOKS, *sorted((ROOT / "chapters").glob("*.md")), ROOT / "intro.md"]


def code_cells(path: Path) -> list[dict]:
    return [
        c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"
    ]


def test_there_are_chapters():
    assert len(NUMBERED) >= 4


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_unfinished_pages(path):
    assert "PLACEHOLDER" not in path.read_text(), f"{path.name} is still a placeholder"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_the_table_of_contents(path):
    """A notebook missing from _toc.yml is neither on the site nor linked from it."""
    entry = f"chapters/{path.stem}"
    assert entry in toc_documents(), f"{entry} is not in _toc.yml"


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
        i
        for i, c in enumerate(code_cells(path), start=1)
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
            assert alt.strip() and caption.strip(), (
                f"{path.name} cell {i}: figure lacks alt text or caption"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_backend_tensor_reprs_or_tensorflow_keras(path):
    cells = json.loads(path.read_text())["cells"]
    sources = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "tensorflow.keras" not in sources and "tf.keras" not in sources
    printed = json.dumps(
        [c.get("outputs", []) for c in cells if c["cell_type"] == "code"]
    )
    for repr_start in ("tf.Tensor(", "<tf.Tensor", "Array(", "tensor(["):
        assert repr_start not in printed, (
            f"{path.name} stores a backend tensor repr {repr_start!r}"
        )


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.name)
def test_has_a_summary_and_an_exercise(path):
    markdown = "".join(
        "".join(c["source"])
        for c in json.loads(path.read_text())["cells"]
        if c["cell_type"] == "markdown"
    )
    assert "## What to remember" in markdown, (
        f"{path.name} has no 'What to remember' section"
    )
    assert "## Exercise" in markdown, f"{path.name} has no exercise"


# What the test harness reads from a cell goes in its tags, where a reader does not see it.
HARNESS_COMMENTS = re.compile(r"#.*\b(NBVAL_[A-Z_]+|noqa|PYTEST_VALIDATE)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_harness_comments_in_code_cells(path):
    """nbval's markers are cell tags (``raises-exception``, ``nbval-ignore-output``) and lint
    exceptions live in pyproject.toml: a code cell shows the reader only the lesson."""
    for index, cell in enumerate(code_cells(path), start=1):
        for line in "".join(cell["source"]).splitlines():
            found = HARNESS_COMMENTS.search(line)
            assert not found, (
                f"{path.name} code cell {index}: {found[1]!r} in {line.strip()!r}; use a cell "
                "tag (raises-exception, nbval-ignore-output) or fix what the linter found"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_errors_are_shown_on_purpose_and_short(path):
    """A stored error comes from a cell tagged ``raises-exception`` (and such a cell stored
    one), and it shows what setup() makes of it: the lines of the notebook's own cells and the
    exception, no library frames, no file paths."""
    for index, cell in enumerate(code_cells(path), start=1):
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        tagged = "raises-exception" in cell["metadata"].get("tags", [])
        assert bool(errors) == tagged, f"{path.name} code cell {index}: " + (
            "an error without the raises-exception tag"
            if errors
            else "tagged raises-exception, but stored no error"
        )
        for error in errors:
            shown = ANSI.sub("", "\n".join(error["traceback"]))
            frames = re.findall(
                r"^(?!Cell In\[\d+\], line \d+$)\S.*, line \d+", shown, re.M
            )
            assert "File " not in shown and "Traceback" not in shown and not frames, (
                f"{path.name} code cell {index}: the stored error shows library frames; "
                "was setup() called before it?"
            )
            assert shown.rstrip().endswith(ANSI.sub("", error["evalue"]).rstrip()), (
                f"{path.name} code cell {index}: the error's last line is not its message"
            )


# The widest line a code cell shows on the site without scrolling sideways (pyproject.toml's
# ruff line-length, measured in Chromium); an output block is no wider than a code cell.
OUTPUT_WIDTH = 87


def printed_lines(output: dict) -> list[str]:
    """The lines a stored output shows as text: a stream, or a result's text/plain where
    the site has nothing richer to show (no HTML, no picture)."""
    if output["output_type"] == "stream":
        return "".join(output["text"]).splitlines()
    data = output.get("data", {})
    if output["output_type"] in ("execute_result", "display_data") and not (
        {"text/html", "image/png"} & set(data)
    ):
        return "".join(data.get("text/plain", "")).splitlines()
    return []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_printed_lines_fit_the_page(path):
    """A printed line longer than a code cell is wide scrolls sideways at 1440 px, or wraps in
    the middle of a table on a phone and in the PDF: print it in shorter lines."""
    too_wide = [
        (index, len(line), line[:60])
        for index, cell in enumerate(code_cells(path), start=1)
        for output in cell.get("outputs", [])
        for line in printed_lines(output)
        if len(line) > OUTPUT_WIDTH
    ]
    assert not too_wide, (
        f"{path.name}: printed lines over {OUTPUT_WIDTH} characters "
        f"(code cell, length, start): {too_wide}"
    )


def see_through_pixels(png: bytes) -> int:
    """How many pixels of a PNG are not fully opaque (alpha below 255 of 255).

    On the site's dark theme a transparent pixel shows the dark page, so dark text drawn on a
    transparent figure disappears; a figure must be a light card of its own. Palette and
    grey-scale PNGs with a transparent colour count too (Pillow converts them to RGBA).
    """
    image = Image.open(io.BytesIO(png))
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return 0
    return int((np.asarray(image.convert("RGBA"))[..., 3] < 255).sum())


def test_the_transparency_check_sees_one_transparent_pixel():
    def png(mode: str, colour: object, transparent_pixel: bool) -> bytes:
        image = Image.new(mode, (4, 3), colour)
        if transparent_pixel:
            image.putpixel((2, 1), (255, 255, 255, 0) if mode == "RGBA" else 0)
        buffer = io.BytesIO()
        options = {"transparency": 0} if mode == "P" and transparent_pixel else {}
        image.save(buffer, format="PNG", **options)
        return buffer.getvalue()

    assert see_through_pixels(png("RGBA", (255, 255, 255, 255), False)) == 0
    assert see_through_pixels(png("RGB", (255, 255, 255), False)) == 0
    assert see_through_pixels(png("RGBA", (255, 255, 255, 255), True)) == 1
    assert see_through_pixels(png("P", 1, True)) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_figures_are_opaque(path):
    """Every stored PNG is opaque, so it reads the same in the site's light and dark modes."""
    for i, cell in enumerate(code_cells(path), start=1):
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                png = base64.b64decode(output["data"]["image/png"])
                assert see_through_pixels(png) == 0, (
                    f"{path.name} cell {i}: the stored figure has {see_through_pixels(png)} "
                    "transparent pixels; draw it on an opaque background (lstm_helpers.figures "
                    "does) and re-execute the chapter"
                )


def shape_style(shape: ElementTree.Element) -> dict[str, str]:
    """A shape's presentation attributes, its ``style="..."`` winning, as a browser reads them."""
    style = {
        key: shape.get(key)
        for key in ("fill", "opacity", "fill-opacity")
        if shape.get(key)
    }
    for item in (shape.get("style") or "").split(";"):
        if ":" in item:
            key, value = item.split(":", 1)
            style[key.strip()] = value.strip()
    return style


def painted_shapes(element: ElementTree.Element):
    """The shapes under ``element``, in drawing order, definitions and metadata skipped."""
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in ("metadata", "defs", "clipPath", "style", "title", "desc"):
            continue
        if tag in ("path", "rect", "polygon"):
            yield child
        yield from painted_shapes(child)


def first_filled_shape(svg: ElementTree.Element) -> ElementTree.Element | None:
    """The first shape that paints an area: what is behind everything else."""
    unfilled = ("none", "transparent")
    filled = (
        s
        for s in painted_shapes(svg)
        if shape_style(s).get("fill", "black") not in unfilled
    )
    return next(filled, None)


def test_overview_svg_has_its_own_opaque_light_background():
    """The landing page's SVG paints a light background over its whole area first, so it
    does not show the dark page through (the site's dark mode) wherever it is embedded."""
    svg = ElementTree.parse(ROOT / "_static" / "overview.svg").getroot()
    left, top, width, height = (float(v) for v in svg.get("viewBox").split())
    shape = first_filled_shape(svg)
    assert shape is not None, "overview.svg fills no shape"
    style = shape_style(shape)
    fill = style.get("fill", "black")
    red, green, blue, opacity = to_rgba(fill)
    for key in ("opacity", "fill-opacity"):
        opacity *= float(style.get(key, 1))
    assert opacity == 1, (
        f"overview.svg's background is see-through (opacity {opacity})"
    )
    assert 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.9, (
        f"background {fill} is not light"
    )
    if shape.tag.endswith("rect"):
        x0, y0 = float(shape.get("x", 0)), float(shape.get("y", 0))
        x1, y1 = x0 + float(shape.get("width")), y0 + float(shape.get("height"))
    else:
        outline = shape.get("d") or shape.get("points")
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", outline)]
        xs, ys = numbers[0::2], numbers[1::2]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    assert x0 <= left and y0 <= top and x1 >= left + width and y1 >= top + height, (
        "the first shape in overview.svg does not cover the whole picture"
    )
