"""The book's figures: one module per picture family, all drawn with :mod:`._style`.

=====================  ==================================================================
module                 draws
=====================  ==================================================================
``returns``            :func:`draw_returns`: one layer unrolled, what it returns coloured
``stacks``             :func:`draw_stack`: recurrent layers stacked, bottom layer first
``encoder_decoder``    :func:`draw_encoder_decoder`: the two many-to-N designs, unrolled
``masking``            :func:`draw_masking`: what a masked layer outputs at padding steps
``stateful``           :func:`draw_stateful_calls`: one sequence read in several calls
``gates``              :func:`draw_gate_layout`: weight matrices cut into gates
``engines``            :func:`draw_engines`: one process per Keras backend (appendix A)
``overview``           :func:`draw_overview`, :func:`save_overview`: the landing page's picture
``forecasts``          :func:`plot_forecasts`: a data plot, forecasts against the truth
=====================  ==================================================================

``_style`` holds the palette, what each colour means, the canvas (always on an opaque
background), the boxes and arrows, and the check that a count fits in a picture. Every
diagram numbers steps from 0, as Python does. Each function returns a
:class:`matplotlib.figure.Figure` built without pyplot, so a notebook shows it once.
"""

from lstm_helpers.figures.encoder_decoder import (
    ENCODER_DECODER_DESIGNS,
    draw_encoder_decoder,
)
from lstm_helpers.figures.engines import draw_engines
from lstm_helpers.figures.forecasts import plot_forecasts
from lstm_helpers.figures.gates import GATE_COLORS, draw_gate_layout
from lstm_helpers.figures.masking import draw_masking, masked_output_labels
from lstm_helpers.figures.overview import OVERVIEW_PANELS, draw_overview, save_overview
from lstm_helpers.figures.returns import draw_returns
from lstm_helpers.figures.stacks import draw_stack
from lstm_helpers.figures.stateful import draw_stateful_calls

__all__ = [
    "ENCODER_DECODER_DESIGNS",
    "GATE_COLORS",
    "OVERVIEW_PANELS",
    "draw_encoder_decoder",
    "draw_engines",
    "draw_gate_layout",
    "draw_masking",
    "draw_overview",
    "draw_returns",
    "draw_stack",
    "draw_stateful_calls",
    "masked_output_labels",
    "plot_forecasts",
    "save_overview",
]
