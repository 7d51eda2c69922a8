"""Shared test set-up: lstm_helpers first, so TensorFlow is imported quietly and seeded."""

from __future__ import annotations

import os

import pytest

import lstm_helpers  # noqa: F401  (sets TF_CPP_MIN_LOG_LEVEL / TF_ENABLE_ONEDNN_OPTS first)
from lstm_helpers._runtime import keras

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from the same seed and an empty Keras session."""
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)
    yield
