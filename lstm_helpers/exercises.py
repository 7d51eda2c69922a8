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

    Introduced in chapter 1 (The default output), in its exercise; every chapter ends with
    one. ``answer`` is what the reader typed (``...`` while unanswered); ``expected`` must be
    computed by Keras or a helper in the checking cell, never a typed-in literal. Lists and
    tuples compare alike. The expected value is not printed, so a stored output never gives
    the answer away; ``hint`` (a ``str``, else a ``TypeError``) follows a wrong answer.
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
