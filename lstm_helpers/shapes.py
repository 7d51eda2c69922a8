"""What a recurrent layer returns, worked out from its configuration alone.

There is one rule, :func:`returned_arrays`, written with symbolic sizes (``"batch"``,
``"timesteps"``, ``"units"``, ``"2*units"``). Everything else in the book that talks about
returned shapes (:func:`expected_outputs`, :func:`lstm_helpers.describe`, the cheat sheet and
the site's shape explorer) substitutes numbers into that rule, so no second copy can drift.
The property tests compare it with what real Keras layers return.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lstm_helpers._checks import boolean, is_int, one_of
from lstm_helpers._runtime import keras

__all__ = [
    "MERGE_MODES",
    "RNN_KINDS",
    "STATE_NAMES",
    "LayerConfig",
    "ReturnedArray",
    "describe_call",
    "evaluate",
    "expected_outputs",
    "layer_config",
    "returned_arrays",
    "returned_by",
]

RNN_KINDS: tuple[str, ...] = ("LSTM", "GRU", "SimpleRNN")
"""The recurrent layer classes the book covers, by their Keras class name."""

MERGE_MODES: tuple[str | None, ...] = ("concat", "sum", "mul", "ave", None)
"""Every ``merge_mode`` that :class:`keras.layers.Bidirectional` accepts."""

STATE_NAMES: dict[str, tuple[str, ...]] = {
    "LSTM": ("h", "c"),
    "GRU": ("h",),
    "SimpleRNN": ("h",),
}
"""The states each layer carries from step to step, in Keras's order."""

_MERGE_MEANING = {
    "concat": "side by side",
    "sum": "added",
    "mul": "multiplied elementwise",
    "ave": "averaged",
}

_STATE_MEANING = {
    "h": "hidden state after the last step",
    "c": "cell state after the last step (not squashed, can exceed 1)",
}


