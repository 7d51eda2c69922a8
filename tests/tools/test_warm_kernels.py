"""Warm notebook kernels (tools/kernels): forked, but what a chapter sees is a fresh kernel's.

The warm process here imports only ipykernel (a chapter's imports are what `make test` runs
every chapter with); the fork, the launcher and the process handling are the same.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.kernels.start import (
    LAUNCHER,
    KernelStarter,
    fails_the_run,
    install,
    merge_reports,
    summary_lines,
    warm_kernels_setting,
)

NBVAL_KERNEL = ":nbval-parent-env"  # the kernel --nbval-current-env asks for
STATE = (
    "import json, os, sys\n"
    "print(json.dumps({'pid': os.getpid(), 'ppid': os.getppid(), 'cwd': os.getcwd(),\n"
    "    'env': dict(os.environ), 'path': sys.path, 'argv0': sys.argv[0], 'pgid': os.getpgrp(),\n"
    "    'sid': os.getsid(0), 'executable': sys.executable}))"
)


def run(kc, code: str, timeout: float = 30) -> tuple[str, str]:
    """Execute ``code``; return what it printed and the name of the error it raised ('')."""
    msg_id = kc.execute(code)
    printed, error = [], ""
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream":
            printed.append(msg["content"]["text"])
        elif kind == "error":
            error = msg["content"]["ename"]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(printed), error


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether process ``pid`` has exited (or is a zombie) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in {"Z", "X"}:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def starter():
    starter = KernelStarter(modules=["ipykernel.kernelapp"])
    starter.expect_notebooks(2)
    assert starter.warm.wait(), starter.warm.problem
    yield starter
    starter.close()


@contextlib.contextmanager
def new_kernel(starter: KernelStarter, cwd: Path):
    """A kernel from ``starter``, as nbval starts one, in ``cwd``; shut down afterwards."""
    km, kc = starter.start_new_kernel(
        kernel_name=NBVAL_KERNEL, cwd=str(cwd), stderr=subprocess.DEVNULL
    )
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)


@pytest.fixture
def kernel(starter, tmp_path):
    with new_kernel(starter, tmp_path) as started:
        yield started


def state_of(kc) -> dict:
    printed, error = run(kc, STATE)
    assert not error
    return json.loads(printed)


def state_in_new_kernel(starter: KernelStarter, cwd: Path) -> dict:
    """What :data:`STATE` prints in a new kernel from ``starter``."""
    with new_kernel(starter, cwd) as (_, kc):
        return state_of(kc)


def test_a_warm_kernel_sees_what_a_fresh_one_sees(starter, tmp_path):
    warm = state_in_new_kernel(starter, tmp_path)
    # No warm process: the ordinary command, over Unix sockets.
    fresh_starter = KernelStarter()
    try:
        fresh = state_in_new_kernel(fresh_starter, tmp_path)
    finally:
        fresh_starter.close()
    assert warm["ppid"] == starter.warm.ready["pid"] and fresh["ppid"] == os.getpid()
    assert warm["pid"] != starter.warm.ready["pid"]
    # In a session of its own, as jupyter_client starts kernels, so a signal to it reaches its group.
    assert warm["pid"] == warm["pgid"] == warm["sid"]
    for key in ("cwd", "env", "path", "argv0", "executable"):
        assert warm[key] == fresh[key], key
    assert warm["cwd"] == str(tmp_path)
    assert warm["env"]["JPY_PARENT_PID"] == str(os.getpid())


def test_what_one_warm_kernel_changes_is_not_in_the_next(starter, tmp_path):
    with new_kernel(starter, tmp_path) as (_, kc):
        run(
            kc,
            "import json, os, random\njson.CHANGED = True\nos.environ['CHANGED'] = '1'\n"
            "os.chdir('/')\nprint(random.random())",
        )
        first_random = run(kc, "print(random.random())")[0]
    with new_kernel(starter, tmp_path) as (_, kc):
        printed, _ = run(
            kc,
            "import json, os, random\nprint(hasattr(json, 'CHANGED'), "
            "'CHANGED' in os.environ, os.getcwd())\nprint(random.random())",
        )
    flags, second_random = printed.splitlines()
    assert flags == f"False False {tmp_path}"
    assert (
        second_random != first_random.strip()
    )  # reseeded at fork, not the warm process's state


def test_interrupt_stops_the_running_cell(kernel):
    km, kc = kernel
    # stop_on_error=False, as nbval sends every cell: otherwise ipykernel, after the error,
    # aborts each request that reaches it before its own "stop aborting" message
    # (kernelbase.py, _abort_queues), and the next request, sent at once, can be one of them
    # under load (seen in a `make bench` run: '' == '2\n', the print below aborted).
    msg_id = kc.execute("import time; time.sleep(60)", stop_on_error=False)
    time.sleep(0.5)
    started = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=20)
    while (
        reply["parent_header"].get("msg_id") != msg_id
    ):  # the kernel_info reply of the start
        reply = kc.get_shell_msg(timeout=20)
    assert (
        reply["content"]["status"] == "error"
        and reply["content"]["ename"] == "KeyboardInterrupt"
    )
    assert time.monotonic() - started < 20
    assert run(kc, "print(1 + 1)")[0] == "2\n"  # and the kernel lives on


def test_shutdown_ends_the_kernel_and_its_launcher(kernel):
    km, kc = kernel
    pid = state_of(kc)["pid"]
    launcher = km.provisioner.process.pid
    km.shutdown_kernel(
        now=False
    )  # a shutdown_request first, as at the end of a notebook
    assert gone(pid) and gone(launcher)
    assert not km.is_alive()


def test_kill_ends_the_kernel_and_its_process_group(kernel):
    km, kc = kernel
    pid = state_of(kc)["pid"]
    child = int(
        run(
            kc,
            "import subprocess\np = subprocess.Popen(['sleep', '60'])\nprint(p.pid)",
        )[0]
    )
    km.shutdown_kernel(
        now=True
    )  # SIGKILL to the launcher's group: the kernel must follow
    assert gone(pid) and gone(child)


def test_a_kernel_whose_launcher_dies_does_not_stay(kernel):
    km, kc = kernel
    pid = state_of(kc)["pid"]
    os.kill(
        km.provisioner.process.pid, signal.SIGKILL
    )  # the launcher alone, not its group
    assert gone(pid)


def test_a_kernel_that_kills_itself_is_seen_dead(kernel):
    km, kc = kernel
    pid = state_of(kc)["pid"]
    kc.execute("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert gone(pid)
    deadline = time.monotonic() + 10
    while km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not km.is_alive()
    assert (
        km.provisioner.process.wait(timeout=5) == -signal.SIGKILL
    )  # as a fresh kernel's


def test_a_kernel_outlives_no_dead_pytest_worker(starter, tmp_path):
    """The launcher's parent (a pytest worker) dies: the kernel goes too, as a fresh one would."""
    connection = tmp_path / "kernel.json"
    from jupyter_client.connect import write_connection_file

    write_connection_file(str(connection), transport="ipc", ip=str(tmp_path / "k"))
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            f"subprocess.Popen([sys.executable, '-I', {str(LAUNCHER)!r}, {str(starter.run_dir)!r}, '--',"
            f" sys.executable, '-m', 'ipykernel_launcher', '-f', {str(connection)!r}])\n"
            "time.sleep(60)",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # os.environ, as jupyter_client passes it (the C-level environment of a pytest process
        # can hold more: readline sets COLUMNS and LINES there).
        env=dict(os.environ),
    )
    log = starter.run_dir / "kernels.log"
    deadline = time.monotonic() + 20
    seen = log.read_text() if log.exists() else ""
    while time.monotonic() < deadline:
        lines = (log.read_text() if log.exists() else "")[len(seen) :].split()
        if lines:
            break
        time.sleep(0.05)
    assert lines[:1] == ["warm"], log.read_text()
    pid = int(lines[1])
    worker.kill()
    worker.wait()
    assert gone(pid)


