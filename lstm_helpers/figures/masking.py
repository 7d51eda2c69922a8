"""A picture of what a masked recurrent layer does at padding steps, by the rule
:func:`lstm_helpers.lstm_forward` implements (and the tests hold to Keras). Subscripts count
the real steps from 0, wherever the padding puts them, so a sequence padded two ways shows
the same labels and the same final state."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from lstm_helpers.figures._style import (
    FADED,
    INPUT,
    MUTED,
    REPEATED,
    RETURNED,
    ZEROS,
    arrow,
    box,
    canvas,
    step,
    write,
)

__all__ = ["draw_masking"]

_STEP = 1.15


def masked_output_labels(mask_row: Sequence[bool]) -> list[str]:
    """The output at each step of one masked sequence: ``"hk"`` after real step ``k`` (from
    0), the step before's at a masked step, ``"0"`` before the first real one, e.g.
    ``[False, True, True, False]`` gives ``["0", "h0", "h1", "h1"]``."""
    labels, previous, real = [], "0", 0
    for keep in mask_row:
        if keep:
            previous = f"h{real}"
            real += 1
        labels.append(previous)
    return labels


def _math(label: str) -> str:
    """``"h3"`` as the subscripted $h_{3}$ the other diagrams show; ``"0"`` stays ``"0"``."""
    return label if label == "0" else step(label[0], int(label[1:]))


def draw_masking(mask: ArrayLike, labels: Sequence[str] | None = None) -> Figure:
    """Draw padded sequences: which inputs are real, and what the layer outputs at each step.

    Introduced in chapter 12 (Padding and masking). Each sequence gets two rows: its inputs
    (white ``x``: real data; grey ``0``: padding) and its outputs (dark blue: computed at
    that step; pale blue: repeated from the step before, which is masked); on the right, the
    final state, the last real step's. Subscripts count real steps from 0, as a line says.

    Parameters
    ----------
    mask : array-like of bool, shape (sequences, timesteps)
        ``True`` marks a real step; 1 to 4 sequences of 2 to 12 steps fit the page.
    labels : sequence of str, optional
        A title for each sequence, e.g. ``["post-padding", "pre-padding"]``.

    Raises
    ------
    TypeError, ValueError
        If ``mask`` is not boolean, not 2-D, or ``labels`` has another length.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(
            f"expected mask of shape (sequences, timesteps), got {mask.shape}"
        )
    if mask.dtype != bool:
        raise TypeError(f"expected a boolean mask, got dtype {mask.dtype}")
    if labels is not None and len(labels) != mask.shape[0]:
        raise ValueError(
            f"expected {mask.shape[0]} labels, one per sequence, got {len(labels)}"
        )

    rows, steps = mask.shape
    fig_w = _STEP * steps + 2.6
    band = 2.1
    fig_h = band * rows + 0.75  # the last 0.45 holds the note on the subscripts
    fig, ax = canvas(0, fig_w, 0, fig_h, scale=1.0)
    cell = {"w": 0.84, "h": 0.54}
    for r, mask_row in enumerate(mask):
        top = fig_h - 0.2 - band * r
        if labels is not None:
            write(ax, 0.2, top - 0.15, labels[r], 10, ha="left", weight="bold")
        x_y, out_y = top - 1.55, top - 0.7
        outputs = masked_output_labels(mask_row)
        for t, (keep, out) in enumerate(zip(mask_row, outputs)):
            x = 0.8 + _STEP * t
            if keep:  # numbered like the outputs: real input k gives hk
                box(ax, x, x_y, step("x", int(out[1:])), INPUT, **cell)
            else:
                box(ax, x, x_y, "0", ZEROS, dashed=True, text_color="black", **cell)
            colour, face = ("black", RETURNED) if keep else (FADED, REPEATED)
            arrow(ax, (x, x_y + 0.3), (x, out_y - 0.3), color=colour, head=10)
            box(ax, x, out_y, _math(out), face, dashed=not keep, **cell)
        final = f"final state = {_math(outputs[-1])}"
        write(ax, 0.8 + _STEP * (steps - 1) + 0.65, out_y, final, 10, ha="left")
    note = "Subscripts count the sequence's real steps from 0, wherever the padding puts them."
    write(ax, 0.2, 0.3, note, 9, ha="left", color=MUTED)
    return fig
