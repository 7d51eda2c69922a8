"""draw_masking and masked_output_labels: labelled by the rule Keras follows, steps from 0."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import draw_masking, lstm_forward
from lstm_helpers.figures._style import REPEATED, RETURNED
from lstm_helpers.figures.masking import masked_output_labels


def test_masked_output_labels_examples():
    assert masked_output_labels([True, True, False, False]) == ["h0", "h1", "h1", "h1"]
    assert masked_output_labels([False, True, False, True]) == ["0", "h0", "h0", "h1"]
    assert masked_output_labels([False, False]) == ["0", "0"]


@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=8), st.integers(0, 1000))
def test_masked_output_labels_describe_what_the_layer_returns(mask_row, seed):
    """Equal labels mean equal outputs; "0" means zeros; "hk" is the output at real step k,
    counted from 0 (checked on the NumPy LSTM, which the reference tests hold to Keras)."""
    rng = np.random.default_rng(seed)
    weights = (rng.normal(size=(2, 8)), rng.normal(size=(2, 8)), rng.normal(size=8))
    outputs = lstm_forward(
        rng.normal(size=(1, len(mask_row), 2)), *weights, mask=[mask_row]
    )[0][0]
    labels = masked_output_labels(mask_row)
    real_steps = [t for t, keep in enumerate(mask_row) if keep]
    for t, label in enumerate(labels):
        if label == "0":
            assert not outputs[t].any()
        else:
            np.testing.assert_array_equal(
                outputs[t], outputs[real_steps[int(label[1:])]]
            )


def test_draws_one_band_per_sequence_with_the_same_labels_both_ways(drawing):
    figure = drawing(
        draw_masking(np.array([[1, 1, 0], [0, 1, 1]], bool), labels=["post", "pre"])
    )
    assert "post" in figure.texts and "pre" in figure.texts
    assert figure.texts.count("final state = $h_{1}$") == 2
    # bottom band (pre) first: computed at its last two steps; top band (post) at its first two
    assert figure.labels(RETURNED) == ["$h_{0}$", "$h_{1}$"] * 2
    assert figure.labels(REPEATED) == ["0", "$h_{1}$"]
    inputs = [t for t in figure.texts if t.startswith("$x_")]
    assert inputs == ["$x_{0}$", "$x_{1}$"] * 2
    assert any("real steps from 0" in t for t in figure.free_texts)
    assert figure.crossings() == []


@pytest.mark.parametrize(
    ("mask", "labels", "error", "expected"),
    [
        (np.ones(5, bool), None, ValueError, "expected mask of shape"),
        (np.ones((1, 4)), None, TypeError, "boolean mask"),
        (np.ones((2, 4), bool), ["only one"], ValueError, "expected 2 labels"),
    ],
)
def test_rejects_bad_input(mask, labels, error, expected):
    with pytest.raises(error, match=expected):
        draw_masking(mask, labels=labels)
