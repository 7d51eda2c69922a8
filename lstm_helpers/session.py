"""One call that starts every chapter in the same, reproducible state."""

from __future__ import annotations

import linecache
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np

from lstm_helpers._checks import non_negative_int
from lstm_helpers._runtime import keras, native_stderr_silenced

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

__all__ = ["setup"]


def setup(seed: int = 0) -> None:
    """Seed Python, NumPy and the Keras backend, and make printing stable.

    Importing :mod:`lstm_helpers` has already silenced TensorFlow's start-up logging (see
    :mod:`lstm_helpers._runtime`); this call adds the per-chapter part. In IPython it also
    shows figures inline and shows an error as the book does: the line of the notebook's own
    code that raised it, then the exception's type and message, without the frames inside
    Keras and the libraries under it. Introduced in chapter 1 (The default output), "What
    ``setup(seed=0)`` does".

    Parameters
    ----------
    seed : int
        For :func:`keras.utils.set_random_seed`, which seeds Python's ``random``, NumPy,
        TensorFlow (when installed) and the backend in use. A ``TypeError`` if it is no
        ``int``, a ``ValueError`` if it is negative.
    """
    seed = non_negative_int("seed", seed)
    # Clear first: clear_session() also forgets the global seed that set_random_seed stores.
    # Layers built from here on get fresh names (lstm, lstm_1, ...) in every run, so any
    # printed name is the same whether the chapter is run once or re-run in one kernel.
    keras.backend.clear_session()
    # On JAX and PyTorch this imports TensorFlow (to seed it too, whenever it is installed),
    # and that import can print TensorFlow's start-up lines.
    with native_stderr_silenced():
        keras.utils.set_random_seed(seed)
    np.set_printoptions(precision=4, suppress=True)
    shell = _ipython()
    if shell is not None:
        # Figures built without pyplot are shown once, as the cell's result.
        shell.run_line_magic("matplotlib", "inline")
        shell.set_custom_exc((Exception,), _show_short_error)


def _ipython() -> InteractiveShell | None:
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if hasattr(shell, "run_line_magic") else None


def _short_error(
    cell_label: Callable[[str], str | None],
    error: BaseException,
    tb: TracebackType | None,
) -> list[str]:
    """An error as the book shows it: the statements of the notebook's own cells that led to
    it, numbered as IPython numbers them (``cell_label(filename)`` names a cell's file,
    ``"Cell In[3]"``, and is None for any other file, left out), then its type and message."""
    lines = []
    for frame in traceback.extract_tb(tb):
        label = cell_label(frame.filename)
        if label is None:
            continue
        last = frame.end_lineno or frame.lineno
        numbered = [
            f"{'---->' if n == frame.lineno else '     '} {n} "
            + linecache.getline(frame.filename, n).rstrip()
            for n in range(frame.lineno, last + 1)
        ]
        lines.append("\n".join([f"{label}, line {frame.lineno}", *numbered, ""]))
    message = str(error)
    lines.append(
        f"\x1b[0;31m{type(error).__name__}\x1b[0m"
        + (f": {message}" if message else "")
    )
    return lines


def _show_short_error(
    shell: InteractiveShell,
    kind: type[BaseException],
    error: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> list[str]:
    """IPython's custom exception handler: send :func:`_short_error`'s lines as the error."""

    def cell_label(filename: str) -> str | None:
        named = shell.compile.format_code_name(filename)
        return " ".join(named) if named else None

    lines = _short_error(cell_label, error, tb)
    shell._showtraceback(kind, error, lines)  # what IPython's own display ends with
    return lines
