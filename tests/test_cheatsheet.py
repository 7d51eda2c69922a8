"""The cheat sheet's rows, table, Keras check and explorer data."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import MERGE_MODES, RNN_KINDS, expected_outputs, parameter_count
from lstm_helpers.cheatsheet import (
    CHECK_SIZES,
    cheat_sheet,
    cheat_sheet_rows,
    explorer_data,
    returned_container,
    table_rows,
    verify_against_keras,
    write_explorer_data,
)

ROWS = cheat_sheet_rows()
LINES = table_rows(ROWS)


def _key(row):
    return (
        row.kind,
        row.bidirectional,
        row.merge_mode,
        row.return_sequences,
        row.return_state,
    )


def _names_and_shapes(arrays):
    return [(a.name, a.shape) for a in arrays]


def test_every_combination_appears_once():
    keys = {
        (r.kind, r.bidirectional, r.merge_mode, r.return_sequences, r.return_state)
        for r in ROWS
    }
    assert (
        len(ROWS) == len(keys) == len(RNN_KINDS) * (1 + len(MERGE_MODES)) * 2 * 2 == 72
    )
    assert {r.merge_mode for r in ROWS if not r.bidirectional} == {None}


@settings(derandomize=True, database=None, deadline=None, max_examples=40)
@given(
    index=st.integers(0, len(ROWS) - 1),
    batch=st.one_of(st.none(), st.integers(1, 64)),
    timesteps=st.one_of(st.none(), st.integers(1, 100)),
    features=st.integers(1, 50),
    units=st.integers(1, 50),
)
def test_rows_agree_with_expected_outputs(index, batch, timesteps, features, units):
    row = ROWS[index]
    predicted = expected_outputs(row.build(units), (batch, timesteps, features))
    sizes = {"batch": batch, "timesteps": timesteps, "units": units}
    assert [name for name, _ in predicted] == [a.name for a in row.arrays]
    assert [shape for _, shape in predicted] == row.shapes(sizes)


def test_parameter_formulas_agree_with_parameter_count():
    from lstm_helpers import evaluate

    for row in ROWS:
        expected = parameter_count(row.kind, 9, 5, bidirectional=row.bidirectional)
        assert evaluate(row.parameters, {"features": 9, "units": 5}) == expected


def test_verify_against_keras_passes_on_every_row():
    result = verify_against_keras()
    assert result.rows_checked == 72 and result.mismatches == [] and result.all_match
    assert repr(result).splitlines()[-1] == "all rows match Keras: True"
    # What Keras returned is kept: the shapes it gave, and how it packed several arrays.
    assert [seen.row for seen in result.observed] == ROWS
    assert [list(seen.shapes) for seen in result.observed] == [
        r.shapes(CHECK_SIZES) for r in ROWS
    ]
    assert {seen.returned_as for seen in result.observed if len(seen.shapes) == 1} == {
        None
    }
    # Keras 3.15.1 on every backend; the cheat sheet and the explorer print what they observe.
    assert {seen.returned_as for seen in result.observed if len(seen.shapes) > 1} == {
        "tuple"
    }


def test_verify_against_keras_reports_a_wrong_row():
    row = ROWS[1]  # LSTM with return_state: three arrays
    wrong = replace(row, arrays=row.arrays[:2])  # a row that lies about Keras
    result = verify_against_keras([wrong])
    assert not result.all_match
    assert "all rows match Keras: False" in repr(result) and "Keras returned" in repr(
        result
    )


@pytest.mark.parametrize(
    "sizes, error",
    [
        ([3, 5, 7, 4], TypeError),
        ({"batch": 3, "timesteps": 5, "units": 4}, ValueError),
        ({**CHECK_SIZES, "units": 0}, ValueError),
        ({**CHECK_SIZES, "batch": True}, ValueError),
    ],
)
def test_verify_rejects_bad_sizes(sizes, error):
    with pytest.raises(error, match="sizes"):
        verify_against_keras(ROWS[:1], sizes)


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


def test_table_lines_cover_every_configuration_once_with_its_arrays():
    by_key = {_key(row): row for row in ROWS}
    covered = [config for line in LINES for config in line.configurations]
    assert sorted(covered, key=repr) == sorted(
        by_key, key=repr
    )  # each once, none missing
    for line in LINES:
        for config in line.configurations:
            assert _names_and_shapes(by_key[config].arrays) == _names_and_shapes(
                line.arrays
            )


def test_table_merges_every_pair_of_identical_lines():
    seen = {}
    for line in LINES:
        flags = (line.bidirectional, line.return_sequences, line.return_state)
        arrays = tuple(map(tuple, _names_and_shapes(line.arrays)))
        # Two lines that return the same arrays must differ in both layers and merge modes,
        # or they would have been one line.
        for other_kinds, other_modes in seen.get((flags, arrays), []):
            assert other_kinds != line.kinds and other_modes != line.merge_modes, line
        seen.setdefault((flags, arrays), []).append((line.kinds, line.merge_modes))
    assert len(LINES) == 24
    sum_mul_ave = [line for line in LINES if line.merge_modes == ("sum", "mul", "ave")]
    assert len(sum_mul_ave) == 6
    assert {line.merge_mode for line in sum_mul_ave} == {"'sum', 'mul' or 'ave'"}
    assert {
        line.layer
        for line in LINES
        if not line.return_state and not line.bidirectional
    } == {"LSTM, GRU or SimpleRNN"}


def test_returned_container_is_observed_on_real_layers():
    assert returned_container() == "tuple"
    single = [row for row in ROWS if len(row.arrays) == 1][:2]
    with pytest.raises(RuntimeError, match="several in one type"):
        returned_container(single)  # no row returns several arrays: nothing to observe
    row = ROWS[1]
    wrong = replace(row, arrays=row.arrays[:2])  # a row that lies about Keras
    with pytest.raises(RuntimeError, match="do not match Keras"):
        returned_container([wrong])


def test_row_call_reads_like_code():
    calls = {row.call for row in ROWS}
    assert "LSTM(units)" in calls
    assert (
        "Bidirectional(GRU(units, return_sequences=True, return_state=True), merge_mode=None)"
        in calls
    )


def test_explorer_data_is_the_rows_as_json(tmp_path):
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


def test_write_explorer_data_rejects_a_non_path():
    with pytest.raises(TypeError, match="path must be"):
        write_explorer_data(3)
