"""lstm_helpers.params: parameter formulas and counts, held to Keras's count_params()."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import parameter_count, parameter_formula
from lstm_helpers._runtime import keras
from lstm_helpers.shapes import RNN_KINDS


def test_formulas_read_as_the_book_writes_them():
    assert parameter_formula("LSTM") == "4*units*(features+units+1)"
    assert parameter_formula("GRU") == "3*units*(features+units+2)"
    assert parameter_formula("GRU", reset_after=False) == "3*units*(features+units+1)"
    assert (
        parameter_formula("SimpleRNN", bidirectional=True)
        == "2*units*(features+units+1)"
    )


@pytest.mark.parametrize("kind", RNN_KINDS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("reset_after", [True, False])
def test_counts_equal_keras_count_params(kind, bidirectional, reset_after):
    features, units = 7, 5
    options = {"reset_after": reset_after} if kind == "GRU" else {}
    layer = getattr(keras.layers, kind)(units, **options)
    if bidirectional:
        layer = keras.layers.Bidirectional(layer)
    layer.build((None, 3, features))
    expected = parameter_count(
        kind, features, units, bidirectional=bidirectional, reset_after=reset_after
    )
    assert layer.count_params() == expected


def test_numpy_sizes_count_like_python_ints():
    assert parameter_count("LSTM", np.int64(3), np.int32(2)) == parameter_count(
        "LSTM", 3, 2
    )


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        (("Transformer", 3, 2), ValueError, "kind must be one of"),
        (("LSTM", 0, 2), ValueError, "features must be a positive int, got 0"),
        (("LSTM", 3, True), ValueError, "units must be a positive int, got True"),
        (("LSTM", 3, 2.0), ValueError, "units must be a positive int, got 2.0"),
    ],
)
def test_parameter_count_says_what_was_expected(arguments, error, message):
    with pytest.raises(error, match=message):
        parameter_count(*arguments)


def test_parameter_formula_refuses_unknown_kinds_and_non_bool_flags():
    with pytest.raises(
        ValueError, match=r"kind must be one of \('LSTM', 'GRU', 'SimpleRNN'\)"
    ):
        parameter_formula("lstm")
    with pytest.raises(TypeError, match="bidirectional must be a bool, got int: 1"):
        parameter_formula("LSTM", bidirectional=1)
    with pytest.raises(TypeError, match="reset_after must be a bool"):
        parameter_count("GRU", 3, 2, reset_after="no")
