"""Start a notebook kernel again when it dies before answering: the TCP port race.

Only the ordinary path needs this (``WARM_KERNELS=0``: nbval's own ``start_new_kernel``, TCP
ports). jupyter_client picks each kernel's five TCP ports by binding to port 0 and letting go;
another process (the other pytest worker starting its kernel, or anything else on the
machine) can take one of them before the kernel binds it, and the kernel exits with "Address
already in use" before running a line of the notebook. Kernels started the default way
(:mod:`tools.kernels.start`) talk over Unix sockets with a path of their own, so they have
no port to lose and are not retried.
"""

from __future__ import annotations

import functools
import tempfile
import warnings
from collections.abc import Callable

KERNEL_START_ATTEMPTS = 3


class KernelStartWarning(UserWarning):
    """A notebook kernel died while starting and was started again."""


def retry_kernel_start(
    start: Callable, attempts: int = KERNEL_START_ATTEMPTS
) -> Callable:
    """Wrap nbval's ``start_new_kernel`` so that a kernel that dies at start is started again.

    Nothing a chapter does can make its kernel die before it answers ``kernel_info``, so that is
    retried, not hidden: each retry is a ``KernelStartWarning`` in the run's summary, with the
    dead kernel's stderr (nbval itself sends it to /dev/null). A kernel that dies on every
    attempt still fails, and so does one that dies later (a chapter that kills its kernel).
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
