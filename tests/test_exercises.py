"""lstm_helpers.exercises: check_answer's three messages."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import check_answer
from lstm_helpers.exercises import NOT_ANSWERED


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


def test_numpy_scalars_compare_like_python_numbers(capsys):
    check_answer(4, np.int64(4))
    check_answer([2, 3], (np.int64(2), np.int32(3)))
    assert capsys.readouterr().out.splitlines() == ["Correct: 4", "Correct: [2, 3]"]


def test_check_answer_rejects_a_non_string_hint():
    with pytest.raises(TypeError, match="hint must be a str"):
        check_answer((1, 2), (1, 2), hint=3)
