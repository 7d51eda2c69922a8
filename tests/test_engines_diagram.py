"""draw_engines: one box per backend, and clear errors for bad lists."""

from __future__ import annotations

import pytest

from lstm_helpers import draw_engines


def texts(figure) -> list[str]:
    return [t.get_text() for t in figure.axes[0].texts]


def test_one_process_box_per_backend_in_order():
    drawn = [t for t in texts(draw_engines()) if t.startswith("new process")]
    assert drawn == [f"new process\nKERAS_BACKEND={b}" for b in ("tensorflow", "jax", "torch")]
    assert len([t for t in texts(draw_engines(["jax"])) if "KERAS_BACKEND" in t]) == 1


@pytest.mark.parametrize(
    "backends, error, words",
    [("jax", TypeError, "list of backend names"), ([], ValueError, "at least one"),
     (["jax", "jax"], ValueError, "each backend once"), (["mxnet"], ValueError, "backend names from")],
)
def test_bad_backend_lists_are_refused(backends, error, words):
    with pytest.raises(error, match=words):
        draw_engines(backends)
