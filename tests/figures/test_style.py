"""The shared look: text colours, the canvas, the labels derived from the book's facts, and an
opaque background on every figure however it is saved."""

from __future__ import annotations

import numpy as np
import pytest
from IPython.core.pylabtools import print_figure

import lstm_helpers
from lstm_helpers._runtime import keras
from lstm_helpers.figures._style import (
    BLUE,
    GREY,
    VERMILION,
    YELLOW,
    box,
    canvas,
    carried,
    cell_label,
    step,
    write,
)
from lstm_helpers.shapes import RNN_KINDS, STATE_NAMES

L = keras.layers


@pytest.mark.parametrize(
    "face, dashed, expected",
    [
        (BLUE, False, "white"),
        (VERMILION, False, "white"),
        (YELLOW, False, "black"),
        (GREY, True, "#777777"),
        ("white", False, "black"),
    ],
)
def test_box_text_is_readable_on_its_face(face, dashed, expected):
    fig, ax = canvas(0, 2, 0, 2)
    box(ax, 1, 1, "h", face, dashed=dashed)
    assert ax.texts[-1].get_color() == expected
    assert ax.patches[-1].get_linestyle() == ("--" if dashed else "-")


def test_canvas_maps_units_to_inches():
    fig, ax = canvas(-1, 3, 0, 2, scale=0.5)
    assert tuple(fig.get_size_inches()) == (2.0, 1.0)
    assert ax.get_xlim() == (-1, 3) and not ax.axison


def test_write_centres_text_unless_told_and_sets_code_in_monospace():
    fig, ax = canvas(0, 2, 0, 2)
    write(ax, 1, 1, "LSTM(units)", 11, code=True)
    write(ax, 0, 0, "note", ha="left", color="red")
    code, note = ax.texts
    assert (code.get_ha(), code.get_va(), code.get_fontsize()) == (
        "center",
        "center",
        11,
    )
    assert code.get_family() == ["monospace"] and note.get_family() != ["monospace"]
    assert (note.get_ha(), note.get_fontsize(), note.get_color()) == ("left", 9, "red")


def test_labels_come_from_the_books_facts():
    assert step("x", 0) == "$x_{0}$" and step("h", 3, mark="←") == "←$h_{3}$"
    assert [carried(kind) for kind in RNN_KINDS] == [
        ", ".join(STATE_NAMES[k]) for k in RNN_KINDS
    ]
    assert carried("LSTM") == "h, c" and carried("GRU") == "h"
    assert [cell_label(kind) for kind in RNN_KINDS] == ["LSTM", "GRU", "RNN"]


def built_lstm():
    layer = L.LSTM(3)
    layer(np.zeros((1, 2, 4), "float32"))
    return layer


def stack():
    return [L.LSTM(3, return_sequences=True), L.LSTM(3)]


FIGURES = {
    "returns": lambda: lstm_helpers.draw_returns(L.LSTM(3, return_state=True)),
    "returns_bidirectional": lambda: lstm_helpers.draw_returns(
        L.Bidirectional(L.LSTM(3))
    ),
    "stack": lambda: lstm_helpers.draw_stack(stack()),
    "encoder_decoder": lambda: lstm_helpers.draw_encoder_decoder("state_passing"),
    "masking": lambda: lstm_helpers.draw_masking(np.array([[True, False]])),
    "stateful": lambda: lstm_helpers.draw_stateful_calls(),
    "gates": lambda: lstm_helpers.draw_gate_layout(built_lstm()),
    "gates_torch": lambda: lstm_helpers.draw_gate_layout(built_lstm(), layout="torch"),
    "engines": lambda: lstm_helpers.draw_engines(),
    "forecasts": lambda: lstm_helpers.plot_forecasts(
        np.zeros((2, 6, 1)),
        np.ones((2, 3, 1)),
        {"model": np.ones((2, 3, 1))},
        samples=(1,),
    ),
}


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_every_figure_is_opaque_however_it_is_saved(make, alpha):
    """As a notebook stores it (IPython's print_figure, bbox_inches="tight"), and saved with
    a transparent facecolor: not one pixel lets a dark page show through."""
    figure = make()
    assert alpha(print_figure(figure, "png", bbox_inches="tight")).min() == 255
    for options in (
        {},
        {"facecolor": "none", "bbox_inches": "tight"},
        {"transparent": True},
    ):
        assert alpha(figure, **options).min() == 255, options
    assert figure.get_facecolor() == (1.0, 1.0, 1.0, 1.0)


def test_the_opacity_check_can_fail(alpha):
    from matplotlib.figure import Figure

    assert alpha(Figure(figsize=(1, 1)), transparent=True).min() == 0
