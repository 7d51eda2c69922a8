"""The weight-layout and masking pictures: drawn from real shapes, labelled by the real rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from lstm_helpers._runtime import keras
from lstm_helpers.gate_diagrams import draw_gate_layout
from lstm_helpers.mask_diagram import draw_masking, masked_output_labels
from lstm_helpers.reference import lstm_forward


def built(kind, units=3, features=5, **options):
    layer = getattr(keras.layers, kind)(units, **options)
    layer(np.zeros((1, 2, features), "float32"))
    return layer


def texts(figure):
    return [t.get_text() for ax in figure.axes for t in ax.texts]


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_keras_layout_names_each_array_with_its_real_shape(kind):
    figure = draw_gate_layout(built(kind))
    assert isinstance(figure, Figure)
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[kind]
    labels = texts(figure)
    assert f"kernel\n(5, {3 * gates})" in labels
    assert f"recurrent_kernel\n(3, {3 * gates})" in labels
    assert any(label.startswith("bias\n(2, 9)" if kind == "GRU" else f"bias\n({3 * gates},)")
               for label in labels)


def test_torch_layout_shows_transposed_shapes_and_a_zero_bias():
    labels = texts(draw_gate_layout(built("LSTM"), layout="torch"))
    assert "weight_ih_l0\n(12, 5)\n= kernel.T" in labels
    assert "bias_hh_l0\n(12,)\n= zeros" in labels
    assert labels.count("g") == 3  # PyTorch's name for the candidate, in three matrices


@pytest.mark.parametrize(
    ("make", "layout", "error", "expected"),
    [
        (lambda: keras.layers.LSTM(3), "keras", ValueError, "not built yet"),
        (lambda: built("LSTM"), "pytorch", ValueError, "layout must be 'keras' or 'torch'"),
        (lambda: built("GRU"), "torch", ValueError, "LSTM only"),
        (lambda: keras.layers.Bidirectional(keras.layers.LSTM(3)), "keras", TypeError, "bare"),
        (lambda: keras.layers.Dense(3), "keras", TypeError, "expected a keras.layers.LSTM"),
    ],
)
def test_draw_gate_layout_rejects_what_it_cannot_draw(make, layout, error, expected):
    layer = make()
    if isinstance(layer, keras.layers.Bidirectional):
        layer(np.zeros((1, 2, 5), "float32"))
    with pytest.raises(error, match=expected):
        draw_gate_layout(layer, layout=layout)


def test_masked_output_labels_examples():
    assert masked_output_labels([True, True, False, False]) == ["h1", "h2", "h2", "h2"]
    assert masked_output_labels([False, True, False, True]) == ["0", "h1", "h1", "h2"]
    assert masked_output_labels([False, False]) == ["0", "0"]


@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=8), st.integers(0, 1000))
def test_masked_output_labels_describe_what_the_layer_returns(mask_row, seed):
    """Equal labels mean equal outputs; "0" means zeros (checked on the NumPy LSTM, which the
    reference tests hold to Keras)."""
    rng = np.random.default_rng(seed)
    weights = (rng.normal(size=(2, 8)), rng.normal(size=(2, 8)), rng.normal(size=8))
    outputs = lstm_forward(rng.normal(size=(1, len(mask_row), 2)), *weights, mask=[mask_row])[0][0]
    labels = masked_output_labels(mask_row)
    for t, label in enumerate(labels):
        if label == "0":
            assert not outputs[t].any()
        else:
            first = labels.index(label)
            assert mask_row[first]
            np.testing.assert_array_equal(outputs[t], outputs[first])


def test_draw_masking_draws_one_band_per_sequence():
    figure = draw_masking(np.array([[1, 1, 0], [0, 1, 1]], bool), labels=["post", "pre"])
    labels = texts(figure)
    assert "post" in labels and "pre" in labels
    assert labels.count("final state = h2") == 2


@pytest.mark.parametrize(
    ("mask", "labels", "error", "expected"),
    [
        (np.ones(5, bool), None, ValueError, "expected mask of shape"),
        (np.ones((5, 5), bool), None, ValueError, "1 to 4 sequences"),
        (np.ones((1, 13), bool), None, ValueError, "2 to 12 steps"),
        (np.ones((1, 4)), None, TypeError, "boolean mask"),
        (np.ones((2, 4), bool), ["only one"], ValueError, "expected 2 labels"),
    ],
)
def test_draw_masking_rejects_bad_input(mask, labels, error, expected):
    with pytest.raises(error, match=expected):
        draw_masking(mask, labels=labels)
