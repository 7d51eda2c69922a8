"""Unrolled timelines: which of a recurrent layer's values come back to the caller.

The picture is drawn from the same configuration that :func:`lstm_helpers.expected_outputs`
reads, and its caption line lists :func:`lstm_helpers.returned_arrays`, so it shows exactly
the arrays the layer returns.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from lstm_helpers.drawing import BLUE, GREY, VERMILION, YELLOW, arrow, box, canvas, check_count
from lstm_helpers.shapes import LayerConfig, layer_config, returned_arrays

RETURNED = BLUE  # part of `output`
STATE = VERMILION  # a returned state
DROPPED = GREY  # dashed: computed inside the layer, not returned
CELL = YELLOW  # the recurrent cell at one step
STEP = 2.4  # horizontal distance between time steps
ROW = 1.7  # vertical distance between rows


def value_box(ax, x: float, y: float, text: str, face: str, **options) -> None:
    """A box for one value: dashed when it is computed but not returned (``DROPPED``)."""
    box(ax, x, y, text, face, dashed=face == DROPPED, **options)


def describe_call(config: LayerConfig) -> str:
    """The layer as code, e.g. ``LSTM(units, return_sequences=True)``."""
    flags = [f"{f}=True" for f in ("return_sequences", "return_state") if getattr(config, f)]
    inner = ", ".join([f"{config.kind}(units", *flags]) + ")"
    if config.bidirectional:
        return f"Bidirectional({inner}, merge_mode={config.merge_mode!r})"
    return inner


def draw_returns(layer: object, timesteps: int = 4) -> Figure:
    """Draw ``layer`` unrolled over ``timesteps`` steps, colouring what it returns.

    Blue boxes are the per-step hidden states that make up ``output``; vermilion boxes are
    returned final states; grey dashed boxes are computed but not returned. A bidirectional
    layer gets two rows of cells: the forward one runs left to right, the backward one right
    to left, and each step's output box shows the forward (→) and backward (←) halves.

    Parameters
    ----------
    layer : keras.layers.LSTM, GRU, SimpleRNN, or a Bidirectional wrapping one
        Only its configuration is read.
    timesteps : int
        Steps to draw, 2 to 8.

    Returns
    -------
    matplotlib.figure.Figure
        Not registered with pyplot, so a notebook shows it once, as the cell's result.

    Raises
    ------
    TypeError
        If ``layer`` is not a supported recurrent layer, or ``timesteps`` is not an int.
    ValueError
        If ``timesteps`` is outside 2..8.
    """
    config = layer_config(layer)
    check_count("timesteps", timesteps, 2, 8)

    xs = [STEP * t for t in range(1, timesteps + 1)]
    # Bottom to top: inputs, then the backward row (if any), the forward row, the outputs.
    directions = [("backward", -1), ("forward", 1)] if config.bidirectional else [("", 1)]
    row_y = {name: ROW * (i + 1) for i, (name, _) in enumerate(directions)}
    out_y = ROW * (len(directions) + 1)
    state_names = ["h", "c"] if config.kind == "LSTM" else ["h"]
    margin = (1.3 + (1.7 if config.bidirectional else 0.6)) if config.return_state else 0.9
    left, right = xs[0] - (margin if config.bidirectional else 0.9), xs[-1] + margin
    bottom, top = -1.5, out_y + 1.0
    # Leave room for the title and the list of returned arrays, however few steps are drawn.
    spare = max(0.0, 13.0 - (right - left)) / 2
    left, right = left - spare, right + spare

    fig, ax = canvas(left, right, bottom, top)
    ax.text((left + right) / 2, top - 0.35, describe_call(config), ha="center", va="center",
            fontsize=11, family="monospace")

    carried = ", ".join(state_names)
    for t, x in enumerate(xs, start=1):
        value_box(ax, x, 0, f"$x_{{{t}}}$", "white", w=0.8, h=0.6)
    for name, step in directions:
        y = row_y[name]
        for x in xs:
            label = config.kind if config.kind != "SimpleRNN" else "RNN"
            value_box(ax, x, y, label, CELL, w=0.7, h=0.6)
            if name == "forward":  # passes left of the backward cell below it
                arrow(ax, (x - 0.2, 0.3), (x - 0.36, y), bend=True)
            else:
                arrow(ax, (x, 0.3), (x, y - 0.3))
        ordered = xs if step == 1 else xs[::-1]
        for a, b in zip(ordered, ordered[1:]):
            arrow(ax, (a + 0.36 * step, y), (b - 0.36 * step, y))
            ax.text((a + b) / 2, y + 0.2, carried, ha="center", va="bottom", fontsize=8)
        if config.return_state:
            # Final states leave the cell that ran last in this direction.
            end = ordered[-1]
            width = 1.7 if name else 0.6
            spread = 0.35 if len(state_names) == 2 else 0.0
            for s, sy in zip(state_names, (y + spread, y - spread)):
                sx = end + step * (0.75 + width / 2)
                arrow(ax, (end + 0.36 * step, y), (sx - step * width / 2, sy), color=STATE)
                value_box(ax, sx, sy, f"{name}_{s}" if name else s, STATE, w=width, h=0.5)

    for t, x in enumerate(xs, start=1):
        if not config.bidirectional:
            returned = config.return_sequences or x == xs[-1]
            value_box(ax, x, out_y, f"$h_{{{t}}}$", RETURNED if returned else DROPPED, w=0.8, h=0.6)
            arrow(ax, (x, row_y[""] + 0.3), (x, out_y - 0.3), color="black" if returned else "#AAAAAA")
            continue
        for name, sign, symbol, final_x in (("forward", -1, "→", xs[-1]), ("backward", 1, "←", xs[0])):
            returned = config.return_sequences or x == final_x
            bx = x + sign * 0.42
            face = RETURNED if returned else DROPPED
            value_box(ax, bx, out_y, f"{symbol}$h_{{{t}}}$", face, w=0.8, h=0.6)
            start = (x, row_y[name] + 0.3) if name == "forward" else (x + 0.36, row_y[name])
            arrow(ax, start, (bx, out_y - 0.3), color="black" if returned else "#AAAAAA",
                   bend=name == "backward")

    arrays = returned_arrays(
        config.kind,
        return_sequences=config.return_sequences,
        return_state=config.return_state,
        bidirectional=config.bidirectional,
        merge_mode=config.merge_mode,
    )
    listed = [f"{a.name} ({', '.join(a.shape)})" for a in arrays]
    lines = ["returned: " + ";  ".join(listed[:2])]
    lines += [";  ".join(listed[i : i + 3]) for i in range(2, len(listed), 3)]
    ax.text((left + right) / 2, -0.9, "\n".join(lines), ha="center", va="center", fontsize=9)
    return fig
