"""Run the nbval pass over every chapter once per Keras backend (`make test-backends`).

    python -m tools.nbval_backends                      # JAX, then PyTorch
    python -m tools.nbval_backends --backends torch     # one of them
    python -m tools.nbval_backends --backends tensorflow,jax,torch -- chapters/appendix_a_*.ipynb

`make test` is the TensorFlow pass. This script repeats it with ``KERAS_BACKEND=jax`` and
``KERAS_BACKEND=torch``: every chapter must print exactly its stored output on every engine.

For each backend it first installs that backend's lines of ``requirements-backends.txt`` (the
``# backend: NAME`` tags) into this Python environment, unless ``--no-install``. A backend that
cannot be installed (or imported after installing) is skipped with the reason printed, or, in
CI (``CI=true`` in the environment, or ``--ci``), is a failure. Each pass starts with a line
naming its backend (and pytest's header says ``Keras backend: NAME``); a failing cell is
reported by nbval as notebook and cell, and is repeated at the end under its backend. The
script ends with one line per backend and exits non-zero if any backend failed.

Arguments after ``--`` go to pytest instead of the defaults (``-n 2 --dist loadscope chapters``).

Notebook kernels are forked warm in every pass (conftest.py, tools/kernels): each pytest
worker's warm process imports Keras on the pass's backend (and TensorFlow, which ``setup()``
seeds on every backend) before it forks. ``WARM_KERNELS=0`` starts them fresh; the last lines
say, per backend, how the kernels were started.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.book import ROOT

REQUIREMENTS = ROOT / "requirements-backends.txt"
# Each backend is also the module it needs: importing it in a fresh process is the test that
# it works.
BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT_BACKENDS = ("jax", "torch")
DEFAULT_PYTEST_ARGS = ("-n", "2", "--dist", "loadscope", "chapters")
_TAG = re.compile(r"#\s*backend:\s*(?P<backend>[\w-]+)\s*$")
# pytest's short test summary (-rfE): "FAILED chapters/05_x.ipynb::Cell 3 - <reason>"
_FAILED_LINE = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<test>.+?)(?: - .*)?$")
_SUMMARY_LINE = re.compile(r"^=+ (?P<summary>.*\d.* in [\d.]+s.*) =+$")
# conftest.py's last line about the pass's kernels: "notebook kernels: 15 forked warm, ..."
_KERNELS_LINE = re.compile(r"^notebook kernels: (?P<kernels>\d+ .*?)(?: \(.*)?$")


@dataclass
class Outcome:
    """What happened to one backend's pass."""

    backend: str
    status: str  # "passed", "FAILED", "skipped"
    detail: str = ""
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    kernels: str = ""  # how its notebook kernels were started (conftest.py's summary)


def in_ci(flag: bool | None) -> bool:
    """``--ci`` / ``--no-ci`` if given, else whether ``CI`` is set to a true value."""
    if flag is not None:
        return flag
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def requirement_lines(backend: str, path: Path = REQUIREMENTS) -> list[str]:
    """The lines of ``path`` tagged ``# backend: <backend>``, with ``-r`` paths made absolute."""
    lines = []
    for raw in path.read_text().splitlines():
        tag = _TAG.search(raw)
        if not tag or tag["backend"] != backend:
            continue
        line = raw[: tag.start()].strip()
        option = re.match(r"^(-r|--requirement|-c|--constraint)\s+(\S+)$", line)
        if option:
            line = f"{option[1]} {(path.parent / option[2]).resolve()}"
        lines.append(line)
    return lines


def install(backend: str, requirements: Path) -> str:
    """Install ``backend``'s requirement lines; return "" on success, else why it failed."""
    lines = requirement_lines(backend, requirements)
    if not lines and backend != "tensorflow":  # TensorFlow comes with requirements.txt
        return f"{requirements.name} has no line tagged '# backend: {backend}'"
    if lines:
        with tempfile.NamedTemporaryFile(
            "w", suffix=".txt", prefix=f"req-{backend}-", delete=False
        ) as tmp:
            tmp.write("\n".join(lines) + "\n")
        print(f"-- installing the {backend} backend: {', '.join(lines)}", flush=True)
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-r",
                    tmp.name,
                ],
                capture_output=True,
                text=True,
            )
        finally:
            os.unlink(tmp.name)
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
            return f"pip could not install it (exit code {done.returncode}):\n{tail}"
    return importable(backend)


