"""The landing page's one-picture summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from lstm_helpers import OVERVIEW_PANELS, draw_overview, returned_arrays, save_overview

COMMITTED = Path(__file__).resolve().parents[2] / "_static" / "overview.svg"


def test_draws_a_figure_labelled_with_every_returned_array():
    fig = draw_overview()
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for config in OVERVIEW_PANELS:
        arrays = returned_arrays(
            config.kind,
            return_sequences=config.return_sequences,
            return_state=config.return_state,
            bidirectional=config.bidirectional,
            merge_mode=config.merge_mode,
        )
        assert (
            f"returns {len(arrays)} array" + ("s" if len(arrays) > 1 else "") in texts
        )
        for array in arrays:
            assert array.name in texts and "(" + ", ".join(array.shape) + ")" in texts


def test_save_is_reproducible(tmp_path):
    first, second = (
        save_overview(tmp_path / "a.svg"),
        save_overview(tmp_path / "b.svg"),
    )
    assert first.read_bytes() == second.read_bytes()


def test_committed_picture_is_up_to_date(tmp_path):
    fresh = save_overview(tmp_path / "overview.svg")
    assert COMMITTED.read_bytes() == fresh.read_bytes(), (
        '_static/overview.svg is stale; regenerate it with: python -c "from lstm_helpers '
        "import save_overview; save_overview('_static/overview.svg')\""
    )


@pytest.mark.parametrize("path, error", [(3, TypeError), ("overview.png", ValueError)])
def test_save_rejects_bad_paths(path, error):
    with pytest.raises(error, match="path|svg"):
        save_overview(path)
