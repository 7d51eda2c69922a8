"""Pictures for building with LSTMs: a stack, the two encoder–decoders, forecasts against truth.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so a notebook
shows it once, as the cell's result. Colours follow :func:`lstm_helpers.draw_returns`: yellow
cells, blue for hidden states that are handed on, vermilion for states, grey dashed for values
computed and dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from lstm_helpers._runtime import keras
from lstm_helpers.diagrams import CELL, DROPPED, RETURNED, STATE, describe_call, value_box
from lstm_helpers.drawing import BLUE, GREEN, PINK, VERMILION, arrow, canvas, check_count
from lstm_helpers.shapes import RNN_KINDS, LayerConfig, layer_config

__all__ = ["ENCODER_DECODER_DESIGNS", "draw_encoder_decoder", "draw_stack", "plot_forecasts"]

ENCODER_DECODER_DESIGNS = ("repeat_vector", "state_passing")
"""The two designs :func:`draw_encoder_decoder` draws, named as in :mod:`lstm_helpers.seq2seq`."""

# Okabe–Ito colours, readable with every common colour-vision deficiency.
FORECAST_COLOURS = (BLUE, VERMILION, GREEN, PINK)
STEP = 1.9  # horizontal distance between time steps in the diagrams


def _stack_configs(layers: object) -> list[LayerConfig]:
    if isinstance(layers, keras.Model):
        recurrent = tuple(getattr(keras.layers, kind) for kind in RNN_KINDS)
        layers = [layer for layer in layers.layers if isinstance(layer, (*recurrent, keras.layers.Bidirectional))]
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            "expected a keras.Model or a list of recurrent layers (bottom first), "
            f"got {type(layers).__name__}"
        )
    configs = [layer_config(layer) for layer in layers]
    if not 2 <= len(configs) <= 4:
        raise ValueError(f"expected a stack of 2 to 4 recurrent layers, got {len(configs)}")
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


def draw_stack(layers: object, timesteps: int = 4) -> Figure:
    """Draw a stack of recurrent layers unrolled over ``timesteps`` steps, bottom layer first.

    Every layer but the top one returns its hidden state at every step (blue), and the layer
    above reads those as its input sequence. The top layer's outputs are coloured as in
    :func:`lstm_helpers.draw_returns`: blue if returned, grey dashed if dropped; vermilion boxes
    are its final states when it sets ``return_state=True``.

    Parameters
    ----------
    layers : keras.Model, or list of keras.layers.LSTM / GRU / SimpleRNN
        2 to 4 layers, bottom first; from a model, its recurrent layers in order. Only their
        configuration is read.
    timesteps : int
        Steps to draw, 2 to 6.

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
    xs = [STEP * t for t in range(1, timesteps + 1)]
    state_names = ["h", "c"] if top_config.kind == "LSTM" else ["h"]
    labels = [f"layer {i}: {describe_call(c)}" for i, c in enumerate(configs, start=1)]
    label_width = 0.115 * max(len(label) for label in labels)
    left = xs[0] - 0.8 - label_width
    right = xs[-1] + (2.4 if top_config.return_state else 0.8)
    top_y = 3.0 * len(configs)
    fig, ax = canvas(left, right, -0.8, top_y + 0.8)

    for t, x in enumerate(xs, start=1):
        value_box(ax, x, 0, f"$x_{{{t}}}$", "white")
    for level, config in enumerate(configs, start=1):
        cell_y, out_y, below_y = 3.0 * level - 1.5, 3.0 * level, 3.0 * (level - 1)
        is_top = level == len(configs)
        ax.text(left + 0.1, cell_y, labels[level - 1], ha="left", va="center", fontsize=9,
                family="monospace")
        name = "RNN" if config.kind == "SimpleRNN" else config.kind
        for t, x in enumerate(xs, start=1):
            value_box(ax, x, cell_y, name, CELL, w=0.75)
            arrow(ax, (x, below_y + 0.3), (x, cell_y - 0.3))
            returned = not is_top or config.return_sequences or t == timesteps
            value_box(ax, x, out_y, f"$h^{{({level})}}_{{{t}}}$", RETURNED if returned else DROPPED)
            arrow(ax, (x, cell_y + 0.3), (x, out_y - 0.3), color="black" if returned else "#AAAAAA")
        for a, b in zip(xs, xs[1:]):
            arrow(ax, (a + 0.4, cell_y), (b - 0.4, cell_y))
            ax.text((a + b) / 2, cell_y + 0.15, "h, c" if config.kind == "LSTM" else "h",
                    ha="center", va="bottom", fontsize=8)
        if is_top and config.return_state:
            spread = 0.4 if len(state_names) == 2 else 0.0
            for s, sy in zip(state_names, (cell_y + spread, cell_y - spread)):
                arrow(ax, (xs[-1] + 0.4, cell_y), (xs[-1] + 1.1, sy), color=STATE)
                value_box(ax, xs[-1] + 1.45, sy, s, STATE, w=0.6, h=0.45)
    return fig


