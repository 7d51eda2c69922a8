"""What every figure in the book is drawn with: one palette, one meaning per colour, a canvas
with an opaque background, a box and an arrow.

The colours are the Okabe–Ito palette, which stays distinguishable with colour blindness. A
colour means the same thing in every diagram (``RETURNED`` is always the blue of a value that
comes back), so the figure modules import the meanings, never a hex code.

Every figure is drawn on an opaque white background, whatever facecolor it is saved with
(IPython's inline backend, ``savefig(transparent=True)``): the site's dark mode shows a figure
as a light card instead of dark text on a dark page.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from lstm_helpers.shapes import STATE_NAMES

# The palette (Okabe–Ito, plus a pale blue and a light grey for quiet boxes).
BLUE = "#0072B2"
VERMILION = "#D55E00"
YELLOW = "#F0E442"
GREEN = "#009E73"
PINK = "#CC79A7"
SKY_BLUE = "#56B4E9"
ORANGE = "#E69F00"
PALE_BLUE = "#A6CEE3"
GREY = "#EEEEEE"
BACKGROUND = "#FFFFFF"
DARK_FACES = (BLUE, VERMILION, GREEN)
"""Faces that take white text."""
MUTED = "#555555"  # secondary text
FADED = "#AAAAAA"  # the arrow to a value that is computed and dropped

# What each colour means, in every diagram.
INPUT = "white"  # an input step x_t
CELL = YELLOW  # the recurrent cell at one step
RETURNED = BLUE  # a value that comes back to the caller (or goes on to the next layer)
STATE = VERMILION  # a final state that comes back, or is kept (layer.states)
DROPPED = GREY  # dashed: computed inside the layer, not returned
REPEATED = PALE_BLUE  # dashed: a masked step's output, copied from the step before
ZEROS = (
    GREY  # dashed: zeros that are not data (a padding step, a fresh all-zero state)
)
NOTEBOOK = YELLOW  # the notebook's own kernel (appendix A)
PROCESS = BLUE  # a child process on one backend (appendix A)
CHECK = GREEN  # the comparison of the backends' results (appendix A)
FORECAST_COLOURS = (BLUE, VERMILION, GREEN, PINK)
"""One colour per model in a forecast plot, in order."""
# One colour per weight block, in both layouts (LSTM i, f, c, o; GRU z, r, h). PyTorch calls
# the candidate c "g".
GATE_COLORS = dict(
    zip("ifcozrh", (SKY_BLUE, ORANGE, GREEN, PINK) + (SKY_BLUE, ORANGE, GREEN))
)


def opaque_background(fig: Figure) -> Figure:
    """Give ``fig`` a white background no saving option can make transparent: the options
    only change the figure's own patch, so a rectangle sits behind everything, reaching past
    the edges (over ``bbox_inches="tight"``'s margin), outside the layout."""
    fig.set_facecolor(BACKGROUND)
    background = Rectangle(
        (-1, -1),
        3,
        3,
        transform=fig.transFigure,
        facecolor=BACKGROUND,
        edgecolor="none",
        zorder=-100,
    )
    background.set_in_layout(False)
    fig.add_artist(background)
    return fig


def canvas(
    left: float,
    right: float,
    bottom: float,
    top: float,
    *,
    scale: float = 0.62,
    dpi: int = 90,
) -> tuple[Figure, Axes]:
    """A figure without axes showing data coordinates ``left..right`` x ``bottom..top``,
    ``scale`` inches per unit; built without pyplot (a notebook shows it once), opaque."""
    fig = opaque_background(
        Figure(figsize=(scale * (right - left), scale * (top - bottom)), dpi=dpi)
    )
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.axis("off")
    return fig, ax


def box(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    face: str,
    *,
    w: float = 0.8,
    h: float = 0.55,
    dashed: bool = False,
    text_color: str | None = None,
    size: float = 10,
    pad: float = 0.03,
) -> None:
    """A rounded box centred on ``(x, y)`` with ``text`` in it; a dashed one has a grey edge.
    Text is white on a dark face, grey on a dashed grey box, else black, unless given."""
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle=f"round,pad={pad}",
            facecolor=face,
            edgecolor="#888888" if dashed else "black",
            linestyle="--" if dashed else "-",
            linewidth=1.0,
        )
    )
    if text_color is None:
        quiet = dashed and face == GREY
        text_color = "white" if face in DARK_FACES else "#777777" if quiet else "black"
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=text_color)


def value_box(
    ax: Axes, x: float, y: float, text: str, face: str, **options: Any
) -> None:
    """A :func:`box` for one value, dashed when it is computed but not returned."""
    box(ax, x, y, text, face, dashed=face == DROPPED, **options)


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    color: str = "black",
    bend: bool = False,
    curve: float = 0.0,
    head: float = 11,
) -> None:
    """An arrow from ``start`` to ``end``: straight, curved by ``curve``, or bent at a right
    angle."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=head,
            color=color,
            linewidth=1.1,
            connectionstyle="angle,angleA=0,angleB=90"
            if bend
            else f"arc3,rad={curve}",
        )
    )


def write(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    size: float = 9,
    *,
    code: bool = False,
    **options: Any,
) -> None:
    """``text`` centred on ``(x, y)`` (``ha``, ``va`` in ``options`` move its anchor), in
    monospace when it is ``code``; ``options`` go to :meth:`matplotlib.axes.Axes.text`."""
    if code:
        options["family"] = "monospace"
    ax.text(x, y, text, fontsize=size, **{"ha": "center", "va": "center", **options})


def step(symbol: str, t: int, *, mark: str = "") -> str:
    """The label of ``symbol`` at step ``t``, 0-based like Python (``step("x", 0)`` is x₀),
    after a ``mark`` such as ``"→"`` for a bidirectional layer's forward half."""
    return f"{mark}${symbol}_{{{t}}}$"


def carried(kind: str) -> str:
    """The states a cell hands to the next step, e.g. ``"h, c"`` for an LSTM."""
    return ", ".join(STATE_NAMES[kind])


def cell_label(kind: str) -> str:
    """The word written in a cell: the layer's class, with ``SimpleRNN`` shortened to fit."""
    return "RNN" if kind == "SimpleRNN" else kind
