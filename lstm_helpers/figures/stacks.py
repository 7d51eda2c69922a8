"""A stack of recurrent layers, unrolled: each lower layer hands its sequence to the one above.

Colours follow :func:`lstm_helpers.draw_returns`: yellow cells, blue for hidden states that are
handed on or returned, vermilion for returned states, grey dashed for values computed and
dropped. Steps are numbered from 0; layers from 1, bottom first.
"""

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
    check_count,
    step,
    value_box,
)
from lstm_helpers.shapes import (
    RNN_KINDS,
    STATE_NAMES,
    LayerConfig,
    describe_call,
    layer_config,
)

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
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            "expected a keras.Model or a list of recurrent layers (bottom first), "
            f"got {type(layers).__name__}"
        )
    configs = [layer_config(layer) for layer in layers]
    if not 2 <= len(configs) <= 4:
        raise ValueError(
            f"expected a stack of 2 to 4 recurrent layers, got {len(configs)}"
        )
    for position, config in enumerate(configs, start=1):
        if config.bidirectional:
            raise TypeError(
                f"layer {position} is Bidirectional; draw_stack draws plain LSTM/GRU/SimpleRNN "
                "layers (draw_returns draws a Bidirectional one)"
            )
        if position == len(configs):
            break
        if not config.return_sequences:
            raise ValueError(
                f"layer {position} of {len(configs)} returns only its last step, (batch, units); "
                "the layer above needs (batch, timesteps, units): expected return_sequences=True "
                "on every layer but the top one"
            )
        if config.return_state:
            raise ValueError(
                f"layer {position} of {len(configs)} sets return_state=True; expected it only on "
                "the top layer (a lower layer hands on its sequence, not its states)"
            )
    return configs


def draw_stack(
    layers: keras.Model | Sequence[keras.layers.Layer], timesteps: int = 4
) -> Figure:
    """Draw a stack of recurrent layers unrolled over ``timesteps`` steps, bottom layer first.

    Every layer but the top one returns its hidden state at every step (blue), and the layer
    above reads those as its input sequence. The top layer's outputs are coloured as in
    :func:`lstm_helpers.draw_returns`: blue if returned, grey dashed if dropped; vermilion boxes
    are its final states when it sets ``return_state=True``. Steps are numbered from 0
    (``x_0``, ``h_0``, ...); the superscript is the layer, from 1 at the bottom.

    Parameters
    ----------
    layers : keras.Model, or list of keras.layers.LSTM / GRU / SimpleRNN
        2 to 4 layers, bottom first; from a model, its recurrent layers in order. Only their
        configuration is read.
    timesteps : int
        Steps to draw, 2 to 6 (default 4).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``layers`` is not a model or list of plain recurrent layers, or ``timesteps`` not an int.
    ValueError
        If there are not 2 to 4 layers, a lower layer lacks ``return_sequences=True`` (the
        stack Keras refuses to build) or sets ``return_state=True``, or ``timesteps`` is
        outside 2..6.
    """
    configs = _stack_configs(layers)
    check_count("timesteps", timesteps, 2, 6)
    top_config = configs[-1]
    xs = [STEP * t for t in range(timesteps)]
    labels = [f"layer {i}: {describe_call(c)}" for i, c in enumerate(configs, start=1)]
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
        ax.text(
            label_right,
            cell_y,
            labels[level - 1],
            ha="right",
            va="center",
            fontsize=9,
            family="monospace",
        )
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
            ax.text(
                (a + b) / 2,
                cell_y + 0.15,
                carried(config.kind),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        if is_top and config.return_state:
            names = STATE_NAMES[config.kind]
            spread = 0.4 if len(names) == 2 else 0.0
            for name, sy in zip(names, (cell_y + spread, cell_y - spread)):
                arrow(ax, (xs[-1] + 0.4, cell_y), (xs[-1] + 1.1, sy), color=STATE)
                value_box(ax, xs[-1] + 1.45, sy, name, STATE, w=0.6, h=0.45)
    return fig
