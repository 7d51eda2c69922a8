"""lstm_helpers._checks: the argument checks the reader-facing helpers share."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers._checks import (
    boolean,
    is_int,
    non_negative_int,
    one_of,
    positive_int,
    text,
)


def test_ints_are_python_or_numpy_but_never_bool():
    values = (3, np.int64(3), True, np.bool_(True), 3.0, "3")
    assert [is_int(v) for v in values] == [True, True, False, False, False, False]


def test_non_negative_int_returns_a_python_int():
    assert non_negative_int("seed", np.int64(4)) == 4
    assert type(non_negative_int("seed", np.int64(4))) is int
    assert non_negative_int("seed", 0) == 0


@pytest.mark.parametrize(
    "value, error, message",
    [
        (2.5, TypeError, "seed must be an int, got float: 2.5"),
        (True, TypeError, "seed must be an int, got bool: True"),
        (-1, ValueError, "seed must be at least 0, got -1"),
    ],
)
def test_non_negative_int_says_what_was_expected(value, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        non_negative_int("seed", value)


@pytest.mark.parametrize("value", [0, -2, 1.0, True, "1", None])
def test_positive_int_refuses_everything_but_an_int_of_at_least_one(value):
    with pytest.raises(ValueError, match="units must be a positive int, got"):
        positive_int("units", value)
    assert positive_int("units", np.int32(2)) == 2


def test_boolean_and_text_check_the_type():
    assert boolean("flag", False) is False
    with pytest.raises(TypeError, match="flag must be a bool, got int: 1"):
        boolean("flag", 1)
    assert text("hint", "") == ""
    with pytest.raises(TypeError, match="hint must be a str, got int: 3"):
        text("hint", 3)


def test_one_of_lists_the_choices():
    assert one_of("merge_mode", None, ("sum", None)) is None
    with pytest.raises(
        ValueError, match=r"merge_mode must be one of \('sum', None\), got 'max'"
    ):
        one_of("merge_mode", "max", ("sum", None))
