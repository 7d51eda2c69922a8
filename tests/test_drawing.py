"""The shared drawing primitives: text colour rules and the size check every diagram uses."""

from __future__ import annotations

import pytest

from lstm_helpers.drawing import BLUE, GREY, VERMILION, YELLOW, box, canvas, check_count


@pytest.mark.parametrize(
    "face, dashed, expected",
    [(BLUE, False, "white"), (VERMILION, False, "white"), (YELLOW, False, "black"),
     (GREY, True, "#777777"), ("white", False, "black")],
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


@pytest.mark.parametrize(
    "value, error, words",
    [(2.5, TypeError, "steps must be an int"), (True, TypeError, "must be an int"),
     (9, ValueError, "between 2 and 8 to fit the picture, got 9")],
)
def test_check_count_refuses_what_does_not_fit(value, error, words):
    with pytest.raises(error, match=words):
        check_count("steps", value, 2, 8)
    assert check_count("steps", 8, 2, 8) == 8
