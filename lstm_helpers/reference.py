"""LSTM and GRU written out in NumPy, to check what Keras's layers compute.

Nothing here calls Keras's recurrent code: the equations are written from the definitions,
with the weights in Keras's layout (gates stacked along the last axis in the order of
:data:`lstm_helpers.weights.GATE_ORDER`). The tests hold these functions to real
``keras.layers.LSTM`` / ``GRU`` layers, and to ``torch.nn.LSTM`` after a weight port.

Everything is computed in float64, so a difference from Keras (float32) measures Keras's
rounding, not ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers._checks import boolean
from lstm_helpers.shapes import STATE_NAMES
from lstm_helpers.weights import GATE_ORDER, split_gates

__all__ = ["LSTMStep", "lstm_step", "lstm_forward", "gru_forward"]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # The two-branch form never overflows exp(), whatever the sign of z.
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def _as_float_array(name: str, value: ArrayLike) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a numeric array, got {type(value).__name__}"
        ) from error
    return array


def _check_shape(
    name: str, array: np.ndarray, expected: tuple[int | str, ...]
) -> None:
    """Raise ValueError naming ``expected`` (ints, or str for sizes still free) unless it fits."""
    fits = array.ndim == len(expected) and all(
        isinstance(want, str) or got == want
        for got, want in zip(array.shape, expected)
    )
    if not fits:
        shown = (
            "("
            + ", ".join(str(w) for w in expected)
            + ("," if len(expected) == 1 else "")
            + ")"
        )
        raise ValueError(f"expected {name} of shape {shown}, got shape {array.shape}")


def _check_weights(
    kernel: ArrayLike, recurrent_kernel: ArrayLike, kind: str
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Validate ``kernel (features, gates*units)`` and ``recurrent_kernel (units, gates*units)``."""
    gates = len(GATE_ORDER[kind])
    kernel = _as_float_array("kernel", kernel)
    recurrent_kernel = _as_float_array("recurrent_kernel", recurrent_kernel)
    _check_shape("recurrent_kernel", recurrent_kernel, ("units", f"{gates}*units"))
    units = recurrent_kernel.shape[0]
    _check_shape("recurrent_kernel", recurrent_kernel, (units, gates * units))
    _check_shape("kernel", kernel, ("features", gates * units))
    return kernel, recurrent_kernel, kernel.shape[0], units


