"""What a recurrent layer returns, worked out from its configuration alone.

There is one rule, :func:`returned_arrays`, written with symbolic sizes (``"batch"``,
``"timesteps"``, ``"units"``, ``"2*units"``). Everything else in the book that talks about
returned shapes (:func:`expected_outputs`, :func:`lstm_helpers.describe`, the figures, the
cheat sheet and the site's shape explorer) substitutes numbers into that rule, so no second
copy can drift. The tests compare it with what real Keras layers return.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lstm_helpers._checks import boolean, is_int, one_of
from lstm_helpers._runtime import keras

__all__ = ["MERGE_MODES", "evaluate", "expected_outputs", "returned_arrays"]

RNN_KINDS: tuple[str, ...] = ("LSTM", "GRU", "SimpleRNN")
"""The recurrent layer classes the book covers, by their Keras class name."""

MERGE_MODES: tuple[str | None, ...] = ("concat", "sum", "mul", "ave", None)
"""Every ``merge_mode`` that :class:`keras.layers.Bidirectional` accepts (introduced in
chapter 8, which shows what each returns)."""

# The states each layer carries from step to step, in Keras's order.
STATE_NAMES = {"LSTM": ("h", "c"), "GRU": ("h",), "SimpleRNN": ("h",)}
_MERGE_MEANING = dict(
    concat="side by side", sum="added", mul="multiplied elementwise", ave="averaged"
)
_STATE_MEANING = {
    "h": "hidden state after the last step",
    "c": "cell state after the last step (not squashed, can exceed 1)",
}


@dataclass(frozen=True)
class ReturnedArray:
    """One array a recurrent layer returns: the book's name for it (``output``, ``h``,
    ``forward_h``, ...), its symbolic shape (entries ``"batch"``, ``"timesteps"``, ``"units"``
    or ``"2*units"``) and a short phrase saying what it holds."""

    name: str
    shape: tuple[str, ...]
    meaning: str


def returned_arrays(
    kind: str,
    *,
    return_sequences: bool,
    return_state: bool,
    bidirectional: bool = False,
    merge_mode: str | None = "concat",
) -> list[ReturnedArray]:
    """The arrays a recurrent layer returns, in Keras's order, with symbolic shapes.

    Introduced in the cheat sheet, whose every row it writes: the book's one shape rule.

    Parameters
    ----------
    kind : {"LSTM", "GRU", "SimpleRNN"}
    return_sequences, return_state, bidirectional : bool
        The layer's two flags, and whether it is wrapped in ``Bidirectional``.
    merge_mode : {"concat", "sum", "mul", "ave", None}
        The wrapper's ``merge_mode``; ignored unless ``bidirectional``.

    Returns
    -------
    list of ReturnedArray
        For example ``LSTM`` with both flags gives ``output`` ``(batch, timesteps, units)``,
        ``h`` ``(batch, units)`` and ``c`` ``(batch, units)``.

    Raises
    ------
    TypeError, ValueError
        If a flag is not a ``bool``; for an unknown ``kind`` or ``merge_mode``.
    """
    one_of("kind", kind, RNN_KINDS)
    boolean("return_sequences", return_sequences)
    boolean("return_state", return_state)
    if boolean("bidirectional", bidirectional):
        one_of("merge_mode", merge_mode, MERGE_MODES)

    def per_step(width: str) -> tuple[str, ...]:
        return ("batch", "timesteps", width) if return_sequences else ("batch", width)

    when = "at every step" if return_sequences else "after the last step"
    states = STATE_NAMES[kind]
    if not bidirectional:
        arrays = [ReturnedArray("output", per_step("units"), f"hidden state h {when}")]
        if return_state:
            arrays += [
                ReturnedArray(s, ("batch", "units"), _STATE_MEANING[s]) for s in states
            ]
        return arrays

    backward_when = (
        "at every step, re-aligned to input order"
        if return_sequences
        else "after reaching step 0"
    )
    if merge_mode is None:
        arrays = [
            ReturnedArray("forward_output", per_step("units"), f"forward h {when}"),
            ReturnedArray(
                "backward_output", per_step("units"), f"backward h {backward_when}"
            ),
        ]
    else:
        width = "2*units" if merge_mode == "concat" else "units"
        meaning = (
            f"forward and backward h {when}, {_MERGE_MEANING[merge_mode]}"
            if return_sequences
            else f"forward h after the last step and backward h after reaching step 0, "
            f"{_MERGE_MEANING[merge_mode]}"
        )
        arrays = [ReturnedArray("output", per_step(width), meaning)]
    if return_state:
        for direction, finished in (
            ("forward", "the last step"),
            ("backward", "reaching step 0"),
        ):
            arrays += [
                ReturnedArray(
                    f"{direction}_{s}",
                    ("batch", "units"),
                    f"{direction} layer's {s} after {finished}",
                )
                for s in states
            ]
    return arrays


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def evaluate(expression: str, sizes: Mapping[str, int | None]) -> int | None:
    """Evaluate a symbolic size such as ``"2*units"`` or ``"4*units*(features+units+1)"``.

    Integers, names from ``sizes``, ``+``, ``-``, ``*`` and parentheses, nothing else (a
    ``ValueError``); a name whose size is ``None`` (unknown) makes the result ``None``. The
    shape explorer evaluates the same strings in JavaScript; the site test holds it to this.
    """

    def walk(node: ast.AST) -> int | None:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in sizes:
                raise ValueError(
                    f"{expression!r} uses {node.id!r}; expected one of {sorted(sizes)}"
                )
            return sizes[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = walk(node.left), walk(node.right)
            return (
                None
                if left is None or right is None
                else _OPERATORS[type(node.op)](left, right)
            )
        raise ValueError(
            f"expected integers, names, +, - and * only, got {expression!r}"
        )

    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ValueError(
            f"expected an arithmetic expression, got {expression!r}"
        ) from error
    return walk(tree)


@dataclass(frozen=True)
class LayerConfig:
    """The parts of a recurrent layer's configuration that decide what it returns."""

    kind: str
    return_sequences: bool
    return_state: bool
    bidirectional: bool = False
    merge_mode: str | None = None
    units: int | None = None  # None where only the structure matters (the cheat sheet)

    @property
    def arrays(self) -> list[ReturnedArray]:
        """What a layer so configured returns: :func:`returned_arrays` for its settings."""
        return returned_arrays(
            self.kind,
            return_sequences=self.return_sequences,
            return_state=self.return_state,
            bidirectional=self.bidirectional,
            merge_mode=self.merge_mode,
        )

    @property
    def call(self) -> str:
        """The layer as code, e.g. ``LSTM(units, return_sequences=True)`` (the word
        ``units``, never the number): how the figures and the cheat sheet name it."""
        flags = [
            f"{f}=True"
            for f in ("return_sequences", "return_state")
            if getattr(self, f)
        ]
        inner = ", ".join([f"{self.kind}(units", *flags]) + ")"
        if self.bidirectional:
            return f"Bidirectional({inner}, merge_mode={self.merge_mode!r})"
        return inner


