"""Import Keras quietly and deterministically, once, before anything else does.

TensorFlow writes start-up lines to the process's stderr from C++ (the ``cpu_feature_guard``
notice, and on CPUs with AVX-512 an absl line saying oneDNN custom operations are on, which
ignores ``TF_CPP_MIN_LOG_LEVEL``). In a notebook those lines become a stored ``stderr``
output that differs between machines and breaks nbval. So this module

* sets ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` unless the caller already
  chose values (the CI determinism pass runs with ``TF_ENABLE_ONEDNN_OPTS=1`` on purpose).
  Level 2 hides the ``cpu_feature_guard`` notice; level 3 also hides C++ ERROR-level lines
  such as "oneDNN supports DT_BOOL only on platforms with AVX-512", which oneDNN prints from
  a masked LSTM (chapter 12) when it is on. Python exceptions are not affected. And it
* points file descriptor 2 at ``/dev/null`` while Keras (and with it TensorFlow, on the
  TensorFlow backend) is imported, so the absl line cannot reach the notebook either way.
  Python exceptions still propagate. :func:`lstm_helpers.setup` does the same around
  ``keras.utils.set_random_seed``, which imports TensorFlow on the other backends.
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
    # On the TensorFlow backend this imports TensorFlow, under the silencer. On JAX and PyTorch
    # TensorFlow is imported later, by keras.utils.set_random_seed (it seeds TensorFlow whenever
    # it is installed); lstm_helpers.setup silences that call too. A child process that never
    # seeds (lstm_helpers.backends with seed=None) then starts without TensorFlow at all.
    import keras

__all__ = ["keras", "native_stderr_silenced"]
