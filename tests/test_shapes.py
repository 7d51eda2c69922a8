"""lstm_helpers.shapes: the one rule of what a recurrent layer returns, held to real layers.

Every structural configuration is checked once (3 kinds x bare or 5 merge modes x
return_sequences x return_state = 72 layers), not a random sample of them: the space is small,
so all of it costs less than the 200 random examples this test used to draw. The sizes rotate
through :data:`SIZES`, so every wrapper meets every size pattern: all sizes known (run eagerly on
real data), batch or timesteps or both unknown (run symbolically), and sizes of 1. Within a
pattern the sizes differ, so a rule that put units where features belong would fail. Bad input
is refused with a ValueError or TypeError that says what was expected.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lstm_helpers import MERGE_MODES, expected_outputs, returned_arrays
from lstm_helpers._runtime import keras
from lstm_helpers.describe import as_list
from lstm_helpers.shapes import RNN_KINDS, STATE_NAMES, layer_config

WRAPPERS = (
    "bare",
    *MERGE_MODES,
)  # "bare": not wrapped; else Bidirectional(merge_mode=...)
# (batch, timesteps, features, units)
SIZES = (
    (2, 3, 4, 5),
    (None, 3, 2, 4),
    (3, None, 4, 2),
    (None, None, 1, 3),
    (1, 1, 3, 1),
    (3, 2, 1, 6),
)
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
        assert {case[4:] for case in CASES if case[1] == wrapper} == set(SIZES), (
            wrapper
        )


@pytest.mark.parametrize(
    (
        "kind",
        "wrapper",
        "return_sequences",
        "return_state",
        "batch",
        "timesteps",
        "features",
        "units",
    ),
    CASES,
)
def test_expected_outputs_match_keras(
    kind, wrapper, return_sequences, return_state, batch, timesteps, features, units
):
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
        "forward_output",
        "backward_output",
        "forward_h",
        "forward_c",
        "backward_h",
        "backward_c",
    ]


def test_gru_and_simple_rnn_have_no_cell_state():
    for kind in ("GRU", "SimpleRNN"):
        layer = getattr(keras.layers, kind)(4, return_state=True)
        assert [n for n, _ in expected_outputs(layer, (1, 3, 2))] == ["output", "h"]


def test_the_named_states_are_the_states_keras_returns():
    """Not just shapes: forward_h really is the forward layer's final h, and so on."""
    x = np.random.default_rng(1).normal(size=(2, 6, 3)).astype("float32")
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_sequences=True, return_state=True),
        merge_mode="concat",
    )
    returned = dict(
        zip(
            [n for n, _ in expected_outputs(layer, x.shape)],
            [keras.ops.convert_to_numpy(t) for t in layer(x)],
        )
    )
    output = returned["output"]
    np.testing.assert_allclose(output[:, -1, :4], returned["forward_h"], atol=1e-6)
    np.testing.assert_allclose(output[:, 0, 4:], returned["backward_h"], atol=1e-6)


@pytest.mark.parametrize(
    "input_shape, error, message",
    [
        (
            (3, 4),
            ValueError,
            r"expected input_shape \(batch, timesteps, features\), got 2-D",
        ),
        ((1, 2, 3, 4), ValueError, r"3-D input"),
        ((1, 2, None), ValueError, r"features a positive int"),
        ((0, 2, 3), ValueError, r"batch a positive int or None"),
        ((1, -2, 3), ValueError, r"timesteps a positive int or None"),
        ((1, 2.5, 3), ValueError, r"timesteps"),
        ((True, 2, 3), ValueError, r"batch"),
        ("abc", TypeError, r"expected input_shape as a tuple"),
        (7, TypeError, r"expected input_shape as a tuple"),
    ],
)
def test_expected_outputs_rejects_bad_shapes(input_shape, error, message):
    with pytest.raises(error, match=message):
        expected_outputs(keras.layers.LSTM(2), input_shape)


@pytest.mark.parametrize(
    "layer, message",
    [
        (
            keras.layers.Dense(3),
            "expected a keras.layers.LSTM, GRU or SimpleRNN layer.*got Dense",
        ),
        ("LSTM", "got str"),
        (None, "got NoneType"),
    ],
)
def test_expected_outputs_rejects_other_layers(layer, message):
    with pytest.raises(TypeError, match=message):
        expected_outputs(layer, (1, 2, 3))


def test_expected_outputs_rejects_mismatched_directions():
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(3), backward_layer=keras.layers.LSTM(4, go_backwards=True)
    )
    with pytest.raises(ValueError, match="same units, got forward 3 and backward 4"):
        expected_outputs(layer, (1, 2, 3))


def test_returned_arrays_rejects_unknown_settings():
    with pytest.raises(ValueError, match="kind must be one of"):
        returned_arrays("Transformer", return_sequences=False, return_state=False)
    with pytest.raises(ValueError, match="merge_mode must be one of"):
        returned_arrays(
            "LSTM",
            return_sequences=False,
            return_state=False,
            bidirectional=True,
            merge_mode="max",
        )
    with pytest.raises(TypeError, match="return_state must be a bool"):
        returned_arrays("LSTM", return_sequences=False, return_state=1)


def test_numpy_sizes_are_sizes_and_come_back_as_ints():
    predicted = expected_outputs(
        keras.layers.LSTM(2), (np.int64(4), None, np.int32(3))
    )
    assert predicted == [("output", (4, 2))]
    assert type(predicted[0][1][0]) is int


def test_states_are_named_once_for_every_kind():
    assert tuple(STATE_NAMES) == RNN_KINDS
    for kind in RNN_KINDS:
        arrays = returned_arrays(kind, return_sequences=False, return_state=True)
        assert [a.name for a in arrays] == ["output", *STATE_NAMES[kind]]


def test_a_layers_config_reads_the_rule_for_its_settings():
    layer = keras.layers.Bidirectional(
        keras.layers.GRU(2, return_state=True), merge_mode=None
    )
    config = layer_config(layer)
    assert config.units == 2
    assert config.arrays == returned_arrays(
        "GRU",
        return_sequences=False,
        return_state=True,
        bidirectional=True,
        merge_mode=None,
    )


def test_a_layers_config_writes_the_layer_as_code():
    L = keras.layers
    bidirectional = L.Bidirectional(L.GRU(2, return_state=True), merge_mode="sum")
    assert layer_config(bidirectional).call == (
        "Bidirectional(GRU(units, return_state=True), merge_mode='sum')"
    )
    assert layer_config(L.LSTM(2, return_sequences=True)).call == (
        "LSTM(units, return_sequences=True)"
    )
