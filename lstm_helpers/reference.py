"""LSTM and GRU written out in NumPy, to check what Keras's layers compute.

Nothing here calls Keras's recurrent code: the equations are written from the definitions,
with the weights in Keras's layout (blocks stacked along the last axis in the order of
:data:`lstm_helpers.GATE_ORDER`), in float64, so a difference from Keras (float32) measures
Keras's rounding. The tests hold them to real layers, and to ``torch.nn.LSTM`` after a port.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers._checks import boolean
from lstm_helpers.shapes import STATE_NAMES
from lstm_helpers.weights import GATE_ORDER, split_gates

__all__ = ["lstm_step", "lstm_forward", "gru_forward"]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # The two-branch form never overflows exp(), whatever the sign of z.
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def _array(name: str, value: ArrayLike, shape: tuple[int | str, ...]) -> np.ndarray:
    """``value`` as a float64 array of ``shape`` (a str entry is a size still free): a
    ``TypeError`` if it is not numeric, a ``ValueError`` naming the shape if it does not fit."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a numeric array, got {type(value).__name__}"
        ) from error
    if array.ndim != len(shape) or any(
        not isinstance(want, str) and got != want
        for got, want in zip(array.shape, shape)
    ):
        shown = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
        raise ValueError(
            f"expected {name} of shape ({shown}), got shape {array.shape}"
        )
    return array


def _weights(
    kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike, kind: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three weights checked against each other: ``kernel (features, blocks*units)``,
    ``recurrent_kernel (units, blocks*units)``, and the bias of the layer ``kind``."""
    blocks = len(GATE_ORDER[kind])
    recurrent_kernel = _array(
        "recurrent_kernel", recurrent_kernel, ("units", f"{blocks}*units")
    )
    units = recurrent_kernel.shape[0]
    _array("recurrent_kernel", recurrent_kernel, (units, blocks * units))
    kernel = _array("kernel", kernel, ("features", blocks * units))
    bias_shape = (4 * units,) if kind == "LSTM" else (2, 3 * units)
    return kernel, recurrent_kernel, _array("bias", bias, bias_shape)


@dataclass(frozen=True)
class LSTMStep:
    """Everything one LSTM step computes, each ``(batch, units)``: the gates ``i``, ``f``,
    ``o`` (sigmoid, in (0, 1)), the candidate ``g`` (tanh, in (-1, 1); its weight block is
    Keras's ``c``), the new cell state ``c = f * c_prev + i * g`` (not squashed) and the new hidden
    state ``h = o * tanh(c)``, the step's output."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


def lstm_step(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    c_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
) -> LSTMStep:
    """One LSTM time step with Keras's weights and Keras's default activations.

    Introduced in chapter 10 (An LSTM from scratch).

    ::

        z = x_t @ kernel + h_prev @ recurrent_kernel + bias      # (batch, 4*units)
        i, f, g, o = sigmoid(z_i), sigmoid(z_f), tanh(z_c), sigmoid(z_o)
        c = f * c_prev + i * g
        h = o * tanh(c)

    Parameters
    ----------
    x_t : array-like, shape (batch, features)
        The inputs at one step; or one sequence's ``(features,)``, with states ``(units,)``.
    h_prev, c_prev : array-like, shape (batch, units)
        The states from the previous step (zeros before the first).
    kernel, recurrent_kernel, bias : array-like
        ``(features, 4*units)``, ``(units, 4*units)``, ``(4*units,)``: the layer's weights,
        blocks in Keras's order i, f, c, o (what :func:`lstm_helpers.recurrent_weights` gives).

    Returns
    -------
    LSTMStep
        The gates ``i, f, o``, the candidate ``g``, the new states ``c, h``: ``(batch, units)``.

    Raises
    ------
    TypeError, ValueError
        If an array is not numeric, or a shape does not fit (the message names it).
    """
    kernel, recurrent_kernel, bias = _weights(kernel, recurrent_kernel, bias, "LSTM")
    features, units = kernel.shape[0], recurrent_kernel.shape[0]
    one = np.ndim(x_t) == 1  # a single sequence
    x_t = _array("x_t", x_t, (features,) if one else ("batch", features))
    state_shape = (units,) if one else (x_t.shape[0], units)
    h_prev = _array("h_prev", h_prev, state_shape)
    c_prev = _array("c_prev", c_prev, state_shape)
    return _lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)


def _lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias) -> LSTMStep:
    z = split_gates(x_t @ kernel + h_prev @ recurrent_kernel + bias, "LSTM")
    i, f, g, o = _sigmoid(z["i"]), _sigmoid(z["f"]), np.tanh(z["c"]), _sigmoid(z["o"])
    c = f * c_prev + i * g
    return LSTMStep(i=i, f=f, g=g, o=o, c=c, h=o * np.tanh(c))


