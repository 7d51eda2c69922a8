"""The cheat sheet's rows, table, Keras check and explorer data."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import MERGE_MODES, RNN_KINDS, expected_outputs, parameter_count
from lstm_helpers.cheatsheet import (
    CHECK_SIZES,
    cheat_sheet,
    cheat_sheet_rows,
    explorer_data,
    verify_against_keras,
    write_explorer_data,
)

ROWS = cheat_sheet_rows()


def test_every_combination_appears_once():
    keys = {(r.kind, r.bidirectional, r.merge_mode, r.return_sequences, r.return_state) for r in ROWS}
    assert len(ROWS) == len(keys) == len(RNN_KINDS) * (1 + len(MERGE_MODES)) * 2 * 2 == 72
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


def test_verify_against_keras_reports_a_wrong_row():
    row = ROWS[1]  # LSTM with return_state: three arrays
    wrong = type(row)(row.kind, row.bidirectional, row.merge_mode, row.return_sequences,
                      row.return_state, row.arrays[:2], row.parameters)
    result = verify_against_keras([wrong])
    assert not result.all_match
    assert "all rows match Keras: False" in repr(result) and "Keras returned" in repr(result)


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


def test_table_lists_every_row_in_text_and_html():
    table = cheat_sheet()
    text = repr(table)
    assert text.splitlines()[0] == "72 combinations" and len(text.splitlines()) == 2 + 72
    html = table._repr_html_()
    assert html.count("<tr>") == 1 + 72
    assert "<code>(batch, timesteps, 2*units)</code>" in html and "backward_c" in html


def test_row_call_reads_like_code():
    calls = {row.call for row in ROWS}
    assert "LSTM(units)" in calls
    assert "Bidirectional(GRU(units, return_sequences=True, return_state=True), merge_mode=None)" in calls


def test_explorer_data_is_the_rows_as_json(tmp_path):
    path = write_explorer_data(tmp_path / "deep" / "explorer.json")
    data = json.loads(path.read_text())
    assert data == json.loads(json.dumps(explorer_data()))
    assert len(data["configurations"]) == 72
    concat = next(c for c in data["configurations"]
                  if c["kind"] == "LSTM" and c["merge_mode"] == "concat" and c["return_sequences"])
    assert concat["arrays"][0]["shape"] == ["batch", "timesteps", "2*units"]
    assert concat["parameters"] == "2*4*units*(features+units+1)"


def test_write_explorer_data_rejects_a_non_path():
    with pytest.raises(TypeError, match="path must be"):
        write_explorer_data(3)
