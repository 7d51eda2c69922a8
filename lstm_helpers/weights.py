"""Keras's weight layout for recurrent layers: which columns belong to which block."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers._checks import one_of
from lstm_helpers._runtime import keras
from lstm_helpers.shapes import RNN_KINDS, layer_config

__all__ = ["GATE_ORDER", "copy_layer", "recurrent_weights", "split_gates"]

GATE_ORDER: dict[str, tuple[str, ...]] = {
    "LSTM": ("i", "f", "c", "o"),  # input, forget, candidate cell, output
    "GRU": ("z", "r", "h"),  # update, reset, candidate hidden state
    "SimpleRNN": ("h",),
}
"""The order in which Keras stacks each layer's weight blocks along the last axis: the gates
and the candidate (introduced in chapter 13, GRU and SimpleRNN, which compares the three)."""


def split_gates(weights: ArrayLike, kind: str = "LSTM") -> dict[str, np.ndarray]:
    """Split a kernel, recurrent kernel or bias into its blocks, in Keras's order.

    Introduced in chapter 3 (``return_state=True``).

    Parameters
    ----------
    weights : array-like, shape (..., blocks * units)
        ``kernel`` ``(features, 4*units)``, ``recurrent_kernel`` ``(units, 4*units)`` or
        ``bias`` ``(4*units,)`` for an LSTM; ``3*units`` for a GRU (whose bias is
        ``(2, 3*units)`` with ``reset_after=True``).
    kind : {"LSTM", "GRU", "SimpleRNN"}

    Returns
    -------
    dict of str to ndarray
        Block name (a gate's, or the candidate's) to its slice, each ``(..., units)``.

    Raises
    ------
    ValueError
        For an unknown ``kind``, or a last axis that does not split into its blocks.
    """
    one_of("kind", kind, RNN_KINDS)
    array = np.asarray(keras.ops.convert_to_numpy(weights))
    blocks = GATE_ORDER[kind]
    if array.ndim == 0 or array.shape[-1] % len(blocks):
        raise ValueError(
            f"expected a last axis of {len(blocks)}*units for {kind} (blocks {', '.join(blocks)}), "
            f"got shape {array.shape}"
        )
    return dict(zip(blocks, np.split(array, len(blocks), axis=-1)))


def recurrent_weights(
    layer: keras.layers.Layer,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(kernel, recurrent_kernel, bias)`` of a built LSTM, GRU or SimpleRNN, as NumPy arrays.

    Introduced in chapter 3 (``return_state=True``).

    Raises
    ------
    TypeError, ValueError
        If ``layer`` is not a bare LSTM, GRU or SimpleRNN, not built yet, or has no bias.
    """
    config = layer_config(layer)
    if config.bidirectional:
        raise TypeError(
            "expected a bare LSTM, GRU or SimpleRNN; pass layer.forward_layer "
            "or layer.backward_layer of a Bidirectional"
        )
    if not layer.built:
        raise ValueError(
            f"{type(layer).__name__} is not built yet: call it on an input first"
        )
    cell = layer.cell
    if not cell.use_bias:
        raise ValueError(
            f"{type(layer).__name__} was made with use_bias=False; expected a bias"
        )
    return tuple(
        keras.ops.convert_to_numpy(w)
        for w in (cell.kernel, cell.recurrent_kernel, cell.bias)
    )  # type: ignore[return-value]


def copy_layer(
    layer: keras.layers.Layer, input_shape: tuple[int | None, ...], **changes: Any
) -> keras.layers.Layer:
    """A new layer configured like ``layer`` (with ``changes``), built, holding ``layer``'s weights.

    Introduced in chapter 2 (``return_sequences=True``), which does it by hand first
    (create, ``build``, ``set_weights``): the fair way to compare two settings of one layer.
    ``copy_layer(lstm, x.shape, return_sequences=True)`` returns every step of what ``lstm``
    computes; the copy has a fresh name.

    Parameters
    ----------
    layer : keras.layers.Layer
        A built layer, e.g. an LSTM or a Bidirectional.
    input_shape : tuple
        ``(batch, timesteps, features)`` to build the copy for.
    **changes
        Constructor arguments to change, e.g. ``return_state=False`` or ``merge_mode="sum"``.

    Raises
    ------
    TypeError, ValueError
        If ``layer`` is no Keras layer or a change names no setting of it; if it has no
        weights yet.
    """
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"expected a Keras layer, got {type(layer).__name__}")
    if not layer.built or not layer.weights:
        raise ValueError(
            f"{type(layer).__name__} has no weights yet: call or build it first"
        )
    config = layer.get_config()
    unknown = sorted(set(changes) - set(config))
    if unknown:
        raise TypeError(
            f"{type(layer).__name__} has no setting {', '.join(map(repr, unknown))}"
        )
    config.pop("name", None)
    config.update(changes)
    copy = type(layer).from_config(config)
    copy.build(input_shape)
    copy.set_weights(layer.get_weights())
    return copy
