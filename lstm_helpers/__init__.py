"""Helpers for *LSTM outputs, executed*: what the chapters import, always from this top level.

Import this package before Keras: it silences TensorFlow's start-up logging and imports Keras
under that silence (see :mod:`lstm_helpers._runtime`). The public names, grouped by what they
are for. Each submodule lists its own in ``__all__``; ``__all__`` here lists them all again,
group by group, and ``tests/test_package.py`` fails when the two disagree.

=========== ===================================================================================
group       modules
=========== ===================================================================================
session     ``session``: :func:`setup`, the first call of every chapter
facts       ``shapes`` (the one rule of what a layer returns), ``params`` (parameter counts),
            ``weights`` (Keras's gate layout, a layer's weights, a copy with other settings)
checks      ``reference`` (LSTM and GRU in NumPy), ``describe`` (a layer's returns as a
            table), ``errors`` (an error shown in one backend-neutral line), ``exercises``
figures     ``figures/``: one module per picture family, drawn with ``figures/_style``
cheat sheet ``cheatsheet``: every configuration's returns, checked against Keras
engines     ``backends``: the same code on TensorFlow, JAX, PyTorch or Keras 2, in child
            processes
ports       ``torch_port``: a Keras LSTM's or GRU's weights in ``torch.nn``
=========== ===================================================================================

Private: ``_checks`` (the argument checks every public function shares) and ``_runtime``.
"""

from lstm_helpers import _runtime  # noqa: F401  (must run first: environment, quiet import)
from lstm_helpers.engines import (
    BACKENDS,
    BackendRunError,
    Engine,
    installed_backends,
    run_on_backends,
)
from lstm_helpers.cheatsheet import (
    CHECK_SIZES,
    CheatSheet,
    CheatSheetRow,
    Observed,
    TableRow,
    Verification,
    cheat_sheet,
    cheat_sheet_rows,
    explorer_data,
    returned_container,
    table_rows,
    verify_against_keras,
    write_explorer_data,
)
from lstm_helpers.describe import Description, describe
from lstm_helpers.errors import DETAILS, CaughtError, catch_error, show_error
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
from lstm_helpers.reference import LSTMStep, gru_forward, lstm_forward, lstm_step
from lstm_helpers.session import setup
from lstm_helpers.shapes import (
    MERGE_MODES,
    RNN_KINDS,
    STATE_NAMES,
    LayerConfig,
    ReturnedArray,
    describe_call,
    evaluate,
    expected_outputs,
    layer_config,
    returned_arrays,
    returned_by,
)
from lstm_helpers.torch_port import (
    to_torch_gru,
    to_torch_lstm,
    torch_gru_weights,
    torch_lstm_weights,
)
from lstm_helpers.weights import GATE_ORDER, copy_layer, recurrent_weights, split_gates

__all__ = [
    # session
    "setup",
    # facts: shapes
    "MERGE_MODES",
    "RNN_KINDS",
    "STATE_NAMES",
    "LayerConfig",
    "ReturnedArray",
    "describe_call",
    "evaluate",
    "expected_outputs",
    "layer_config",
    "returned_arrays",
    "returned_by",
    # facts: params
    "parameter_count",
    "parameter_formula",
    # facts: weights
    "GATE_ORDER",
    "copy_layer",
    "recurrent_weights",
    "split_gates",
    # checks: reference
    "LSTMStep",
    "lstm_step",
    "lstm_forward",
    "gru_forward",
    # checks: describe
    "Description",
    "describe",
    # checks: errors
    "CaughtError",
    "DETAILS",
    "catch_error",
    "show_error",
    # checks: exercises
    "check_answer",
    # figures
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
    # cheat sheet
    "CHECK_SIZES",
    "CheatSheet",
    "CheatSheetRow",
    "Observed",
    "TableRow",
    "Verification",
    "cheat_sheet",
    "cheat_sheet_rows",
    "explorer_data",
    "returned_container",
    "table_rows",
    "verify_against_keras",
    "write_explorer_data",
    # engines
    "BACKENDS",
    "BackendRunError",
    "Engine",
    "installed_backends",
    "run_on_backends",
    # ports: torch_port
    "torch_lstm_weights",
    "to_torch_lstm",
    "torch_gru_weights",
    "to_torch_gru",
]