@dataclass(frozen=True)
class LSTMStep:
    """Everything one LSTM step computes, each array shape ``(batch, units)``.

    Attributes
    ----------
    i : ndarray
        Input gate, ``sigmoid``, in (0, 1): how much of the candidate enters the cell.
    f : ndarray
        Forget gate, ``sigmoid``, in (0, 1): how much of the old cell state is kept.
    g : ndarray
        Candidate cell values, ``tanh``, in (-1, 1) (Keras calls this gate ``c``).
    o : ndarray
        Output gate, ``sigmoid``, in (0, 1): how much of ``tanh(c)`` is shown as ``h``.
    c : ndarray
        New cell state ``f * c_prev + i * g``: not squashed, so it can leave (-1, 1).
    h : ndarray
        New hidden state ``o * tanh(c)``: always in (-1, 1). This is the step's output.
    """

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

    ::

        z = x_t @ kernel + h_prev @ recurrent_kernel + bias      # (batch, 4*units)
        i, f, g, o = sigmoid(z_i), sigmoid(z_f), tanh(z_c), sigmoid(z_o)
        c = f * c_prev + i * g
        h = o * tanh(c)

    Parameters
    ----------
    x_t : array-like, shape (batch, features)
        The inputs at one time step. A single sequence ``(features,)`` works too, with
        ``h_prev`` and ``c_prev`` of shape ``(units,)``.
    h_prev, c_prev : array-like, shape (batch, units)
        Hidden and cell state from the previous step (zeros before the first step).
    kernel : array-like, shape (features, 4*units)
    recurrent_kernel : array-like, shape (units, 4*units)
    bias : array-like, shape (4*units,)
        The layer's weights, gates stacked in Keras's order i, f, c, o
        (what :func:`lstm_helpers.recurrent_weights` returns).

    Returns
    -------
    LSTMStep
        The gates ``i, f, g, o`` and the new states ``c, h``, each ``(batch, units)``, float64.

    Raises
    ------
    ValueError
        If a shape does not fit the others; the message names the expected shape.
    """
    kernel, recurrent_kernel, features, units = _check_weights(
        kernel, recurrent_kernel, "LSTM"
    )
    bias = _as_float_array("bias", bias)
    _check_shape("bias", bias, (4 * units,))
    x_t = _as_float_array("x_t", x_t)
    if x_t.ndim == 1:
        _check_shape("x_t", x_t, (features,))
        state_shape: tuple[int | str, ...] = (units,)
    else:
        _check_shape("x_t", x_t, ("batch", features))
        state_shape = (x_t.shape[0], units)
    h_prev = _as_float_array("h_prev", h_prev)
    c_prev = _as_float_array("c_prev", c_prev)
    _check_shape("h_prev", h_prev, state_shape)
    _check_shape("c_prev", c_prev, state_shape)
    return _lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)


def _lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias) -> LSTMStep:
    z = split_gates(x_t @ kernel + h_prev @ recurrent_kernel + bias, "LSTM")
    i, f, g, o = _sigmoid(z["i"]), _sigmoid(z["f"]), np.tanh(z["c"]), _sigmoid(z["o"])
    c = f * c_prev + i * g
    return LSTMStep(i=i, f=f, g=g, o=o, c=c, h=o * np.tanh(c))


def _check_sequence_inputs(
    x: ArrayLike,
    features: int,
    units: int,
    initial_state: ArrayLike | Sequence[ArrayLike] | None,
    kind: str,
    mask: ArrayLike | None,
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Validate ``x``, ``initial_state`` and ``mask``; fill in zeros and all-True defaults."""
    names = tuple(f"{state}0" for state in STATE_NAMES[kind])  # h0, c0 for an LSTM
    state_count = len(names)
    x = _as_float_array("x", x)
    _check_shape("x", x, ("batch", "timesteps", features))
    batch, timesteps, _ = x.shape
    if initial_state is None:
        states = [np.zeros((batch, units)) for _ in range(state_count)]
    else:
        if state_count == 1 and not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        if (
            not isinstance(initial_state, (list, tuple))
            or len(initial_state) != state_count
        ):
            raise ValueError(
                f"expected initial_state as ({', '.join(names)}{',' if state_count == 1 else ''}),"
                f" each of shape ({batch}, {units}); got {type(initial_state).__name__}"
            )
        states = []
        for name, state in zip(names, initial_state):
            state = _as_float_array(name, state)
            _check_shape(f"initial_state {name}", state, (batch, units))
            states.append(state)
    if mask is None:
        mask = np.ones((batch, timesteps), dtype=bool)
    else:
        mask = np.asarray(mask)
        _check_shape("mask", mask, (batch, timesteps))
        if mask.dtype != bool:
            if not np.isin(mask, (0, 1)).all():
                raise ValueError(
                    f"expected a boolean mask of shape ({batch}, {timesteps})"
                )
            mask = mask.astype(bool)
    return x, states, mask


