"""Re-execute chapters top to bottom, each in a fresh kernel, and store exactly what they print.

    python -m tools.execute                      # every chapter
    python -m tools.execute chapters/03_*.ipynb  # some
    python -m tools.execute --jobs 2             # two kernels at a time

This is what ``make execute`` runs. The stored outputs are what ``make test`` (pytest --nbval)
later compares against, and what the site shows. Its kernels are always started the ordinary
way, fresh: they are the reference that ``make test``'s warm (forked) kernels are checked
against, and CI's second nbval pass (``WARM_KERNELS=0``) runs every chapter fresh again. A chapter that writes to stderr is refused:
such lines come from the machine (TensorFlow's start-up notices), not from the chapter, and
would fail nbval on the next machine.

Each executed notebook records, in its metadata under ``executed_with``, the Python, Keras,
backend and framework versions its kernel ran (asked of the kernel after the last cell, silently:
no output, no execution count); each chapter page prints them (_ext/output_versions.py).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.util import run_sync

from tools.book import ROOT, chapter_paths

TIMEOUT_SECONDS = 600
# Notebook metadata key for the versions that produced the stored outputs (_ext/output_versions.py
# prints them on the chapter's page; nbval does not compare metadata).
VERSIONS_KEY = "executed_with"
# Run silently in the chapter's kernel after its last cell (no execution count, no output): the
# kernel, not this process, knows which Keras backend it ran and which frameworks it imported.
# A framework counts when it is the backend or the chapter imported it (a module in its
# namespace): TensorFlow imports JAX when JAX is installed, which is not the chapter using it.
VERSIONS_PROBE = """
def _lstm_outputs_versions():
    import json, platform, sys, types
    import keras
    backend = keras.backend.backend()
    modules = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    imported = {value.__name__.partition(".")[0] for value in globals().values()
                if isinstance(value, types.ModuleType)}
    frameworks = {name: sys.modules[name].__version__ for name in modules
                  if name in sys.modules and (name == backend or name in imported)}
    return json.dumps({"python": platform.python_version(), "keras": keras.__version__,
                       "backend": backend, "frameworks": frameworks})
"""


def kernel_environment() -> None:
    """Make the ``python3`` kernel this interpreter (chapters quiet TensorFlow themselves)."""
    os.environ["PATH"] = (
        str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    )


def stderr_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices (1-based, code cells only) of cells that stored a stderr stream."""
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    return [
        i
        for i, cell in enumerate(code_cells, start=1)
        if any(
            o.get("output_type") == "stream" and o.get("name") == "stderr"
            for o in cell.outputs
        )
    ]


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive writes to the same stream, as a reader would see them.

    How many chunks a cell's prints arrive in depends on timing; nbval merges them before
    comparing, and the stored notebook should not depend on timing either.
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def kernel_versions(client: NotebookClient) -> dict:
    """Ask the still-running kernel which Keras, backend and frameworks it used (silently)."""
    msg_id = client.kc.execute(
        VERSIONS_PROBE,
        silent=True,
        store_history=False,
        user_expressions={"versions": "_lstm_outputs_versions()"},
    )
    reply = run_sync(client.async_wait_for_reply)(msg_id)
    result = (
        (reply or {})
        .get("content", {})
        .get("user_expressions", {})
        .get("versions", {})
    )
    if result.get("status") != "ok":
        raise RuntimeError(
            f"the kernel could not report its versions: {result or reply}"
        )
    return json.loads(ast.literal_eval(result["data"]["text/plain"]))


def run(path: Path) -> tuple[nbformat.NotebookNode, float]:
    """Execute a notebook from scratch in a fresh kernel, without saving it.

    Cells tagged ``raises-exception`` may raise (nbclient lets them, and nbval checks that they
    do); any other error stops the run. Returns the executed notebook and the seconds it took,
    kernel start included.
    """
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    started = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        record_timing=False,  # timestamps would change every stored notebook on every run
        resources={"metadata": {"path": str(path.parent)}},
        # The kernel's own log (a TCP-transport notice on every start) is not the chapter's.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    # The kernel outlives the last cell (cleanup_kc=False) so it can be asked what it ran.
    client.execute(cleanup_kc=False)
    try:
        nb.metadata[VERSIONS_KEY] = kernel_versions(client)
    finally:
        client._cleanup_kernel()
    return nb, time.perf_counter() - started


def execute(path: Path) -> float:
    """Execute one notebook and store its outputs in place; return the seconds it took."""
    nb, seconds = run(path)
    noisy = stderr_cells(nb)
    if noisy:
        raise RuntimeError(
            f"{path.name}: code cell(s) {noisy} wrote to stderr; fix the chapter "
            "(a warning, a log line) so that no machine-specific output is stored"
        )
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks", nargs="*", help="notebooks to run (default: every chapter)"
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, help="kernels to run at once"
    )
    args = parser.parse_args(argv)
    kernel_environment()
    paths = chapter_paths(args.notebooks)
    if not paths:
        print("no notebooks to execute", file=sys.stderr)
        return 1

    def shown(path: Path) -> str:
        return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {path: pool.submit(execute, path) for path in paths}
        failed = False
        for path, future in futures.items():
            try:
                print(f"{future.result():6.1f} s  {shown(path)}", flush=True)
            except (
                Exception
            ) as error:  # report every failing chapter, not just the first
                failed = True
                print(f"FAILED    {shown(path)}: {error}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
