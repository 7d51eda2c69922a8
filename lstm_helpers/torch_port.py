"""Move a Keras LSTM's or GRU's weights into ``torch.nn.LSTM`` / ``torch.nn.GRU``, same numbers.

The two layouts differ in these ways, and only these:

* PyTorch stores each matrix transposed: ``weight_ih_l0`` is ``(gates*units, features)`` where
  Keras's ``kernel`` is ``(features, gates*units)``; ``weight_hh_l0`` is ``recurrent_kernel.T``.
* PyTorch has two biases, ``bias_ih_l0`` (added to the input part) and ``bias_hh_l0`` (added to
  the recurrent part). A Keras LSTM has one bias, and in an LSTM the two are simply added, so
  it goes into ``bias_ih_l0`` and ``bias_hh_l0`` is zeros. A Keras GRU with
  ``reset_after=True`` (the default) has two bias rows, and they are *not* interchangeable:
  the reset gate multiplies the recurrent part, bias included. Row 0 goes into
  ``bias_ih_l0``, row 1 into ``bias_hh_l0``.
* The gate order. An LSTM's is the same in both (input, forget, candidate, output), so no
  columns move. A GRU's is not: Keras stacks update, reset, candidate (``z, r, h``), PyTorch
  reset, update, new (``r, z, n``), so the first two blocks trade places.
* A bidirectional PyTorch layer keeps the backward direction's weights under the same names
  with ``_reverse`` appended; Keras keeps them in ``Bidirectional.backward_layer``.

``nn.GRU`` computes only the ``reset_after=True`` variant, so a ``reset_after=False`` GRU is
refused: no choice of PyTorch weights reproduces it. PyTorch is optional: it is imported
inside the functions that need it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_helpers._checks import boolean
from lstm_helpers._runtime import keras
from lstm_helpers.shapes import layer_config
from lstm_helpers.weights import recurrent_weights, split_gates

__all__ = ["torch_lstm_weights", "to_torch_lstm", "torch_gru_weights", "to_torch_gru"]

_TORCH_GATE_ORDER: dict[str, tuple[str, ...]] = {
    "LSTM": ("i", "f", "c", "o"),  # PyTorch: i, f, g, o -- Keras's order
    "GRU": (
        "r",
        "z",
        "h",
    ),  # PyTorch: r, z, n -- Keras's z, r, h with the first two swapped
}
"""PyTorch's gate order along the first weight axis, in Keras's gate names."""


def _check_default_activations(rnn: Any, kind: str) -> None:
    cell = rnn.cell
    if cell.activation is not keras.activations.tanh or (
        cell.recurrent_activation is not keras.activations.sigmoid
    ):
        raise ValueError(
            f"nn.{kind} computes tanh and sigmoid only; expected a {kind} with the default "
            "activation='tanh' and recurrent_activation='sigmoid'"
        )


def _check_reset_after(gru: Any) -> None:
    if not gru.cell.reset_after:
        raise ValueError(
            "nn.GRU implements only reset_after=True (the reset gate multiplies the recurrent "
            "matrix product, which has its own bias row); this GRU has reset_after=False, which "
            "no nn.GRU weights reproduce. Expected a GRU with reset_after=True, Keras's default"
        )


def _directions(layer: Any, kind: str) -> list[tuple[str, Any]]:
    """``[(name_suffix, bare layer)]``: one entry, or two for a ``Bidirectional``."""
    config = layer_config(
        layer
    )  # TypeError for anything that is not a recurrent layer
    if config.kind != kind:
        raise TypeError(
            f"expected a keras.layers.{kind} or a Bidirectional wrapping one, got a {config.kind}"
        )
    if config.bidirectional:
        directions = [("", layer.forward_layer), ("_reverse", layer.backward_layer)]
    else:
        if layer.go_backwards:
            raise ValueError(
                f"nn.{kind} has no go_backwards; expected a {kind} with go_backwards=False "
                "(port a Bidirectional whole instead)"
            )
        directions = [("", layer)]
    for _, rnn in directions:
        _check_default_activations(rnn, kind)
        if kind == "GRU":
            _check_reset_after(rnn)
    return directions


def _torch_gate_order(array: np.ndarray, kind: str) -> np.ndarray:
    """``array``'s gate blocks (last axis, Keras's order) put in PyTorch's order."""
    gates = split_gates(array, kind)
    return np.concatenate([gates[name] for name in _TORCH_GATE_ORDER[kind]], axis=-1)


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
            reordered = _torch_gate_order(array, kind)
            weights[f"{name}_l0{suffix}"] = np.ascontiguousarray(reordered.T)
    return weights


