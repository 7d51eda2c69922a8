"""Show an error on purpose, in words that are the same on every Keras backend.

When a layer call fails, Keras wraps the backend's exception in a message that lists the
call's arguments as backend tensors (``tf.Tensor(...)``, ``jnp.ndarray(...)``, ...), so an
error left to propagate would store a different text on each backend. The chapters catch
such errors here and print one neutral line: the exception's type and the first line of the
message Keras wrapped, or only whether an error was raised (where even the type belongs to
the backend, like a failed matrix product).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass

from lstm_helpers._checks import one_of, text

__all__ = ["catch_error", "show_error"]

DETAILS = ("message", "type", "raised")
"""What :func:`show_error` can print: type and message, the type only, or only whether it raised."""

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# Keras 3 re-raises an exception from a layer's call() with this frame around the original text:
#   Exception encountered when calling LSTM.call().\n\n<original>\n\nArguments received by ...
_KERAS_FRAME = re.compile(
    r"\AException encountered when calling (?P<where>\S+?)\.[ \t]*\n\n(?P<core>.*?)"
    r"(?:\n\nArguments received by .*)?\Z",
    re.S,
)


@dataclass(frozen=True)
class CaughtError:
    """What a call raised: whether it did, the exception's class name, its message (without
    colour codes or the frame Keras puts around an error from a layer's ``call``, whose
    argument list shows backend tensors; it can still be backend-specific), and the call Keras
    names in that frame, e.g. ``"LSTM.call()"``. Empty strings where nothing was raised."""

    raised: bool
    type_name: str = ""
    message: str = ""
    where: str = ""

    @property
    def first_line(self) -> str:
        """The first non-empty line of :attr:`message`, stripped."""
        return next(
            (line.strip() for line in self.message.splitlines() if line.strip()), ""
        )

    def line(self, detail: str = "message") -> str:
        """One line describing the outcome; ``detail`` as for :func:`show_error`."""
        one_of("detail", text("detail", detail), DETAILS)
        if detail == "raised":
            return f"raises an error: {self.raised}"
        if not self.raised:
            return "no error"
        if detail == "type" or not self.first_line:
            return self.type_name
        return f"{self.type_name}: {self.first_line}"


def _check_action(action: object) -> None:
    """A ``TypeError`` unless ``action`` (any value) is a callable of no arguments (else
    calling it raises a TypeError of our making, which would pass for the error shown)."""
    if not callable(action):
        raise TypeError(
            "expected a function of no arguments, e.g. lambda: layer(x); "
            f"got {type(action).__name__}"
        )
    try:
        signature = inspect.signature(action)
    except (TypeError, ValueError):  # some builtins have no signature: let them run
        return
    try:
        signature.bind()
    except TypeError:
        raise TypeError(
            f"expected a function of no arguments, e.g. lambda: layer(x); got one with "
            f"signature {signature}"
        ) from None


def catch_error(action: Callable[[], object]) -> CaughtError:
    """Call ``action()`` and record the ``Exception`` it raises, if any.

    Introduced in chapter 11 (The cell state at every step), to report each backend's
    outcome in one line; chapter 18 (When it breaks) reads the record's parts.

    Parameters
    ----------
    action : callable taking no arguments
        Typically a ``lambda`` around the failing line, e.g.
        ``lambda: keras.layers.LSTM(10)(x, initial_state=[h0])``.

    Returns
    -------
    CaughtError
        ``raised=False`` if the call returned normally (its result is discarded).

    Raises
    ------
    TypeError
        If ``action`` is not a callable of no arguments.
    """
    _check_action(action)
    try:
        action()
    except Exception as error:  # noqa: BLE001  (recording any failure is the point)
        text = _ANSI_ESCAPE.sub("", str(error))
        framed = _KERAS_FRAME.match(text)
        where, core = (framed["where"], framed["core"]) if framed else ("", text)
        return CaughtError(True, type(error).__name__, core.strip(), where)
    return CaughtError(False)


def show_error(action: Callable[[], object], detail: str = "message") -> None:
    """Call ``action()`` and print one line saying what it raised.

    Introduced in chapter 13 (GRU and SimpleRNN).

    Parameters
    ----------
    action : callable taking no arguments
    detail : {"message", "type", "raised"}
        ``"message"`` prints ``IndexError: list index out of range`` (type and first line of
        the message, without Keras's argument list); ``"type"`` prints ``IndexError``;
        ``"raised"`` prints ``raises an error: True``. Use ``"message"`` only where the text is
        the same on every backend. A call that does not raise prints ``no error``
        (``raises an error: False`` with ``"raised"``).

    Raises
    ------
    TypeError, ValueError
        If ``action`` is not a callable of no arguments, or ``detail`` is not one of the three.
    """
    one_of("detail", text("detail", detail), DETAILS)
    print(catch_error(action).line(detail))
