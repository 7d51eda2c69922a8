"""plot_forecasts: one panel per window, one line per series, on a time axis from 0."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import plot_forecasts
from lstm_helpers.figures._style import FORECAST_COLOURS


def forecast_inputs(batch=6, input_steps=20, output_steps=5):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, input_steps, 1))
    y = rng.normal(size=(batch, output_steps, 1))
    return x, y


def test_draws_one_panel_per_window_and_one_line_per_series():
    x, y = forecast_inputs()
    figure = plot_forecasts(x, y, {"a": y + 0.1, "b": y - 0.1}, samples=(0, 3))
    assert len(figure.axes) == 2
    for ax in figure.axes:
        lines = ax.get_lines()
        assert (
            len(lines) == 5
        )  # history, truth, two forecasts, the "forecast starts" line
        np.testing.assert_allclose(
            lines[0].get_xdata(), np.arange(0, 20)
        )  # steps from 0
        np.testing.assert_allclose(lines[1].get_xdata(), np.arange(20, 25))
        assert [line.get_color() for line in lines[2:4]] == list(FORECAST_COLOURS[:2])
    np.testing.assert_allclose(figure.axes[1].get_lines()[0].get_ydata(), x[3, :, 0])
    np.testing.assert_allclose(
        figure.axes[1].get_lines()[2].get_ydata(), y[3, :, 0] + 0.1
    )
    assert [ax.get_title() for ax in figure.axes] == [
        "validation window 0",
        "validation window 3",
    ]
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == ["history (noisy input)", "truth", "a", "b"]


@pytest.mark.parametrize(
    "change, error, message",
    [
        (
            dict(x=np.zeros((6, 20))),
            ValueError,
            r"x must have shape \(batch, steps, 1\)",
        ),
        (dict(y_true=np.zeros((6, 5, 2))), ValueError, r"y_true must have shape"),
        (
            dict(predictions={"a": np.zeros((6, 4, 1))}),
            ValueError,
            "expected .*like y_true",
        ),
        (dict(x="history"), TypeError, "x must be a numeric array"),
    ],
)
def test_bad_input(change, error, message):
    x, y = forecast_inputs()
    arguments = dict(x=x, y_true=y, predictions={"a": y}, samples=(0, 1))
    arguments.update(change)
    with pytest.raises(error, match=message):
        plot_forecasts(**arguments)


def test_numpy_integers_are_window_indices():
    x, y = forecast_inputs()
    figure = plot_forecasts(x, y, {"a": y}, samples=[np.int64(2)])
    assert figure.axes[0].get_title() == "validation window 2"
