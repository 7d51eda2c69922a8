"""The cheat sheet's configurations, table, Keras check and explorer data, held to Keras."""

from __future__ import annotations

import ast
import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lstm_helpers import (
    MERGE_MODES,
    cheat_sheet,
    evaluate,
    explorer_data,
    parameter_formula,
    verify_against_keras,
    write_explorer_data,
)
from lstm_helpers import shapes as shapes_module
from lstm_helpers._runtime import keras
from lstm_helpers.cheatsheet import (
    CHECK_SIZES,
    _returned_container,
    configurations,
    table_lines,
)
from lstm_helpers.describe import as_list
from lstm_helpers.shapes import RNN_KINDS, LayerConfig

CONFIGS = configurations()
LINES = table_lines(CONFIGS)


def keras_layer(config: LayerConfig, units: int) -> keras.layers.Layer:
    """The configuration as a Keras layer, built here, not by the code under test."""
    layer = getattr(keras.layers, config.kind)(
        units,
        return_sequences=config.return_sequences,
        return_state=config.return_state,
    )
    if config.bidirectional:
        return keras.layers.Bidirectional(layer, merge_mode=config.merge_mode)
    return layer


def test_every_combination_appears_once():
    keys = {
        (c.kind, c.bidirectional, c.merge_mode, c.return_sequences, c.return_state)
        for c in CONFIGS
    }
    assert len(CONFIGS) == len(keys) == len(RNN_KINDS) * (1 + len(MERGE_MODES)) * 4
    assert len(CONFIGS) == 72
    assert {c.merge_mode for c in CONFIGS if not c.bidirectional} == {None}


@settings(derandomize=True, database=None, deadline=None, max_examples=40)
@given(
    index=st.integers(0, len(CONFIGS) - 1),
    batch=st.one_of(st.none(), st.integers(1, 64)),
    timesteps=st.one_of(st.none(), st.integers(1, 100)),
    features=st.integers(1, 50),
    units=st.integers(1, 50),
)
def test_rows_agree_with_the_shapes_keras_returns(
    index, batch, timesteps, features, units
):
    config = CONFIGS[index]
    layer = keras_layer(config, units)
    returned = as_list(layer(keras.Input(batch_shape=(batch, timesteps, features))))
    sizes = {"batch": batch, "timesteps": timesteps, "units": units}
    assert [tuple(t.shape) for t in returned] == [
        tuple(evaluate(axis, sizes) for axis in array.shape) for array in config.arrays
    ]


def test_parameter_formulas_agree_with_keras_count_params():
    features, units = 9, 5
    for config in CONFIGS:
        layer = keras_layer(config, units)
        layer.build((None, 3, features))
        formula = parameter_formula(config.kind, bidirectional=config.bidirectional)
        sizes = {"features": features, "units": units}
        assert evaluate(formula, sizes) == layer.count_params(), config.call


def test_verify_against_keras_passes_on_every_row_and_keeps_what_keras_returned():
    result = verify_against_keras()
    assert result.mismatches == [] and result.all_match
    assert repr(result).splitlines() == [
        "rows built as Keras layers and called on a (3, 5, 7) input with units=4: 72",
        "all rows match Keras: True",
    ]
    assert [seen["layer"] for seen in result.observed] == CONFIGS
    single = {s["returned_as"] for s in result.observed if len(s["shapes"]) == 1}
    several = {s["returned_as"] for s in result.observed if len(s["shapes"]) > 1}
    # Keras 3.15.1 on every backend; the cheat sheet and the explorer print what they see.
    assert single == {None} and several == {"tuple"}


def test_verify_against_keras_reports_a_rule_that_lies(monkeypatch):
    rule = shapes_module.returned_arrays
    monkeypatch.setattr(
        shapes_module, "returned_arrays", lambda *a, **k: rule(*a, **k)[:2]
    )
    result = verify_against_keras([LayerConfig("LSTM", False, True)])
    assert not result.all_match
    assert "all rows match Keras: False" in repr(result)
    assert "LSTM(units, return_state=True): the table says" in repr(result)
    with pytest.raises(RuntimeError, match="several in one type"):
        _returned_container()


def test_check_sizes_cannot_coincide():
    values = [CHECK_SIZES[n] for n in ("batch", "timesteps", "features", "units")]
    values.append(2 * CHECK_SIZES["units"])
    assert len(set(values)) == len(values)


def test_table_lists_every_line_in_text_and_html():
    table = cheat_sheet()
    text = repr(table)
    assert text.splitlines()[0] == f"72 combinations in {len(LINES)} rows"
    assert len(text.splitlines()) == 2 + len(LINES)
    html = table._repr_html_()
    assert html.count("<tr>") == 1 + len(LINES)
    assert "<code>(batch, timesteps, 2*units)</code>" in html and "backward_c" in html
    assert "<code>'sum'</code>, <code>'mul'</code> or <code>'ave'</code>" in html