@dataclass(frozen=True)
class ReturnedArray:
    """One array that calling a recurrent layer returns.

    Attributes
    ----------
    name : str
        The book's name for it: ``output``, ``h``, ``c``, ``forward_h`` and so on.
    shape : tuple of str
        Symbolic shape, each entry one of ``"batch"``, ``"timesteps"``, ``"units"`` or
        ``"2*units"``.
    meaning : str
        A short phrase saying what the array holds.
    """

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

    Parameters
    ----------
    kind : {"LSTM", "GRU", "SimpleRNN"}
        The recurrent layer.
    return_sequences, return_state : bool
        The layer's two flags.
    bidirectional : bool
        Whether the layer is wrapped in :class:`keras.layers.Bidirectional`.
    merge_mode : {"concat", "sum", "mul", "ave", None}
        The wrapper's ``merge_mode``; ignored unless ``bidirectional``.

    Returns
    -------
    list of ReturnedArray
        For example ``LSTM`` with both flags gives ``output`` ``(batch, timesteps, units)``,
        ``h`` ``(batch, units)`` and ``c`` ``(batch, units)``.

    Raises
    ------
    ValueError
        For an unknown ``kind`` or ``merge_mode``.
    TypeError
        If a flag is not a ``bool``.
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

    Only integers, names from ``sizes``, ``+``, ``-``, ``*`` and parentheses are allowed (the
    site's shape explorer evaluates the same strings the same way). A name whose size is
    ``None`` (an unknown batch or number of steps) makes the result ``None``.

    Raises
    ------
    ValueError
        For any other syntax, or a name missing from ``sizes``.
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
    units: int
    return_sequences: bool
    return_state: bool
    bidirectional: bool
    merge_mode: str | None


def returned_by(config: LayerConfig) -> list[ReturnedArray]:
    """What the layer ``config`` describes returns: :func:`returned_arrays` for its settings."""
    return returned_arrays(
        config.kind,
        return_sequences=config.return_sequences,
        return_state=config.return_state,
        bidirectional=config.bidirectional,
        merge_mode=config.merge_mode,
    )


def describe_call(config: LayerConfig) -> str:
    """The layer ``config`` describes, as code: e.g. ``LSTM(units, return_sequences=True)``.

    The figures' titles and the cheat sheet's rows write layers this way (the word
    ``units``, never the number).
    """
    flags = [
        f"{f}=True" for f in ("return_sequences", "return_state") if getattr(config, f)
    ]
    inner = ", ".join([f"{config.kind}(units", *flags]) + ")"
    if config.bidirectional:
        return f"Bidirectional({inner}, merge_mode={config.merge_mode!r})"
    return inner


def layer_config(layer: keras.layers.Layer) -> LayerConfig:
    """Read a :class:`LayerConfig` from an ``LSTM``/``GRU``/``SimpleRNN``, bare or bidirectional.

    Raises
    ------
    TypeError
        If ``layer`` is anything else.
    ValueError
        If a ``Bidirectional`` wrapper's two directions have different ``units``.
    """
    recurrent = tuple(getattr(keras.layers, kind) for kind in RNN_KINDS)
    if isinstance(layer, keras.layers.Bidirectional):
        forward, backward = layer.forward_layer, layer.backward_layer
        if not isinstance(forward, recurrent):
            raise TypeError(
                "expected a Bidirectional wrapping an LSTM, GRU or SimpleRNN layer, "
                f"got one wrapping {type(forward).__name__}"
            )
        if backward.units != forward.units:
            raise ValueError(
                "expected both directions of a Bidirectional layer to have the same units, "
                f"got forward {forward.units} and backward {backward.units}"
            )
        inner, bidirectional, merge_mode = forward, True, layer.merge_mode
    elif isinstance(layer, recurrent):
        inner, bidirectional, merge_mode = layer, False, None
    else:
        raise TypeError(
            "expected a keras.layers.LSTM, GRU or SimpleRNN layer, or a Bidirectional wrapping "
            f"one; got {type(layer).__name__}"
        )
    kind = next(k for k in RNN_KINDS if isinstance(inner, getattr(keras.layers, k)))
    return LayerConfig(
        kind=kind,
        units=int(inner.units),
        return_sequences=bool(inner.return_sequences),
        return_state=bool(inner.return_state),
        bidirectional=bidirectional,
        merge_mode=merge_mode,
    )


def check_input_shape(input_shape: object) -> tuple[int | None, int | None, int]:
    """Validate ``(batch, timesteps, features)``; return it as a tuple of ``int`` (or ``None``).

    ``batch`` and ``timesteps`` may be ``None`` (unknown); ``features`` must be a positive int
    (Python or NumPy; ``bool`` is refused). ``input_shape`` may be any value: refusing what is
    not such a sequence is this check's job.

    Raises
    ------
    TypeError
        If ``input_shape`` is not a sequence (a ``str`` or ``bytes`` is refused too).
    ValueError
        If it does not have 3 entries, or an entry is not a positive int (or ``None`` where
        allowed).
    """
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise TypeError(
            "expected input_shape as a tuple (batch, timesteps, features), "
            f"got {type(input_shape).__name__}: {input_shape!r}"
        )
    if len(input_shape) != 3:
        raise ValueError(
            "a recurrent layer takes 3-D input: expected input_shape (batch, timesteps, features), "
            f"got {len(input_shape)}-D {tuple(input_shape)!r}"
        )
    for axis, value in zip(("batch", "timesteps", "features"), input_shape):
        unknown_ok = axis != "features"
        if value is None and unknown_ok:
            continue
        if not is_int(value) or value < 1:
            allowed = "a positive int or None" if unknown_ok else "a positive int"
            raise ValueError(
                f"expected input_shape (batch, timesteps, features) with {axis} {allowed}, "
                f"got {tuple(input_shape)!r}"
            )
    return tuple(None if value is None else int(value) for value in input_shape)  # type: ignore[return-value]


def expected_outputs(
    layer: keras.layers.Layer, input_shape: Sequence[int | None]
) -> list[tuple[str, tuple[int | None, ...]]]:
    """Names and shapes of what calling ``layer`` on ``input_shape`` returns, without running it.

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
    TypeError
        If ``layer`` is not a supported recurrent layer, or ``input_shape`` is not a sequence.
    ValueError
        If ``input_shape`` is not ``(batch, timesteps, features)``.
    """
    config = layer_config(layer)
    batch, timesteps, _ = check_input_shape(input_shape)
    sizes = {"batch": batch, "timesteps": timesteps, "units": config.units}
    return [
        (a.name, tuple(evaluate(s, sizes) for s in a.shape))
        for a in returned_by(config)
    ]
