"""draw_returns: what a layer returns, coloured, 0-based, laid out so no arrow crosses a cell."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import draw_returns, expected_outputs
from lstm_helpers._runtime import keras
from lstm_helpers.figures._style import DROPPED, RETURNED, STATE

L = keras.layers


def configurations(kinds=("LSTM", "GRU", "SimpleRNN")):
    """Every flag setting of an LSTM, bare and bidirectional; for the other kinds (one state,
    or a shorter label), the setting with both flags."""
    layers = []
    for kind in kinds:
        flags = [(False, False), (False, True), (True, False), (True, True)]
        for sequences, state in flags if kind == "LSTM" else flags[-1:]:
            for bidirectional in (False, True):
                layer = getattr(L, kind)(
                    3, return_sequences=sequences, return_state=state
                )
                layers.append(L.Bidirectional(layer) if bidirectional else layer)
    return layers


def name(layer) -> str:
    inner = layer.forward_layer if isinstance(layer, L.Bidirectional) else layer
    wrap = "Bi" if inner is not layer else ""
    flags = f"seq{int(inner.return_sequences)}-state{int(inner.return_state)}"
    return f"{wrap}{type(inner).__name__}-{flags}"


@pytest.mark.parametrize(
    "layer, returned_boxes",
    [
        (L.LSTM(3), 1),  # only h_3 is blue
        (L.LSTM(3, return_sequences=True), 4),
        (L.LSTM(3, return_state=True), 1 + 2),  # h_3 plus h and c
        (L.GRU(3, return_state=True), 1 + 1),
        (L.Bidirectional(L.LSTM(3)), 2),  # forward h_3, backward h_0
        (L.Bidirectional(L.LSTM(3, return_sequences=True, return_state=True)), 8 + 4),
    ],
)
def test_colours_exactly_the_returned_values(drawing, layer, returned_boxes):
    figure = drawing(draw_returns(layer, timesteps=4))
    assert figure.count(RETURNED) + figure.count(STATE) == returned_boxes


@pytest.mark.parametrize("layer", configurations(), ids=name)
def test_lists_and_colours_the_arrays_keras_says_it_returns(drawing, layer):
    figure = drawing(draw_returns(layer, timesteps=3))
    returned = [n for n, _ in expected_outputs(layer, (2, 3, 5))]
    listing = next(t for t in figure.texts if t.startswith("returned: "))
    positions = [listing.index(f"{n} (") for n in returned]
    assert positions == sorted(positions)  # every array, in Keras's order
    states = [n for n in returned if not n.endswith("output")]
    assert figure.labels(STATE) == sorted(
        states, key=lambda n: (n.startswith("forward"), n)
    )


@pytest.mark.parametrize("timesteps", [2, 4, 8])
def test_steps_are_numbered_from_zero(drawing, timesteps):
    last = timesteps - 1
    plain = drawing(draw_returns(L.LSTM(3), timesteps=timesteps))
    inputs = [t for t in plain.texts if t.startswith("$x_")]
    assert inputs == [f"$x_{{{t}}}$" for t in range(timesteps)]
    assert plain.labels(RETURNED) == [f"$h_{{{last}}}$"]
    assert plain.labels(DROPPED) == [f"$h_{{{t}}}$" for t in range(last)]
    both = drawing(draw_returns(L.Bidirectional(L.GRU(3)), timesteps=timesteps))
    assert both.labels(RETURNED) == ["←$h_{0}$", f"→$h_{{{last}}}$"]


def test_the_returned_halves_are_the_ones_keras_returns():
    """The figure colours the forward half at the last step and the backward half at step 0:
    Keras's last-step output is exactly those two slices of its every-step output."""
    x = np.random.default_rng(0).normal(size=(2, 4, 5)).astype("float32")
    last_only = L.Bidirectional(L.LSTM(3))
    every_step = L.Bidirectional(L.LSTM(3, return_sequences=True))
    last_only(x), every_step(x)
    every_step.set_weights(last_only.get_weights())
    output = keras.ops.convert_to_numpy(last_only(x))
    sequence = keras.ops.convert_to_numpy(every_step(x))
    np.testing.assert_allclose(output[:, :3], sequence[:, 3, :3], atol=1e-6)  # →h_3
    np.testing.assert_allclose(output[:, 3:], sequence[:, 0, 3:], atol=1e-6)  # ←h_0


@pytest.mark.parametrize("layer", configurations(("LSTM", "GRU")), ids=name)
def test_no_arrow_passes_through_a_cell_or_a_label(drawing, layer):
    """In particular in the Bidirectional figure: the inputs' arrows to the forward row pass
    beside the backward cells, and the backward outputs beside the forward cells."""
    assert drawing(draw_returns(layer)).crossings() == []


@pytest.mark.parametrize("timesteps", [2, 8])
def test_no_arrow_crosses_a_cell_at_the_smallest_and_largest_size(drawing, timesteps):
    layer = L.Bidirectional(L.LSTM(3, return_sequences=True, return_state=True))
    assert drawing(draw_returns(layer, timesteps=timesteps)).crossings() == []


def test_the_crossing_check_sees_an_arrow_through_a_cell(drawing):
    """The check above can fail: an arrow drawn through the middle of a cell is found."""
    from lstm_helpers.figures._style import arrow

    figure = draw_returns(L.LSTM(3), timesteps=2)
    ax = figure.axes[0]
    arrow(ax, (-0.8, 1.7), (0.8, 1.7))  # straight through the first cell, at (0, 1.7)
    crossed = drawing(figure).crossings()
    assert crossed and all("(-0.76, 1.7)" in line for line in crossed)
    assert any("box at (-0.35, 1.40)" in line for line in crossed)  # the cell's box


def test_draw_returns_rejects_other_layers():
    with pytest.raises(TypeError, match="got Dense"):
        draw_returns(keras.layers.Dense(2))