def list_table(markdown: str) -> tuple[str, str, list[list[list[str]]]]:
    """The ``{list-table}`` as MyST reads it (markdown-it, then the directive's body as
    Markdown): its title, its options, and its rows of cells, each cell the text of its
    paragraphs as a reader sees it."""
    (fence,) = [
        t for t in MarkdownIt("commonmark").parse(markdown) if t.type == "fence"
    ]
    directive, title = fence.info.split(" ", 1)
    assert directive == "{list-table}"
    options, body = fence.content.split("\n\n", 1)
    rows: list[list[list[str]]] = []
    depth = 0
    for token in MarkdownIt("commonmark").parse(body):
        depth += {"bullet_list_open": 1, "bullet_list_close": -1}.get(token.type, 0)
        if token.type == "list_item_open":
            (rows if depth == 1 else rows[-1]).append([])
        elif token.type == "inline":
            rows[-1][-1].append("".join(child.content for child in token.children))
    return title, options, rows


def test_the_markdown_table_holds_every_combination_with_what_keras_returns():
    """The PDF prints the Markdown form, without the n column: read back, its rows name
    each of the 72 combinations once, with the shapes a Keras layer returns for it."""
    title, options, rows = list_table(cheat_sheet()._repr_markdown_())
    assert title == (
        f"72 combinations in {len(LINES)} rows: what each layer returns, in Keras's order"
    )
    assert options.splitlines() == [
        ":header-rows: 1",
        ":class: longtable",
        ":widths: 87 59 65 53 204",
    ]
    header = [
        "layer",
        "merge_mode",
        "return_sequences",
        "return_state",
        "what comes back",
    ]
    assert rows[0] == [[name] for name in header]
    sizes = {"batch": 3, "timesteps": 5, "features": 7, "units": 4}
    covered = []
    for layer, mode_cell, sequences, state, arrays in rows[1:]:
        bidirectional = layer[0] == "Bidirectional around"
        assert len(layer) == 1 + bidirectional == 1 + len(mode_cell)
        kinds = re.split(r", | or ", layer[-1])
        modes = [None]  # not wrapped
        if bidirectional:
            modes = [ast.literal_eval(m) for m in re.split(r", | or ", mode_cell[0])]
        flags = {
            "return_sequences": sequences == ["True"],
            "return_state": state == ["True"],
        }
        shapes = [
            re.fullmatch(r"\w+ \((.*)\)", a).group(1).split(", ") for a in arrays
        ]
        for kind, mode in itertools.product(kinds, modes):
            built = getattr(keras.layers, kind)(sizes["units"], **flags)
            if bidirectional:
                built = keras.layers.Bidirectional(built, merge_mode=mode)
            returned = as_list(built(keras.Input(batch_shape=(3, 5, 7))))
            assert [tuple(t.shape) for t in returned] == [
                tuple(evaluate(axis, sizes) for axis in shape) for shape in shapes
            ], (kind, mode, flags)
            covered.append((kind, bidirectional, mode, *flags.values()))
    wrappers = [(False, None)] + [(True, mode) for mode in MERGE_MODES]
    flags = [(False, False), (False, True), (True, False), (True, True)]
    every = [(k, *w, *f) for k, w, f in itertools.product(RNN_KINDS, wrappers, flags)]
    assert len(covered) == len(every) == 72
    assert sorted(covered, key=repr) == sorted(every, key=repr)  # each once


def returns(config):
    return [(a.name, a.shape) for a in config.arrays]


def test_table_lines_cover_every_configuration_once_with_its_arrays():
    covered = []
    for kinds, modes, line in LINES:
        for kind in kinds:
            for mode in modes or (None,):
                flags = (line.return_sequences, line.return_state, line.bidirectional)
                config = LayerConfig(kind, *flags, mode)
                assert returns(config) == returns(line), config.call
                covered.append(config)
    assert sorted(covered, key=repr) == sorted(CONFIGS, key=repr)  # each once


def test_table_merges_every_pair_of_identical_lines():
    seen = {}
    for kinds, modes, c in LINES:
        key = (c.bidirectional, c.return_sequences, c.return_state, str(returns(c)))
        # Two lines that return the same arrays must differ in both layers and merge modes,
        # or they would have been one line.
        for other_kinds, other_modes in seen.get(key, []):
            assert other_kinds != kinds and other_modes != modes
        seen.setdefault(key, []).append((kinds, modes))
    assert len(LINES) == 24
    assert len([line for line in LINES if line[1] == ("sum", "mul", "ave")]) == 6
    bare_without_state = {
        kinds for kinds, _, c in LINES if not c.return_state and not c.bidirectional
    }
    assert bare_without_state == {("LSTM", "GRU", "SimpleRNN")}


def test_the_explorer_data_is_every_row_as_json(tmp_path):
    path = write_explorer_data(tmp_path / "deep" / "explorer.json")
    data = json.loads(path.read_text())
    assert data == json.loads(json.dumps(explorer_data()))
    assert len(data["configurations"]) == 72
    assert data["returned_container"] == "tuple"
    concat = next(
        c
        for c in data["configurations"]
        if c["kind"] == "LSTM"
        and c["merge_mode"] == "concat"
        and c["return_sequences"]
    )
    assert concat["arrays"][0]["shape"] == ["batch", "timesteps", "2*units"]
    assert concat["parameters"] == "2*4*units*(features+units+1)"
    assert (
        concat["call"]
        == "Bidirectional(LSTM(units, return_sequences=True), merge_mode='concat')"
    )
