"""draw_engines: one box per backend, in order, and no arrow through a box."""

from __future__ import annotations

from lstm_helpers import BACKENDS, draw_engines
from lstm_helpers.figures._style import PROCESS


def test_one_process_box_per_backend_in_order(drawing):
    figure = drawing(draw_engines())
    assert BACKENDS == ("tensorflow", "jax", "torch")
    assert figure.labels(PROCESS)[::-1] == [
        f"new process\nKERAS_BACKEND={b}" for b in BACKENDS
    ]
    assert figure.crossings() == []
