"""How fast the book verifies and builds, against its floor. This is what ``make bench`` runs.

A fresh notebook kernel pays a Python start plus the import of Keras and TensorFlow (through
``lstm_helpers``) before a chapter runs a line: that is the *floor*, and N chapters in fresh
kernels pay it N times. ``make test`` forks its kernels from a warm process instead
(tools/kernels). This script measures, on this machine, in one run:

- the floor (median of 5 fresh kernels, after one thrown away, that only import lstm_helpers);
- kernel start to the end of a chapter's first cell (``from lstm_helpers import setup;
  setup(seed=0); import keras; import numpy as np``), fresh (nbval's own start) and warm (forked),
  median of 5 each, taken in turns; and what the warm process paid once for its imports;
- each chapter's time in a fresh kernel, and its own compute (time minus the floor);
- ``make test`` serial and with 2 workers (warm kernels), and with 2 workers and
  ``WARM_KERNELS=0`` (every kernel fresh), each as a ratio to N x floor;
- ``make book`` cold (no ``_build``), warm (nothing changed), and after one chapter changed;
- the built site's size and its largest page; the load average before and after.

It prints a Markdown table and writes ``bench/latest.json`` and ``bench/latest.md``. Targets are
reported, never asserted: wall-clock time depends on the machine and on what else it is doing
(the load average says how busy it was; compare the ratios, which are taken in the same run).

    python -m tools.bench               # everything (several minutes)
    python -m tools.bench --skip-test   # without the three whole `make test` runs
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from tools.book import CHAPTERS, ROOT, chapter_paths
from tools.execute import kernel_environment, run
from tools.kernels.start import KernelStarter

OUT = ROOT / "bench"


def trains(path: Path) -> bool:
    """Whether a chapter calls ``fit`` in its code: its compute budget is then 10 s, not 3 s."""
    notebook = nbformat.read(path, as_version=4)
    return any(".fit(" in c.source for c in notebook.cells if c.cell_type == "code")


FIRST_CELL = (
    "from lstm_helpers import setup\nsetup(seed=0)\nimport keras\nimport numpy as np"
)
NBVAL_KERNEL = ":nbval-parent-env"  # the kernel `--nbval-current-env` starts
TARGETS = {
    "make test": "< 60 s with 2 workers, and <= 0.5 x N x floor",
    "chapter compute": "< 3 s (< 10 s for a chapter that calls fit)",
    "warm book build": "< 8 s",
}


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    """Run a command in the repository, fail loudly if it fails, return its wall-clock seconds."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-3000:]
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{tail}")
    return seconds


def floor_seconds(repeats: int = 5) -> list[float]:
    """Fresh kernel + ``import lstm_helpers`` (which imports TensorFlow and Keras), timed.

    One run first is thrown away: the first kernel after a while pays for cold disk caches,
    which no chapter in a test run does.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "floor.ipynb"
        nb = new_notebook(cells=[new_code_cell("import lstm_helpers")])
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, path)
        run(path)
        return [run(path)[1] for _ in range(repeats)]


def first_cell_seconds(start_new_kernel) -> float:
    """Start a kernel as nbval does, run a chapter's first cell in it; seconds until it is done."""
    started = time.perf_counter()
    km, kc = start_new_kernel(
        kernel_name=NBVAL_KERNEL, cwd=str(CHAPTERS), stderr=subprocess.DEVNULL
    )
    try:
        reply = kc.execute_interactive(
            FIRST_CELL, timeout=300, output_hook=lambda msg: None
        )
        seconds = time.perf_counter() - started
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"the first cell failed: {reply['content']}")
        return seconds
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def kernel_start_seconds(repeats: int = 5) -> dict:
    """Kernel start to the end of a chapter's first cell, fresh and warm, taken in turns."""
    from nbval.kernel import (
        start_new_kernel as fresh_start,
    )  # nbval's own: fresh, over TCP

    starter = KernelStarter()
    starter.expect_notebooks(2)
    try:
        if not starter.warm.wait():
            raise SystemExit(f"no warm process: {starter.warm.problem}")
        fresh, warm = [], []
        for _ in range(repeats + 1):  # the first pair is thrown away, as for the floor
            fresh.append(first_cell_seconds(fresh_start))
            warm.append(first_cell_seconds(starter.start_new_kernel))
        report = starter.report()
        if report["fresh"]:
            raise SystemExit(f"a warm kernel was started fresh: {report['fresh']}")
        return {
            "fresh_runs_s": fresh[1:],
            "warm_runs_s": warm[1:],
            "warm_process_import_s": starter.warm.ready["import_seconds"],
        }
    finally:
        starter.close()


def missing_requirements(path: Path) -> list[str]:
    """The modules a notebook's ``lstm_book.requires`` metadata names that are not installed."""
    required = (
        nbformat.read(path, as_version=4)
        .metadata.get("lstm_book", {})
        .get("requires", [])
    )
    return [name for name in required if importlib.util.find_spec(name) is None]


