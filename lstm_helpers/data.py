"""A small forecasting task, generated on the spot: read a noisy sine wave, predict what follows.

The data come from NumPy's seeded generator only, never from the Keras backend, so every
backend trains and validates on exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ForecastData", "forecasting_task", "last_value_forecast", "mean_squared_error", "sine_windows"]

PERIODS = (8.0, 20.0)
"""Range of the waves' periods, in time steps: fast enough that repeating the last value fails."""

AMPLITUDES = (0.5, 1.0)
"""Range of the waves' amplitudes."""


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def sine_windows(
    count: int,
    *,
    input_steps: int = 20,
    output_steps: int = 5,
    noise: float = 0.1,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Windows cut from sine waves: a noisy history and the clean continuation after it.

    Each window has its own period (8 to 20 steps), amplitude (0.5 to 1) and phase. The model
    must see through the noise to the wave, so the targets are the noise-free values: a noisy
    target would put a floor of ``noise**2`` under every validation error.

    Parameters
    ----------
    count : int
        Number of windows (the batch axis).
    input_steps, output_steps : int
        Length of the history the model reads and of the continuation it must predict.
    noise : float
        Standard deviation of the Gaussian noise added to the history, ``>= 0``.
    seed : int
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same windows.

    Returns
    -------
    x : ndarray, shape (count, input_steps, 1), float32
        The noisy history.
    y : ndarray, shape (count, output_steps, 1), float32
        The clean next ``output_steps`` values.

    Raises
    ------
    ValueError
        If a size is not a positive int, ``noise`` is negative, or ``seed`` is negative.
    TypeError
        If ``noise`` is not a number or ``seed`` is not an int.
    """
    count = _positive_int("count", count)
    input_steps = _positive_int("input_steps", input_steps)
    output_steps = _positive_int("output_steps", output_steps)
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)):
        raise TypeError(f"noise must be a number (a standard deviation), got {type(noise).__name__}")
    if not noise >= 0:
        raise ValueError(f"noise must be a standard deviation >= 0, got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")

    rng = np.random.default_rng(int(seed))
    period = rng.uniform(*PERIODS, size=(count, 1))
    amplitude = rng.uniform(*AMPLITUDES, size=(count, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(count, 1))
    steps = np.arange(input_steps + output_steps)[None, :]
    wave = amplitude * np.sin(2 * np.pi * steps / period + phase)
    history = wave[:, :input_steps] + noise * rng.normal(size=(count, input_steps))
    return (
        history[..., None].astype("float32"),
        wave[:, input_steps:, None].astype("float32"),
    )


@dataclass(frozen=True)
class ForecastData:
    """Training and validation windows of one task.

    Attributes
    ----------
    x_train, x_val : ndarray, shape (count, input_steps, 1)
    y_train, y_val : ndarray, shape (count, output_steps, 1)
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray

    @property
    def input_steps(self) -> int:
        """How many steps the model reads."""
        return int(self.x_train.shape[1])

    @property
    def output_steps(self) -> int:
        """How many steps the model must predict."""
        return int(self.y_train.shape[1])


def forecasting_task(
    train: int = 512,
    validation: int = 256,
    *,
    input_steps: int = 20,
    output_steps: int = 5,
    noise: float = 0.1,
    seed: int = 0,
) -> ForecastData:
    """Training and validation windows from :func:`sine_windows`, drawn with different seeds.

    Parameters
    ----------
    train, validation : int
        Number of windows in each split.
    input_steps, output_steps, noise : see :func:`sine_windows`
    seed : int
        The training windows use ``seed``, the validation windows ``seed + 1``, so no
        validation window is a copy of a training window.

    Returns
    -------
    ForecastData

    Raises
    ------
    ValueError, TypeError
        As :func:`sine_windows`.
    """
    x_train, y_train = sine_windows(
        train, input_steps=input_steps, output_steps=output_steps, noise=noise, seed=seed
    )
    x_val, y_val = sine_windows(
        validation, input_steps=input_steps, output_steps=output_steps, noise=noise, seed=seed + 1
    )
    return ForecastData(x_train, y_train, x_val, y_val)


def _three_d(name: str, array: object) -> np.ndarray:
    try:
        values = np.asarray(array, dtype="float64")
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array (batch, steps, features)") from error
    if values.ndim != 3:
        raise ValueError(f"{name} must be 3-D (batch, steps, features), got shape {values.shape}")
    return values


def last_value_forecast(x: object, output_steps: int) -> np.ndarray:
    """The naive forecast every model must beat: repeat the last value seen.

    Parameters
    ----------
    x : array-like, shape (batch, input_steps, features)
    output_steps : int

    Returns
    -------
    ndarray, shape (batch, output_steps, features)

    Raises
    ------
    ValueError
        If ``x`` is not 3-D or ``output_steps`` is not a positive int.
    TypeError
        If ``x`` is not numeric.
    """
    history = _three_d("x", x)
    output_steps = _positive_int("output_steps", output_steps)
    return np.repeat(history[:, -1:, :], output_steps, axis=1)


def mean_squared_error(y_true: object, y_pred: object) -> float:
    """Mean of the squared differences over every window, step and feature.

    Computed in NumPy (float64) from the predictions, so it means the same on every backend.

    Parameters
    ----------
    y_true, y_pred : array-like, shape (batch, steps, features), the same shape

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If either is not 3-D or the shapes differ.
    TypeError
        If either is not numeric.
    """
    truth, prediction = _three_d("y_true", y_true), _three_d("y_pred", y_pred)
    if truth.shape != prediction.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {truth.shape} and {prediction.shape}"
        )
    return float(np.mean((truth - prediction) ** 2))
