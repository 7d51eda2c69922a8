"""Import Keras quietly and deterministically, once, before anything else does.

TensorFlow writes start-up lines to stderr from C++ (the ``cpu_feature_guard`` notice, and
with AVX-512 an absl line about oneDNN that ignores ``TF_CPP_MIN_LOG_LEVEL``); in a notebook
they become a stored ``stderr`` output that differs between machines and breaks nbval. So
this module sets ``TF_CPP_MIN_LOG_LEVEL=3`` (3, not 2: it also hides the C++ error line
oneDNN prints from a masked LSTM in chapter 12) and ``TF_ENABLE_ONEDNN_OPTS=0``, unless the
caller chose values (CI's determinism pass sets oneDNN on), and it points file descriptor 2
at ``/dev/null`` while Keras (with TensorFlow, on that backend) is imported. Python
exceptions are not affected. :func:`lstm_helpers.setup` silences
``keras.utils.set_random_seed`` the same way: it imports TensorFlow on the other backends.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send everything written to file descriptor 2 to ``/dev/null`` inside the block."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no usable fd 2 (some embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


with native_stderr_silenced():
    import keras  # on the TensorFlow backend, TensorFlow with it

__all__ = ["keras", "native_stderr_silenced"]
