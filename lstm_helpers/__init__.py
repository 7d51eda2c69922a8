"""Helpers for *LSTM outputs, executed*: every reusable line the chapters need.

Import this package before Keras: it silences TensorFlow's start-up logging and imports Keras
under that silence (see :mod:`lstm_helpers._runtime`).
"""

from lstm_helpers import _runtime  # noqa: F401  (must run first: environment, quiet import)
from lstm_helpers.describe import Description, describe
from lstm_helpers.diagrams import draw_returns
from lstm_helpers.exercises import check_answer
from lstm_helpers.session import setup
from lstm_helpers.shapes import (
    MERGE_MODES,
    RNN_KINDS,
    ReturnedArray,
    expected_outputs,
    layer_config,
    returned_arrays,
)

__all__ = [
    "MERGE_MODES",
    "RNN_KINDS",
    "Description",
    "ReturnedArray",
    "check_answer",
    "describe",
    "draw_returns",
    "expected_outputs",
    "layer_config",
    "returned_arrays",
    "setup",
]