def _sequence_inputs(
    x: ArrayLike,
    features: int,
    units: int,
    initial_state: ArrayLike | Sequence[ArrayLike] | None,
    kind: str,
    mask: ArrayLike | None,
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """``x``, ``initial_state`` and ``mask`` checked; zeros and all-True where omitted."""
    names = [f"{state}0" for state in STATE_NAMES[kind]]  # h0, c0 for an LSTM
    x = _array("x", x, ("batch", "timesteps", features))
    batch, timesteps, _ = x.shape
    if initial_state is None:
        initial_state = [np.zeros((batch, units))] * len(names)
    elif len(names) == 1 and not isinstance(initial_state, (list, tuple)):
        initial_state = [initial_state]
    if not isinstance(initial_state, (list, tuple)) or len(initial_state) != len(
        names
    ):
        raise ValueError(
            f"expected initial_state as ({', '.join(names)}{',' * (len(names) == 1)}), "
            f"each of shape ({batch}, {units}); got {type(initial_state).__name__}"
        )
    states = [
        _array(f"initial_state {name}", state, (batch, units))
        for name, state in zip(names, initial_state)
    ]
    if mask is None:
        return x, states, np.ones((batch, timesteps), dtype=bool)
    mask = _array("mask", mask, (batch, timesteps))
    if not np.isin(mask, (0, 1)).all():
        raise ValueError(f"expected a boolean mask of shape ({batch}, {timesteps})")
    return x, states, mask.astype(bool)


def _run(
    step, x: np.ndarray, states: list[np.ndarray], mask: np.ndarray, go_backwards: bool
):
    """The time loop of both layers (``step(x_t, states) -> (output, new_states)``), with
    Keras's rules: ``go_backwards`` reverses time (and the mask) before the loop and the
    sequence stays in processing order; at a masked step the states are kept and the output
    repeats the previous one (zeros before any real step)."""
    if go_backwards:
        x, mask = x[:, ::-1], mask[:, ::-1]
    batch, timesteps, _ = x.shape
    units = states[0].shape[-1]
    outputs = np.zeros((batch, timesteps, units))
    previous_output = np.zeros((batch, units))
    for t in range(timesteps):
        output, new_states = step(x[:, t], states)
        keep = mask[:, t, None]
        output = np.where(keep, output, previous_output)
        states = [np.where(keep, new, old) for new, old in zip(new_states, states)]
        outputs[:, t] = previous_output = output
    return outputs, states


def lstm_forward(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
    *,
    initial_state: tuple[ArrayLike, ArrayLike] | None = None,
    mask: ArrayLike | None = None,
    go_backwards: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run an LSTM over whole sequences, as ``keras.layers.LSTM`` does, in NumPy.

    Introduced in chapter 10 (An LSTM from scratch).

    Equals ``keras.layers.LSTM(units, return_sequences=True, return_state=True)`` with the
    same weights (default activations, no dropout), to about 1e-6.

    Parameters
    ----------
    x : array-like, shape (batch, timesteps, features)
    kernel, recurrent_kernel, bias : array-like
        As for :func:`lstm_step`.
    initial_state : (h0, c0), each shape (batch, units), optional
        Zeros if omitted, as in Keras.
    mask : array-like of bool, shape (batch, timesteps), optional
        ``False`` marks a padding step: the states pass through it unchanged and its output
        repeats the previous step's (zeros if no step before it was real; Keras on JAX
        repeats ``h0`` there, which differs only with an ``initial_state``).
    go_backwards : bool
        Read from the last step to the first; as in Keras, ``sequences`` stays in reading
        order (``sequences[:, 0]`` comes from the last input).

    Returns
    -------
    sequences : ndarray, shape (batch, timesteps, units)
        ``h`` after every step (Keras's ``return_sequences=True`` output).
    h, c : ndarray, shape (batch, units)
        The final states (Keras's ``return_state=True`` extras).

    Raises
    ------
    TypeError, ValueError
        If an array is not numeric, a shape is wrong (the message names it), or
        ``go_backwards`` is not a ``bool``.
    """
    kernel, recurrent_kernel, bias = _weights(kernel, recurrent_kernel, bias, "LSTM")
    features, units = kernel.shape[0], recurrent_kernel.shape[0]
    x, states, mask = _sequence_inputs(x, features, units, initial_state, "LSTM", mask)

    def step(x_t, states):
        new = _lstm_step(x_t, states[0], states[1], kernel, recurrent_kernel, bias)
        return new.h, [new.h, new.c]

    sequences, (h, c) = _run(
        step, x, states, mask, boolean("go_backwards", go_backwards)
    )
    return sequences, h, c


def gru_forward(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike,
    *,
    initial_state: ArrayLike | tuple[ArrayLike] | None = None,
    mask: ArrayLike | None = None,
    go_backwards: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Run Keras's default GRU (``reset_after=True``) over whole sequences, in NumPy.

    Introduced in chapter 13 (GRU and SimpleRNN).

    ::

        xz, xr, xh = split(x_t @ kernel + bias[0])          # input part, blocks z, r, h
        hz, hr, hh = split(h_prev @ recurrent_kernel + bias[1])
        z, r = sigmoid(xz + hz), sigmoid(xr + hr)
        candidate = tanh(xh + r * hh)                      # reset applied *after* the matmul
        h = z * h_prev + (1 - z) * candidate

    Parameters
    ----------
    kernel, recurrent_kernel, bias : array-like
        ``(features, 3*units)``, ``(units, 3*units)``, ``(2, 3*units)``: blocks in Keras's
        order z, r, h; bias row 0 is added to the input part, row 1 to the recurrent part.
    x, initial_state, mask, go_backwards
        As for :func:`lstm_forward` (``initial_state`` is ``h0`` or ``(h0,)``).

    Returns
    -------
    sequences, h : ndarray
        As for :func:`lstm_forward`; a GRU has one state, so no ``c``.

    Raises
    ------
    TypeError, ValueError
        As :func:`lstm_forward` (a ``(3*units,)`` bias from ``reset_after=False`` too).
    """
    kernel, recurrent_kernel, bias = _weights(kernel, recurrent_kernel, bias, "GRU")
    features, units = kernel.shape[0], recurrent_kernel.shape[0]
    x, states, mask = _sequence_inputs(x, features, units, initial_state, "GRU", mask)

    def step(x_t, states):
        (h_prev,) = states
        from_x = split_gates(x_t @ kernel + bias[0], "GRU")
        from_h = split_gates(h_prev @ recurrent_kernel + bias[1], "GRU")
        z = _sigmoid(from_x["z"] + from_h["z"])
        r = _sigmoid(from_x["r"] + from_h["r"])
        candidate = np.tanh(from_x["h"] + r * from_h["h"])
        h = z * h_prev + (1.0 - z) * candidate
        return h, [h]

    sequences, (h,) = _run(
        step, x, states, mask, boolean("go_backwards", go_backwards)
    )
    return sequences, h
