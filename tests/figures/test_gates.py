"""draw_gate_layout: drawn from a built layer's real weight shapes, cut by GATE_ORDER."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from lstm_helpers import GATE_ORDER, draw_gate_layout, recurrent_weights
from lstm_helpers._runtime import keras
from lstm_helpers.figures._style import GATE_COLORS


def built(kind, units=3, features=5, **options):
    layer = getattr(keras.layers, kind)(units, **options)
    layer(np.zeros((1, 2, features), "float32"))
    return layer


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_keras_layout_names_each_array_with_its_real_shape(drawing, kind):
    layer = built(kind)
    figure = draw_gate_layout(layer)
    assert isinstance(figure, Figure)
    labels = drawing(figure).texts
    kernel, recurrent_kernel, bias = recurrent_weights(layer)  # what Keras holds
    assert f"kernel\n{kernel.shape}" in labels
    assert f"recurrent_kernel\n{recurrent_kernel.shape}" in labels
    assert f"bias\n{bias.shape}" in labels
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[kind]
    assert kernel.shape == (5, 3 * gates)
    assert bias.shape == ((2, 9) if kind == "GRU" else (3 * gates,))
    # each block once per array, in Keras's order, in its colour
    blocks = figure.axes[0].patches
    assert [t for t in labels if len(t) == 1] == list(GATE_ORDER[kind]) * 3
    colours = [to_rgba(GATE_COLORS[gate]) for gate in GATE_ORDER[kind]]
    assert [p.get_facecolor() for p in blocks] == colours * 3


def test_torch_layout_shows_transposed_shapes_and_a_zero_bias(drawing):
    labels = drawing(draw_gate_layout(built("LSTM"), layout="torch")).texts
    assert "weight_ih_l0\n(12, 5)\n= kernel.T" in labels
    assert "bias_hh_l0\n(12,)\n= zeros" in labels
    assert (
        labels.count("g") == 3
    )  # PyTorch's name for the candidate, in three matrices
    assert labels.count("0") == 4  # the zero bias, cut into the four blocks


@pytest.mark.parametrize(
    ("make", "layout", "error", "expected"),
    [
        (lambda: keras.layers.LSTM(3), "keras", ValueError, "not built yet"),
        (
            lambda: built("LSTM"),
            "pytorch",
            ValueError,
            r"layout must be one of \('keras', 'torch'\)",
        ),
        (lambda: built("GRU"), "torch", ValueError, "LSTM only"),
        (
            lambda: keras.layers.Bidirectional(keras.layers.LSTM(3)),
            "keras",
            TypeError,
            "bare",
        ),
        (
            lambda: keras.layers.Dense(3),
            "keras",
            TypeError,
            "expected a keras.layers.LSTM",
        ),
    ],
)
def test_rejects_what_it_cannot_draw(make, layout, error, expected):
    layer = make()
    if isinstance(layer, keras.layers.Bidirectional):
        layer(np.zeros((1, 2, 5), "float32"))
    with pytest.raises(error, match=expected):
        draw_gate_layout(layer, layout=layout)
