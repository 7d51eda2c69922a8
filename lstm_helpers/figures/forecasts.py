"""A data plot, not a diagram: forecasts against the truth on a few validation windows. Steps
count from 0, like the diagrams': the forecasts continue the history's count."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from lstm_helpers.figures._style import FORECAST_COLOURS, opaque_background

__all__ = ["plot_forecasts"]


def _series(name: str, values: ArrayLike) -> np.ndarray:
    try:
        array = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array (batch, steps, 1)") from error
    if array.ndim != 3 or array.shape[-1] != 1:
        raise ValueError(
            f"{name} must have shape (batch, steps, 1), got {array.shape}"
        )
    return array[..., 0]


def plot_forecasts(
    x: ArrayLike,
    y_true: ArrayLike,
    predictions: Mapping[str, ArrayLike],
    samples: Sequence[int] = (0, 1, 2),
) -> Figure:
    """Plot a few windows: the history, the true continuation and each model's forecast.

    Introduced in chapter 9 (Many-to-N), which compares its two designs' forecasts.

    Parameters
    ----------
    x : array-like, shape (batch, input_steps, 1)
        The histories the models read.
    y_true : array-like, shape (batch, output_steps, 1)
        What really came next.
    predictions : dict of str to array-like, each shape (batch, output_steps, 1)
        Forecasts by model name, at most four (one colour each).
    samples : sequence of int
        Which windows to plot, one panel each.

    Raises
    ------
    TypeError
        If an array is not numeric.
    ValueError
        If an array is not ``(batch, steps, 1)``, or a forecast's shape is not ``y_true``'s.
    """
    history, truth = _series("x", x), _series("y_true", y_true)
    forecasts = {
        name: _series(f"predictions[{name!r}]", p) for name, p in predictions.items()
    }
    for name, forecast in forecasts.items():
        if forecast.shape != truth.shape:
            raise ValueError(
                f"predictions[{name!r}] has shape {forecast.shape}, expected "
                f"{truth.shape} like y_true"
            )

    input_steps, output_steps = history.shape[1], truth.shape[1]
    past = np.arange(input_steps)
    future = np.arange(input_steps, input_steps + output_steps)
    fig = opaque_background(
        Figure(figsize=(3.4 * len(samples), 3.0), dpi=90, layout="constrained")
    )
    axes = fig.subplots(1, len(samples), sharey=True, squeeze=False)[0]
    for panel, (ax, index) in enumerate(zip(axes, samples)):
        ax.plot(
            past,
            history[index],
            color="#999999",
            marker=".",
            linewidth=1,
            label="history (noisy input)",
        )
        ax.plot(
            future,
            truth[index],
            color="black",
            marker="o",
            linewidth=1.5,
            label="truth",
        )
        for (name, forecast), colour in zip(forecasts.items(), FORECAST_COLOURS):
            ax.plot(
                future,
                forecast[index],
                color=colour,
                marker="s",
                markersize=4,
                linestyle="--",
                linewidth=1.3,
                label=name,
            )
        ax.axvline(input_steps - 0.5, color="#BBBBBB", linewidth=1, linestyle=":")
        ax.set_title(f"validation window {index}", fontsize=10)
        ax.set_xlabel("time step")
        if panel == 0:
            ax.set_ylabel("value")
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncol=2 + len(forecasts),
        fontsize=9,
        frameon=False,
    )
    return fig