def _run(
    step, x: np.ndarray, states: list[np.ndarray], mask: np.ndarray, go_backwards: bool
):
    """The time loop shared by both layers, with Keras's masking and ``go_backwards``.

    ``step(x_t, states) -> (output, new_states)``. Keras's rules, reproduced here:

    * ``go_backwards`` reverses the time axis (and the mask) before the loop, and the returned
      sequence stays in processing order: ``sequences[:, 0]`` is the step after reading the
      *last* input.
    * At a masked step the states are kept unchanged and the output repeats the previous
      step's output; before any step has produced one, that is zeros (TensorFlow and PyTorch
      backends; see :func:`lstm_forward` for JAX).
    """
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

    Equals ``keras.layers.LSTM(units, return_sequences=True, return_state=True)`` with the
    same weights (default activations, no dropout), to about 1e-6.

    Parameters
    ----------
    x : array-like, shape (batch, timesteps, features)
    kernel : array-like, shape (features, 4*units)
    recurrent_kernel : array-like, shape (units, 4*units)
    bias : array-like, shape (4*units,)
        Gates in Keras's order i, f, c, o (see :func:`lstm_helpers.recurrent_weights`).
    initial_state : (h0, c0), each shape (batch, units), optional
        Zeros if omitted, as in Keras.
    mask : array-like of bool, shape (batch, timesteps), optional
        ``False`` marks a padding step: the states pass through it unchanged and its output
        repeats the previous step's output (zeros if no step before it was real). Keras on
        the JAX backend repeats ``h0`` instead of zeros there; the two agree unless an
        ``initial_state`` is given *and* a sequence starts with masked steps.
    go_backwards : bool
        Read the sequence from the last step to the first. As in Keras, ``sequences`` is then
        in reading order (``sequences[:, 0]`` comes from the last input), not re-reversed.

    Returns
    -------
    sequences : ndarray, shape (batch, timesteps, units)
        ``h`` after every step (Keras's ``return_sequences=True`` output).
    h, c : ndarray, shape (batch, units)
        The final hidden and cell states (Keras's ``return_state=True`` extras).
        ``h`` equals ``sequences[:, -1]``.

    Raises
    ------
    ValueError
        If a shape or rank is wrong; the message names the expected shape.
    TypeError
        If an array is not numeric, or ``go_backwards`` is not a ``bool``.
    """
    kernel, recurrent_kernel, features, units = _check_weights(
        kernel, recurrent_kernel, "LSTM"
    )
    bias = _as_float_array("bias", bias)
    _check_shape("bias", bias, (4 * units,))
    x, states, mask = _check_sequence_inputs(
        x, features, units, initial_state, "LSTM", mask
    )

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

    ::

        xz, xr, xh = split(x_t @ kernel + bias[0])          # input part, gates z, r, h
        hz, hr, hh = split(h_prev @ recurrent_kernel + bias[1])
        z, r = sigmoid(xz + hz), sigmoid(xr + hr)
        candidate = tanh(xh + r * hh)                      # reset applied *after* the matmul
        h = z * h_prev + (1 - z) * candidate

    Parameters
    ----------
    x : array-like, shape (batch, timesteps, features)
    kernel : array-like, shape (features, 3*units)
    recurrent_kernel : array-like, shape (units, 3*units)
    bias : array-like, shape (2, 3*units)
        Row 0 is added to the input part, row 1 to the recurrent part. Gates in Keras's
        order z, r, h.
    initial_state : h0 of shape (batch, units), or a one-element tuple ``(h0,)``, optional
    mask, go_backwards
        As in :func:`lstm_forward`.

    Returns
    -------
    sequences : ndarray, shape (batch, timesteps, units)
    h : ndarray, shape (batch, units)
        A GRU has one state, so there is no ``c``.

    Raises
    ------
    ValueError
        If a shape or rank is wrong (including a ``(3*units,)`` bias from ``reset_after=False``).
    TypeError
        If an array is not numeric, or ``go_backwards`` is not a ``bool``.
    """
    kernel, recurrent_kernel, features, units = _check_weights(
        kernel, recurrent_kernel, "GRU"
    )
    bias = _as_float_array("bias", bias)
    _check_shape("bias", bias, (2, 3 * units))
    x, states, mask = _check_sequence_inputs(
        x, features, units, initial_state, "GRU", mask
    )

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
