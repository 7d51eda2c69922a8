"""expected_outputs, a rule read from a layer's config, against what real Keras layers return.

Every structural configuration is checked once (3 kinds x bare or 5 merge modes x
return_sequences x return_state = 72 layers), not a random sample of them: the space is small,
so all of it costs less than the 200 random examples this test used to draw. The sizes rotate
through :data:`SIZES`, so every wrapper meets every size pattern: all sizes known (run eagerly on
real data), batch or timesteps or both unknown (run symbolically), and sizes of 1. Within a
pattern the sizes differ, so a rule that put units where features belong would fail.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lstm_helpers import MERGE_MODES, RNN_KINDS, expected_outputs
from lstm_helpers._runtime import keras
from lstm_helpers.describe import as_list

WRAPPERS = ("bare", *MERGE_MODES)  # "bare": not wrapped; else Bidirectional(merge_mode=...)
# (batch, timesteps, features, units)
SIZES = ((2, 3, 4, 5), (None, 3, 2, 4), (3, None, 4, 2), (None, None, 1, 3), (1, 1, 3, 1),
         (3, 2, 1, 6))
STRUCTURES = list(itertools.product(RNN_KINDS, WRAPPERS, (False, True), (False, True)))
CASES = [
    (*structure, *SIZES[(i + RNN_KINDS.index(structure[0])) % len(SIZES)])
    for i, structure in enumerate(STRUCTURES)
]


def build(kind, units, return_sequences, return_state, wrapper):
    layer = getattr(keras.layers, kind)(
        units, return_sequences=return_sequences, return_state=return_state
    )
    if wrapper == "bare":
        return layer
    return keras.layers.Bidirectional(layer, merge_mode=wrapper)


def keras_shapes(layer, batch, timesteps, features):
    """Shapes Keras returns: eagerly on real data when every size is known, else symbolically."""
    if batch is None or timesteps is None:
        returned = layer(keras.Input(shape=(timesteps, features), batch_size=batch))
        return [tuple(t.shape) for t in as_list(returned)]
    x = np.zeros((batch, timesteps, features), dtype="float32")
    return [tuple(keras.ops.convert_to_numpy(t).shape) for t in as_list(layer(x))]


def test_every_wrapper_meets_every_size_pattern():
    for wrapper in WRAPPERS:
        assert {case[4:] for case in CASES if case[1] == wrapper} == set(SIZES), wrapper


@pytest.mark.parametrize(
    ("kind", "wrapper", "return_sequences", "return_state", "batch", "timesteps", "features",
     "units"),
    CASES,
)
def test_expected_outputs_match_keras(kind, wrapper, return_sequences, return_state, batch,
                                      timesteps, features, units):
    layer = build(kind, units, return_sequences, return_state, wrapper)
    input_shape = (batch, timesteps, features)
    predicted = expected_outputs(layer, input_shape)
    assert [shape for _, shape in predicted] == keras_shapes(layer, *input_shape)


def test_names_follow_keras_order_for_a_bidirectional_lstm_with_states():
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(3, return_sequences=True, return_state=True), merge_mode=None
    )
    names = [name for name, _ in expected_outputs(layer, (2, 5, 4))]
    assert names == [
        "forward_output", "backward_output", "forward_h", "forward_c", "backward_h", "backward_c"
    ]


def test_gru_and_simple_rnn_have_no_cell_state():
    for kind in ("GRU", "SimpleRNN"):
        layer = getattr(keras.layers, kind)(4, return_state=True)
        assert [n for n, _ in expected_outputs(layer, (1, 3, 2))] == ["output", "h"]


def test_the_named_states_are_the_states_keras_returns():
    """Not just shapes: forward_h really is the forward layer's final h, and so on."""
    x = np.random.default_rng(1).normal(size=(2, 6, 3)).astype("float32")
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_sequences=True, return_state=True), merge_mode="concat"
    )
    returned = dict(
        zip([n for n, _ in expected_outputs(layer, x.shape)],
            [keras.ops.convert_to_numpy(t) for t in layer(x)])
    )
    output = returned["output"]
    np.testing.assert_allclose(output[:, -1, :4], returned["forward_h"], atol=1e-6)
    np.testing.assert_allclose(output[:, 0, 4:], returned["backward_h"], atol=1e-6)
