"""The two many-to-N encoder–decoders, unrolled: what the decoder gets from the encoder."""

from __future__ import annotations

from matplotlib.figure import Figure

from lstm_helpers.figures._style import (
    CELL,
    INPUT,
    MUTED,
    RETURNED,
    STATE,
    arrow,
    canvas,
    carried,
    step,
    value_box,
    write,
)

__all__ = ["draw_encoder_decoder"]

STEP = 1.9  # horizontal distance between time steps
TITLES = {
    "repeat_vector": "RepeatVector: the encoder's last h is the decoder's input at every step",
    "state_passing": "return_state: the encoder's final [h, c] is the decoder's initial_state",
}


def draw_encoder_decoder(
    design: str, input_steps: int = 4, output_steps: int = 3
) -> Figure:
    """Draw one of the two many-to-N encoder–decoders, unrolled.

    Introduced in chapter 9 (Many-to-N), which builds both. ``"repeat_vector"``: the
    encoder's last ``h`` (blue) is copied by ``RepeatVector`` into the decoder's input at
    every step, and the decoder starts from zero states. ``"state_passing"``: the encoder's
    final ``h`` and ``c`` (vermilion) are the decoder's ``initial_state``, and it reads the
    last input value at every step. A ``Dense`` at every decoder step gives the forecasts ŷ.
    Steps are numbered from 0; the forecasts continue the count (``ŷ_4`` after ``x_3``).

    Parameters
    ----------
    design : {"repeat_vector", "state_passing"}
    input_steps, output_steps : int
        Encoder and decoder steps to draw; 2 to 5 and 1 to 4 fit the page.
    """
    encoder_xs = [STEP * t for t in range(input_steps)]
    gap = 2.6 * STEP
    decoder_xs = [encoder_xs[-1] + gap + STEP * t for t in range(output_steps)]
    cell_y, out_y = 1.6, 3.2
    left, right = encoder_xs[0] - 1.0, decoder_xs[-1] + 1.0
    spare = max(0.0, 15.0 - (right - left)) / 2
    fig, ax = canvas(left - spare, right + spare, -1.6, out_y + 1.1)
    last = input_steps - 1  # the encoder's last step
    write(ax, (left + right) / 2, out_y + 0.75, TITLES[design], 11)

    for t, x in enumerate(encoder_xs):
        value_box(ax, x, 0, step("x", t), INPUT)
        value_box(ax, x, cell_y, "LSTM", CELL, w=0.75)
        arrow(ax, (x, 0.3), (x, cell_y - 0.3))
    for xs in (encoder_xs, decoder_xs):
        for a, b in zip(xs, xs[1:]):
            arrow(ax, (a + 0.4, cell_y), (b - 0.4, cell_y))
            write(ax, (a + b) / 2, cell_y + 0.15, carried("LSTM"), 8, va="bottom")
    for t, x in enumerate(decoder_xs, start=input_steps):
        value_box(ax, x, cell_y, "LSTM", CELL, w=0.75)
        value_box(ax, x, out_y, step(r"\hat{y}", t), RETURNED)
        arrow(ax, (x, cell_y + 0.3), (x, out_y - 0.3))
        write(ax, x + 0.08, (cell_y + out_y) / 2, "Dense", 7, ha="left")
        if design == "repeat_vector":
            value_box(ax, x, 0, step("h", last), RETURNED)
        else:
            value_box(ax, x, 0, step("x", last), INPUT)
        arrow(ax, (x, 0.3), (x, cell_y - 0.3))

    first_decoder, last_encoder = decoder_xs[0], encoder_xs[-1]
    middle = (first_decoder + last_encoder) / 2
    # RepeatVector sits in the input row; a bus under the decoder hands each step the same copy.
    value_box(ax, middle, 0, f"RepeatVector({output_steps})", INPUT, w=2.0, size=8)
    bus_y = -0.6
    ax.plot(
        [middle, middle, decoder_xs[-1]],
        [-0.28, bus_y, bus_y],
        color="black",
        linewidth=1.1,
    )
    for x in decoder_xs:
        arrow(ax, (x, bus_y), (x, -0.28))
    if design == "repeat_vector":
        value_box(ax, last_encoder, out_y, step("h", last), RETURNED)
        arrow(ax, (last_encoder, cell_y + 0.3), (last_encoder, out_y - 0.3))
        arrow(ax, (last_encoder + 0.4, out_y - 0.1), (middle - 0.3, 0.3))
        write(
            ax,
            first_decoder - 0.5,
            cell_y - 0.45,
            f"{carried('LSTM')} = 0",
            8,
            ha="right",
            color=MUTED,
        )
        encoder_label = "encoder LSTM(units)"
    else:
        arrow(ax, (last_encoder + 0.4, 0), (middle - 1.0, 0))
        arrow(
            ax,
            (last_encoder + 0.4, cell_y),
            (first_decoder - 0.4, cell_y),
            color=STATE,
        )
        value_box(
            ax,
            middle,
            cell_y + 0.55,
            f"[{carried('LSTM')}]",
            STATE,
            w=1.0,
            h=0.45,
            size=9,
        )
        write(ax, middle, cell_y - 0.35, "initial_state", 8, color=STATE)
        encoder_label = "encoder LSTM(units, return_state=True)"
    write(ax, (encoder_xs[0] + last_encoder) / 2, -1.15, encoder_label, 9, code=True)
    write(
        ax,
        (first_decoder + decoder_xs[-1]) / 2,
        -1.15,
        "decoder LSTM(units, return_sequences=True)",
        9,
        code=True,
    )
    return fig
