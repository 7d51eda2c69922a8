"""The argument checks the helpers a reader calls with their own values share.

Each returns the value it accepted (a NumPy integer as an ``int``) or raises a ``TypeError``
/ ``ValueError`` whose message names the argument and what was expected. ``bool`` is never a
number: ``True`` is an ``int`` to Python, but nobody means 1 by it. Each takes any value
(typed ``object``): telling a value of the right type from any other is its whole job.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

import numpy as np

Choice = TypeVar("Choice")


def is_int(value: object) -> bool:
    """Whether ``value`` is an integer (Python or NumPy), ``bool`` excluded."""
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, (bool, np.bool_)
    )


def non_negative_int(name: str, value: object) -> int:
    """``value`` as an ``int`` of at least 0: a ``TypeError`` if it is no int, else a
    ``ValueError``."""
    if not is_int(value):
        raise TypeError(
            f"{name} must be an int, got {type(value).__name__}: {value!r}"
        )
    if value < 0:  # type: ignore[operator]
        raise ValueError(f"{name} must be at least 0, got {value}")
    return int(value)  # type: ignore[arg-type]


def positive_int(name: str, value: object) -> int:
    """``value`` as an ``int`` of at least 1; anything else is a ``ValueError`` (sizes such
    as ``units`` and ``features`` have always been refused that way)."""
    if not is_int(value) or value < 1:  # type: ignore[operator]
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)  # type: ignore[arg-type]


def boolean(name: str, value: object) -> bool:
    """``value`` if it is a ``bool``, else a ``TypeError``."""
    if not isinstance(value, bool):
        raise TypeError(
            f"{name} must be a bool, got {type(value).__name__}: {value!r}"
        )
    return value


def text(name: str, value: object) -> str:
    """``value`` if it is a ``str``, else a ``TypeError``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}: {value!r}")
    return value


def one_of(name: str, value: object, choices: Collection[Choice]) -> Choice:
    """``value`` if it is one of ``choices``, else a ``ValueError`` that lists them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value  # type: ignore[return-value]


__all__: list[str] = []  # private: the helpers use these, the chapters do not
