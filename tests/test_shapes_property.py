"""expected_outputs, a rule read from a layer's config, against what real Keras layers return."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_helpers import MERGE_MODES, RNN_KINDS, expected_outputs
from lstm_helpers._runtime import keras
from lstm_helpers.describe import as_list

layer_settings = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(RNN_KINDS),
        "units": st.integers(1, 6),
        "return_sequences": st.booleans(),
        "return_state": st.booleans(),
        # None: not wrapped; otherwise Bidirectional with that merge_mode (None included).
        "wrapper": st.sampled_from(["bare", *MERGE_MODES]),
        "batch": st.one_of(st.none(), st.integers(1, 3)),
        "timesteps": st.one_of(st.none(), st.integers(1, 5)),
        "features": st.integers(1, 4),
    }
)


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


@settings(max_examples=200, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(layer_settings)
def test_expected_outputs_match_keras(s):
    layer = build(s["kind"], s["units"], s["return_sequences"], s["return_state"], s["wrapper"])
    input_shape = (s["batch"], s["timesteps"], s["features"])
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
