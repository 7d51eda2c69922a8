"""The generated forecasting task: shapes, reproducibility, clean targets, the naive baseline."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import (
    ForecastData,
    forecasting_task,
    last_value_forecast,
    mean_squared_error,
    sine_windows,
)
from lstm_helpers.data import AMPLITUDES


@settings(derandomize=True, database=None, deadline=None, max_examples=30)
@given(
    count=st.integers(1, 40),
    input_steps=st.integers(1, 30),
    output_steps=st.integers(1, 10),
    seed=st.integers(0, 2**31),
)
def test_sine_windows_shapes_dtype_and_reproducibility(count, input_steps, output_steps, seed):
    x, y = sine_windows(count, input_steps=input_steps, output_steps=output_steps, seed=seed)
    assert x.shape == (count, input_steps, 1) and y.shape == (count, output_steps, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    again_x, again_y = sine_windows(count, input_steps=input_steps, output_steps=output_steps, seed=seed)
    assert np.array_equal(x, again_x) and np.array_equal(y, again_y)
    assert np.all(np.abs(y) <= AMPLITUDES[1] + 1e-6)  # targets are the clean wave


def test_without_noise_the_history_and_targets_are_one_wave():
    # Same seed, noise 0: the history is the clean wave, and the targets continue it.
    x, y = sine_windows(5, input_steps=20, output_steps=5, noise=0.0, seed=3)
    whole_x, _ = sine_windows(5, input_steps=25, output_steps=1, noise=0.0, seed=3)
    np.testing.assert_allclose(np.concatenate([x, y], axis=1), whole_x, atol=1e-6)


def test_noise_changes_only_the_history():
    clean_x, clean_y = sine_windows(50, noise=0.0, seed=1)
    noisy_x, noisy_y = sine_windows(50, noise=0.1, seed=1)
    assert np.array_equal(clean_y, noisy_y)
    spread = float(np.std(noisy_x - clean_x))
    assert 0.08 < spread < 0.12


def test_forecasting_task_splits_differ_and_report_their_steps():
    data = forecasting_task(train=30, validation=10, input_steps=12, output_steps=3)
    assert isinstance(data, ForecastData)
    assert data.x_train.shape == (30, 12, 1) and data.y_val.shape == (10, 3, 1)
    assert (data.input_steps, data.output_steps) == (12, 3)
    assert not np.array_equal(data.x_train[:10], data.x_val)


def test_last_value_forecast_repeats_the_last_step():
    x = np.arange(2 * 4 * 3, dtype="float32").reshape(2, 4, 3)
    forecast = last_value_forecast(x, 5)
    assert forecast.shape == (2, 5, 3)
    assert np.array_equal(forecast, np.repeat(x[:, -1:, :], 5, axis=1))


def test_last_value_forecast_is_a_weak_baseline_on_the_task():
    data = forecasting_task(train=1, validation=400)
    naive = mean_squared_error(data.y_val, last_value_forecast(data.x_val, data.output_steps))
    zero = mean_squared_error(data.y_val, np.zeros_like(data.y_val))
    assert naive > zero  # the waves move too fast for "no change" to work


def test_mean_squared_error():
    assert mean_squared_error(np.zeros((2, 3, 1)), np.full((2, 3, 1), 2.0)) == pytest.approx(4.0)
    assert isinstance(mean_squared_error(np.ones((1, 1, 1)), np.ones((1, 1, 1))), float)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: sine_windows(0), ValueError, "count must be a positive int"),
        (lambda: sine_windows(2.5), ValueError, "count must be a positive int"),
        (lambda: sine_windows(3, input_steps=True), ValueError, "input_steps must be a positive int"),
        (lambda: sine_windows(3, noise=-1.0), ValueError, "noise must be a standard deviation"),
        (lambda: sine_windows(3, noise="low"), TypeError, "noise must be a number"),
        (lambda: sine_windows(3, seed=-2), ValueError, "seed must be a non-negative int"),
        (lambda: sine_windows(3, seed=1.5), TypeError, "seed must be an int"),
        (lambda: forecasting_task(validation=0), ValueError, "count must be a positive int"),
        (lambda: last_value_forecast(np.zeros((2, 3)), 2), ValueError, r"must be 3-D \(batch, steps"),
        (lambda: last_value_forecast(np.zeros((2, 3, 1)), 0), ValueError, "output_steps must be"),
        (lambda: last_value_forecast("abc", 2), TypeError, "x must be a numeric array"),
        (lambda: mean_squared_error(np.zeros((1, 2, 1)), np.zeros((1, 3, 1))), ValueError, "same shape"),
    ],
)
def test_bad_input_is_refused_with_what_was_expected(call, error, message):
    with pytest.raises(error, match=message):
        call()
