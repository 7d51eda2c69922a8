"""Move a Keras LSTM's or GRU's weights into ``torch.nn.LSTM`` / ``torch.nn.GRU``, same numbers.

The two layouts differ in these ways, and only these:

* PyTorch stores each matrix transposed: ``weight_ih_l0`` is ``kernel.T``, ``(blocks*units,
  features)``; ``weight_hh_l0`` is ``recurrent_kernel.T``.
* PyTorch has two biases, ``bias_ih_l0`` and ``bias_hh_l0`` (added to the input and the
  recurrent part). An LSTM adds them, so Keras's one bias goes into ``bias_ih_l0`` and
  ``bias_hh_l0`` is zeros. A GRU's two rows (``reset_after=True``, the default) are not
  interchangeable, the reset gate multiplies the recurrent part, bias included: row 0 goes
  into ``bias_ih_l0``, row 1 into ``bias_hh_l0``.
* The block order: an LSTM's is the same in both; a GRU's first two blocks trade places
  (Keras ``z, r, h``, PyTorch ``r, z, n``).
* A bidirectional PyTorch layer keeps the backward weights under the same names with
  ``_reverse`` appended; Keras keeps them in ``Bidirectional.backward_layer``.

``nn.GRU`` computes only ``reset_after=True``, so a ``reset_after=False`` GRU is refused.
PyTorch is optional: it is imported inside the functions that need it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_helpers._checks import boolean
from lstm_helpers._runtime import keras
from lstm_helpers.shapes import layer_config
from lstm_helpers.weights import recurrent_weights, split_gates

__all__ = ["torch_lstm_weights", "to_torch_lstm", "torch_gru_weights", "to_torch_gru"]

# PyTorch's block order along its first weight axis, in Keras's block names: an LSTM's is
# Keras's (i, f, g, o); a GRU's is r, z, n, Keras's z, r, h with the first two swapped.
_TORCH_BLOCK_ORDER = {"LSTM": ("i", "f", "c", "o"), "GRU": ("r", "z", "h")}


def _directions(layer: Any, kind: str) -> list[tuple[str, Any]]:
    """``[(name suffix, bare layer)]``: one entry, or two for a ``Bidirectional``; a layer
    ``nn.LSTM``/``nn.GRU`` cannot reproduce is refused."""
    config = layer_config(layer)  # a TypeError for anything but a recurrent layer
    if config.kind != kind:
        raise TypeError(
            f"expected a keras.layers.{kind} or a Bidirectional wrapping one, "
            f"got a {config.kind}"
        )
    if not config.bidirectional and layer.go_backwards:
        raise ValueError(
            f"nn.{kind} has no go_backwards; expected a {kind} with go_backwards=False "
            "(port a Bidirectional whole instead)"
        )
    directions = (
        [("", layer.forward_layer), ("_reverse", layer.backward_layer)]
        if config.bidirectional
        else [("", layer)]
    )
    for _, rnn in directions:
        if rnn.cell.activation is not keras.activations.tanh or (
            rnn.cell.recurrent_activation is not keras.activations.sigmoid
        ):
            raise ValueError(
                f"nn.{kind} computes tanh and sigmoid only; expected a {kind} with the "
                "default activation='tanh' and recurrent_activation='sigmoid'"
            )
        if kind == "GRU" and not rnn.cell.reset_after:
            raise ValueError(
                "nn.GRU implements only reset_after=True (the reset gate multiplies the "
                "recurrent matrix product, which has its own bias row); this GRU has "
                "reset_after=False, which no nn.GRU weights reproduce. Expected a GRU with "
                "reset_after=True, Keras's default"
            )
    return directions


def _torch_weights(layer: Any, kind: str) -> dict[str, np.ndarray]:
    weights: dict[str, np.ndarray] = {}
    for suffix, rnn in _directions(layer, kind):
        kernel, recurrent_kernel, bias = recurrent_weights(rnn)
        # An LSTM's one bias can go on either side (both are added); a GRU's two rows cannot.
        input_bias, recurrent_bias = (
            (bias, np.zeros_like(bias)) if kind == "LSTM" else bias
        )
        for name, array in (
            ("weight_ih", kernel),
            ("weight_hh", recurrent_kernel),
            ("bias_ih", input_bias),
            ("bias_hh", recurrent_bias),
        ):
            blocks = split_gates(array, kind)
            reordered = np.concatenate(
                [blocks[b] for b in _TORCH_BLOCK_ORDER[kind]], axis=-1
            )
            weights[f"{name}_l0{suffix}"] = np.ascontiguousarray(reordered.T)
    return weights


def _torch_module(weights: dict[str, np.ndarray], kind: str, batch_first: bool) -> Any:
    try:
        import torch
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"to_torch_{kind.lower()} needs PyTorch: pip install -r requirements-torch.txt"
        ) from error
    module = getattr(torch.nn, kind)(
        weights["weight_ih_l0"].shape[1],  # features
        weights["weight_hh_l0"].shape[1],  # units
        batch_first=batch_first,
        bidirectional="weight_ih_l0_reverse" in weights,
    )
    module.load_state_dict(
        {
            name: torch.from_numpy(value.astype(np.float32))
            for name, value in weights.items()
        }
    )
    return module.eval()


def torch_lstm_weights(layer: Any) -> dict[str, np.ndarray]:
    """A built Keras LSTM's weights, renamed and transposed to ``nn.LSTM``'s ``state_dict``.

    Introduced in chapter 14 (From Keras to PyTorch).

    Parameters
    ----------
    layer : keras.layers.LSTM or keras.layers.Bidirectional wrapping one
        Built, with a bias and the default activations.

    Returns
    -------
    dict of str to ndarray
        ``weight_ih_l0`` ``(4*units, features)``, ``weight_hh_l0`` ``(4*units, units)``,
        ``bias_ih_l0`` and ``bias_hh_l0`` ``(4*units,)`` (the latter zeros); for a
        ``Bidirectional`` the same four again with ``_reverse`` appended.

    Raises
    ------
    TypeError
        If ``layer`` is not an LSTM or a Bidirectional LSTM.
    ValueError
        If it is not built, has no bias, other activations, or ``go_backwards=True``.
    """
    return _torch_weights(layer, "LSTM")


def torch_gru_weights(layer: Any) -> dict[str, np.ndarray]:
    """A built Keras GRU's weights, reordered, renamed and transposed for ``nn.GRU``.

    Introduced in chapter 15 (A GRU in PyTorch). As :func:`torch_lstm_weights`, with
    ``3*units`` rows, the blocks in PyTorch's order ``r, z, n``, and Keras's two bias
    rows as ``bias_ih_l0`` (row 0) and ``bias_hh_l0`` (row 1).

    Raises
    ------
    TypeError, ValueError
        As :func:`torch_lstm_weights`, and a ``ValueError`` for ``reset_after=False``
        (``nn.GRU`` cannot express it).
    """
    return _torch_weights(layer, "GRU")


def to_torch_lstm(layer: Any, *, batch_first: bool = True) -> Any:
    """A ``torch.nn.LSTM`` that computes what the built Keras ``layer`` computes.

    Introduced in chapter 14 (From Keras to PyTorch).

    Parameters
    ----------
    layer : keras.layers.LSTM or keras.layers.Bidirectional wrapping one
        See :func:`torch_lstm_weights`.
    batch_first : bool
        ``True`` (default) makes it take Keras's ``(batch, timesteps, features)``;
        PyTorch's own default is ``(timesteps, batch, features)``.

    Returns
    -------
    torch.nn.LSTM
        In ``eval()`` mode, float32. Called on ``x`` it returns ``output, (h_n, c_n)``:
        ``output`` ``(batch, timesteps, directions*units)``, ``h_n`` and ``c_n``
        ``(directions, batch, units)``.

    Raises
    ------
    ModuleNotFoundError
        If PyTorch is not installed (``pip install -r requirements-torch.txt``).
    TypeError, ValueError
        As :func:`torch_lstm_weights`, or if ``batch_first`` is not a bool.
    """
    boolean("batch_first", batch_first)
    return _torch_module(torch_lstm_weights(layer), "LSTM", batch_first)


def to_torch_gru(layer: Any, *, batch_first: bool = True) -> Any:
    """A ``torch.nn.GRU`` that computes what the built Keras ``layer`` computes.

    Introduced in chapter 15 (A GRU in PyTorch). As :func:`to_torch_lstm`; called on ``x``
    it returns ``output, h_n`` (a GRU has no ``c``).
    """
    boolean("batch_first", batch_first)
    return _torch_module(torch_gru_weights(layer), "GRU", batch_first)
