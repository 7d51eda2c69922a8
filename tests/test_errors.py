"""lstm_helpers.errors: neutral one-line reports of errors shown on purpose."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import catch_error, show_error
from lstm_helpers._runtime import keras
from lstm_helpers.errors import DETAILS, CaughtError

BACKEND_TENSOR_REPRS = (
    "tf.Tensor",
    "jnp.ndarray",
    "torch.Tensor",
    "Array(",
    "tensor(",
)


def fail_with(error: BaseException):
    def action():
        raise error

    return action


def test_records_type_and_message():
    caught = catch_error(fail_with(ValueError("bad shape\nsecond line")))
    assert caught == CaughtError(True, "ValueError", "bad shape\nsecond line", "")
    assert caught.first_line == "bad shape"
    assert caught.line() == "ValueError: bad shape"
    assert caught.line("type") == "ValueError"
    assert caught.line("raised") == "raises an error: True"


def test_a_call_that_returns_is_no_error():
    caught = catch_error(lambda: 42)
    assert caught == CaughtError(False)
    assert [caught.line(d) for d in DETAILS] == [
        "no error",
        "no error",
        "raises an error: False",
    ]


def test_empty_message_shows_the_type_only():
    assert catch_error(fail_with(KeyError())).line() == "KeyError"


def test_unwraps_keras_frame_and_colour_codes():
    text = (
        "Exception encountered when calling LSTM.call().\n\n\x1b[1mlist index out of range\x1b[0m"
        "\n\nArguments received by LSTM.call():\n  • sequences=tf.Tensor(shape=(4, 20, 30))"
    )
    caught = catch_error(fail_with(IndexError(text)))
    assert caught.message == "list index out of range"
    assert caught.where == "LSTM.call()"
    assert caught.line() == "IndexError: list index out of range"


def test_real_keras_error_is_the_same_line_on_every_backend():
    """One initial state for an LSTM: Keras's text embeds backend tensors; the line does not."""
    x = np.zeros((2, 3, 4), dtype="float32")
    caught = catch_error(
        lambda: keras.layers.LSTM(5)(x, initial_state=[np.zeros((2, 5), "float32")])
    )
    assert caught.line() == "IndexError: list index out of range"
    assert caught.where == "LSTM.call()"
    assert not any(r in caught.message for r in BACKEND_TENSOR_REPRS)


def test_real_keras_rank_error_keeps_its_single_line():
    caught = catch_error(
        lambda: keras.layers.LSTM(5, name="reader")(np.zeros((2, 4), "float32"))
    )
    assert caught.type_name == "ValueError"
    assert caught.where == ""
    assert (
        "of layer 'reader' is incompatible with the layer: expected ndim=3, found ndim=2"
        in caught.line()
    )


def test_show_error_prints_one_line(capsys):
    show_error(fail_with(TypeError("no")))
    show_error(fail_with(TypeError("no")), "type")
    show_error(lambda: None, "raised")
    assert (
        capsys.readouterr().out == "TypeError: no\nTypeError\nraises an error: False\n"
    )


def test_only_exceptions_are_caught():
    with pytest.raises(KeyboardInterrupt):
        catch_error(fail_with(KeyboardInterrupt()))


@pytest.mark.parametrize("action", [None, 3, "lambda: 1", [lambda: 1]])
def test_rejects_non_callables(action):
    with pytest.raises(TypeError, match="expected a function of no arguments"):
        catch_error(action)
    with pytest.raises(TypeError, match="expected a function of no arguments"):
        show_error(action)


def test_rejects_callables_that_need_arguments():
    with pytest.raises(TypeError, match=r"got one with signature \(x\)"):
        catch_error(lambda x: x)


@pytest.mark.parametrize(
    "detail, error",
    [("all", ValueError), ("", ValueError), (1, TypeError), (None, TypeError)],
)
def test_rejects_unknown_detail(detail, error):
    with pytest.raises(error, match="detail must be"):
        show_error(lambda: None, detail)
    with pytest.raises(error, match="detail must be"):
        CaughtError(False).line(detail)


@settings(derandomize=True, database=None, deadline=None, max_examples=200)
@given(
    message=st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x1b"),
        max_size=60,
    ),
    wrapped=st.booleans(),
)
def test_line_is_one_line_with_no_colour_codes(message, wrapped):
    text = f"\x1b[1m{message}\x1b[0m"
    if wrapped:
        text = f"Exception encountered when calling GRU.call().\n\n{text}\n\nArguments received by GRU.call():\n x"
    line = catch_error(fail_with(RuntimeError(text))).line()
    assert "\n" not in line and "\x1b" not in line
    assert line.startswith("RuntimeError")
    assert "Arguments received by" not in line
    first = next((part.strip() for part in message.splitlines() if part.strip()), "")
    assert line == (f"RuntimeError: {first}" if first else "RuntimeError")
