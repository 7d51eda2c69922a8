"""lstm_helpers._checks: the argument checks every public helper shares."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lstm_helpers._checks import (
    boolean,
    integer,
    is_int,
    is_number,
    one_of,
    path,
    positive_int,
    positive_number,
    text,
)


def test_ints_and_numbers_are_python_or_numpy_but_never_bool():
    assert [is_int(v) for v in (3, np.int64(3), True, np.bool_(True), 3.0, "3")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert [is_number(v) for v in (3, 2.5, np.float32(2.5), False, "2.5", None)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_integer_returns_a_python_int_within_its_bounds():
    assert integer("n", np.int64(4), low=1, high=4) == 4
    assert type(integer("n", np.int64(4))) is int
    assert integer("n", -7) == -7  # no bound given: any int


@pytest.mark.parametrize(
    "value, bounds, error, message",
    [
        (2.5, {}, TypeError, "n must be an int, got float: 2.5"),
        (True, {}, TypeError, "n must be an int, got bool: True"),
        (0, {"low": 1, "high": 3}, ValueError, "n must be between 1 and 3, got 0"),
        (-1, {"low": 0}, ValueError, "n must be at least 0, got -1"),
        (9, {"high": 8}, ValueError, "n must be at most 8, got 9"),
    ],
)
def test_integer_says_what_was_expected(value, bounds, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        integer("n", value, **bounds)


def test_integer_raises_the_type_error_a_helper_asks_for():
    with pytest.raises(ValueError, match="n must be an int, got str"):
        integer("n", "3", wrong_type=ValueError)


@pytest.mark.parametrize("value", [0, -2, 1.0, True, "1", None])
def test_positive_int_refuses_everything_but_an_int_of_at_least_one(value):
    with pytest.raises(ValueError, match="units must be a positive int, got"):
        positive_int("units", value)
    assert positive_int("units", np.int32(2)) == 2


@pytest.mark.parametrize("value", [0, -0.5, float("nan"), True, "1"])
def test_positive_number_refuses_zero_negatives_nan_bool_and_text(value):
    with pytest.raises(ValueError, match="timeout must be a positive number, got"):
        positive_number("timeout", value)
    assert (
        positive_number("timeout", 3) == 3.0 and type(positive_number("t", 3)) is float
    )


def test_boolean_text_and_path_check_the_type():
    assert boolean("flag", False) is False
    with pytest.raises(TypeError, match="flag must be a bool, got int: 1"):
        boolean("flag", 1)
    assert text("hint", "") == ""
    with pytest.raises(TypeError, match="hint must be a str, got int: 3"):
        text("hint", 3)
    assert path("path", "a/b.svg") == Path("a/b.svg") and isinstance(
        path("p", "x"), Path
    )
    with pytest.raises(TypeError, match="path must be a str or pathlib.Path, got int"):
        path("path", 3)


def test_one_of_lists_the_choices():
    assert one_of("merge_mode", None, ("sum", None)) is None
    with pytest.raises(
        ValueError, match=r"merge_mode must be one of \('sum', None\), got 'max'"
    ):
        one_of("merge_mode", "max", ("sum", None))
