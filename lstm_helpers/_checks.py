"""The argument checks every public helper shares, so a bad argument is refused the same way.

Each check returns the value it accepted (converted where that is safe, e.g. a NumPy integer
to ``int``) or raises a ``TypeError`` / ``ValueError`` whose message names the argument and
what was expected. ``bool`` is never accepted as a number: ``True`` is an ``int`` to Python,
but nobody means 1 by it.

Every check takes any value, so its ``value`` is typed ``object``: the value comes from a
reader's call, unchecked, and telling a value of the right type from any other is the
check's whole job.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TypeVar

import numpy as np

Choice = TypeVar("Choice")


def is_int(value: object) -> bool:
    """Whether ``value`` (any value) is an integer (Python or NumPy), ``bool`` excluded."""
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, (bool, np.bool_)
    )


def is_number(value: object) -> bool:
    """Whether ``value`` (any value) is a real number (int or float, Python or NumPy), ``bool`` excluded."""
    return is_int(value) or isinstance(value, (float, np.floating))


def integer(
    name: str,
    value: object,
    *,
    low: int | None = None,
    high: int | None = None,
    wrong_type: type[Exception] = TypeError,
) -> int:
    """``value`` as an ``int`` in ``low..high`` (either bound may be open).

    ``value`` may be anything; only an integer (Python or NumPy, not ``bool``) is accepted.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``wrong_type`` replaces it where a helper has always
        raised ``ValueError`` for that).
    ValueError
        If it is outside the bounds.
    """
    if not is_int(value):
        raise wrong_type(
            f"{name} must be an int, got {type(value).__name__}: {value!r}"
        )
    number = int(value)  # type: ignore[arg-type]
    if low is not None and high is not None and not low <= number <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {number}")
    if low is not None and number < low:
        raise ValueError(f"{name} must be at least {low}, got {number}")
    if high is not None and number > high:
        raise ValueError(f"{name} must be at most {high}, got {number}")
    return number


def positive_int(name: str, value: object) -> int:
    """``value`` (any value) as an ``int`` of at least 1; anything else is a ``ValueError``.

    Sizes (``units``, ``features``, counts of steps or samples) have always been refused with
    a ``ValueError`` in this package, whatever was wrong with them, so the message is one.
    """
    if not is_int(value) or value < 1:  # type: ignore[operator]
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)  # type: ignore[arg-type]


def positive_number(name: str, value: object) -> float:
    """``value`` (any value) as a ``float`` greater than 0; anything else is a ``ValueError``."""
    if not is_number(value) or not value > 0:  # type: ignore[operator]
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def boolean(name: str, value: object) -> bool:
    """``value`` (any value) if it is a ``bool``, else a ``TypeError``."""
    if not isinstance(value, bool):
        raise TypeError(
            f"{name} must be a bool, got {type(value).__name__}: {value!r}"
        )
    return value


def text(name: str, value: object) -> str:
    """``value`` (any value) if it is a ``str``, else a ``TypeError``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}: {value!r}")
    return value


def path(name: str, value: object) -> Path:
    """``value`` (any value) as a :class:`pathlib.Path` if it is a ``str`` or a ``Path``, else a ``TypeError``."""
    if not isinstance(value, (str, Path)):
        raise TypeError(
            f"{name} must be a str or pathlib.Path, got {type(value).__name__}"
        )
    return Path(value)


def one_of(name: str, value: object, choices: Collection[Choice]) -> Choice:
    """``value`` (any value) if it is one of ``choices``, else a ``ValueError`` that lists them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value  # type: ignore[return-value]


__all__: list[str] = []  # private: the public helpers use these, the chapters do not