def site_size(html: Path) -> tuple[int, str, int]:
    """Total bytes under ``html``, and the largest HTML page with its size."""
    files = [p for p in html.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return (
        sum(p.stat().st_size for p in files),
        str(largest.relative_to(html)),
        largest.stat().st_size,
    )


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def runs(values: list[float], digits: int = 1) -> str:
    return ", ".join(f"{s:.{digits}f}" for s in values)


def markdown(results: dict) -> str:
    floor = results["floor_median_s"]
    n = len(results["chapters"])
    nf = n * floor
    starts = results["kernel_start"]
    fresh, warm = (
        statistics.median(starts[k]) for k in ("fresh_runs_s", "warm_runs_s")
    )
    lines = [
        f"Measured {results['date']} on {results['machine']} ({results['cpus']} CPUs), "
        f"Keras backend TensorFlow, `python -m tools.bench`; load average (1/5/15 min) "
        f"{results['load_before']} before, {results['load_after']} after.",
        "",
        "| what | seconds | note |",
        "|---|---:|---|",
        f"| floor: fresh kernel + `import lstm_helpers` (median of {len(results['floor_runs_s'])}) "
        f"| {floor:.1f} | runs: {runs(results['floor_runs_s'])} |",
        f"| kernel start to first cell done, fresh (nbval's own start, median of "
        f"{len(starts['fresh_runs_s'])}) | {fresh:.2f} | runs: {runs(starts['fresh_runs_s'], 2)} |",
        f"| kernel start to first cell done, warm (forked, median of {len(starts['warm_runs_s'])}) "
        f"| {warm:.2f} | runs: {runs(starts['warm_runs_s'], 2)}; {warm / fresh:.2f} x fresh |",
        f"| warm process: its imports, once per pytest process | {starts['warm_process_import_s']:.1f} "
        f"| |",
    ]
    for name, row in results["chapters"].items():
        limit = 10 if row.get("trains") else 3
        verdict = "ok" if row["own_s"] < limit else f"over {limit} s"
        lines.append(
            f"| `{name}` (own compute) | {row['total_s']:.1f} ({row['own_s']:.1f}) | {verdict} |"
        )
    lines.append(
        f"| N x floor (N = {n}) | {nf:.1f} | the serial floor for nbval in fresh kernels |"
    )
    labels = {
        "make_test_serial_s": (
            "`make test`, serial (`-p no:xdist`), warm kernels",
            None,
        ),
        "make_test_parallel_s": (
            "`make test`, 2 workers (default), warm kernels",
            0.5,
        ),
        "make_test_fresh_s": (
            "`WARM_KERNELS=0 make test`, 2 workers, fresh kernels",
            None,
        ),
    }
    for key, (label, target) in labels.items():
        if key in results:
            seconds = results[key]
            note = f"{seconds / nf:.2f} x N x floor"
            if target is not None:
                verdict = "ok" if seconds <= target * nf and seconds < 60 else "over"
                note += f"; target <= {target} x N x floor and < 60 s: {verdict}"
            lines.append(f"| {label} | {seconds:.1f} | {note} |")
    lines += [
        f"| `make book` cold (no `_build`) | {results['book_cold_s']:.1f} | |",
        f"| `make book` warm (nothing changed) | {results['book_warm_s']:.1f} | target < 8 s |",
        f"| `make book` after one chapter changed | {results['book_one_changed_s']:.1f} | "
        "Sphinx rereads that chapter |",
        "",
        f"Site: {results['site_bytes'] / 1e6:.1f} MB in `_build/html`; largest page "
        f"`{results['largest_page']}` ({results['largest_page_bytes'] / 1e3:.0f} kB).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-test", action="store_true", help="do not time `make test`"
    )
    args = parser.parse_args(argv)
    kernel_environment()
    make = shutil.which("make") or "make"
    results: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.processor() or platform.system()}",
        "cpus": os.cpu_count(),
        "load_before": load(),
    }

    runs_s = floor_seconds()
    floor = statistics.median(runs_s)
    results.update(floor_runs_s=runs_s, floor_median_s=floor)
    print(f"floor {floor:.1f} s", flush=True)

    results["kernel_start"] = kernel_start_seconds()
    print(f"kernel start to first cell: {results['kernel_start']}", flush=True)

    results["chapters"] = {}
    for path in chapter_paths():
        missing = missing_requirements(path)
        if missing:  # as `make test` skips it (conftest.py)
            print(f"{path.stem}: skipped, needs {', '.join(missing)}", flush=True)
            continue
        total = run(path)[1]
        results["chapters"][path.stem] = {
            "total_s": total,
            "own_s": max(0.0, total - floor),
            "trains": trains(path),
        }
        print(f"{path.stem}: {total:.1f} s", flush=True)

    if not args.skip_test:
        fresh_env = dict(os.environ, WARM_KERNELS="0")
        for key, command, env in [
            ("make_test_serial_s", [make, "test", "PYTEST_ARGS=-p no:xdist"], None),
            ("make_test_parallel_s", [make, "test"], None),
            ("make_test_fresh_s", [make, "test"], fresh_env),
        ]:
            results[key] = timed(command, env)
            print(f"{key} {results[key]:.1f} s", flush=True)

    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    results["book_cold_s"] = timed([make, "book"])
    results["book_warm_s"] = timed([make, "book"])
    first_chapter = chapter_paths()[0]
    os.utime(first_chapter)  # its content is unchanged; make and Sphinx go by the time
    results["book_one_changed_s"] = timed([make, "book"])
    total, largest, largest_bytes = site_size(ROOT / "_build" / "html")
    results.update(
        site_bytes=total, largest_page=largest, largest_page_bytes=largest_bytes
    )
    results["load_after"] = load()

    table = markdown(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (OUT / "latest.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