def layer_config(layer: keras.layers.Layer) -> LayerConfig:
    """The :class:`LayerConfig` of an ``LSTM``/``GRU``/``SimpleRNN``, bare or wrapped in
    ``Bidirectional``: a ``TypeError`` for any other layer, a ``ValueError`` for a
    ``Bidirectional`` whose two directions have different ``units``."""
    recurrent = tuple(getattr(keras.layers, kind) for kind in RNN_KINDS)
    bidirectional = isinstance(layer, keras.layers.Bidirectional)
    inner = layer.forward_layer if bidirectional else layer
    if not isinstance(inner, recurrent):
        raise TypeError(
            "expected a keras.layers.LSTM, GRU or SimpleRNN layer, or a Bidirectional "
            f"wrapping one; got {type(inner).__name__}"
            + (" in a Bidirectional" if bidirectional else "")
        )
    if bidirectional and layer.backward_layer.units != inner.units:
        raise ValueError(
            "expected both directions of a Bidirectional layer to have the same units, "
            f"got forward {inner.units} and backward {layer.backward_layer.units}"
        )
    kind = next(k for k in RNN_KINDS if isinstance(inner, getattr(keras.layers, k)))
    return LayerConfig(
        kind=kind,
        return_sequences=bool(inner.return_sequences),
        return_state=bool(inner.return_state),
        bidirectional=bidirectional,
        merge_mode=layer.merge_mode if bidirectional else None,
        units=int(inner.units),
    )


def check_input_shape(input_shape: object) -> tuple[int | None, int | None, int]:
    """``input_shape`` (any value) as ``(batch, timesteps, features)`` of positive ints, the
    first two possibly ``None``: a ``TypeError`` if it is no sequence (or a ``str``), else a
    ``ValueError`` naming what is wrong."""
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise TypeError(
            "expected input_shape as a tuple (batch, timesteps, features), "
            f"got {type(input_shape).__name__}: {input_shape!r}"
        )
    if len(input_shape) != 3:
        raise ValueError(
            "a recurrent layer takes 3-D input: expected input_shape (batch, timesteps, "
            f"features), got {len(input_shape)}-D {tuple(input_shape)!r}"
        )
    for axis, value in zip(("batch", "timesteps", "features"), input_shape):
        unknown_ok = axis != "features"
        if (value is not None or not unknown_ok) and (not is_int(value) or value < 1):
            raise ValueError(
                f"expected input_shape (batch, timesteps, features) with {axis} a positive "
                f"int{' or None' * unknown_ok}, got {tuple(input_shape)!r}"
            )
    return tuple(None if value is None else int(value) for value in input_shape)  # type: ignore[return-value]


def expected_outputs(
    layer: keras.layers.Layer, input_shape: Sequence[int | None]
) -> list[tuple[str, tuple[int | None, ...]]]:
    """Names and shapes of what calling ``layer`` on ``input_shape`` returns, without running it.

    Introduced in chapter 1 (The default output), which checks it against Keras's answer.

    Parameters
    ----------
    layer : keras.layers.LSTM, GRU, SimpleRNN, or a Bidirectional wrapping one
        Only its configuration is read; it need not be built.
    input_shape : tuple
        ``(batch, timesteps, features)``; ``batch`` and ``timesteps`` may be ``None``.

    Returns
    -------
    list of (str, tuple)
        In Keras's order, e.g. ``[("output", (32, 20, 10)), ("h", (32, 10)), ("c", (32, 10))]``
        for ``LSTM(10, return_sequences=True, return_state=True)`` on ``(32, 20, 30)``.

    Raises
    ------
    TypeError, ValueError
        If ``layer`` is not a supported recurrent layer, or ``input_shape`` is not
        ``(batch, timesteps, features)``.
    """
    config = layer_config(layer)
    batch, timesteps, _ = check_input_shape(input_shape)
    sizes = {"batch": batch, "timesteps": timesteps, "units": config.units}
    return [
        (a.name, tuple(evaluate(s, sizes) for s in a.shape)) for a in config.arrays
    ]
