"""Every public helper refuses bad input with a ValueError or TypeError that says what it expected."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import check_answer, describe, draw_returns, expected_outputs, returned_arrays, setup
from lstm_helpers._runtime import keras


@pytest.mark.parametrize(
    "input_shape, error, message",
    [
        ((3, 4), ValueError, r"expected input_shape \(batch, timesteps, features\), got 2-D"),
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
        (keras.layers.Dense(3), "expected a keras.layers.LSTM, GRU or SimpleRNN layer.*got Dense"),
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
        returned_arrays("LSTM", return_sequences=False, return_state=False, bidirectional=True,
                        merge_mode="max")
    with pytest.raises(TypeError, match="return_state must be a bool"):
        returned_arrays("LSTM", return_sequences=False, return_state=1)


def test_describe_rejects_bad_input():
    with pytest.raises(ValueError, match=r"expected input_shape \(batch, timesteps, features\)"):
        describe(keras.layers.LSTM(2), np.zeros((4, 3)))
    with pytest.raises(TypeError, match="numeric array"):
        describe(keras.layers.LSTM(2), "not an array")
    with pytest.raises(TypeError, match="got Dense"):
        describe(keras.layers.Dense(2), np.zeros((1, 2, 3)))


def test_draw_returns_rejects_bad_input():
    with pytest.raises(TypeError, match="timesteps must be an int"):
        draw_returns(keras.layers.LSTM(2), timesteps=2.5)
    with pytest.raises(ValueError, match="between 2 and 8"):
        draw_returns(keras.layers.LSTM(2), timesteps=20)
    with pytest.raises(TypeError, match="got Dense"):
        draw_returns(keras.layers.Dense(2))


def test_setup_rejects_bad_seeds():
    with pytest.raises(TypeError, match="seed must be an int, got str"):
        setup(seed="0")
    with pytest.raises(TypeError, match="seed must be an int, got bool"):
        setup(seed=True)
    with pytest.raises(ValueError, match="seed must be a non-negative int, got -1"):
        setup(seed=-1)


def test_check_answer_rejects_a_non_string_hint():
    with pytest.raises(TypeError, match="hint must be a str"):
        check_answer((1, 2), (1, 2), hint=3)