def draw_encoder_decoder(design: str, input_steps: int = 4, output_steps: int = 3) -> Figure:
    """Draw one of the two encoder–decoders of :mod:`lstm_helpers.seq2seq`, unrolled.

    ``"repeat_vector"``: the encoder's last ``h`` (blue) is copied by ``RepeatVector`` into the
    decoder's input at every step, and the decoder starts from zero states.
    ``"state_passing"``: the encoder's final ``h`` and ``c`` (vermilion) become the decoder's
    ``initial_state``, and the decoder reads the last input value at every step. In both, a
    ``Dense`` layer applied at every decoder step (``TimeDistributed``) gives the forecasts ŷ.

    Parameters
    ----------
    design : {"repeat_vector", "state_passing"}
    input_steps : int
        Encoder steps to draw, 2 to 5.
    output_steps : int
        Decoder steps to draw, 1 to 4.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For an unknown ``design`` or step counts outside the ranges above.
    TypeError
        If a step count is not an int.
    """
    if design not in ENCODER_DECODER_DESIGNS:
        raise ValueError(f"design must be one of {ENCODER_DECODER_DESIGNS}, got {design!r}")
    check_count("input_steps", input_steps, 2, 5)
    check_count("output_steps", output_steps, 1, 4)
    encoder_xs = [STEP * t for t in range(input_steps)]
    gap = 2.6 * STEP
    decoder_xs = [encoder_xs[-1] + gap + STEP * t for t in range(output_steps)]
    cell_y, out_y = 1.6, 3.2
    left, right = encoder_xs[0] - 1.0, decoder_xs[-1] + 1.0
    spare = max(0.0, 15.0 - (right - left)) / 2
    fig, ax = canvas(left - spare, right + spare, -1.6, out_y + 1.1)
    last = input_steps
    title = {
        "repeat_vector": "RepeatVector: the encoder's last h is the decoder's input at every step",
        "state_passing": "return_state: the encoder's final [h, c] is the decoder's initial_state",
    }[design]
    ax.text((left + right) / 2, out_y + 0.75, title, ha="center", va="center", fontsize=11)

    for t, x in enumerate(encoder_xs, start=1):
        value_box(ax, x, 0, f"$x_{{{t}}}$", "white")
        value_box(ax, x, cell_y, "LSTM", CELL, w=0.75)
        arrow(ax, (x, 0.3), (x, cell_y - 0.3))
    for a, b in zip(encoder_xs, encoder_xs[1:]):
        arrow(ax, (a + 0.4, cell_y), (b - 0.4, cell_y))
        ax.text((a + b) / 2, cell_y + 0.15, "h, c", ha="center", va="bottom", fontsize=8)
    for a, b in zip(decoder_xs, decoder_xs[1:]):
        arrow(ax, (a + 0.4, cell_y), (b - 0.4, cell_y))
        ax.text((a + b) / 2, cell_y + 0.15, "h, c", ha="center", va="bottom", fontsize=8)
    for t, x in enumerate(decoder_xs, start=last + 1):
        value_box(ax, x, cell_y, "LSTM", CELL, w=0.75)
        value_box(ax, x, out_y, rf"$\hat{{y}}_{{{t}}}$", RETURNED)
        arrow(ax, (x, cell_y + 0.3), (x, out_y - 0.3))
        ax.text(x + 0.08, (cell_y + out_y) / 2, "Dense", ha="left", va="center", fontsize=7)
        decoder_input = f"$h_{{{last}}}$" if design == "repeat_vector" else f"$x_{{{last}}}$"
        value_box(ax, x, 0, decoder_input, RETURNED if design == "repeat_vector" else "white")
        arrow(ax, (x, 0.3), (x, cell_y - 0.3))

    first_decoder, last_encoder = decoder_xs[0], encoder_xs[-1]
    middle = (first_decoder + last_encoder) / 2
    # RepeatVector sits in the input row; a bus under the decoder hands each step the same copy.
    value_box(ax, middle, 0, f"RepeatVector({output_steps})", "white", w=2.0, size=8)
    bus_y = -0.6
    ax.plot([middle, middle, decoder_xs[-1]], [-0.28, bus_y, bus_y], color="black", linewidth=1.1)
    for x in decoder_xs:
        arrow(ax, (x, bus_y), (x, -0.28))
    if design == "repeat_vector":
        value_box(ax, last_encoder, out_y, f"$h_{{{last}}}$", RETURNED)
        arrow(ax, (last_encoder, cell_y + 0.3), (last_encoder, out_y - 0.3))
        arrow(ax, (last_encoder + 0.4, out_y - 0.1), (middle - 0.3, 0.3))
        ax.text(first_decoder - 0.5, cell_y - 0.45, "h, c = 0", ha="right", va="center",
                fontsize=8, color="#555555")
        encoder_label = "encoder LSTM(units)"
    else:
        arrow(ax, (last_encoder + 0.4, 0), (middle - 1.0, 0))
        arrow(ax, (last_encoder + 0.4, cell_y), (first_decoder - 0.4, cell_y), color=STATE)
        value_box(ax, middle, cell_y + 0.55, "[h, c]", STATE, w=1.0, h=0.45, size=9)
        ax.text(middle, cell_y - 0.35, "initial_state", ha="center", va="center", fontsize=8,
                color=STATE)
        encoder_label = "encoder LSTM(units, return_state=True)"
    ax.text((encoder_xs[0] + last_encoder) / 2, -1.15, encoder_label, ha="center", va="center",
            fontsize=9, family="monospace")
    ax.text((first_decoder + decoder_xs[-1]) / 2, -1.15, "decoder LSTM(units, return_sequences=True)",
            ha="center", va="center", fontsize=9, family="monospace")
    return fig