def test_a_kernel_the_warm_process_cannot_fork_starts_fresh_and_says_why(
    starter, tmp_path, monkeypatch
):
    monkeypatch.setenv("LSTM_BOOK_TEST_VARIABLE", "set after the warm process started")
    before = starter.report()["fresh"]
    state = state_in_new_kernel(starter, tmp_path)
    assert state["ppid"] == os.getpid()  # the launcher became the ordinary kernel
    assert (
        state["env"]["LSTM_BOOK_TEST_VARIABLE"] == "set after the warm process started"
    )
    after = starter.report()["fresh"]
    reason = (
        "the environment differs from the warm process's in LSTM_BOOK_TEST_VARIABLE"
    )
    assert after.get(reason, 0) == before.get(reason, 0) + 1


def test_warm_kernels_setting_is_checked():
    assert warm_kernels_setting({}) == "on"
    assert warm_kernels_setting({"WARM_KERNELS": "0"}) == "off"
    assert warm_kernels_setting({"WARM_KERNELS": "1"}) == "required"
    with pytest.raises(
        ValueError, match="WARM_KERNELS must be 0, 1 or unset, got 'yes'"
    ):
        warm_kernels_setting({"WARM_KERNELS": "yes"})


def test_the_run_says_how_its_kernels_started_and_warm_kernels_1_fails_it_for_a_fresh_one():
    ready = {
        "modules": ["lstm_helpers"],
        "import_seconds": 4.2,
        "threads_after_trial_fork": 1,
    }
    workers = [
        {"warm": 7, "fresh": {}, "warm_process": ready, "warm_wanted": True},
        {
            "warm": 5,
            "fresh": {"the environment differs ... in X": 1},
            "warm_process": ready,
            "warm_wanted": True,
        },
        {
            "warm": 0,
            "fresh": {},
            "warm_process": None,
            "warm_wanted": False,
        },  # xdist's controller
    ]
    run = merge_reports(workers)
    assert summary_lines(run) == [
        "notebook kernels: 12 forked warm, 1 started fresh (2 warm process(es), imports "
        "lstm_helpers in 4.2, 4.2 s; threads at fork: 1)",
        "  1 fresh: the environment differs ... in X",
    ]
    assert fails_the_run(run, {"WARM_KERNELS": "1"})
    assert not fails_the_run(run, {})
    assert not fails_the_run(merge_reports(workers[:1]), {"WARM_KERNELS": "1"})
    one_notebook = {
        "warm": 0,
        "fresh": {"fewer than 2": 1},
        "warm_process": None,
        "warm_wanted": False,
    }
    assert not fails_the_run(merge_reports([one_notebook]), {"WARM_KERNELS": "1"})


def test_install_puts_the_retry_on_the_ordinary_path_and_the_starter_otherwise():
    class FakeNbvalKernel:
        @staticmethod
        def start_new_kernel(**kwargs):
            return "nbval's own"

    ordinary = FakeNbvalKernel()
    assert install(ordinary, {"WARM_KERNELS": "0"}) is None
    assert ordinary.start_new_kernel.__wrapped__ is FakeNbvalKernel.start_new_kernel
    assert ordinary.start_new_kernel() == "nbval's own"
    warm = FakeNbvalKernel()
    starter = install(warm, {"WARM_KERNELS": "1", "WARM_KERNELS_PRELOAD": "json"})
    assert starter.modules == ["json"]
    assert warm.start_new_kernel.starter is starter
    assert install(warm, {}) is starter  # a second conftest load changes nothing
    starter.close()


def test_the_repository_installs_its_start_into_nbval():
    import nbval.kernel

    assert hasattr(nbval.kernel.start_new_kernel, "__wrapped__")