def importable(backend: str) -> str:
    """ "" if the backend's module imports in a fresh process, else the error's last line."""
    done = subprocess.run(
        [sys.executable, "-c", f"import {backend}"],
        capture_output=True,
        text=True,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    if done.returncode == 0:
        return ""
    last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
    return f"`import {backend}` fails: {last}"


def run_pass(backend: str, pytest_args: list[str]) -> Outcome:
    """Run pytest (nbval) with ``KERAS_BACKEND=backend``, echoing its output as it comes."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    # The notebook kernels are started as `python`: make that this interpreter.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    # TensorFlow's logging defaults come from lstm_helpers/_runtime.py, which every chapter
    # imports first.
    command = [sys.executable, "-m", "pytest", "-rfE", *pytest_args]
    print(
        f"\n== nbval pass with KERAS_BACKEND={backend}: {' '.join(command[1:])}",
        flush=True,
    )
    began = time.perf_counter()
    failures: list[str] = []
    summary = kernels = ""
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            failed = _FAILED_LINE.match(line.rstrip("\n"))
            if failed:
                failures.append(f"{failed['kind']} {failed['test']}")
            started = _KERNELS_LINE.match(line.strip())
            if started:
                kernels = started["kernels"]
            found = _SUMMARY_LINE.match(line.strip())
            if (
                found
            ):  # "3 failed, 40 passed in 81.20s (0:01:21)": the time is printed apart
                summary = re.sub(r" in [\d.]+s.*$", "", found["summary"])
    seconds = time.perf_counter() - began
    code = process.returncode
    if code == 0:
        return Outcome(backend, "passed", summary, seconds, kernels=kernels)
    if code == 5:
        summary = "pytest collected no tests; an empty run proves nothing"
    return Outcome(
        backend,
        "FAILED",
        summary or f"pytest exit code {code}",
        seconds,
        failures,
        kernels,
    )


def report(outcomes: list[Outcome]) -> None:
    """One line per backend, then every failing test under its backend."""
    print("\n== test-backends: one line per backend", flush=True)
    width = max(len(o.backend) for o in outcomes)
    for o in outcomes:
        timing = f" in {o.seconds:.1f} s" if o.seconds else ""
        first, *rest = (o.detail or "").splitlines() or [""]
        print(f"{o.backend:{width}s}  {o.status:7s}{timing}: {first}")
        for line in rest:
            print(f"{'':{width}s}    {line}")
        if o.kernels:
            print(f"{'':{width}s}    notebook kernels: {o.kernels}")
        for failure in o.failures:
            print(f"{'':{width}s}    {failure}   [KERAS_BACKEND={o.backend}]")
    sys.stdout.flush()


def parse_backends(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list out of {', '.join(BACKENDS)}, got {text!r}"
        )
    return names


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args = list(DEFAULT_PYTEST_ARGS)
    if "--" in argv:
        split = argv.index("--")
        argv, pytest_args = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backends",
        type=parse_backends,
        default=list(DEFAULT_BACKENDS),
        help=f"comma-separated, out of {', '.join(BACKENDS)} (default: {','.join(DEFAULT_BACKENDS)})",
    )
    ci = parser.add_mutually_exclusive_group()
    ci.add_argument(
        "--ci",
        dest="ci",
        action="store_true",
        default=None,
        help="a backend that cannot be installed fails the run (default when CI=true)",
    )
    ci.add_argument(
        "--no-ci",
        dest="ci",
        action="store_false",
        help="a backend that cannot be installed is skipped, with the reason printed",
    )
    parser.add_argument(
        "--no-install",
        action="store_true",
        help="do not pip install; use the backends already installed",
    )
    parser.add_argument(
        "--requirements",
        type=Path,
        default=REQUIREMENTS,
        help="the tagged requirements file (default: requirements-backends.txt)",
    )
    args = parser.parse_args(argv)
    strict = in_ci(args.ci)
    if not pytest_args:
        parser.error("nothing to run after --")

    outcomes: list[Outcome] = []
    for backend in args.backends:
        problem = (
            importable(backend)
            if args.no_install
            else install(backend, args.requirements)
        )
        if problem:
            status = "FAILED" if strict else "skipped"
            why = (
                "in CI a backend that cannot be installed fails the run"
                if strict
                else "not run here"
            )
            print(f"\n== {status}: the {backend} pass ({why}): {problem}", flush=True)
            outcomes.append(
                Outcome(backend, status, f"cannot be installed: {problem}")
            )
            continue
        outcomes.append(run_pass(backend, pytest_args))

    report(outcomes)
    if any(o.status == "skipped" for o in outcomes):
        print(
            "Skipped backends were not checked. Install requirements-backends.txt, or run in CI "
            "(CI=true), where they fail instead.",
            flush=True,
        )
    return 1 if any(o.status == "FAILED" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
