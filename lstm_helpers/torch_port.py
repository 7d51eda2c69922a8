"""Move a Keras LSTM's weights into ``torch.nn.LSTM`` so both compute the same numbers.

The two layouts differ in three ways, and only three:

* PyTorch stores each matrix transposed: ``weight_ih_l0`` is ``(4*units, features)`` where
  Keras's ``kernel`` is ``(features, 4*units)``; ``weight_hh_l0`` is ``recurrent_kernel.T``.
* PyTorch has two biases, ``bias_ih_l0`` and ``bias_hh_l0``, which are simply added; Keras has
  one. So Keras's bias goes into ``bias_ih_l0`` and ``bias_hh_l0`` is zeros.
* A bidirectional ``nn.LSTM`` keeps the backward direction's weights under the same names
  with ``_reverse`` appended; Keras keeps them in ``Bidirectional.backward_layer``.

The gate order is the same in both (input, forget, candidate, output), so no columns move.
PyTorch is optional: it is imported inside the functions that need it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_helpers._runtime import keras
from lstm_helpers.shapes import layer_config
from lstm_helpers.weights import recurrent_weights

__all__ = ["torch_lstm_weights", "to_torch_lstm"]


def _check_default_activations(lstm: Any) -> None:
    cell = lstm.cell
    if cell.activation is not keras.activations.tanh or (
        cell.recurrent_activation is not keras.activations.sigmoid
    ):
        raise ValueError(
            "nn.LSTM computes tanh and sigmoid only; expected an LSTM with the default "
            "activation='tanh' and recurrent_activation='sigmoid'"
        )


def _directions(layer: Any) -> list[tuple[str, Any]]:
    """``[(name_suffix, bare LSTM)]``: one entry, or two for a ``Bidirectional``."""
    config = layer_config(layer)  # TypeError for anything that is not a recurrent layer
    if config.kind != "LSTM":
        raise TypeError(
            f"expected a keras.layers.LSTM or a Bidirectional wrapping one, got a {config.kind}"
        )
    if config.bidirectional:
        directions = [("", layer.forward_layer), ("_reverse", layer.backward_layer)]
    else:
        if layer.go_backwards:
            raise ValueError(
                "nn.LSTM has no go_backwards; expected an LSTM with go_backwards=False "
                "(port a Bidirectional whole instead)"
            )
        directions = [("", layer)]
    for _, lstm in directions:
        _check_default_activations(lstm)
    return directions


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
        ``bias_ih_l0`` and ``bias_hh_l0`` ``(4*units,)``; for a ``Bidirectional`` also the
        same four with ``_reverse`` appended, from ``layer.backward_layer``.

    Raises
    ------
    TypeError
        If ``layer`` is not an LSTM or a Bidirectional LSTM.
    ValueError
        If it is not built, has no bias, uses other activations, or is a bare
        ``go_backwards=True`` LSTM.
    """
    weights: dict[str, np.ndarray] = {}
    for suffix, lstm in _directions(layer):
        kernel, recurrent_kernel, bias = recurrent_weights(lstm)
        weights[f"weight_ih_l0{suffix}"] = np.ascontiguousarray(kernel.T)
        weights[f"weight_hh_l0{suffix}"] = np.ascontiguousarray(recurrent_kernel.T)
        weights[f"bias_ih_l0{suffix}"] = bias.copy()
        weights[f"bias_hh_l0{suffix}"] = np.zeros_like(bias)
    return weights


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
        As :func:`torch_lstm_weights`.
    """
    if not isinstance(batch_first, bool):
        raise TypeError(f"batch_first must be a bool, got {type(batch_first).__name__}")
    weights = torch_lstm_weights(layer)
    try:
        import torch
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "to_torch_lstm needs PyTorch: pip install -r requirements-torch.txt"
        ) from error
    features = weights["weight_ih_l0"].shape[1]
    units = weights["weight_hh_l0"].shape[1]
    module = torch.nn.LSTM(
        features,
        units,
        batch_first=batch_first,
        bidirectional="weight_ih_l0_reverse" in weights,
    )
    module.load_state_dict(
        {name: torch.from_numpy(np.asarray(value, dtype=np.float32)) for name, value in weights.items()}
    )
    return module.eval()
