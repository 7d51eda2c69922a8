"""draw_encoder_decoder: what the decoder gets from the encoder, in both designs, steps from 0."""

from __future__ import annotations

import pytest

from lstm_helpers import draw_encoder_decoder
from lstm_helpers.figures._style import RETURNED, STATE


@pytest.mark.parametrize("output_steps", [1, 3, 4])
def test_marks_what_the_decoder_gets(drawing, output_steps):
    repeat = drawing(draw_encoder_decoder("repeat_vector", 4, output_steps))
    state = drawing(draw_encoder_decoder("state_passing", 4, output_steps))
    # repeat: one h from the encoder, its copies as decoder inputs, and the forecasts.
    assert repeat.count(RETURNED) == 1 + output_steps + output_steps
    assert repeat.count(STATE) == 0
    # state passing: the forecasts, and the [h, c] handed over as initial_state.
    assert state.count(RETURNED) == output_steps
    assert state.count(STATE) == 1 and state.labels(STATE) == ["[h, c]"]
    assert "initial_state" in state.texts and "initial_state" not in repeat.texts
    for figure in (repeat, state):
        assert f"RepeatVector({output_steps})" in figure.texts
        assert figure.crossings() == []


@pytest.mark.parametrize("input_steps, output_steps", [(2, 1), (4, 3), (5, 4)])
def test_steps_are_numbered_from_zero_and_the_forecasts_continue_the_count(
    drawing, input_steps, output_steps
):
    last = input_steps - 1
    forecasts = [
        rf"$\hat{{y}}_{{{t}}}$" for t in range(input_steps, input_steps + output_steps)
    ]
    repeat = drawing(draw_encoder_decoder("repeat_vector", input_steps, output_steps))
    # Bottom row: the decoder's inputs; top row: the encoder's last h, then the forecasts.
    top_row = [f"$h_{{{last}}}$"] + forecasts
    assert repeat.labels(RETURNED) == [f"$h_{{{last}}}$"] * output_steps + top_row
    state = drawing(draw_encoder_decoder("state_passing", input_steps, output_steps))
    inputs = [t for t in state.texts if t.startswith("$x_")]
    encoder_inputs = [f"$x_{{{t}}}$" for t in range(input_steps)]
    assert (
        inputs == encoder_inputs + [f"$x_{{{last}}}$"] * output_steps
    )  # the last value, again
    assert state.labels(RETURNED) == forecasts
