"""The warm process: import what every chapter imports once, then fork each notebook's kernel.

    python warm.py RUN_DIR [MODULE ...]

Started by a pytest worker (:class:`tools.kernels.start.WarmProcess`) with the worker's
environment. It imports the modules (by default :data:`PRELOAD`: ``lstm_helpers``, and with it
Keras on the pass's ``KERAS_BACKEND`` and TensorFlow with the pass's ``TF_ENABLE_ONEDNN_OPTS``;
matplotlib's pyplot and inline backend; ipykernel), checks that a fork is safe, writes
``RUN_DIR/ready.json`` and serves ``RUN_DIR/warm.sock``. For each request from
:mod:`launcher` it forks a child that becomes an ordinary IPython kernel
(``IPKernelApp``, with the connection file nbval wrote), in the launcher's working directory
and environment, on the launcher's stdin/stdout/stderr, in a session of its own.

What a chapter can see is a fresh kernel's, except that the modules are already imported
(and with them the environment variables ``lstm_helpers`` sets when it is imported, which a
fresh kernel gets at the chapter's first line) and that every warm kernel shares the warm
process's ``PYTHONHASHSEED`` (string hashes, hence the order of a set of strings, are the same
in every warm kernel; in fresh kernels they differ from run to run). Python's ``random`` is
reseeded at fork by Python itself, NumPy's global generator here.

Forking is refused (the launcher then starts a fresh kernel) when this process has more than
one thread at the moment of the fork: a thread that holds a lock when its process forks leaves
the child a lock nobody will release. The only threads the imports start are OpenBLAS's
worker pools (NumPy's and SciPy's); OpenBLAS stops them before any fork (``pthread_atfork``)
and starts them again when needed, so one trial fork right after the imports leaves one thread.
The warm process computes nothing afterwards, so they never come back. ``ready.json`` records
the thread counts before and after that trial fork.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import json
import os
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass

PRELOAD = (
    "lstm_helpers",
    "tensorflow",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "ipykernel.kernelapp",
)
KERNEL_MODULE = "ipykernel_launcher"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
MESSAGE_BYTES = 1 << 20
# Set for each kernel, not for the pass: by jupyter_client (the kernel's parent), and by pytest
# (the test running now, which nbval makes "notebook::Cell 0 (setup)").
PER_KERNEL_VARIABLES = ("JPY_PARENT_PID", "JPY_SESSION_NAME", "PYTEST_CURRENT_TEST")


def threads() -> int:
    """Native threads of this process (Python's and every library's)."""
    return len(os.listdir("/proc/self/task"))


def preload(modules: list[str]) -> None:
    """Import ``modules``, as a chapter's first cell and ``setup()`` would.

    ipykernel sets ``MPLBACKEND`` to its inline backend when it starts (unless set); a chapter
    imports matplotlib after that, so it is set here the same way before matplotlib is imported.
    ``tensorflow`` is imported only where installed: ``setup()`` imports it to seed it, on
    every backend.
    """
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    for name in modules:
        if name == "tensorflow" and importlib.util.find_spec(name) is None:
            continue
        if name == "tensorflow" and "lstm_helpers" in sys.modules:
            from lstm_helpers._runtime import (
                native_stderr_silenced,
            )  # its start-up lines

            with native_stderr_silenced():
                importlib.import_module(name)
        else:
            importlib.import_module(name)


def trial_fork() -> None:
    """Fork once and let the child exit at once, so that fork handlers stop their threads."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


@dataclass
class Request:
    """What a launcher asked for: the kernel command, and the launcher's process state."""

    argv: list[str]
    cwd: str
    env: dict[str, str]
    fds: list[int]
    conn: socket.socket


def refusal(request: Request, environment: dict[str, str]) -> str:
    """Why this request must get a fresh kernel ("" if it can be forked here)."""
    expected = [sys.executable, "-m", KERNEL_MODULE]
    if request.argv[:3] != expected:
        return f"the command is not {' '.join(expected)}: {' '.join(request.argv)}"
    if len(request.fds) != 3:
        return f"expected the launcher's stdin, stdout and stderr, got {len(request.fds)} fds"
    mine = {k: v for k, v in environment.items() if k not in PER_KERNEL_VARIABLES}
    theirs = {k: v for k, v in request.env.items() if k not in PER_KERNEL_VARIABLES}
    if mine != theirs:
        differ = sorted(
            k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)
        )
        return (
            f"the environment differs from the warm process's in {', '.join(differ)}"
        )
    if threads() != 1:
        return f"the warm process runs {threads()} threads; forking it is not safe"
    return ""


