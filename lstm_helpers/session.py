"""One call that starts every chapter in the same, reproducible state."""

from __future__ import annotations

import numpy as np

from lstm_helpers._checks import integer
from lstm_helpers._runtime import keras, native_stderr_silenced

__all__ = ["setup"]


def setup(seed: int = 0) -> None:
    """Seed Python, NumPy and the Keras backend, and make printing stable.

    Importing :mod:`lstm_helpers` has already silenced TensorFlow's start-up logging (see
    :mod:`lstm_helpers._runtime`); this call adds the per-chapter part.

    Parameters
    ----------
    seed : int
        Seed for :func:`keras.utils.set_random_seed`, which seeds Python's ``random``, NumPy,
        TensorFlow (when installed) and the backend in use.

    Raises
    ------
    TypeError
        If ``seed`` is not an ``int`` (``bool`` is refused too).
    ValueError
        If ``seed`` is negative.
    """
    seed = integer("seed", seed, low=0)
    # Clear first: clear_session() also forgets the global seed that set_random_seed stores.
    # Layers built from here on get fresh names (lstm, lstm_1, ...) in every run, so any
    # printed name is the same whether the chapter is run once or re-run in one kernel.
    keras.backend.clear_session()
    seed_everything(seed)
    np.set_printoptions(precision=4, suppress=True)
    _show_figures_inline()


def seed_everything(seed: int) -> None:
    """:func:`keras.utils.set_random_seed`, with fd 2 silenced.

    On the JAX and PyTorch backends it imports TensorFlow (to seed it too, whenever it is
    installed), and that import can print TensorFlow's start-up lines.
    """
    with native_stderr_silenced():
        keras.utils.set_random_seed(integer("seed", seed, low=0))


def _show_figures_inline() -> None:
    """In IPython, display a returned matplotlib ``Figure`` as a PNG.

    The book's drawing helpers build figures without pyplot (so a figure is shown once, as the
    cell's result, not a second time by pyplot); IPython only learns to render such figures
    once the inline backend is set up.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "run_line_magic"):
        shell.run_line_magic("matplotlib", "inline")
