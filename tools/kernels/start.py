"""How nbval's kernels are started in this repository: warm (forked) by default, or fresh.

nbval starts each notebook's kernel with ``nbval.kernel.start_new_kernel`` and looks it up at
call time; :func:`install` puts one of two starts there (nbval's code is not changed):

* ``WARM_KERNELS=0``: nbval's own start (a fresh ``python -m ipykernel_launcher`` over TCP),
  wrapped in :func:`tools.kernels.retry.retry_kernel_start` for the TCP port race. This is the
  ordinary path, the one ``make execute`` and CI's oneDNN pass use.
* otherwise, :meth:`KernelStarter.start_new_kernel`: the same steps as nbval's, but the kernel
  talks over Unix sockets in a private directory (``transport="ipc"``, no ports to collide), and,
  when the session runs at least :data:`WARM_MIN_NOTEBOOKS` notebooks, the kernel spec's command
  is :mod:`launcher`, which gets the kernel forked from this process's warm process
  (:mod:`warm`), already past ``import lstm_helpers``. A kernel the warm process cannot fork
  starts fresh, and the run says so. ``WARM_KERNELS=1`` makes that a failure (CI sets it).
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.kernels.retry import retry_kernel_start

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "launcher.py"
WARM_SERVER = HERE / "warm.py"
# One notebook gains nothing from a warm process (it would pay the imports there instead).
WARM_MIN_NOTEBOOKS = 2
READY_TIMEOUT_SECONDS = 900.0
KERNEL_COMMAND = [sys.executable, "-m", "ipykernel_launcher"]


def warm_kernels_setting(environ: os._Environ | dict = os.environ) -> str:
    """``"off"`` (``WARM_KERNELS=0``), ``"required"`` (``WARM_KERNELS=1``) or ``"on"`` (unset)."""
    value = environ.get("WARM_KERNELS", "").strip()
    if value not in {"", "0", "1"}:
        raise ValueError(f"WARM_KERNELS must be 0, 1 or unset, got {value!r}")
    return {"": "on", "0": "off", "1": "required"}[value]


class WarmProcess:
    """This pytest process's warm process: started on demand, waited for, stopped at the end."""

    def __init__(self, run_dir: Path, modules: list[str] | None = None) -> None:
        self.run_dir = run_dir
        self.modules = modules or []
        self.process: subprocess.Popen | None = None
        self.ready: dict | None = None
        self.problem = ""

    def start(self) -> None:
        """Start importing in the background (the worker goes on with its tests)."""
        if self.process is not None:
            return
        with open(self.run_dir / "warm.log", "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(WARM_SERVER), str(self.run_dir), *self.modules],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(os.environ),
            )

    def wait(self, timeout: float = READY_TIMEOUT_SECONDS) -> bool:
        """Whether the warm process serves kernels (waiting until it has imported)."""
        if self.ready is not None or self.problem or self.process is None:
            return self.ready is not None
        ready_file = self.run_dir / "ready.json"
        deadline = time.monotonic() + timeout
        while not ready_file.exists():
            code = self.process.poll()
            if code is not None or time.monotonic() > deadline:
                log = (self.run_dir / "warm.log").read_text(errors="replace").strip()
                state = (
                    f"exited with code {code}" if code is not None else "is not ready"
                )
                last = log.splitlines()[-1] if log else "(no output)"
                self.problem = f"the warm process {state}: {last}"
                self.stop_process()
                return False
            time.sleep(0.02)
        self.ready = json.loads(ready_file.read_text())
        return True

    def stop_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class KernelStarter:
    """nbval's ``start_new_kernel``, over Unix sockets, forked from a warm process when it pays."""

    def __init__(self, modules: list[str] | None = None) -> None:
        self.modules = modules
        self._run_dir: Path | None = None
        self.warm: WarmProcess | None = None
        self.started = 0
        self._names = itertools.count()

    @property
    def run_dir(self) -> Path:
        """A private directory (mode 0700) for connection files, sockets and logs; made on use."""
        if self._run_dir is None:
            # Short, under /tmp: a Unix socket path has room for about 100 characters.
            self._run_dir = Path(tempfile.mkdtemp(prefix="lstm-kernels-", dir="/tmp"))
        return self._run_dir

    def expect_notebooks(self, count: int) -> None:
        """Start the warm process now if this session will run enough notebooks."""
        if count >= WARM_MIN_NOTEBOOKS and self.warm is None:
            self.warm = WarmProcess(self.run_dir, self.modules)
            self.warm.start()

    def kernel_spec_manager(self):
        """nbval's kernel spec manager, with the warm launcher in front of the usual command."""
        from nbval.kernel import NbvalKernelspecManager

        warm_dir = self.run_dir if self.warm is not None and self.warm.wait() else None

        class Specs(NbvalKernelspecManager):
            def get_kernel_spec(self, kernel_name):
                spec = super().get_kernel_spec(kernel_name)
                if warm_dir is not None and spec.argv[:3] == KERNEL_COMMAND:
                    spec.argv = [
                        sys.executable,
                        "-I",
                        str(LAUNCHER),
                        str(warm_dir),
                        "--",
                        *spec.argv,
                    ]
                return spec

        return Specs()

    def start_new_kernel(
        self, startup_timeout: float = 60, kernel_name: str = "python", **kwargs
    ):
        """Start a kernel and return its manager and client (nbval's ``start_new_kernel``)."""
        from jupyter_client.manager import KernelManager

        name = self.run_dir / f"k{next(self._names)}"
        km = KernelManager(
            kernel_name=kernel_name,
            kernel_spec_manager=self.kernel_spec_manager(),
            transport="ipc",
            ip=str(name),  # the sockets are NAME-1 ... NAME-5
            connection_file=f"{name}.json",
        )
        km.start_kernel(**kwargs)
        self.started += 1
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=startup_timeout)
        except RuntimeError:
            kc.stop_channels()
            km.shutdown_kernel()
            raise
        return km, kc

    def report(self) -> dict:
        """What this process's kernels were: how many warm, how many fresh and why."""
        fresh: collections.Counter[str] = collections.Counter()
        warm = 0
        log = self.run_dir / "kernels.log" if self._run_dir is not None else None
        for line in log.read_text().splitlines() if log and log.exists() else []:
            kind, _, detail = line.partition(" ")
            if kind == "warm":
                warm += 1
            else:
                fresh[detail] += 1
        launched = warm + sum(fresh.values())
        if self.started > launched:
            why = (
                self.warm.problem
                if self.warm is not None and self.warm.problem
                else f"this pytest process runs fewer than {WARM_MIN_NOTEBOOKS} notebooks, so a warm "
                "process would not pay off"
            )
            fresh[why] += self.started - launched
        ready = self.warm.ready if self.warm is not None else None
        return {
            "warm": warm,
            "fresh": dict(fresh),
            "warm_process": ready,
            "warm_wanted": self.warm is not None,
        }

    def close(self) -> None:
        """Stop the warm process and remove the run directory."""
        if self.warm is not None:
            self.warm.stop_process()
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)


