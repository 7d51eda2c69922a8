"""The warm kernel spec's command: get this kernel forked from the warm process, or start it fresh.

    python -I launcher.py RUN_DIR -- python -m ipykernel_launcher -f CONNECTION_FILE

jupyter_client starts this file as the kernel process (it only uses the standard library, so
it starts in tens of milliseconds). It asks the warm process listening on ``RUN_DIR/warm.sock``
(:mod:`warm`) to fork a kernel that runs the command after ``--``, handing over its
working directory, its environment and its stdin/stdout/stderr. Then it stands in for that
kernel, so jupyter_client's process handling works unchanged:

* a signal sent to this process (interrupt: SIGINT; ``shutdown_kernel``: SIGTERM) is passed on
  to the kernel's process group, as it would reach a fresh kernel's group;
* when the kernel exits, this process exits with the kernel's status (the warm process reports
  it);
* when this process dies, even by SIGKILL, the kernel sees its connection close and kills
  its own process group (see ``warm._watch_launcher``); when this process's parent (the pytest
  worker) dies, it kills the kernel's group and exits, as a fresh kernel's parent poller would.

If the warm process is not there, or refuses (the environment differs from the one it
imported in, or it is not safe to fork), the command after ``--`` is executed in place: the
kernel is a fresh one. Each kernel adds one line to ``RUN_DIR/kernels.log``: ``warm PID`` or
``fresh REASON``; the pytest run reports the counts.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys

FORWARDED_SIGNALS = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)
CONNECT_TIMEOUT_SECONDS = 30.0
MESSAGE_BYTES = 1 << 20


def log(run_dir: str, line: str) -> None:
    # One short append: atomic, whichever kernels of the run write at the same time.
    with open(os.path.join(run_dir, "kernels.log"), "a") as out:
        out.write(line.replace("\n", " ") + "\n")


def fresh(run_dir: str, command: list[str], reason: str) -> None:
    """Become the ordinary kernel process (never returns)."""
    log(run_dir, f"fresh {reason}")
    os.execv(command[0], command)


def ask_for_a_fork(
    run_dir: str, command: list[str]
) -> tuple[socket.socket, int] | str:
    """The connection to the warm process and the forked kernel's pid, or why there is none."""
    path = os.path.join(run_dir, "warm.sock")
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.settimeout(CONNECT_TIMEOUT_SECONDS)
    try:
        conn.connect(path)
        request = {"argv": command, "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
        reply = json.loads(conn.recv(MESSAGE_BYTES) or b"{}")
    except (OSError, ValueError) as error:
        conn.close()
        return f"no warm process at {path}: {error}"
    if "pid" not in reply:
        conn.close()
        return reply.get("fresh", "the warm process closed the connection")
    conn.settimeout(None)
    return conn, reply["pid"]


def stand_in(conn: socket.socket, kernel: int) -> int:
    """Relay signals to the kernel's group until it exits; return its exit code."""

    def forward(signum, frame):
        try:
            os.killpg(kernel, signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, forward)
    parent = os.getppid()
    watched = selectors.DefaultSelector()
    watched.register(conn, selectors.EVENT_READ)
    while True:
        if not watched.select(timeout=1.0):
            if os.getppid() != parent:  # the pytest worker is gone: so goes its kernel
                forward(signal.SIGKILL, None)
                return 1
            continue
        message = conn.recv(MESSAGE_BYTES)
        if (
            not message
        ):  # the warm process died: the kernel (its child) is lost with it
            forward(signal.SIGKILL, None)
            return 1
        reply = json.loads(message)
        if "exit" in reply:
            return reply["exit"]


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: launcher.py RUN_DIR -- KERNEL COMMAND...", file=sys.stderr)
        return 2
    run_dir, command = argv[0], argv[2:]
    answer = ask_for_a_fork(run_dir, command)
    if isinstance(answer, str):
        fresh(run_dir, command, answer)
    conn, kernel = answer
    log(run_dir, f"warm {kernel}")
    code = stand_in(conn, kernel)
    if code < 0:  # killed by a signal: die the same way, as the kernel process did
        if -code != signal.SIGKILL:
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
