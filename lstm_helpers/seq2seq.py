"""Encoder–decoder models that read ``input_steps`` and write ``output_steps``, and their training.

Two designs, built on the same encoder:

* :func:`repeat_vector_forecaster`: the encoder's last hidden state, copied once per output
  step by ``RepeatVector``, is the decoder's *input*.
* :func:`state_passing_forecaster`: the encoder's final ``[h, c]`` (``return_state=True``)
  is the decoder's *initial state*; the decoder's input is the last value seen, repeated.

:func:`train_forecaster` trains either one reproducibly (call :func:`deterministic_training`
right before building the model) and reports errors computed in NumPy, so that what a chapter
compares means the same on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers._runtime import keras
from lstm_helpers.data import ForecastData, last_value_forecast, mean_squared_error
from lstm_helpers.session import check_seed, seed_everything

__all__ = [
    "TrainingResult",
    "comparison_table",
    "deterministic_training",
    "repeat_vector_forecaster",
    "state_passing_forecaster",
    "train_forecaster",
]


def deterministic_training(seed: int = 0) -> None:
    """Seed everything and make training repeatable on the current backend.

    Call it right before building a model: the seed then fixes that model's initial weights and
    the order in which ``fit`` shuffles, whatever ran earlier in the notebook.

    * TensorFlow: turns on op determinism (``tf.config.experimental.enable_op_determinism``),
      so no kernel may pick a run-dependent summation order.
    * PyTorch: ``torch.use_deterministic_algorithms(True)`` and one intra-op thread. These
      models multiply tiny matrices, where thread start-up costs more than it saves (on a 2-core
      machine one thread trains about ten times faster), and one thread fixes the order in
      which partial sums are added.
    * JAX on CPU is deterministic already; only the seed is set.

    The same seed still gives *different* initial weights on different backends, so the
    trained numbers differ between backends: compare them, don't print them.

    Parameters
    ----------
    seed : int

    Raises
    ------
    TypeError
        If ``seed`` is not an int.
    ValueError
        If ``seed`` is negative.
    """
    seed = check_seed(seed)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        import torch

        torch.use_deterministic_algorithms(True)
        torch.set_num_threads(1)
    seed_everything(seed)


def _check_sizes(**sizes: object) -> None:
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


def repeat_vector_forecaster(
    input_steps: int, output_steps: int, *, features: int = 1, units: int = 16
) -> keras.Model:
    """Encoder–decoder that hands the decoder the encoder's summary as its input at every step.

    ``history (batch, input_steps, features)`` → encoder ``LSTM(units)`` → ``(batch, units)``
    → ``RepeatVector(output_steps)`` → ``(batch, output_steps, units)`` → decoder
    ``LSTM(units, return_sequences=True)`` → ``TimeDistributed(Dense(features))`` →
    ``(batch, output_steps, features)``. The decoder starts from zero states.

    Parameters
    ----------
    input_steps, output_steps, features, units : int

    Returns
    -------
    keras.Model
        Layers named ``encoder``, ``repeat``, ``decoder``, ``readout``.

    Raises
    ------
    ValueError
        If a size is not a positive int.
    """
    _check_sizes(input_steps=input_steps, output_steps=output_steps, features=features, units=units)
    history = keras.Input(shape=(input_steps, features), name="history")
    summary = keras.layers.LSTM(units, name="encoder")(history)
    # RepeatVector(output_steps), not RepeatVector(units): it sets how many steps the decoder runs.
    repeated = keras.layers.RepeatVector(output_steps, name="repeat")(summary)
    decoded = keras.layers.LSTM(units, return_sequences=True, name="decoder")(repeated)
    forecast = keras.layers.TimeDistributed(keras.layers.Dense(features), name="readout")(decoded)
    return keras.Model(history, forecast, name="repeat_vector_forecaster")


def state_passing_forecaster(
    input_steps: int, output_steps: int, *, features: int = 1, units: int = 16
) -> keras.Model:
    """Encoder–decoder that hands the decoder the encoder's final ``[h, c]`` as its initial state.

    ``history (batch, input_steps, features)`` → encoder ``LSTM(units, return_state=True)``
    → ``h, c`` each ``(batch, units)``. The decoder ``LSTM(units, return_sequences=True)``
    starts from ``initial_state=[h, c]`` and reads the last value of the history, repeated
    ``output_steps`` times, ``(batch, output_steps, features)``; then
    ``TimeDistributed(Dense(features))`` → ``(batch, output_steps, features)``.

    Parameters
    ----------
    input_steps, output_steps, features, units : int

    Returns
    -------
    keras.Model
        Layers named ``encoder``, ``repeat_last_value``, ``decoder``, ``readout``.

    Raises
    ------
    ValueError
        If a size is not a positive int.
    """
    _check_sizes(input_steps=input_steps, output_steps=output_steps, features=features, units=units)
    history = keras.Input(shape=(input_steps, features), name="history")
    _, h, c = keras.layers.LSTM(units, return_state=True, name="encoder")(history)
    # The decoder needs an input at every step; the last value seen is the one honest choice
    # (no future values leak in). All else it knows about the history arrives through [h, c].
    last_value = keras.layers.RepeatVector(output_steps, name="repeat_last_value")(history[:, -1, :])
    decoded = keras.layers.LSTM(units, return_sequences=True, name="decoder")(
        last_value, initial_state=[h, c]
    )
    forecast = keras.layers.TimeDistributed(keras.layers.Dense(features), name="readout")(decoded)
    return keras.Model(history, forecast, name="state_passing_forecaster")


@dataclass(frozen=True)
class TrainingResult:
    """What training one forecaster gave, measured on the validation windows.

    Attributes
    ----------
    name : str
        The model's name.
    parameters : int
        ``model.count_params()``.
    initial_error, trained_error : float
        Validation mean squared error before and after training.
    baseline_error : float
        Validation error of :func:`lstm_helpers.last_value_forecast`.
    predictions : ndarray, shape (validation, output_steps, features)
        The trained model's validation forecasts.
    """

    name: str
    parameters: int
    initial_error: float
    trained_error: float
    baseline_error: float
    predictions: np.ndarray

    @property
    def versus_baseline(self) -> float:
        """``trained_error / baseline_error``: below 1 means better than repeating the last value."""
        return self.trained_error / self.baseline_error


def train_forecaster(
    model: keras.Model,
    data: ForecastData,
    *,
    epochs: int = 12,
    batch_size: int = 64,
    learning_rate: float = 0.02,
) -> TrainingResult:
    """Train ``model`` on ``data`` with Adam and mean squared error; measure it before and after.

    Parameters
    ----------
    model : keras.Model
        Maps ``(batch, input_steps, features)`` to ``(batch, output_steps, features)``, e.g.
        from :func:`repeat_vector_forecaster`.
    data : ForecastData
    epochs, batch_size : int
    learning_rate : float
        Larger than Adam's default: the run must finish in a couple of seconds.

    Returns
    -------
    TrainingResult

    Raises
    ------
    TypeError
        If ``model`` is not a ``keras.Model`` or ``data`` not a :class:`ForecastData`.
    ValueError
        If a size is not a positive int, ``learning_rate`` is not positive, or the model's output
        shape does not match the targets.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if not isinstance(data, ForecastData):
        raise TypeError(f"data must be a ForecastData (see forecasting_task), got {type(data).__name__}")
    _check_sizes(epochs=epochs, batch_size=batch_size)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not learning_rate > 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    expected = (None, *data.y_train.shape[1:])
    if tuple(model.output_shape) != expected:
        raise ValueError(
            f"model must output (batch, output_steps, features) = {expected} to match the targets, "
            f"got {tuple(model.output_shape)}"
        )

    def validation_forecast() -> np.ndarray:
        if keras.backend.backend() == "jax":
            # A direct call would compile JAX's scan afresh each time; predict compiles it once.
            return np.asarray(model.predict(data.x_val, batch_size=len(data.x_val), verbose=0))
        # On TensorFlow, predict would trace a graph (about half a second) for two calls.
        return np.asarray(keras.ops.convert_to_numpy(model(data.x_val, training=False)))

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    initial_error = mean_squared_error(data.y_val, validation_forecast())
    model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    predictions = validation_forecast()
    return TrainingResult(
        name=model.name,
        parameters=int(model.count_params()),
        initial_error=initial_error,
        trained_error=mean_squared_error(data.y_val, predictions),
        baseline_error=mean_squared_error(
            data.y_val, last_value_forecast(data.x_val, data.output_steps)
        ),
        predictions=predictions,
    )


def comparison_table(results: list[TrainingResult]) -> str:
    """A plain-text table: each model's parameters and validation errors, and the baseline's.

    Errors are printed to three decimals; they differ slightly between backends and CPUs, so a
    chapter shows this table without checking it and checks comparisons instead.

    Raises
    ------
    TypeError
        If ``results`` is not a non-empty list of :class:`TrainingResult`.
    """
    if not isinstance(results, (list, tuple)) or not results or not all(
        isinstance(r, TrainingResult) for r in results
    ):
        raise TypeError("results must be a non-empty list of TrainingResult (from train_forecaster)")
    rows = [("model", "parameters", "val MSE before", "val MSE after", "after / baseline")]
    rows += [
        (r.name, f"{r.parameters:,}", f"{r.initial_error:.3f}", f"{r.trained_error:.3f}",
         f"{r.versus_baseline:.3f}")
        for r in results
    ]
    rows.append(("repeat the last value", "0", "", f"{results[0].baseline_error:.3f}", "1.000"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
