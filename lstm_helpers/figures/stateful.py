"""A picture of ``stateful=True``: one long sequence read in several calls.

The stateful row follows what :class:`keras.layers.LSTM` does with ``stateful=True`` (the book's
chapter 17 checks it): the last ``h, c`` of a call is written to ``layer.states``, and the next
call starts from there instead of from zeros. The default row starts every call from zeros.
Calls and steps are numbered from 0: ``call 0: steps 0–2``, ``call 1: steps 3–5`` ...
"""

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
    check_count,
)

__all__ = ["draw_stateful_calls"]

_STEP = 1.05  # distance between steps inside a call
_GAP = 2.7  # from the last step of a call to the first of the next: room for the state box


def draw_stateful_calls(calls: int = 3, steps_per_call: int = 3) -> Figure:
    """Draw one sequence read in ``calls`` calls, with and without ``stateful=True``.

    Top row, ``stateful=True``: the first call starts from zeros; at the end of each call the
    final ``h, c`` go into ``layer.states`` (vermilion), and the next call starts from them, so
    the calls together read the sequence as one call would. Bottom row, the default: every
    call starts from zeros (grey), so each chunk is read as if it were a whole sequence.
    Calls and steps are numbered from 0: call ``j`` reads steps ``j * steps_per_call`` to
    ``(j + 1) * steps_per_call - 1`` of the sequence (``call 0: steps 0–2`` by default).

    Parameters
    ----------
    calls : int
        Number of calls (chunks), 2 to 4 (default 3).
    steps_per_call : int
        Time steps in each chunk, 1 to 4 (default 3).

    Returns
    -------
    matplotlib.figure.Figure
        Not registered with pyplot, so a notebook shows it once, as the cell's result.

    Raises
    ------
    TypeError
        If ``calls`` or ``steps_per_call`` is not an int.
    ValueError
        If either is outside its range.
    """
    calls = check_count("calls", calls, 2, 4)
    steps_per_call = check_count("steps_per_call", steps_per_call, 1, 4)

    call_width = _STEP * (steps_per_call - 1)
    first_cell = 3.4  # leaves room for the row labels and the first zeros box
    starts = [first_cell + j * (call_width + _GAP) for j in range(calls)]
    right = starts[-1] + call_width + _GAP - 0.2
    top = 4.0
    rows = {"stateful": 2.95, "default": 0.95}
    fig, ax = canvas(0, right, 0, top, scale=0.78)

    labels = {"stateful": "stateful=True", "default": "stateful=False\n(the default)"}
    for row, y in rows.items():
        ax.text(
            0.15,
            y,
            labels[row],
            ha="left",
            va="center",
            fontsize=10,
            family="monospace",
        )
        for j, start in enumerate(starts):
            xs = [start + _STEP * t for t in range(steps_per_call)]
            first_step = j * steps_per_call
            last_step = first_step + steps_per_call - 1
            ax.add_patch(
                Rectangle(
                    (xs[0] - 0.45, y - 0.45),
                    call_width + 0.9,
                    0.9,
                    facecolor="none",
                    edgecolor="#999999",
                    linestyle=":",
                    linewidth=1.0,
                )
            )
            span = (
                f"steps {first_step}–{last_step}"
                if steps_per_call > 1
                else f"step {first_step}"
            )
            ax.text(
                (xs[0] + xs[-1]) / 2,
                y + 0.55,
                f"call {j}: {span}",
                ha="center",
                va="bottom",
                fontsize=8.5,
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
                box(
                    ax,
                    source_x,
                    y,
                    "zeros",
                    ZEROS,
                    w=0.66,
                    h=0.5,
                    dashed=True,
                    text_color=MUTED,
                    size=8,
                )
            arrow(ax, (source_x + 0.39, y), (xs[0] - 0.33, y), head=10)
            if row == "stateful":
                # The call's final h, c are kept: they feed the next call's state box.
                end = xs[-1] + 0.33
                target = (
                    (starts[j + 1] if j + 1 < calls else xs[-1] + _GAP) - 1.05 - 0.41
                )
                arrow(ax, (end, y), (target, y), color=STATE, head=10)
                ax.text(
                    (end + 0.45 + target) / 2 - 0.2,
                    y + 0.08,
                    carried("LSTM"),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=STATE,
                )
        if row == "stateful":
            kept_x = starts[-1] + call_width + _GAP - 1.05
            box(ax, kept_x, y, "layer.\nstates", STATE, w=0.78, h=0.62, size=7.5)
            ax.text(
                kept_x,
                y - 0.42,
                "kept until\nreset_state()",
                ha="center",
                va="top",
                fontsize=7.5,
            )
    return fig
