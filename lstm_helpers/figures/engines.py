"""The picture for appendix A: one notebook, one process per Keras backend, one comparison."""

from __future__ import annotations

from matplotlib.figure import Figure

from lstm_helpers.engines import BACKENDS
from lstm_helpers.figures._style import CHECK, NOTEBOOK, PROCESS, arrow, box, canvas

__all__ = ["draw_engines"]


def draw_engines() -> Figure:
    """Draw how a notebook runs one function on the three Keras backends and compares them.

    Introduced in appendix A (Same layer, three engines). The notebook sends the function and
    its input arrays to one fresh Python process per backend of :data:`BACKENDS`
    (``KERAS_BACKEND`` is fixed when Keras is imported); each returns NumPy arrays, and the
    notebook compares them with each other and with :func:`lstm_helpers.lstm_forward`.
    """
    backends = BACKENDS
    rows = len(backends)
    height = 1.3 * rows + 0.7
    fig, ax = canvas(0, 11, 0.1, height, scale=0.85)
    middle = (height - 0.5) / 2 + 0.1
    ax.text(3.25, height - 0.25, "function + input arrays", ha="center", fontsize=9)
    ax.text(7.5, height - 0.25, "results as NumPy arrays", ha="center", fontsize=9)
    boxes = {"size": 9.5, "pad": 0.05}
    box(
        ax,
        1.3,
        middle,
        "this notebook\n(one backend,\nfixed at import)",
        NOTEBOOK,
        w=2.2,
        h=1.3,
        **boxes,
    )
    box(
        ax,
        9.5,
        middle,
        "compare:\nall agree to 1e-5?\n+ lstm_forward\n(NumPy)",
        CHECK,
        w=2.5,
        h=1.5,
        **boxes,
    )
    for i, name in enumerate(backends):
        y = height - 1.0 - 1.3 * i
        box(
            ax,
            5.4,
            y,
            f"new process\nKERAS_BACKEND={name}",
            PROCESS,
            w=2.6,
            h=0.8,
            **boxes,
        )
        arrow(ax, (2.45, middle + 0.1 * (1 - i)), (4.05, y))
        arrow(ax, (6.75, y), (8.2, middle + 0.1 * (1 - i)))
    return fig
