"""lstm_helpers.session: setup() seeds everything, and refuses a seed that is not one."""

from __future__ import annotations

import linecache

import numpy as np
import pytest

from lstm_helpers import setup
from lstm_helpers._runtime import keras
from lstm_helpers.session import _short_error


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


def test_errors_show_only_the_notebooks_own_lines():
    """What setup() makes IPython show for an error: the cell's statement and the exception,
    not the frames inside Keras (a cell is any file the label function names)."""
    cell = "<cell 7>"
    source = "import keras\n\nkeras.layers.LSTM(\n    3, time_major=True\n)\n"
    # IPython keeps a cell's source in linecache the same way.
    linecache.cache[cell] = (len(source), None, source.splitlines(True), cell)
    try:
        exec(compile(source, cell, "exec"), {})
    except ValueError as error:
        lines = _short_error(
            lambda name: "Cell In[7]" if name == cell else None,
            error,
            error.__traceback__,
        )
    finally:
        del linecache.cache[cell]
    assert lines == [
        "Cell In[7], line 3\n"
        "----> 3 keras.layers.LSTM(\n"
        "      4     3, time_major=True\n"
        "      5 )\n",
        "\x1b[0;31mValueError\x1b[0m: Unrecognized keyword arguments passed to LSTM: "
        "{'time_major': True}",
    ]
