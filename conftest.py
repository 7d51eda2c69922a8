"""pytest hooks for the whole repository (unit tests and nbval over chapters/).

- The report header names the Keras backend, so a failing nbval cell reads as
  "notebook, cell, backend" in CI logs.
- A notebook can declare packages it needs in its metadata,
  ``{"lstm_book": {"requires": ["torch"]}}``; where one is missing, its cells are skipped with
  the reason, instead of failing, and the run says so.
- A notebook kernel that dies before it answers its first message is started again (up to
  ``KERNEL_START_ATTEMPTS`` times), with a warning that quotes what the dead kernel printed.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

KERNEL_START_ATTEMPTS = 3


class KernelStartWarning(UserWarning):
    """A notebook kernel died while starting and was started again."""


def retry_kernel_start(start: Callable, attempts: int = KERNEL_START_ATTEMPTS) -> Callable:
    """Wrap nbval's ``start_new_kernel`` so that a kernel that dies at start is started again.

    Two pytest workers start kernels at the same time. jupyter_client picks each kernel's five
    TCP ports by binding to port 0 and letting go; another process can take one of them before
    the kernel binds it, and the kernel exits with "Address already in use" before running a
    line of the notebook (nbval reports every cell as "Kernel died before replying to
    kernel_info"). Nothing a chapter does can cause that, so it is retried here, not hidden:
    each retry is a ``KernelStartWarning`` in the run's summary, with the dead kernel's stderr
    (nbval itself sends it to /dev/null). A kernel that dies on every attempt still fails.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")

    @functools.wraps(start)
    def start_new_kernel(*args, **kwargs):
        attempt = 1
        while True:
            with tempfile.TemporaryFile(mode="w+") as kernel_stderr:
                kwargs["stderr"] = kernel_stderr
                try:
                    return start(*args, **kwargs)
                except RuntimeError as error:
                    kernel_stderr.seek(0)
                    printed = kernel_stderr.read().strip()[-1500:] or "(nothing)"
                    message = (
                        f"notebook kernel died while starting (attempt {attempt} of {attempts}, "
                        f"in {kwargs.get('cwd')}): {error}. The kernel printed: {printed}"
                    )
                    if attempt == attempts:
                        raise RuntimeError(message) from error
                    warnings.warn(message, KernelStartWarning, stacklevel=2)
            attempt += 1

    return start_new_kernel


def pytest_configure(config):
    if importlib.util.find_spec("nbval") is None:
        return
    import nbval.kernel

    # RunningKernel looks start_new_kernel up in its module at call time, so this is enough.
    if not hasattr(nbval.kernel.start_new_kernel, "__wrapped__"):
        nbval.kernel.start_new_kernel = retry_kernel_start(nbval.kernel.start_new_kernel)


def pytest_report_header(config):
    return f"Keras backend: {os.environ.get('KERAS_BACKEND', 'tensorflow')}"


def _missing_requirements(path: Path) -> list[str]:
    try:
        metadata = json.loads(path.read_text())["metadata"]
    except (OSError, ValueError, KeyError):
        return []
    required = metadata.get("lstm_book", {}).get("requires", [])
    return [name for name in required if importlib.util.find_spec(name) is None]


def pytest_collection_modifyitems(config, items):
    missing_by_path: dict[Path, list[str]] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix != ".ipynb":
            continue
        if path not in missing_by_path:
            missing_by_path[path] = _missing_requirements(path)
        missing = missing_by_path[path]
        if missing:
            # requirements-backends.txt holds JAX and includes requirements-torch.txt.
            extra = "requirements-torch.txt" if missing == ["torch"] else "requirements-backends.txt"
            verb = "is" if len(missing) == 1 else "are"
            item.add_marker(pytest.mark.skip(
                reason=f"{path.name} needs {', '.join(missing)}, which {verb} not installed "
                f"(install {extra} to run it)"
            ))


def pytest_terminal_summary(terminalreporter):
    skipped = {
        str(report.longrepr[2]) for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "not installed" in str(report.longrepr[2])
    }
    for reason in sorted(skipped):
        terminalreporter.write_line(f"SKIPPED CHAPTER: {reason.removeprefix('Skipped: ')}", yellow=True)
