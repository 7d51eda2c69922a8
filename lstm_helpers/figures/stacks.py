"""A stack of recurrent layers, unrolled: each lower layer hands its sequence to the one
above. Colours as in :func:`lstm_helpers.draw_returns`; layers numbered from 1, bottom first."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from lstm_helpers._runtime import keras
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
from lstm_helpers.shapes import RNN_KINDS, STATE_NAMES, LayerConfig, layer_config

__all__ = ["draw_stack"]

STEP = 1.9  # horizontal distance between time steps
LEVEL = 3.0  # vertical distance between layers
CHAR_W = (
    0.125  # data units per character of a 9-point monospace label, with some slack
)


def _stack_configs(
    layers: keras.Model | Sequence[keras.layers.Layer],
) -> list[LayerConfig]:
    if isinstance(layers, keras.Model):
        recurrent = tuple(getattr(keras.layers, kind) for kind in RNN_KINDS)
        layers = [
            layer
            for layer in layers.layers
            if isinstance(layer, (*recurrent, keras.layers.Bidirectional))
        ]
    configs = [layer_config(layer) for layer in layers]
    for position, config in enumerate(configs, start=1):
        if config.bidirectional:
            raise TypeError(
                f"layer {position} is Bidirectional; draw_stack draws plain LSTM/GRU/"
                "SimpleRNN layers (draw_returns draws a Bidirectional one)"
            )
        if position < len(configs) and not config.return_sequences:
            raise ValueError(
                f"layer {position} of {len(configs)} returns only its last step; the layer "
                "above needs (batch, timesteps, units): expected return_sequences=True on "
                "every layer but the top one"
            )
    return configs


def draw_stack(
    layers: keras.Model | Sequence[keras.layers.Layer], timesteps: int = 4
) -> Figure:
    """Draw a stack of recurrent layers unrolled over ``timesteps`` steps, bottom layer first.

    Introduced in chapter 7 (Stacking LSTMs). Every layer but the top one returns its hidden
    state at every step (blue), and the layer above reads those as its input sequence. The
    top layer's outputs are coloured as in :func:`lstm_helpers.draw_returns`: blue if
    returned, grey dashed if dropped; vermilion boxes are its final states when it sets
    ``return_state=True``. Steps are numbered from 0 (``x_0``, ``h_0``, ...); the
    superscript is the layer, from 1 at the bottom.

    Parameters
    ----------
    layers : keras.Model, or list of keras.layers.LSTM / GRU / SimpleRNN
        Bottom first (2 to 4 fit the page); from a model, its recurrent layers in order.
        Only their configuration is read.
    timesteps : int
        Steps to draw; 2 to 6 fit the page.

    Raises
    ------
    TypeError
        If a layer is not a plain recurrent layer.
    ValueError
        If a lower layer lacks ``return_sequences=True`` (a stack Keras refuses to build).
    """
    configs = _stack_configs(layers)
    top_config = configs[-1]
    xs = [STEP * t for t in range(timesteps)]
    labels = [f"layer {i}: {c.call}" for i, c in enumerate(configs, start=1)]
    label_right = xs[0] - 0.75  # labels end here, clear of the first cell
    left = label_right - CHAR_W * max(len(label) for label in labels) - 0.2
    right = xs[-1] + (2.4 if top_config.return_state else 0.8)
    top_y = LEVEL * len(configs)
    fig, ax = canvas(left, right, -0.8, top_y + 0.8)

    for t, x in enumerate(xs):
        value_box(ax, x, 0, step("x", t), INPUT)
    for level, config in enumerate(configs, start=1):
        cell_y, out_y, below_y = (
            LEVEL * level - 1.5,
            LEVEL * level,
            LEVEL * (level - 1),
        )
        is_top = level == len(configs)
        write(ax, label_right, cell_y, labels[level - 1], 9, code=True, ha="right")
        for t, x in enumerate(xs):
            value_box(ax, x, cell_y, cell_label(config.kind), CELL, w=0.75)
            arrow(ax, (x, below_y + 0.3), (x, cell_y - 0.3))
            returned = not is_top or config.return_sequences or t == timesteps - 1
            value_box(
                ax,
                x,
                out_y,
                step(f"h^{{({level})}}", t),
                RETURNED if returned else DROPPED,
            )
            arrow(
                ax,
                (x, cell_y + 0.3),
                (x, out_y - 0.3),
                color="black" if returned else FADED,
            )
        for a, b in zip(xs, xs[1:]):
            arrow(ax, (a + 0.4, cell_y), (b - 0.4, cell_y))
            write(ax, (a + b) / 2, cell_y + 0.15, carried(config.kind), 8, va="bottom")
        if is_top and config.return_state:
            names = STATE_NAMES[config.kind]
            spread = 0.4 if len(names) == 2 else 0.0
            for name, sy in zip(names, (cell_y + spread, cell_y - spread)):
                arrow(ax, (xs[-1] + 0.4, cell_y), (xs[-1] + 1.1, sy), color=STATE)
                value_box(ax, xs[-1] + 1.45, sy, name, STATE, w=0.6, h=0.45)
    return fig
