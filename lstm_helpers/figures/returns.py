"""Unrolled timelines: which of a recurrent layer's values come back to the caller, drawn
from the configuration :func:`lstm_helpers.expected_outputs` reads, with a caption line from
:func:`lstm_helpers.returned_arrays`. Steps are numbered from 0, as Python indexes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lstm_helpers.figures._style import (
    CELL,
    DROPPED,
    FADED,
    INPUT,
    RETURNED,
    STATE,
    arrow,
    canvas,
    carried,
    cell_label,
    step,
    value_box,
    write,
)
from lstm_helpers.shapes import STATE_NAMES, LayerConfig, layer_config

if TYPE_CHECKING:
    import keras

__all__ = ["draw_returns"]

STEP = 2.4  # horizontal distance between time steps
ROW = 1.7  # vertical distance between rows
CELL_W, CELL_H = 0.7, 0.6
BOX_W, BOX_H = 0.8, 0.6  # an input or output value
# A bidirectional layer's forward cell sits left of its step's column and the backward cell
# right of it, each under its half of the output: every arrow then runs straight up or
# sideways between rows, and none passes through another cell.
HALF = 0.45
INPUT_W = 2 * HALF + 0.4  # wide enough for both upward arrows to leave from its top
STATE_W = {"": 0.6, "forward": 1.7, "backward": 1.7}  # "h" or "forward_h" ...
STATE_GAP = 0.5  # from the last vertical line to a state box


def _draw_states(
    ax: Axes,
    config: LayerConfig,
    direction: str,
    cell: tuple[float, float],
    sign: int,
    clear_of: float,
) -> None:
    """The final states leaving ``cell`` sideways (``sign`` 1: right, -1: left), in boxes
    placed beyond ``clear_of``, the outermost vertical line on that side."""
    names = STATE_NAMES[config.kind]
    width = STATE_W[direction]
    spread = 0.35 if len(names) == 2 else 0.0
    cx, cy = cell
    sx = clear_of + sign * (STATE_GAP + width / 2)
    for name, sy in zip(names, (cy + spread, cy - spread)):
        arrow(
            ax,
            (cx + sign * (CELL_W / 2 + 0.01), cy),
            (sx - sign * width / 2, sy),
            color=STATE,
        )
        value_box(
            ax,
            sx,
            sy,
            f"{direction}_{name}" if direction else name,
            STATE,
            w=width,
            h=0.5,
        )


def _draw_row(
    ax: Axes,
    config: LayerConfig,
    cells: list[float],
    y: float,
    sign: int,
    label_shift: float = 0.0,
) -> None:
    """One direction's cells at height ``y``, linked in reading order (``sign`` -1: right to
    left), each link labelled with the states it carries; ``label_shift`` moves the labels
    sideways, off a line that crosses the link."""
    for x in cells:
        value_box(ax, x, y, cell_label(config.kind), CELL, w=CELL_W, h=CELL_H)
    ordered = cells if sign == 1 else cells[::-1]
    for a, b in zip(ordered, ordered[1:]):
        arrow(
            ax,
            (a + sign * (CELL_W / 2 + 0.01), y),
            (b - sign * (CELL_W / 2 + 0.01), y),
        )
        write(
            ax,
            (a + b) / 2 + label_shift,
            y + 0.2,
            carried(config.kind),
            8,
            va="bottom",
        )


def _draw_output(
    ax: Axes, x: float, cell_y: float, out_y: float, label: str, returned: bool
) -> None:
    """A step's h above its cell: blue if the layer returns it, dashed grey if not."""
    value_box(ax, x, out_y, label, RETURNED if returned else DROPPED, w=BOX_W, h=BOX_H)
    arrow(
        ax,
        (x, cell_y + CELL_H / 2),
        (x, out_y - BOX_H / 2),
        color="black" if returned else FADED,
    )


