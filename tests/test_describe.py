"""lstm_helpers.describe: a layer's returns as a table, and the input it refuses."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import describe
from lstm_helpers._runtime import keras

X = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")


def test_describe_lists_each_returned_array_with_its_values():
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    table = describe(layer, X)
    assert list(table.arrays) == ["output", "h", "c"]
    assert [shape for _, shape, _, _ in table.rows] == [(2, 5, 4), (2, 4), (2, 4)]
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
    assert repr(describe(layer, X)).startswith(
        "Bidirectional(SimpleRNN, merge_mode='sum')"
    )


def test_describe_rejects_bad_input():
    with pytest.raises(
        ValueError, match=r"expected input_shape \(batch, timesteps, features\)"
    ):
        describe(keras.layers.LSTM(2), np.zeros((4, 3)))
    with pytest.raises(TypeError, match="numeric array"):
        describe(keras.layers.LSTM(2), "not an array")
    with pytest.raises(TypeError, match="got Dense"):
        describe(keras.layers.Dense(2), np.zeros((1, 2, 3)))


def test_the_plain_text_table_says_what_the_html_table_says():
    """The PDF (LaTeX) shows an output's text/plain form, the site its HTML: same rows."""
    import html
    import re

    layer = keras.layers.Bidirectional(keras.layers.LSTM(3, return_state=True))
    table = describe(layer, X)
    rows = re.findall(r"<tr>(.*?)</tr>", table._repr_html_())[1:]  # without the header
    cells = [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<td>(.*?)</td>", r)
        ]
        for r in rows
    ]
    lines = repr(table).splitlines()[2:]  # after the title and the header
    assert len(cells) == len(lines) == 5
    for row, line in zip(cells, lines):
        assert line.split() == " ".join(row).split(), (row, line)
