"""The book in one picture: what comes back from a recurrent layer, for the common settings.

Every block in the picture is one array from :func:`lstm_helpers.returned_arrays`, drawn with
the number of axes and the width that its symbolic shape says, so the picture cannot show a
shape the book's rule does not give. It has no step numbers: an output's time axis is drawn
as a stack of sheets. The landing page shows it as ``_static/overview.svg``, drawn once and
committed (the SVG carries its own opaque background, for the site's dark mode)::

    python -m tools.overview        # writes _static/overview.svg

It is drawn with the book's figure style (:mod:`lstm_helpers.figures._style`), from the
book's shape rule; tests/tools/test_overview.py fails when the committed file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lstm_helpers.figures._style import (
    MUTED,
    RETURNED,
    STATE,
    canvas,
    write,
)
from lstm_helpers.shapes import LayerConfig, ReturnedArray, evaluate
from tools.book import ROOT

OVERVIEW = ROOT / "_static" / "overview.svg"
OVERVIEW_PANELS: tuple[LayerConfig, ...] = tuple(
    LayerConfig(
        kind, sequences, state, bidirectional, "concat" if bidirectional else None
    )
    for kind, sequences, state, bidirectional in (
        ("LSTM", False, False, False),
        ("LSTM", False, True, False),
        ("LSTM", True, False, False),
        ("LSTM", True, True, False),
        ("GRU", False, True, False),
        ("LSTM", False, True, True),
    )
)
"""The six layers drawn, left to right and top to bottom: the four flag settings of an LSTM,
then a GRU with ``return_state`` (one state, not two) and a bidirectional LSTM with it."""

_CELL = 0.16  # inches per unit of width (and per batch row) in a drawn array
_SHEET_SHIFT = 0.07  # each time step drawn as a sheet behind the previous one
_DRAWN_SIZES = {
    "batch": 3,
    "timesteps": 4,
    "units": 4,
}  # only to give blocks their proportions
_PANEL_H = 2.25
_MARGIN = 0.22  # inside a panel, left and right
_GAP = 0.24  # between two arrays' slots
_COLUMNS = 2
_CALL_PT, _NAME_PT, _SHAPE_PT = 10, 10, 9


def _text_width(text: str, points: float) -> float:
    """Inches taken by ``text`` in DejaVu Sans Mono (advance 0.602 em) at ``points``."""
    return len(text) * points / 72 * 0.602


def _block(array: ReturnedArray) -> tuple[int, int, int]:
    """Rows, columns and sheets of the block that stands for ``array``."""
    rows = evaluate(array.shape[0], _DRAWN_SIZES)
    cols = evaluate(array.shape[-1], _DRAWN_SIZES)
    sheets = evaluate(array.shape[1], _DRAWN_SIZES) if len(array.shape) == 3 else 1
    return rows, cols, sheets


def _shape_label(array: ReturnedArray) -> str:
    return "(" + ", ".join(array.shape) + ")"


def _slot_width(array: ReturnedArray) -> float:
    _, cols, sheets = _block(array)
    block = cols * _CELL + (sheets - 1) * _SHEET_SHIFT
    label = max(
        _text_width(_shape_label(array), _SHAPE_PT), _text_width(array.name, _NAME_PT)
    )
    return max(block, label)


def _natural_width(config: LayerConfig) -> float:
    """The narrowest panel that fits the call's text and every array's slot."""
    slots = [_slot_width(a) for a in config.arrays]
    arrays = sum(slots) + _GAP * (len(slots) - 1)
    content = max(_text_width(config.call, _CALL_PT), arrays)
    return content + 2 * _MARGIN


def _draw_array(
    ax: Axes, x: float, y: float, array: ReturnedArray, color: str
) -> None:
    """Draw one returned array centred in its slot starting at x, block bottom at y."""
    rows, cols, sheets = _block(array)
    width = cols * _CELL + (sheets - 1) * _SHEET_SHIFT
    x = x + (_slot_width(array) - width) / 2
    for sheet in reversed(range(sheets)):
        x0, y0 = x + sheet * _SHEET_SHIFT, y + sheet * _SHEET_SHIFT
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(
                    Rectangle(
                        (x0 + c * _CELL, y0 + r * _CELL),
                        _CELL,
                        _CELL,
                        facecolor=color,
                        edgecolor="white",
                        linewidth=0.8,
                    )
                )
    centre = x + width / 2
    write(
        ax, centre, y - 0.1, array.name, _NAME_PT, code=True, va="top", weight="bold"
    )
    write(ax, centre, y - 0.36, _shape_label(array), _SHAPE_PT, code=True, va="top")


def _draw_panel(
    ax: Axes, left: float, top: float, width: float, config: LayerConfig
) -> None:
    arrays = config.arrays
    ax.add_patch(
        Rectangle(
            (left + 0.05, top - _PANEL_H + 0.05),
            width - 0.1,
            _PANEL_H - 0.1,
            facecolor="#F7F7F7",
            edgecolor="#CCCCCC",
            linewidth=0.8,
        )
    )
    write(ax, left + _MARGIN, top - 0.27, config.call, _CALL_PT, code=True, ha="left")
    count = f"returns {len(arrays)} array" + ("s" if len(arrays) > 1 else "")
    write(ax, left + _MARGIN, top - 0.55, count, 10, ha="left", color=MUTED)
    x, base = left + _MARGIN, top - _PANEL_H + 0.72
    for array in arrays:
        is_output = array.name.endswith("output")
        _draw_array(ax, x, base, array, RETURNED if is_output else STATE)
        x += _slot_width(array) + _GAP


def draw_overview() -> Figure:
    """Draw :data:`OVERVIEW_PANELS`: each layer's returned arrays as blocks, in Keras's order.

    Blue blocks are outputs, vermilion blocks are final states. A block has one row per
    sequence in the batch and one column per unit (two per unit where ``concat`` doubles the
    width); an output with a time axis is drawn as a stack of sheets, one per step. Each
    block is labelled with the array's name and symbolic shape. Panels sit two to a row, each
    row's panels widened in proportion to what they hold, so the figure is no wider than its
    fullest row.

    Returns
    -------
    matplotlib.figure.Figure
        Not registered with pyplot.
    """
    rows = [
        OVERVIEW_PANELS[i : i + _COLUMNS]
        for i in range(0, len(OVERVIEW_PANELS), _COLUMNS)
    ]
    natural = [[_natural_width(config) for config in row] for row in rows]
    width = max(sum(row) for row in natural)
    title_h = 0.8
    height = len(rows) * _PANEL_H + title_h
    fig, ax = canvas(0, width, 0, height, scale=1.0, dpi=100)
    write(
        ax,
        width / 2,
        height - 0.27,
        "What a Keras recurrent layer returns (blue: output, vermilion: final states)",
        13,
    )
    write(
        ax,
        width / 2,
        height - 0.58,
        "One row of cells per sequence in the batch, one column per unit; "
        "stacked sheets are time steps.",
        10,
        color=MUTED,
    )
    for r, (configs, widths) in enumerate(zip(rows, natural)):
        scale = width / sum(widths)
        left, top = 0.0, height - title_h - r * _PANEL_H
        for config, panel_width in zip(configs, widths):
            _draw_panel(ax, left, top, panel_width * scale, config)
            left += panel_width * scale
    return fig


def save_overview(path: Path = OVERVIEW) -> Path:
    """Write :func:`draw_overview` as an SVG to ``path``, byte-for-byte reproducibly."""
    # A fixed hash salt and no date make the SVG's ids and metadata the same on every run, so
    # tests/tools/test_overview.py can compare the committed file with a fresh drawing.
    with matplotlib.rc_context(
        {"svg.hashsalt": "lstm-outputs-executed", "svg.fonttype": "path"}
    ):
        draw_overview().savefig(path, format="svg", metadata={"Date": None})
    return path


if __name__ == "__main__":
    print(
        f"wrote {save_overview(Path(sys.argv[1]) if len(sys.argv) > 1 else OVERVIEW)}"
    )
