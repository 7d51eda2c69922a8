"""draw_stack, draw_encoder_decoder and plot_forecasts: what they draw, and what they refuse."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from lstm_helpers import ENCODER_DECODER_DESIGNS, draw_encoder_decoder, draw_stack, plot_forecasts
from lstm_helpers._runtime import keras
from lstm_helpers.diagrams import DROPPED, RETURNED, STATE

L = keras.layers


def box_faces(figure: Figure) -> list[tuple]:
    return [p.get_facecolor() for p in figure.axes[0].patches if hasattr(p, "get_boxstyle")]


def count(figure: Figure, colour: str) -> int:
    return sum(face == to_rgba(colour) for face in box_faces(figure))


def texts(figure: Figure) -> str:
    return "\n".join(t.get_text() for t in figure.axes[0].texts)


@pytest.mark.parametrize("timesteps", [2, 4, 6])
def test_draw_stack_hands_every_lower_step_up_and_drops_the_tops_but_the_last(timesteps):
    figure = draw_stack([L.LSTM(3, return_sequences=True), L.LSTM(3)], timesteps=timesteps)
    assert isinstance(figure, Figure)
    assert count(figure, RETURNED) == timesteps + 1  # every lower h, and the top's last h
    assert count(figure, DROPPED) == timesteps - 1
    assert count(figure, STATE) == 0
    assert "layer 1: LSTM(units, return_sequences=True)" in texts(figure)
    assert "layer 2: LSTM(units)" in texts(figure)


def test_draw_stack_reads_a_model_and_shows_the_top_layers_states():
    inputs = keras.Input(shape=(5, 2))
    lower = L.GRU(3, return_sequences=True)(inputs)
    middle = L.LSTM(3, return_sequences=True)(lower)
    output, h, c = L.LSTM(3, return_sequences=True, return_state=True)(middle)
    model = keras.Model(inputs, [output, h, c])
    figure = draw_stack(model, timesteps=3)
    assert count(figure, RETURNED) == 3 * 3
    assert count(figure, STATE) == 2
    assert "layer 1: GRU(units, return_sequences=True)" in texts(figure)


@pytest.mark.parametrize(
    "layers, error, message",
    [
        ([L.LSTM(3), L.LSTM(3)], ValueError, "layer 1 of 2 returns only its last step"),
        ([L.LSTM(3, return_sequences=True, return_state=True), L.LSTM(3)], ValueError,
         "sets return_state=True"),
        ([L.LSTM(3)], ValueError, "2 to 4 recurrent layers"),
        ([L.Bidirectional(L.LSTM(3, return_sequences=True)), L.LSTM(3)], TypeError, "Bidirectional"),
        ([L.Dense(3), L.LSTM(3)], TypeError, "expected a keras.layers.LSTM"),
        ("LSTM", TypeError, "a keras.Model or a list of recurrent layers"),
    ],
)
def test_draw_stack_refuses_what_keras_would_refuse(layers, error, message):
    with pytest.raises(error, match=message):
        draw_stack(layers)


def test_draw_stack_timesteps_checked():
    stack = [L.LSTM(3, return_sequences=True), L.LSTM(3)]
    with pytest.raises(ValueError, match="between 2 and 6"):
        draw_stack(stack, timesteps=7)
    with pytest.raises(TypeError, match="timesteps must be an int"):
        draw_stack(stack, timesteps=2.0)


@pytest.mark.parametrize("output_steps", [1, 3, 4])
def test_draw_encoder_decoder_marks_what_the_decoder_gets(output_steps):
    repeat = draw_encoder_decoder("repeat_vector", input_steps=4, output_steps=output_steps)
    state = draw_encoder_decoder("state_passing", input_steps=4, output_steps=output_steps)
    # repeat: one h from the encoder, its copies as decoder inputs, and the forecasts.
    assert count(repeat, RETURNED) == 1 + output_steps + output_steps
    assert count(repeat, STATE) == 0
    # state passing: the forecasts, and the [h, c] handed over as initial_state.
    assert count(state, RETURNED) == output_steps
    assert count(state, STATE) == 1
    assert "initial_state" in texts(state) and "initial_state" not in texts(repeat)
    for figure in (repeat, state):
        assert f"RepeatVector({output_steps})" in texts(figure)


def test_draw_encoder_decoder_bad_input():
    assert ENCODER_DECODER_DESIGNS == ("repeat_vector", "state_passing")
    with pytest.raises(ValueError, match="design must be one of"):
        draw_encoder_decoder("attention")
    with pytest.raises(ValueError, match="output_steps must be between 1 and 4"):
        draw_encoder_decoder("state_passing", output_steps=5)
    with pytest.raises(TypeError, match="input_steps must be an int"):
        draw_encoder_decoder("state_passing", input_steps="4")


def forecast_inputs(batch=6, input_steps=20, output_steps=5):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, input_steps, 1))
    y = rng.normal(size=(batch, output_steps, 1))
    return x, y


def test_plot_forecasts_draws_one_panel_per_window_and_one_line_per_series():
    x, y = forecast_inputs()
    figure = plot_forecasts(x, y, {"a": y + 0.1, "b": y - 0.1}, samples=(0, 3))
    assert len(figure.axes) == 2
    for ax in figure.axes:
        lines = ax.get_lines()
        assert len(lines) == 5  # history, truth, two forecasts, the "forecast starts" line
        np.testing.assert_allclose(lines[1].get_xdata(), np.arange(20, 25))
    np.testing.assert_allclose(figure.axes[1].get_lines()[2].get_ydata(), y[3, :, 0] + 0.1)
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == ["history (noisy input)", "truth", "a", "b"]


@pytest.mark.parametrize(
    "change, error, message",
    [
        (dict(x=np.zeros((6, 20))), ValueError, r"x must have shape \(batch, steps, 1\)"),
        (dict(y_true=np.zeros((6, 5, 2))), ValueError, r"y_true must have shape"),
        (dict(predictions={"a": np.zeros((6, 4, 1))}), ValueError, "expected .*like y_true"),
        (dict(predictions={}), ValueError, "expected 1 to 4 forecasts"),
        (dict(predictions=[np.zeros((6, 5, 1))]), TypeError, "dict of name to forecast"),
        (dict(samples=(0, 6)), ValueError, "sample 6 is out of range"),
        (dict(samples=(0.5,)), TypeError, "samples must be ints"),
        (dict(samples=()), ValueError, "expected 1 to 4 samples"),
        (dict(x=np.zeros((5, 20, 1))), ValueError, "x has 5 windows but y_true has 6"),
        (dict(x="history"), TypeError, "x must be a numeric array"),
    ],
)
def test_plot_forecasts_bad_input(change, error, message):
    x, y = forecast_inputs()
    arguments = dict(x=x, y_true=y, predictions={"a": y}, samples=(0, 1))
    arguments.update(change)
    with pytest.raises(error, match=message):
        plot_forecasts(**arguments)
