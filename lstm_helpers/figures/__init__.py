"""The book's figures: one module per picture family, all drawn with :mod:`._style`.

=====================  ==================================================================
module                 draws
=====================  ==================================================================
``returns``            :func:`draw_returns`: one layer unrolled, what it returns coloured
``stacks``             :func:`draw_stack`: recurrent layers stacked, bottom layer first
``encoder_decoder``    :func:`draw_encoder_decoder`: the two many-to-N designs, unrolled
``masking``            :func:`draw_masking`: what a masked layer outputs at padding steps
``stateful``           :func:`draw_stateful_calls`: one sequence read in several calls
``gates``              :func:`draw_gate_layout`: weight matrices cut into blocks
``engines``            :func:`draw_engines`: one process per Keras backend (appendix A)
``forecasts``          :func:`plot_forecasts`: a data plot, forecasts against the truth
=====================  ==================================================================

``_style`` holds the palette, what each colour means, the canvas (always on an opaque
background), the boxes and arrows. Every diagram numbers steps from 0, as Python does. Each
function returns a :class:`matplotlib.figure.Figure` built without pyplot, so a notebook
shows it once. The package's top level exports each module's ``__all__``; the landing
page's picture is drawn once, by ``python -m tools.overview``.
"""
