"""tools/overview.py: the landing page's one-picture summary, drawn from the shape rule."""

from __future__ import annotations

from matplotlib.figure import Figure

from tools.overview import OVERVIEW, OVERVIEW_PANELS, draw_overview, save_overview


def test_draws_a_figure_labelled_with_every_returned_array():
    fig = draw_overview()
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for config in OVERVIEW_PANELS:
        arrays = config.arrays
        assert (
            f"returns {len(arrays)} array" + ("s" if len(arrays) > 1 else "") in texts
        )
        for array in arrays:
            assert array.name in texts and "(" + ", ".join(array.shape) + ")" in texts


def test_save_is_reproducible_and_the_committed_picture_is_up_to_date(tmp_path):
    first, second = (
        save_overview(tmp_path / "a.svg"),
        save_overview(tmp_path / "b.svg"),
    )
    assert first.read_bytes() == second.read_bytes()
    assert OVERVIEW.read_bytes() == first.read_bytes(), (
        "_static/overview.svg is stale; redraw it with: python -m tools.overview"
    )
