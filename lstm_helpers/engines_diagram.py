"""The picture for chapter 14: one notebook, one process per Keras backend, one comparison."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from lstm_helpers.backends import BACKENDS

ENGINE = "#0072B2"  # blue: a child process on one backend
NOTEBOOK = "#F0E442"  # yellow: the notebook's own kernel
CHECK = "#009E73"  # green: the comparison


def _box(ax, x: float, y: float, w: float, h: float, text: str, face: str, color: str) -> None:
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                facecolor=face, edgecolor="black", linewidth=1.0))
    ax.text(x, y, text, ha="center", va="center", fontsize=9.5, color=color)


def _arrow(ax, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, linewidth=1.1))


def draw_engines(backends: Sequence[str] = BACKENDS) -> Figure:
    """Draw how a notebook runs one function on several Keras backends and compares them.

    The notebook sends the function and its input arrays to one fresh Python process per
    backend (``KERAS_BACKEND`` is fixed when Keras is imported), each returns NumPy arrays,
    and the notebook compares them with each other and with :func:`lstm_helpers.lstm_forward`.

    Parameters
    ----------
    backends : sequence of str
        Backend names to draw, in order (default: tensorflow, jax, torch).

    Returns
    -------
    matplotlib.figure.Figure
        Built without pyplot, so a notebook shows it once.

    Raises
    ------
    TypeError
        If ``backends`` is a string or not a sequence of strings.
    ValueError
        If it is empty, repeats a name, or names an unknown backend.
    """
    if isinstance(backends, str) or not isinstance(backends, Sequence):
        raise TypeError(f"expected a list of backend names, got {type(backends).__name__}")
    if not backends or len(set(backends)) != len(backends):
        raise ValueError(f"expected each backend once, at least one, got {list(backends)}")
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        raise ValueError(f"expected backend names from {BACKENDS}, got {unknown}")

    rows = len(backends)
    height = 1.3 * rows + 0.7
    fig = Figure(figsize=(9.5, 0.8 * height), dpi=90)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 11)
    ax.set_ylim(0.1, height)
    ax.axis("off")
    middle = (height - 0.5) / 2 + 0.1
    ax.text(3.25, height - 0.25, "function + input arrays", ha="center", fontsize=9)
    ax.text(7.5, height - 0.25, "results as NumPy arrays", ha="center", fontsize=9)
    _box(ax, 1.3, middle, 2.2, 1.3, "this notebook\n(one backend,\nfixed at import)", NOTEBOOK,
         "black")
    _box(ax, 9.5, middle, 2.5, 1.5, "compare:\nall agree to 1e-5?\n+ lstm_forward\n(NumPy)", CHECK,
         "white")
    for i, name in enumerate(backends):
        y = height - 1.0 - 1.3 * i
        _box(ax, 5.4, y, 2.6, 0.8, f"new process\nKERAS_BACKEND={name}", ENGINE, "white")
        _arrow(ax, (2.45, middle + 0.1 * (1 - i)), (4.05, y))
        _arrow(ax, (6.75, y), (8.2, middle + 0.1 * (1 - i)))
    return fig


__all__ = ["draw_engines"]