def _series(name: str, values: object) -> np.ndarray:
    try:
        array = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array (batch, steps, 1)") from error
    if array.ndim != 3 or array.shape[-1] != 1:
        raise ValueError(f"{name} must have shape (batch, steps, 1), got {array.shape}")
    return array[..., 0]


def plot_forecasts(
    x: object,
    y_true: object,
    predictions: Mapping[str, object],
    samples: Sequence[int] = (0, 1, 2),
) -> Figure:
    """Plot a few windows: the history, the true continuation and each model's forecast.

    Parameters
    ----------
    x : array-like, shape (batch, input_steps, 1)
        The histories the models read.
    y_true : array-like, shape (batch, output_steps, 1)
        What really came next.
    predictions : dict of str to array-like, each shape (batch, output_steps, 1)
        Forecasts by model name, at most four.
    samples : sequence of int
        Which windows to plot, one panel each, 1 to 4 of them.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If an array is not numeric, ``predictions`` is not a mapping or ``samples`` not ints.
    ValueError
        For wrong shapes, batches that differ, an empty or too long ``predictions`` or
        ``samples``, or a sample index out of range.
    """
    history, truth = _series("x", x), _series("y_true", y_true)
    if not isinstance(predictions, Mapping):
        raise TypeError(f"predictions must be a dict of name to forecast, got {type(predictions).__name__}")
    if not 1 <= len(predictions) <= len(FORECAST_COLOURS):
        raise ValueError(f"expected 1 to {len(FORECAST_COLOURS)} forecasts, got {len(predictions)}")
    forecasts = {str(name): _series(f"predictions[{name!r}]", p) for name, p in predictions.items()}
    for name, forecast in forecasts.items():
        if forecast.shape != truth.shape:
            raise ValueError(f"predictions[{name!r}] has shape {forecast.shape}, expected {truth.shape} like y_true")
    if history.shape[0] != truth.shape[0]:
        raise ValueError(f"x has {history.shape[0]} windows but y_true has {truth.shape[0]}")
    if isinstance(samples, (str, bytes)) or not isinstance(samples, Sequence):
        raise TypeError(f"samples must be a sequence of window indices, got {type(samples).__name__}")
    if not 1 <= len(samples) <= 4:
        raise ValueError(f"expected 1 to 4 samples, got {len(samples)}")
    for index in samples:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"samples must be ints, got {index!r}")
        if not 0 <= index < len(truth):
            raise ValueError(f"sample {index} is out of range: there are {len(truth)} windows")

    input_steps, output_steps = history.shape[1], truth.shape[1]
    past = np.arange(input_steps)
    future = np.arange(input_steps, input_steps + output_steps)
    fig = Figure(figsize=(3.4 * len(samples), 3.0), dpi=90, layout="constrained")
    axes = fig.subplots(1, len(samples), sharey=True, squeeze=False)[0]
    for panel, (ax, index) in enumerate(zip(axes, samples)):
        ax.plot(past, history[index], color="#999999", marker=".", linewidth=1,
                label="history (noisy input)")
        ax.plot(future, truth[index], color="black", marker="o", linewidth=1.5, label="truth")
        for (name, forecast), colour in zip(forecasts.items(), FORECAST_COLOURS):
            ax.plot(future, forecast[index], color=colour, marker="s", markersize=4,
                    linestyle="--", linewidth=1.3, label=name)
        ax.axvline(input_steps - 0.5, color="#BBBBBB", linewidth=1, linestyle=":")
        ax.set_title(f"validation window {index}", fontsize=10)
        ax.set_xlabel("time step")
        if panel == 0:
            ax.set_ylabel("value")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
               ncol=2 + len(forecasts), fontsize=9, frameon=False)
    return fig
