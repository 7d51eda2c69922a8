"""draw_engines: one box per backend, and clear errors for bad lists."""

from __future__ import annotations

import pytest

from lstm_helpers import BACKENDS, draw_engines
from lstm_helpers.figures._style import PROCESS


def test_one_process_box_per_backend_in_order(drawing):
    figure = drawing(draw_engines())
    assert BACKENDS == ("tensorflow", "jax", "torch")
    assert figure.labels(PROCESS)[::-1] == [
        f"new process\nKERAS_BACKEND={b}" for b in BACKENDS
    ]
    assert (
        len([t for t in drawing(draw_engines(["jax"])).texts if "KERAS_BACKEND" in t])
        == 1
    )
    assert figure.crossings() == []


@pytest.mark.parametrize(
    "backends, error, words",
    [
        ("jax", TypeError, "list of backend names"),
        ([], ValueError, "at least one"),
        (["jax", "jax"], ValueError, "each backend once"),
        (["mxnet"], ValueError, "backend names from"),
    ],
)
def test_bad_backend_lists_are_refused(backends, error, words):
    with pytest.raises(error, match=words):
        draw_engines(backends)
