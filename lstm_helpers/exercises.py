"""Self-checking exercises: the reader writes an answer, a cell compares it with Keras."""

from __future__ import annotations

from typing import Any

from lstm_helpers._checks import text

__all__ = ["check_answer"]

NOT_ANSWERED = "Not answered yet: replace the ... above with your answer, then run this cell again."


def _normalise(value: Any) -> Any:
    """Compare lists and tuples alike, and NumPy scalars like Python numbers."""
    if isinstance(value, (list, tuple)):
        return tuple(_normalise(v) for v in value)
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    return value


def check_answer(answer: Any, expected: Any, *, hint: str = "") -> None:
    """Print whether ``answer`` matches ``expected``.

    ``answer`` is what the reader typed (``...`` while unanswered); ``expected`` must come from
    running Keras or a helper in the checking cell, never from a typed-in literal. Lists and
    tuples compare alike, so ``[3, 7]`` matches ``(3, 7)``. The expected value is not printed,
    so a stored output never gives the answer away.

    Parameters
    ----------
    answer : Any
        The reader's answer, or ``...`` (Ellipsis) while unanswered.
    expected : Any
        The right answer, computed.
    hint : str
        Printed after a wrong answer.

    Raises
    ------
    TypeError
        If ``hint`` is not a string.
    """
    text("hint", hint)
    if answer is ...:
        print(NOT_ANSWERED)
    elif _normalise(answer) == _normalise(expected):
        print(f"Correct: {answer!r}")
    else:
        print(
            f"Not quite: {answer!r} is not what Keras gives."
            + (f" Hint: {hint}" if hint else "")
        )
