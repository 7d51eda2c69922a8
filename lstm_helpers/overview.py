"""The book in one picture: what comes back from a recurrent layer, for the common settings.

Every block in the picture is one array from :func:`lstm_helpers.returned_arrays`, drawn with
the number of axes and the width that its symbolic shape says, so the picture cannot show a
shape the book's rule does not give. The landing page shows it as ``_static/overview.svg``,
written by :func:`save_overview`::

    python -c "from lstm_helpers.overview import save_overview; save_overview('_static/overview.svg')"
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lstm_helpers.diagrams import RETURNED, STATE, describe_call
from lstm_helpers.shapes import LayerConfig, ReturnedArray, evaluate, returned_arrays

__all__ = ["OVERVIEW_PANELS", "draw_overview", "save_overview"]

OVERVIEW_PANELS: tuple[LayerConfig, ...] = tuple(
    LayerConfig(kind, 0, sequences, state, bidirectional, "concat" if bidirectional else None)
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

_CELL = 0.15  # inches per unit of width (and per batch row) in a drawn array
_DRAWN_SIZES = {"batch": 3, "timesteps": 4, "units": 4}  # only to give blocks their proportions
_PANEL_W, _PANEL_H = 6.6, 2.1
_CHAR_W = 0.068  # inches per character of 8 pt monospace, to keep labels from overlapping
_GAP = 0.12


def _draw_array(ax, x: float, y: float, array: ReturnedArray, color: str) -> float:
    """Draw one returned array in a slot starting at x, block bottom at y; return the slot width."""
    shape_label = "(" + ", ".join(array.shape) + ")"
    rows = evaluate(array.shape[0], _DRAWN_SIZES)
    cols = evaluate(array.shape[-1], _DRAWN_SIZES)
    depth = evaluate(array.shape[1], _DRAWN_SIZES) if len(array.shape) == 3 else 1
    shift = 0.07  # each time step drawn as a sheet behind the previous one
    width = cols * _CELL + (depth - 1) * shift
    slot = max(width, len(shape_label) * _CHAR_W)
    x = x + (slot - width) / 2
    for sheet in reversed(range(depth)):
        x0, y0 = x + sheet * shift, y + sheet * shift
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((x0 + c * _CELL, y0 + r * _CELL), _CELL, _CELL,
                                       facecolor=color, edgecolor="white", linewidth=0.8))
    centre = x + width / 2
    ax.text(centre, y - 0.1, array.name, ha="center", va="top", fontsize=9,
            family="monospace", weight="bold")
    ax.text(centre, y - 0.32, shape_label, ha="center", va="top", fontsize=8, family="monospace")
    return slot


def _draw_panel(ax, left: float, top: float, config: LayerConfig) -> None:
    arrays = returned_arrays(
        config.kind,
        return_sequences=config.return_sequences,
        return_state=config.return_state,
        bidirectional=config.bidirectional,
        merge_mode=config.merge_mode,
    )
    ax.add_patch(Rectangle((left + 0.05, top - _PANEL_H + 0.05), _PANEL_W - 0.1, _PANEL_H - 0.1,
                           facecolor="#F7F7F7", edgecolor="#CCCCCC", linewidth=0.8))
    ax.text(left + 0.2, top - 0.25, describe_call(config), ha="left", va="center", fontsize=9,
            family="monospace")
    count = f"returns {len(arrays)} array" + ("s" if len(arrays) > 1 else "")
    ax.text(left + 0.2, top - 0.5, count, ha="left", va="center", fontsize=9, color="#555555")
    x, base = left + 0.2, top - _PANEL_H + 0.7
    for array in arrays:
        is_output = array.name.endswith("output")
        x += _draw_array(ax, x, base, array, RETURNED if is_output else STATE) + _GAP


def draw_overview() -> Figure:
    """Draw :data:`OVERVIEW_PANELS`: each layer's returned arrays as blocks, in Keras's order.

    Blue blocks are outputs, vermilion blocks are final states. A block has one row per
    sequence in the batch and one column per unit (two per unit where ``concat`` doubles the
    width); an output with a time axis is drawn as a stack of sheets, one per step. Each
    block is labelled with the array's name and symbolic shape.

    Returns
    -------
    matplotlib.figure.Figure
        Not registered with pyplot.
    """
    columns, rows = 2, (len(OVERVIEW_PANELS) + 1) // 2
    title_h = 0.75
    width, height = columns * _PANEL_W, rows * _PANEL_H + title_h
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    ax.text(width / 2, height - 0.25,
            "What a Keras recurrent layer returns (blue: output, vermilion: final states)",
            ha="center", va="center", fontsize=12)
    ax.text(width / 2, height - 0.55,
            "One row of cells per sequence in the batch, one column per unit; "
            "stacked sheets are time steps.",
            ha="center", va="center", fontsize=9, color="#555555")
    for i, config in enumerate(OVERVIEW_PANELS):
        row, col = divmod(i, columns)
        _draw_panel(ax, col * _PANEL_W, height - title_h - row * _PANEL_H, config)
    return fig


def save_overview(path: str | Path) -> Path:
    """Write :func:`draw_overview` as an SVG to ``path``, byte-for-byte reproducibly.

    Raises
    ------
    TypeError
        If ``path`` is not a string or ``pathlib.Path``.
    ValueError
        If ``path`` does not end in ``.svg``.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    path = Path(path)
    if path.suffix != ".svg":
        raise ValueError(f"expected a path ending in .svg, got {str(path)!r}")
    # A fixed hash salt and no date make the SVG's ids and metadata the same on every run, so
    # tests/test_overview.py can compare the committed file with a fresh drawing.
    with matplotlib.rc_context({"svg.hashsalt": "lstm-outputs-executed", "svg.fonttype": "path"}):
        draw_overview().savefig(path, format="svg", metadata={"Date": None})
    return path
