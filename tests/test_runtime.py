"""lstm_helpers._runtime: TensorFlow's logging defaults, and fd 2 silenced around imports."""

from __future__ import annotations

import os
import subprocess
import sys

from lstm_helpers._runtime import native_stderr_silenced


def test_native_writes_to_fd_2_are_dropped_inside_the_block_only(capfd):
    with native_stderr_silenced():
        os.write(2, b"from C++\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


def test_logging_defaults_are_set_unless_the_caller_chose():
    code = "import os, lstm_helpers; print(os.environ['TF_CPP_MIN_LOG_LEVEL'], os.environ['TF_ENABLE_ONEDNN_OPTS'])"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    chosen = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "TF_ENABLE_ONEDNN_OPTS": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert chosen.stdout.split() == ["3", "1"]
    assert (
        chosen.stderr == ""
    )  # importing lstm_helpers (and so Keras) writes nothing to stderr
