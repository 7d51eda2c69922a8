"""draw_stack: every lower step handed up, the top coloured like draw_returns, steps from 0."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from lstm_helpers import draw_stack
from lstm_helpers._runtime import keras
from lstm_helpers.figures._style import DROPPED, RETURNED, STATE

L = keras.layers


@pytest.mark.parametrize("timesteps", [2, 4, 6])
def test_hands_every_lower_step_up_and_drops_the_tops_but_the_last(drawing, timesteps):
    figure = drawing(
        draw_stack([L.LSTM(3, return_sequences=True), L.LSTM(3)], timesteps=timesteps)
    )
    assert isinstance(figure.figure, Figure)
    assert (
        figure.count(RETURNED) == timesteps + 1
    )  # every lower h, and the top's last h
    assert figure.count(DROPPED) == timesteps - 1
    assert figure.count(STATE) == 0
    assert "layer 1: LSTM(units, return_sequences=True)" in figure.texts
    assert "layer 2: LSTM(units)" in figure.texts
    last = timesteps - 1
    assert figure.labels(RETURNED) == [
        f"$h^{{(1)}}_{{{t}}}$" for t in range(timesteps)
    ] + [f"$h^{{(2)}}_{{{last}}}$"]
    inputs = [t for t in figure.texts if t.startswith("$x_")]
    assert inputs == [f"$x_{{{t}}}$" for t in range(timesteps)]


def test_reads_a_model_and_shows_the_top_layers_states(drawing):
    inputs = keras.Input(shape=(5, 2))
    lower = L.GRU(3, return_sequences=True)(inputs)
    middle = L.LSTM(3, return_sequences=True)(lower)
    output, h, c = L.LSTM(3, return_sequences=True, return_state=True)(middle)
    model = keras.Model(inputs, [output, h, c])
    figure = drawing(draw_stack(model, timesteps=3))
    assert figure.count(RETURNED) == 3 * 3
    assert figure.labels(STATE) == [
        "c",
        "h",
    ]  # the top layer's own states, as Keras returned
    assert len(model.outputs) == 1 + figure.count(STATE)
    assert "layer 1: GRU(units, return_sequences=True)" in figure.texts
    carried = [t for t in figure.free_texts if t in ("h", "h, c")]
    assert carried == ["h"] * 2 + ["h, c"] * 4  # GRU links carry h, LSTM links h and c
    assert figure.crossings() == []


@pytest.mark.parametrize(
    "layers, error, message",
    [
        (
            [L.LSTM(3), L.LSTM(3)],
            ValueError,
            "layer 1 of 2 returns only its last step",
        ),
        (
            [L.Bidirectional(L.LSTM(3, return_sequences=True)), L.LSTM(3)],
            TypeError,
            "Bidirectional",
        ),
        ([L.Dense(3), L.LSTM(3)], TypeError, "expected a keras.layers.LSTM"),
    ],
)
def test_refuses_what_keras_would_refuse(layers, error, message):
    with pytest.raises(error, match=message):
        draw_stack(layers)


def test_keras_refuses_the_stack_draw_stack_refuses():
    """The first refusal above is Keras's own: a lower layer without return_sequences=True
    hands the next LSTM a 2-D array, which it does not accept."""
    inputs = keras.Input(shape=(5, 2))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        L.LSTM(3)(L.LSTM(3)(inputs))
