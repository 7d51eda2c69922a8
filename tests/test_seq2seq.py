"""Encoder–decoder builders, reproducible training and the comparison table."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import (
    TrainingResult,
    comparison_table,
    deterministic_training,
    forecasting_task,
    parameter_count,
    repeat_vector_forecaster,
    state_passing_forecaster,
    train_forecaster,
)
from lstm_helpers._runtime import keras

X = np.random.default_rng(0).normal(size=(3, 7, 2)).astype("float32")


def numpy(t):
    return keras.ops.convert_to_numpy(t)


@pytest.mark.parametrize("build", [repeat_vector_forecaster, state_passing_forecaster])
@pytest.mark.parametrize("features, units", [(1, 4), (2, 3)])
def test_builders_map_input_steps_to_output_steps(build, features, units):
    model = build(7, 4, features=features, units=units)
    assert model.input_shape == (None, 7, features)
    assert model.output_shape == (None, 4, features)
    assert numpy(model(np.zeros((5, 7, features), dtype="float32"))).shape == (5, 4, features)


def test_parameter_counts_are_the_lstm_formula_plus_the_readout():
    units, features = 6, 2
    dense = units * features + features
    repeat = repeat_vector_forecaster(7, 4, features=features, units=units)
    state = state_passing_forecaster(7, 4, features=features, units=units)
    # The repeat decoder reads the encoder's h (units wide); the state decoder reads the data.
    assert repeat.count_params() == (
        parameter_count("LSTM", features, units) + parameter_count("LSTM", units, units) + dense
    )
    assert state.count_params() == 2 * parameter_count("LSTM", features, units) + dense


def test_repeat_vector_forecaster_is_wired_as_documented():
    model = repeat_vector_forecaster(7, 4, features=2, units=3)
    encoder, decoder, readout = (model.get_layer(n) for n in ("encoder", "decoder", "readout"))
    summary = numpy(encoder(X))
    by_hand = readout(decoder(np.repeat(summary[:, None, :], 4, axis=1)))
    np.testing.assert_allclose(numpy(model(X)), numpy(by_hand), atol=1e-5)


def test_state_passing_forecaster_starts_the_decoder_from_the_encoders_states():
    model = state_passing_forecaster(7, 4, features=2, units=3)
    encoder, decoder, readout = (model.get_layer(n) for n in ("encoder", "decoder", "readout"))
    _, h, c = encoder(X)
    last_value = np.repeat(X[:, -1:, :], 4, axis=1)
    by_hand = readout(decoder(last_value, initial_state=[h, c]))
    np.testing.assert_allclose(numpy(model(X)), numpy(by_hand), atol=1e-5)
    # And the states matter: from zeros the decoder gives something else.
    from_zeros = readout(decoder(last_value))
    assert not np.allclose(numpy(model(X)), numpy(from_zeros), atol=1e-5)


def test_deterministic_training_fixes_the_initial_weights():
    deterministic_training(seed=3)
    first = [w.numpy() for w in state_passing_forecaster(7, 4).weights]
    deterministic_training(seed=3)
    second = [w.numpy() for w in state_passing_forecaster(7, 4).weights]
    deterministic_training(seed=4)
    other = [w.numpy() for w in state_passing_forecaster(7, 4).weights]
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def small_run(seed: int) -> TrainingResult:
    data = forecasting_task(train=96, validation=32, input_steps=10, output_steps=3)
    deterministic_training(seed)
    model = repeat_vector_forecaster(10, 3, units=8)
    return train_forecaster(model, data, epochs=4, batch_size=32)


def test_train_forecaster_is_repeatable_and_reports_numpy_errors():
    first, second = small_run(1), small_run(1)
    assert first.trained_error == second.trained_error
    assert np.array_equal(first.predictions, second.predictions)
    assert first.name == "repeat_vector_forecaster"
    assert first.parameters == repeat_vector_forecaster(10, 3, units=8).count_params()
    assert first.predictions.shape == (32, 3, 1)
    assert first.trained_error < first.initial_error
    assert first.versus_baseline == pytest.approx(first.trained_error / first.baseline_error)


def test_comparison_table_lists_each_model_and_the_baseline():
    result = TrainingResult("tiny", 1234, 0.5, 0.25, 0.4, np.zeros((1, 1, 1)))
    lines = comparison_table([result]).splitlines()
    assert lines[0].split()[:2] == ["model", "parameters"]
    assert lines[1].split() == ["tiny", "1,234", "0.500", "0.250", "0.625"]
    assert lines[2].startswith("repeat the last value") and lines[2].split()[-2:] == ["0.400", "1.000"]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: deterministic_training(-1), ValueError, "non-negative"),
        (lambda: deterministic_training("0"), TypeError, "seed must be an int"),
        (lambda: repeat_vector_forecaster(0, 5), ValueError, "input_steps must be a positive int"),
        (lambda: state_passing_forecaster(20, 5, units=0), ValueError, "units must be a positive int"),
        (lambda: train_forecaster("model", forecasting_task(4, 4)), TypeError, "keras.Model"),
        (lambda: train_forecaster(repeat_vector_forecaster(20, 5), (1, 2)), TypeError, "ForecastData"),
        (lambda: train_forecaster(repeat_vector_forecaster(20, 5), forecasting_task(4, 4), epochs=0),
         ValueError, "epochs must be a positive int"),
        (lambda: train_forecaster(repeat_vector_forecaster(20, 5), forecasting_task(4, 4), learning_rate=0),
         ValueError, "learning_rate must be a positive number"),
        (lambda: train_forecaster(repeat_vector_forecaster(20, 3), forecasting_task(4, 4)),
         ValueError, r"must output .* \(None, 5, 1\)"),
        (lambda: comparison_table([]), TypeError, "non-empty list of TrainingResult"),
    ],
)
def test_bad_input_is_refused_with_what_was_expected(call, error, message):
    with pytest.raises(error, match=message):
        call()