def _torch_module(weights: dict[str, np.ndarray], kind: str, batch_first: bool) -> Any:
    try:
        import torch
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"to_torch_{kind.lower()} needs PyTorch: pip install -r requirements-torch.txt"
        ) from error
    features = weights["weight_ih_l0"].shape[1]
    units = weights["weight_hh_l0"].shape[1]
    module = getattr(torch.nn, kind)(
        features,
        units,
        batch_first=batch_first,
        bidirectional="weight_ih_l0_reverse" in weights,
    )
    module.load_state_dict(
        {
            name: torch.from_numpy(np.asarray(value, dtype=np.float32))
            for name, value in weights.items()
        }
    )
    return module.eval()


def torch_lstm_weights(layer: Any) -> dict[str, np.ndarray]:
    """A built Keras LSTM's weights, renamed and transposed to ``nn.LSTM``'s ``state_dict``.

    Parameters
    ----------
    layer : keras.layers.LSTM or keras.layers.Bidirectional wrapping one
        Built (called on data at least once), with a bias and the default activations.

    Returns
    -------
    dict of str to ndarray
        ``weight_ih_l0`` ``(4*units, features)``, ``weight_hh_l0`` ``(4*units, units)``,
        ``bias_ih_l0`` and ``bias_hh_l0`` ``(4*units,)`` (the latter zeros); for a
        ``Bidirectional`` also the same four with ``_reverse`` appended, from
        ``layer.backward_layer``.

    Raises
    ------
    TypeError
        If ``layer`` is not an LSTM or a Bidirectional LSTM.
    ValueError
        If it is not built, has no bias, uses other activations, or is a bare
        ``go_backwards=True`` LSTM.
    """
    return _torch_weights(layer, "LSTM")


def torch_gru_weights(layer: Any) -> dict[str, np.ndarray]:
    """A built Keras GRU's weights, reordered, renamed and transposed to ``nn.GRU``'s ``state_dict``.

    Parameters
    ----------
    layer : keras.layers.GRU or keras.layers.Bidirectional wrapping one
        Built (called on data at least once), ``reset_after=True`` (Keras's default), with a
        bias and the default activations.

    Returns
    -------
    dict of str to ndarray
        ``weight_ih_l0`` ``(3*units, features)``, ``weight_hh_l0`` ``(3*units, units)``,
        ``bias_ih_l0`` (Keras's bias row 0) and ``bias_hh_l0`` (row 1), ``(3*units,)``; the
        gate blocks in PyTorch's order ``r, z, n`` (Keras's ``z, r, h`` with the first two
        swapped). For a ``Bidirectional`` also the same four with ``_reverse`` appended.

    Raises
    ------
    TypeError
        If ``layer`` is not a GRU or a Bidirectional GRU.
    ValueError
        If it has ``reset_after=False`` (``nn.GRU`` cannot express it), is not built, has no
        bias, uses other activations, or is a bare ``go_backwards=True`` GRU.
    """
    return _torch_weights(layer, "GRU")


def to_torch_lstm(layer: Any, *, batch_first: bool = True) -> Any:
    """A ``torch.nn.LSTM`` that computes what the built Keras ``layer`` computes.

    Parameters
    ----------
    layer : keras.layers.LSTM or keras.layers.Bidirectional wrapping one
        See :func:`torch_lstm_weights`.
    batch_first : bool
        ``True`` (default) makes the PyTorch layer take Keras's ``(batch, timesteps, features)``;
        PyTorch's own default is ``(timesteps, batch, features)``.

    Returns
    -------
    torch.nn.LSTM
        In ``eval()`` mode, float32. Called on ``x`` it returns ``output, (h_n, c_n)``:
        ``output`` ``(batch, timesteps, directions*units)`` and ``h_n``, ``c_n``
        ``(directions, batch, units)``.

    Raises
    ------
    ModuleNotFoundError
        If PyTorch is not installed (``pip install -r requirements-torch.txt``).
    TypeError, ValueError
        As :func:`torch_lstm_weights`; ``TypeError`` if ``batch_first`` is not a bool.
    """
    boolean("batch_first", batch_first)
    return _torch_module(torch_lstm_weights(layer), "LSTM", batch_first)


def to_torch_gru(layer: Any, *, batch_first: bool = True) -> Any:
    """A ``torch.nn.GRU`` that computes what the built Keras ``layer`` computes.

    Parameters
    ----------
    layer : keras.layers.GRU or keras.layers.Bidirectional wrapping one
        See :func:`torch_gru_weights`.
    batch_first : bool
        As in :func:`to_torch_lstm`.

    Returns
    -------
    torch.nn.GRU
        In ``eval()`` mode, float32. Called on ``x`` it returns ``output, h_n``: ``output``
        ``(batch, timesteps, directions*units)`` and ``h_n`` ``(directions, batch, units)``.

    Raises
    ------
    ModuleNotFoundError
        If PyTorch is not installed (``pip install -r requirements-torch.txt``).
    TypeError, ValueError
        As :func:`torch_gru_weights`; ``TypeError`` if ``batch_first`` is not a bool.
    """
    boolean("batch_first", batch_first)
    return _torch_module(torch_gru_weights(layer), "GRU", batch_first)
