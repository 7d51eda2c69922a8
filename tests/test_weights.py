"""lstm_helpers.weights: Keras's weight blocks, a layer's weights, and copy_layer (another
setting of the same layer, with the same weights)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import GATE_ORDER, copy_layer, recurrent_weights, split_gates
from lstm_helpers._runtime import keras
from lstm_helpers.shapes import RNN_KINDS

X = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
to_numpy = keras.ops.convert_to_numpy


# --- GATE_ORDER, split_gates, recurrent_weights ------------------------------------------------


def test_every_kind_has_its_gate_order():
    assert tuple(GATE_ORDER) == RNN_KINDS
    assert {kind: len(gates) for kind, gates in GATE_ORDER.items()} == {
        "LSTM": 4,
        "GRU": 3,
        "SimpleRNN": 1,
    }


def test_split_gates_cuts_the_last_axis_in_keras_order():
    lstm = keras.layers.LSTM(3)
    lstm.build(X.shape)
    kernel, recurrent_kernel, bias = recurrent_weights(lstm)
    assert (kernel.shape, recurrent_kernel.shape, bias.shape) == (
        (3, 12),
        (3, 12),
        (12,),
    )
    gates = split_gates(kernel)
    assert list(gates) == ["i", "f", "c", "o"]
    np.testing.assert_array_equal(gates["f"], kernel[:, 3:6])
    assert list(split_gates(np.zeros((2, 9)), "GRU")) == ["z", "r", "h"]


@pytest.mark.parametrize(
    "weights, kind, message",
    [
        (
            np.zeros((3, 8)),
            "lstm",
            r"kind must be one of \('LSTM', 'GRU', 'SimpleRNN'\)",
        ),
        (
            np.zeros((3, 10)),
            "LSTM",
            r"expected a last axis of 4\*units for LSTM \(blocks i, f, c, o\)",
        ),
        (np.float64(1.0), "GRU", r"expected a last axis of 3\*units for GRU"),
    ],
)
def test_split_gates_says_what_was_expected(weights, kind, message):
    with pytest.raises(ValueError, match=message):
        split_gates(weights, kind)


def test_recurrent_weights_refuses_what_has_no_single_set_of_weights():
    with pytest.raises(TypeError, match="pass layer.forward_layer"):
        recurrent_weights(keras.layers.Bidirectional(keras.layers.LSTM(2)))
    with pytest.raises(ValueError, match="not built yet"):
        recurrent_weights(keras.layers.GRU(2))
    no_bias = keras.layers.SimpleRNN(2, use_bias=False)
    no_bias.build(X.shape)
    with pytest.raises(ValueError, match="use_bias=False; expected a bias"):
        recurrent_weights(no_bias)
    with pytest.raises(TypeError, match="got Dense"):
        recurrent_weights(keras.layers.Dense(2))


# --- copy_layer --------------------------------------------------------------------------------


def test_a_copy_with_return_sequences_ends_where_the_original_does():
    lstm = keras.layers.LSTM(4)
    last = to_numpy(lstm(X))
    every_step = copy_layer(lstm, X.shape, return_sequences=True)
    assert every_step is not lstm and every_step.name != lstm.name
    np.testing.assert_allclose(to_numpy(every_step(X))[:, -1], last, atol=1e-6)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(every_step.get_weights(), lstm.get_weights())
    )


def test_a_bidirectional_copy_changes_only_the_merge():
    pair = keras.layers.Bidirectional(keras.layers.LSTM(4), merge_mode=None)
    forward, backward = (to_numpy(t) for t in pair(X))
    summed = to_numpy(copy_layer(pair, X.shape, merge_mode="sum")(X))
    np.testing.assert_allclose(summed, forward + backward, atol=1e-6)


def test_changes_may_be_callables():
    def keras2_hard_sigmoid(z):
        return keras.ops.clip(0.2 * z + 0.5, 0.0, 1.0)

    lstm = keras.layers.LSTM(3)
    lstm.build(X.shape)
    assert (
        copy_layer(
            lstm, X.shape, recurrent_activation=keras2_hard_sigmoid
        ).recurrent_activation
        is keras2_hard_sigmoid
    )


@pytest.mark.parametrize(
    "layer, changes, error, words",
    [
        ("LSTM", {}, TypeError, "expected a Keras layer, got str"),
        (keras.layers.LSTM(2), {}, ValueError, "no weights yet"),
        (None, {"returns": True}, TypeError, "has no setting 'returns'"),
    ],
)
def test_bad_input_says_what_was_expected(layer, changes, error, words):
    if layer is None:
        layer = keras.layers.LSTM(2)
        layer.build(X.shape)
    with pytest.raises(error, match=words):
        copy_layer(layer, X.shape, **changes)