def install(
    nbval_kernel, environ: os._Environ | dict = os.environ
) -> KernelStarter | None:
    """Put this repository's kernel start into ``nbval.kernel``; the warm starter, if used.

    Calling it again (a pytest run inside a pytest run loads conftest.py twice) changes nothing.
    """
    current = nbval_kernel.start_new_kernel
    if hasattr(current, "__wrapped__"):
        return getattr(current, "starter", None)
    setting = warm_kernels_setting(environ)
    if setting == "off":
        nbval_kernel.start_new_kernel = retry_kernel_start(current)
        return None
    # For tests of this machinery: a warm process that imports less (comma-separated modules).
    preload = [
        m for m in environ.get("WARM_KERNELS_PRELOAD", "").split(",") if m.strip()
    ]
    starter = KernelStarter(modules=preload or None)

    def start_new_kernel(*args, **kwargs):
        return starter.start_new_kernel(*args, **kwargs)

    start_new_kernel.__wrapped__ = current
    start_new_kernel.starter = starter
    nbval_kernel.start_new_kernel = start_new_kernel
    return starter


def merge_reports(reports: list[dict]) -> dict:
    """One report for the run out of each pytest process's :meth:`KernelStarter.report`."""
    fresh: collections.Counter[str] = collections.Counter()
    for report in reports:
        fresh.update(report["fresh"])
    processes = [r["warm_process"] for r in reports if r.get("warm_process")]
    return {
        "warm": sum(r["warm"] for r in reports),
        "fresh": dict(fresh),
        "warm_processes": processes,
        "warm_wanted": any(r["warm_wanted"] for r in reports),
    }


def fails_the_run(report: dict, environ: os._Environ | dict = os.environ) -> bool:
    """Whether ``WARM_KERNELS=1`` asked for warm kernels and some were started fresh anyway."""
    return (
        warm_kernels_setting(environ) == "required"
        and report["warm_wanted"]
        and bool(report["fresh"])
    )


def summary_lines(report: dict) -> list[str]:
    """The run's last lines about its kernels: how many were warm, and why any were not."""
    warm, fresh = report["warm"], sum(report["fresh"].values())
    if not warm and not fresh:
        return []
    lines = []
    if report["warm_processes"]:
        first = report["warm_processes"][0]
        seconds = ", ".join(
            f"{p['import_seconds']:.1f}" for p in report["warm_processes"]
        )
        lines.append(
            f"notebook kernels: {warm} forked warm, {fresh} started fresh "
            f"({len(report['warm_processes'])} warm process(es), imports {', '.join(first['modules'])}"
            f" in {seconds} s; threads at fork: {first['threads_after_trial_fork']})"
        )
    else:
        lines.append(f"notebook kernels: {fresh} started fresh")
    lines += [
        f"  {count} fresh: {why}" for why, count in sorted(report["fresh"].items())
    ]
    return lines
