"""Helpers for *LSTM outputs, executed*: every reusable line the chapters need.

Import this package before Keras: it silences TensorFlow's start-up logging and imports Keras
under that silence (see :mod:`lstm_helpers._runtime`). Each submodule holds one idea and
lists its public names in ``__all__``; they are all re-exported here.
"""

from lstm_helpers import _runtime  # noqa: F401  (must run first: environment, quiet import)
from lstm_helpers.backends import *  # noqa: F403
from lstm_helpers.cheatsheet import *  # noqa: F403
from lstm_helpers.describe import Description, describe
from lstm_helpers.errors import *  # noqa: F403
from lstm_helpers.exercises import check_answer
from lstm_helpers.figures import (
    ENCODER_DECODER_DESIGNS,
    GATE_COLORS,
    OVERVIEW_PANELS,
    draw_encoder_decoder,
    draw_engines,
    draw_gate_layout,
    draw_masking,
    draw_overview,
    draw_returns,
    draw_stack,
    draw_stateful_calls,
    masked_output_labels,
    plot_forecasts,
    save_overview,
)
from lstm_helpers.params import parameter_count, parameter_formula
from lstm_helpers.reference import *  # noqa: F403
from lstm_helpers.session import setup
from lstm_helpers.shapes import (
    MERGE_MODES,
    RNN_KINDS,
    ReturnedArray,
    evaluate,
    expected_outputs,
    layer_config,
    returned_arrays,
)
from lstm_helpers.torch_port import *  # noqa: F403
from lstm_helpers.weights import GATE_ORDER, copy_layer, recurrent_weights, split_gates
