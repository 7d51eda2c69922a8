"""How many parameters a recurrent layer has, as a formula and as a number."""

from __future__ import annotations

from lstm_helpers.shapes import RNN_KINDS, evaluate

GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}
"""Weight blocks per layer: an LSTM's i, f, c, o; a GRU's z, r, h; a SimpleRNN's one."""


def parameter_formula(kind: str, *, bidirectional: bool = False, reset_after: bool = True) -> str:
    """The parameter count as an expression in ``features`` and ``units``.

    An LSTM has four weight blocks, each a kernel ``(features, units)``, a recurrent kernel
    ``(units, units)`` and a bias ``(units,)``: ``4*units*(features+units+1)``. A GRU with
    ``reset_after=True`` (Keras's default) has two biases per block: ``3*units*(features+units+2)``.
    ``Bidirectional`` doubles it.

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    """
    if kind not in RNN_KINDS:
        raise ValueError(f"kind must be one of {RNN_KINDS}, got {kind!r}")
    biases = 2 if kind == "GRU" and reset_after else 1
    formula = f"{GATES[kind]}*units*(features+units+{biases})".replace("1*units", "units")
    return f"2*{formula}" if bidirectional else formula


def parameter_count(
    kind: str, features: int, units: int, *, bidirectional: bool = False, reset_after: bool = True
) -> int:
    """Evaluate :func:`parameter_formula` for concrete sizes (what ``count_params()`` reports).

    Raises
    ------
    ValueError
        For an unknown ``kind`` or a size that is not a positive int.
    """
    for name, value in (("features", features), ("units", units)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    formula = parameter_formula(kind, bidirectional=bidirectional, reset_after=reset_after)
    return evaluate(formula, {"features": features, "units": units})  # type: ignore[return-value]
