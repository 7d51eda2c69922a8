"""lstm_helpers.describe: a layer's returns as a table, and the input it refuses."""

from __future__ import annotations

import numpy as np
import pytest
from markdown_it import MarkdownIt

from lstm_helpers import describe
from lstm_helpers._runtime import keras
from lstm_helpers.describe import Description, as_list

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
    """A terminal shows an output's text/plain form, the site its HTML: same rows."""
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


def markdown_text(markdown: str) -> list[tuple[str, str]]:
    """Each paragraph and table cell as markdown-it (the parser MyST uses) reads it: the
    text a reader sees, and ``code`` if it is all one code span."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    return [
        (
            "".join(child.content for child in token.children),
            "code" if [c.type for c in token.children] == ["code_inline"] else "",
        )
        for token in tokens
        if token.type == "inline"
    ]


def test_the_markdown_table_holds_the_rows_and_the_shapes_keras_returned():
    """The PDF prints the Markdown form: read back, its title and rows are the text form's,
    its shapes those the layer returns, each name a code span."""
    layer = keras.layers.Bidirectional(
        keras.layers.GRU(3, return_sequences=True, return_state=True), merge_mode="mul"
    )
    table = describe(layer, X)
    (title, _), *cells = markdown_text(table._repr_markdown_())
    assert title == "Bidirectional(GRU, merge_mode='mul') returned 3 array(s):"
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    assert [text for text, _ in rows[0]] == ["#", "name", "shape", "what it is"]
    lines = repr(table).splitlines()[2:]
    assert len(rows) - 1 == len(lines) == 3
    for row, line in zip(rows[1:], lines):
        assert " ".join(text for text, _ in row).split() == line.split(), (row, line)
    assert [kind for _, (_, kind), _, _ in rows[1:]] == ["code"] * 3
    returned = [str(tuple(a.shape)) for a in as_list(layer(X))]  # Keras, called again
    assert [shape for _, _, (shape, _), _ in rows[1:]] == returned


def test_the_markdown_escapes_what_markdown_reads_as_markup():
    odd = r"*a* _b_ `c` [d](e) <f> g|h {i} \j"
    markdown = Description(odd, [("n_1", (2, 3), odd, None)])._repr_markdown_()
    texts = [text for text, _ in markdown_text(markdown)]
    header = ["#", "name", "shape", "what it is"]
    assert texts == [f"{odd} returned 1 array(s):", *header, "0", "n_1", "(2, 3)", odd]
