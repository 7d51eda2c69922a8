"""What every diagram in the book is drawn with: one palette, a canvas, a box and an arrow.

The colours are the Okabe–Ito palette, which stays distinguishable with colour blindness. Each
diagram module gives them its own meaning (``RETURNED``, ``STATE`` ...) but draws with these
functions, so all pictures share one look.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

BLUE = "#0072B2"
VERMILION = "#D55E00"
YELLOW = "#F0E442"
GREEN = "#009E73"
PINK = "#CC79A7"
PALE_BLUE = "#A6CEE3"
GREY = "#EEEEEE"
DARK_FACES = (BLUE, VERMILION, GREEN)
"""Faces that take white text."""


def canvas(left: float, right: float, bottom: float, top: float, *, scale: float = 0.62,
           dpi: int = 90) -> tuple[Figure, Axes]:
    """A figure without axes showing data coordinates ``left..right`` x ``bottom..top``.

    ``scale`` is inches per data unit. The figure is built without pyplot, so a notebook
    shows it once, as the cell's result.
    """
    fig = Figure(figsize=(scale * (right - left), scale * (top - bottom)), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.axis("off")
    return fig, ax


def box(ax: Axes, x: float, y: float, text: str, face: str, *, w: float = 0.8, h: float = 0.55,
        dashed: bool = False, text_color: str | None = None, size: float = 10,
        pad: float = 0.03) -> None:
    """A rounded box centred on ``(x, y)`` with ``text`` in it.

    Dashed boxes have a grey edge. Unless ``text_color`` is given, text is white on a dark
    face, grey on a dashed grey box (computed but not returned), and black otherwise.
    """
    ax.add_patch(FancyBboxPatch(
        (x - w / 2, y - h / 2), w, h, boxstyle=f"round,pad={pad}", facecolor=face,
        edgecolor="#888888" if dashed else "black", linestyle="--" if dashed else "-",
        linewidth=1.0,
    ))
    if text_color is None:
        text_color = "white" if face in DARK_FACES else "#777777" if dashed and face == GREY else "black"
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=text_color)


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], *, color: str = "black",
          bend: bool = False, curve: float = 0.0, head: float = 11) -> None:
    """An arrow from ``start`` to ``end``: straight, curved by ``curve``, or bent at a right angle."""
    ax.add_patch(FancyArrowPatch(
        start, end, arrowstyle="-|>", mutation_scale=head, color=color, linewidth=1.1,
        connectionstyle="angle,angleA=0,angleB=90" if bend else f"arc3,rad={curve}",
    ))


def check_count(name: str, value: object, low: int, high: int) -> int:
    """``value`` if it is an int in ``low..high``; the range is what fits in a picture.

    Raises
    ------
    TypeError
        If ``value`` is not an int (``bool`` is refused too).
    ValueError
        If it is outside ``low..high``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high} to fit the picture, got {value}")
    return value
