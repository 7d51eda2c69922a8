"""draw_stateful_calls: one kept state per call, zeros where calls start fresh, steps from 0."""

from __future__ import annotations

import matplotlib.pyplot as plt
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from lstm_helpers import draw_stateful_calls


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


@settings(derandomize=True, database=None, deadline=None, max_examples=12)
@given(calls=st.integers(2, 4), steps=st.integers(1, 4))
def test_one_kept_state_per_call_and_zeros_where_calls_start_fresh(calls, steps):
    labels = texts(draw_stateful_calls(calls, steps))
    # stateful row: calls - 1 state boxes between calls, one after the last call
    assert labels.count("layer.\nstates") == calls
    # the stateful row starts from zeros once; the default row at every call
    assert labels.count("zeros") == 1 + calls
    assert labels.count("LSTM") == 2 * calls * steps
    assert labels.count("h, c") == calls  # what each stateful call hands on
    # calls and steps counted from 0, together covering steps 0 .. calls * steps - 1
    spans = [t for t in labels if t.startswith("call ")]
    expected = [
        f"call {j}: steps {j * steps}–{(j + 1) * steps - 1}"
        if steps > 1
        else f"call {j}: step {j}"
        for j in range(calls)
    ]
    assert spans == expected * 2


def test_the_chapter_figure_reads_steps_0_to_8(drawing):
    figure = drawing(draw_stateful_calls())
    assert "call 0: steps 0–2" in figure.texts and "call 2: steps 6–8" in figure.texts
    assert figure.crossings() == []


def test_is_not_registered_with_pyplot():
    before = plt.get_fignums()
    fig = draw_stateful_calls()
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before