def receive(conn: socket.socket) -> Request:
    message, fds, _, _ = socket.recv_fds(conn, MESSAGE_BYTES, 3)
    asked = json.loads(message)
    return Request(asked["argv"], asked["cwd"], asked["env"], list(fds), conn)


def send(conn: socket.socket, reply: dict) -> None:
    try:
        conn.send(json.dumps(reply).encode())
    except OSError:  # the launcher is gone; its kernel has killed itself or will
        pass


def serve(listener: socket.socket, environment: dict[str, str]) -> Request | None:
    """Answer launchers until this process's parent dies. In a forked child, return its request."""
    parent = os.getppid()
    watched = selectors.DefaultSelector()
    watched.register(listener, selectors.EVENT_READ)
    children: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, connection)
    while os.getppid() == parent:
        for key, _ in watched.select(timeout=1.0):
            if key.fileobj is not listener:
                pid, conn = children.pop(key.fd)
                _, status = os.waitpid(pid, 0)
                send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                watched.unregister(key.fd)
                os.close(key.fd)
                conn.close()
                continue
            conn, _ = listener.accept()
            try:
                request = receive(conn)
            except (OSError, ValueError, KeyError) as error:
                send(conn, {"fresh": f"unreadable request: {error}"})
                conn.close()
                continue
            why = refusal(request, environment)
            if why:
                send(conn, {"fresh": why})
                for fd in request.fds:
                    os.close(fd)
                conn.close()
                continue
            sys.stdout.flush()  # nothing buffered here may reach a kernel's output twice
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                watched.close()
                listener.close()
                for pidfd, (_, other) in children.items():
                    os.close(pidfd)
                    other.close()
                return request
            for fd in request.fds:
                os.close(fd)
            pidfd = os.pidfd_open(pid)
            children[pidfd] = (pid, conn)
            watched.register(pidfd, selectors.EVENT_READ)
            send(conn, {"pid": pid})
    return None


def _watch_launcher(conn: socket.socket) -> None:
    """Kill this kernel's process group when its launcher's end of the connection closes."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    os.killpg(os.getpgrp(), 9)


def become_kernel(request: Request, added_environment: dict[str, str]) -> None:
    """Turn this forked child into the kernel the launcher asked for; returns when it exits."""
    os.setsid()  # its own session and process group, like a kernel jupyter_client starts
    for target, fd in enumerate(request.fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request.cwd)
    os.environ.clear()
    os.environ.update(request.env)
    for name, value in added_environment.items():
        os.environ.setdefault(name, value)
    # As `python -m ipykernel_launcher` has them: it takes its own directory (here, this
    # script's) off sys.path; IPython puts '' in later.
    sys.argv = [importlib.util.find_spec(KERNEL_MODULE).origin, *request.argv[3:]]
    sys.orig_argv = list(request.argv)
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    if "numpy" in sys.modules:
        sys.modules[
            "numpy"
        ].random.seed()  # from the OS's entropy, as at a fresh import
    threading.Thread(
        target=_watch_launcher,
        args=(request.conn,),
        daemon=True,
        name="warm-kernel-launcher-watch",
    ).start()
    from ipykernel.kernelapp import IPKernelApp

    # Its class body reads these two from the environment: the warm process's, at import.
    IPKernelApp.launch_instance(
        parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0),
        interrupt=int(os.environ.get("JPY_INTERRUPT_EVENT") or 0),
    )


def main(argv: list[str]) -> int:
    run_dir, modules = argv[0], argv[1:] or list(PRELOAD)
    started = time.perf_counter()
    before = dict(os.environ)
    preload(modules)
    imported = time.perf_counter() - started
    # What the imports set (lstm_helpers: TF_CPP_MIN_LOG_LEVEL, ...) but not the MPLBACKEND
    # default, which ipykernel itself sets in every kernel.
    added = {
        k: v for k, v in os.environ.items() if k not in before and k != "MPLBACKEND"
    }
    threads_after_import = threads()
    trial_fork()
    # The imports leave millions of objects. Frozen, the kernels' collections (setup() calls
    # gc.collect() through clear_session) skip them instead of walking them, which in a forked
    # child would also copy every page they live on.
    gc.collect()
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(os.path.join(run_dir, "warm.sock"))
    listener.listen(16)
    ready = {
        "pid": os.getpid(),
        "modules": modules,
        "import_seconds": round(imported, 3),
        "threads_after_import": threads_after_import,
        "threads_after_trial_fork": threads(),
    }
    with open(os.path.join(run_dir, "ready.json.tmp"), "w") as out:
        json.dump(ready, out)
    os.replace(
        os.path.join(run_dir, "ready.json.tmp"), os.path.join(run_dir, "ready.json")
    )
    request = serve(listener, before)
    if request is None:
        return 0
    become_kernel(request, added)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
