"""A picture of ``stateful=True``: one long sequence read in several calls (chapter 17 checks
what it shows against Keras)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lstm_helpers.figures._style import (
    CELL,
    MUTED,
    STATE,
    ZEROS,
    arrow,
    box,
    canvas,
    carried,
    write,
)

__all__ = ["draw_stateful_calls"]

_STEP = 1.05  # distance between steps inside a call
_GAP = 2.7  # from the last step of a call to the first of the next: room for the state box


def draw_stateful_calls(calls: int = 3, steps_per_call: int = 3) -> Figure:
    """Draw one sequence read in ``calls`` calls, with and without ``stateful=True``.

    Introduced in chapter 17 (Stateful layers). Top row, ``stateful=True``: the first call
    starts from zeros; each call's final ``h, c`` go into ``layer.states`` (vermilion) and
    the next call starts from them, so the calls read the sequence as one call would. Bottom
    row, the default: every call starts from zeros (grey). Calls and steps are numbered from
    0 (``call 0: steps 0–2``, ``call 1: steps 3–5``, ...).

    Parameters
    ----------
    calls : int
        Number of calls (chunks); 2 to 4 fit the page.
    steps_per_call : int
        Time steps in each chunk; 1 to 4 fit the page.
    """

    call_width = _STEP * (steps_per_call - 1)
    first_cell = 3.4  # leaves room for the row labels and the first zeros box
    starts = [first_cell + j * (call_width + _GAP) for j in range(calls)]
    right = starts[-1] + call_width + _GAP - 0.2
    top = 4.0
    rows = {"stateful": 2.95, "default": 0.95}
    fig, ax = canvas(0, right, 0, top, scale=0.78)

    labels = {"stateful": "stateful=True", "default": "stateful=False\n(the default)"}
    for row, y in rows.items():
        write(ax, 0.15, y, labels[row], 10, code=True, ha="left")
        for j, start in enumerate(starts):
            xs = [start + _STEP * t for t in range(steps_per_call)]
            first, last = j * steps_per_call, (j + 1) * steps_per_call - 1
            dotted = {"facecolor": "none", "edgecolor": "#999999", "linestyle": ":"}
            corner = (xs[0] - 0.45, y - 0.45)
            ax.add_patch(
                Rectangle(corner, call_width + 0.9, 0.9, linewidth=1.0, **dotted)
            )
            span = f"steps {first}–{last}" if first < last else f"step {first}"
            write(
                ax,
                (xs[0] + xs[-1]) / 2,
                y + 0.55,
                f"call {j}: {span}",
                8.5,
                va="bottom",
            )
            for x in xs:
                box(ax, x, y, "LSTM", CELL, w=0.62, h=0.5, size=8)
            for a, b in zip(xs, xs[1:]):
                arrow(ax, (a + 0.33, y), (b - 0.33, y), head=10)
            # Where this call's starting state comes from.
            source_x = xs[0] - 1.05
            if row == "stateful" and j > 0:
                box(ax, source_x, y, "layer.\nstates", STATE, w=0.78, h=0.62, size=7.5)
            else:
                zeros = {"dashed": True, "text_color": MUTED, "size": 8}
                box(ax, source_x, y, "zeros", ZEROS, w=0.66, h=0.5, **zeros)
            arrow(ax, (source_x + 0.39, y), (xs[0] - 0.33, y), head=10)
            if row == "stateful":
                # The call's final h, c are kept: they feed the next call's state box.
                end = xs[-1] + 0.33
                target = (
                    (starts[j + 1] if j + 1 < calls else xs[-1] + _GAP) - 1.05 - 0.41
                )
                arrow(ax, (end, y), (target, y), color=STATE, head=10)
                middle = (end + 0.45 + target) / 2 - 0.2
                write(
                    ax, middle, y + 0.08, carried("LSTM"), 8, va="bottom", color=STATE
                )
        if row == "stateful":
            kept_x = starts[-1] + call_width + _GAP - 1.05
            box(ax, kept_x, y, "layer.\nstates", STATE, w=0.78, h=0.62, size=7.5)
            write(ax, kept_x, y - 0.42, "kept until\nreset_state()", 7.5, va="top")
    return fig
