"""lstm_helpers.session: setup() seeds everything, and refuses a seed that is not one."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import setup
from lstm_helpers._runtime import keras


def test_setup_makes_weights_repeatable():
    def first_kernel():
        setup(seed=3)
        layer = keras.layers.LSTM(2)
        layer.build((None, 4, 3))
        return keras.ops.convert_to_numpy(layer.weights[0])

    np.testing.assert_array_equal(first_kernel(), first_kernel())


def test_setup_starts_layer_names_again():
    setup(seed=0)
    first = keras.layers.LSTM(2).name
    setup(seed=0)
    assert keras.layers.LSTM(2).name == first == "lstm"


def test_setup_rejects_bad_seeds():
    with pytest.raises(TypeError, match="seed must be an int, got str"):
        setup(seed="0")
    with pytest.raises(TypeError, match="seed must be an int, got bool"):
        setup(seed=True)
    with pytest.raises(ValueError, match="seed must be at least 0, got -1"):
        setup(seed=-1)
