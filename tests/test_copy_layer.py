"""copy_layer: another setting of the same layer, with the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import copy_layer
from lstm_helpers._runtime import keras

X = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
to_numpy = keras.ops.convert_to_numpy


def test_a_copy_with_return_sequences_ends_where_the_original_does():
    lstm = keras.layers.LSTM(4)
    last = to_numpy(lstm(X))
    every_step = copy_layer(lstm, X.shape, return_sequences=True)
    assert every_step is not lstm and every_step.name != lstm.name
    np.testing.assert_allclose(to_numpy(every_step(X))[:, -1], last, atol=1e-6)
    assert all(np.array_equal(a, b) for a, b in zip(every_step.get_weights(), lstm.get_weights()))


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
    assert copy_layer(lstm, X.shape, recurrent_activation=keras2_hard_sigmoid).recurrent_activation is keras2_hard_sigmoid


@pytest.mark.parametrize(
    "layer, changes, error, words",
    [("LSTM", {}, TypeError, "expected a Keras layer, got str"),
     (keras.layers.LSTM(2), {}, ValueError, "no weights yet"),
     (None, {"returns": True}, TypeError, "has no setting 'returns'")],
)
def test_bad_input_says_what_was_expected(layer, changes, error, words):
    if layer is None:
        layer = keras.layers.LSTM(2)
        layer.build(X.shape)
    with pytest.raises(error, match=words):
        copy_layer(layer, X.shape, **changes)