def _draw_unidirectional(ax: Axes, config: LayerConfig, xs: list[float]) -> None:
    cell_y, out_y = ROW, 2 * ROW
    _draw_row(ax, config, xs, cell_y, 1)
    for t, x in enumerate(xs):
        value_box(ax, x, 0, step("x", t), INPUT, w=BOX_W, h=BOX_H)
        arrow(ax, (x, BOX_H / 2), (x, cell_y - CELL_H / 2))
        returned = config.return_sequences or t == len(xs) - 1
        _draw_output(ax, x, cell_y, out_y, step("h", t), returned)
    if config.return_state:
        _draw_states(ax, config, "", (xs[-1], cell_y), 1, xs[-1] + CELL_W / 2)


def _draw_bidirectional(ax: Axes, config: LayerConfig, xs: list[float]) -> None:
    # Bottom to top: inputs, the backward row, the forward row, the outputs.
    rows = {
        "backward": (ROW, +1, -1, "←", 0),
        "forward": (2 * ROW, -1, 1, "→", len(xs) - 1),
    }
    out_y = 3 * ROW
    for t, x in enumerate(xs):
        value_box(ax, x, 0, step("x", t), INPUT, w=INPUT_W, h=BOX_H)
    for direction, (y, side, sign, mark, final_t) in rows.items():
        cells = [x + side * HALF for x in xs]
        # The other direction's vertical lines cross this row's links at a step's column;
        # the labels sit in the middle of the clear part of each link, away from them.
        _draw_row(ax, config, cells, y, sign, label_shift=-side * (HALF - CELL_W / 4))
        for t, cx in enumerate(cells):
            arrow(ax, (cx, BOX_H / 2), (cx, y - CELL_H / 2))
            returned = config.return_sequences or t == final_t
            _draw_output(ax, cx, y, out_y, step("h", t, mark=mark), returned)
        if config.return_state:
            # Final states leave the cell that ran last in this direction, beyond the other
            # direction's vertical line in that step's column.
            end = cells[final_t]
            _draw_states(
                ax, config, direction, (end, y), sign, xs[final_t] - side * HALF
            )


def draw_returns(layer: keras.layers.Layer, timesteps: int = 4) -> Figure:
    """Draw ``layer`` unrolled over ``timesteps`` steps, colouring what it returns.

    Introduced in chapter 1 (The default output). Blue: the per-step hidden states that make
    up ``output``; vermilion: returned final states; grey dashed: computed, not returned. A
    bidirectional layer gets two rows of cells, the backward row (lower) right to left, and
    each output box shows the forward (→) and backward (←) halves above their cells.

    Parameters
    ----------
    layer : keras.layers.LSTM, GRU, SimpleRNN, or a Bidirectional wrapping one
        Only its configuration is read.
    timesteps : int
        Steps to draw; 2 to 8 fit the page.

    Raises
    ------
    TypeError
        If ``layer`` is not a supported recurrent layer.
    """
    config = layer_config(layer)

    xs = [STEP * t for t in range(timesteps)]
    rows = 2 if config.bidirectional else 1
    if config.return_state:
        reach = (HALF if config.bidirectional else CELL_W / 2) + STATE_GAP
        margin = (
            reach
            + max(STATE_W.values() if config.bidirectional else [STATE_W[""]])
            + 0.2
        )
    else:
        margin = 1.0
    left, right = xs[0] - margin, xs[-1] + margin
    bottom, top = -1.5, ROW * (rows + 1) + 1.0
    # Leave room for the title and the list of returned arrays, however few steps are drawn.
    spare = max(0.0, 13.0 - (right - left)) / 2
    left, right = left - spare, right + spare

    fig, ax = canvas(left, right, bottom, top)
    write(ax, (left + right) / 2, top - 0.35, config.call, 11, code=True)
    if config.bidirectional:
        _draw_bidirectional(ax, config, xs)
    else:
        _draw_unidirectional(ax, config, xs)

    listed = [f"{a.name} ({', '.join(a.shape)})" for a in config.arrays]
    lines = ["returned: " + ";  ".join(listed[:2])]
    lines += [";  ".join(listed[i : i + 3]) for i in range(2, len(listed), 3)]
    write(ax, (left + right) / 2, -0.9, "\n".join(lines), 9)
    return fig
