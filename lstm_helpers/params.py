"""How many parameters a recurrent layer has, as a formula and as a number."""

from __future__ import annotations

from lstm_helpers._checks import boolean, one_of, positive_int
from lstm_helpers.shapes import RNN_KINDS, evaluate
from lstm_helpers.weights import GATE_ORDER

__all__ = ["parameter_count", "parameter_formula"]


def parameter_formula(
    kind: str, *, bidirectional: bool = False, reset_after: bool = True
) -> str:
    """The parameter count as an expression in ``features`` and ``units``.

    Introduced in chapter 7 (Stacking LSTMs).
    A weight block per gate, one for the candidate (:data:`lstm_helpers.GATE_ORDER`): an LSTM
    has four, each a kernel ``(features, units)``, a recurrent kernel ``(units, units)`` and a
    bias ``(units,)``: ``4*units*(features+units+1)``. A GRU with ``reset_after=True`` (Keras's
    default) has two biases per block: ``3*units*(features+units+2)``. ``Bidirectional`` doubles it.

    Raises
    ------
    TypeError, ValueError
        If a flag is not a ``bool``; for an unknown ``kind``.
    """
    one_of("kind", kind, RNN_KINDS)
    boolean("bidirectional", bidirectional)
    boolean("reset_after", reset_after)
    biases = 2 if kind == "GRU" and reset_after else 1
    blocks = len(GATE_ORDER[kind])
    formula = f"{blocks}*units*(features+units+{biases})".replace("1*units", "units")
    return f"2*{formula}" if bidirectional else formula


def parameter_count(
    kind: str,
    features: int,
    units: int,
    *,
    bidirectional: bool = False,
    reset_after: bool = True,
) -> int:
    """Evaluate :func:`parameter_formula` for concrete sizes (what ``count_params()`` reports).

    Introduced in chapter 7 (Stacking LSTMs).

    Raises
    ------
    TypeError, ValueError
        As :func:`parameter_formula`, and a ``ValueError`` for a size that is not a
        positive int.
    """
    sizes = {
        "features": positive_int("features", features),
        "units": positive_int("units", units),
    }
    formula = parameter_formula(
        kind, bidirectional=bidirectional, reset_after=reset_after
    )
    return evaluate(formula, sizes)  # type: ignore[return-value]
