"""describe() tables (and, until they get files of their own, check_answer() messages and
setup()'s seeding)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import check_answer, describe, setup
from lstm_helpers._runtime import keras
from lstm_helpers.exercises import NOT_ANSWERED

X = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")


def test_describe_lists_each_returned_array_with_its_values():
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    table = describe(layer, X)
    assert table.names == ["output", "h", "c"]
    assert [row.shape for row in table.rows] == [(2, 5, 4), (2, 4), (2, 4)]
    np.testing.assert_allclose(table["output"][:, -1], table["h"], atol=1e-6)
    text = repr(table)
    assert text.splitlines()[0] == "LSTM returned 3 array(s):"
    assert "(2, 5, 4)" in text and "cell state" in text
    html = table._repr_html_()
    assert html.count("<tr>") == 4 and "<code>c</code>" in html


def test_describe_unknown_name_says_what_exists():
    table = describe(keras.layers.GRU(2, return_state=True), X)
    with pytest.raises(KeyError, match=r"returned \['output', 'h'\], not 'c'"):
        table["c"]


def test_describe_labels_bidirectional_layers():
    layer = keras.layers.Bidirectional(keras.layers.SimpleRNN(2), merge_mode="sum")
    assert repr(describe(layer, X)).startswith("Bidirectional(SimpleRNN, merge_mode='sum')")


def test_check_answer_messages(capsys):
    check_answer(..., (3, 7))
    check_answer([3, 7], (3, 7))
    check_answer((7, 3), (3, 7), hint="units come last")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        NOT_ANSWERED,
        "Correct: [3, 7]",
        "Not quite: (7, 3) is not what Keras gives. Hint: units come last",
    ]


def test_setup_makes_weights_repeatable():
    def first_kernel():
        setup(seed=3)
        layer = keras.layers.LSTM(2)
        layer.build((None, 4, 3))
        return keras.ops.convert_to_numpy(layer.weights[0])

    np.testing.assert_array_equal(first_kernel(), first_kernel())
