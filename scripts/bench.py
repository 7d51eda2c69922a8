"""How fast the book verifies and builds, against its floor. This is what ``make bench`` runs.

Every notebook pays one kernel start plus the import of Keras (through ``lstm_helpers``): that is
the floor for re-executing N chapters. This script measures, on this machine:

- the floor (median of 5 fresh kernels, after one thrown away, that only import lstm_helpers);
- each chapter's time in a fresh kernel, and its own compute (time minus the floor);
- ``make test`` serial and with pytest-xdist, and their ratio to N x floor;
- ``make book`` cold (no ``_build``) and warm (unchanged sources);
- the built site's size and its largest page.

It prints a Markdown table and writes ``bench/latest.json`` and ``bench/latest.md``. Targets are
reported, never asserted: wall-clock time depends on the machine and on what else it is doing.

    python scripts/bench.py               # everything (a few minutes)
    python scripts/bench.py --skip-test   # without the two whole `make test` runs
"""

from __future__ import annotations

import argparse
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import ROOT, chapter_paths, kernel_environment, run  # noqa: E402

OUT = ROOT / "bench"
TRAINING_CHAPTERS = {"09_many_to_n", "14_keras_to_pytorch", "17_stateful"}  # they train: 10 s, not 3 s
TARGETS = {
    "make test": "< 90 s, and <= 1.5 x N x floor serial (or below it in parallel)",
    "chapter compute": "< 3 s (training chapters < 10 s)",
    "warm book build": "< 10 s",
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
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, path)
        run(path)
        return [run(path)[1] for _ in range(repeats)]


def site_size(html: Path) -> tuple[int, str, int]:
    """Total bytes under ``html``, and the largest HTML page with its size."""
    files = [p for p in html.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return sum(p.stat().st_size for p in files), str(largest.relative_to(html)), largest.stat().st_size


def markdown(results: dict) -> str:
    floor = results["floor_median_s"]
    lines = [
        f"Measured {results['date']} on {results['machine']} ({results['cpus']} CPUs), "
        f"Keras backend TensorFlow, `python scripts/bench.py`.",
        "",
        "| what | seconds | note |",
        "|---|---:|---|",
        f"| floor: kernel start + `import lstm_helpers` (median of {len(results['floor_runs_s'])}) | {floor:.1f} | "
        f"runs: {', '.join(f'{s:.1f}' for s in results['floor_runs_s'])} |",
    ]
    for name, row in results["chapters"].items():
        limit = 10 if name in TRAINING_CHAPTERS else 3
        verdict = "ok" if row["own_s"] < limit else f"over {limit} s"
        lines.append(f"| `{name}` (own compute) | {row['total_s']:.1f} ({row['own_s']:.1f}) | {verdict} |")
    n = len(results["chapters"])
    lines.append(f"| N x floor (N = {n}) | {n * floor:.1f} | the serial floor for nbval |")
    for key in ("make_test_serial_s", "make_test_parallel_s"):
        if key in results:
            seconds = results[key]
            label = "serial (`WORKERS=0`)" if "serial" in key else "2 workers (default)"
            lines.append(
                f"| `make test`, {label} | {seconds:.1f} | {seconds / (n * floor):.2f} x N x floor |"
            )
    lines += [
        f"| `make book` cold (no `_build`) | {results['book_cold_s']:.1f} | |",
        f"| `make book` warm (unchanged sources) | {results['book_warm_s']:.1f} | target < 10 s |",
        "",
        f"Site: {results['site_bytes'] / 1e6:.1f} MB in `_build/html`; largest page "
        f"`{results['largest_page']}` ({results['largest_page_bytes'] / 1e3:.0f} kB).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-test", action="store_true", help="do not time `make test`")
    args = parser.parse_args(argv)
    kernel_environment()
    make = shutil.which("make") or "make"
    results: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.processor() or platform.system()}",
        "cpus": os.cpu_count(),
    }

    runs = floor_seconds()
    floor = statistics.median(runs)
    results.update(floor_runs_s=runs, floor_median_s=floor)
    print(f"floor {floor:.1f} s", flush=True)

    results["chapters"] = {}
    for path in chapter_paths():
        total = run(path)[1]
        results["chapters"][path.stem] = {"total_s": total, "own_s": max(0.0, total - floor)}
        print(f"{path.stem}: {total:.1f} s", flush=True)

    if not args.skip_test:
        results["make_test_serial_s"] = timed([make, "test", "PYTEST_ARGS=-p no:xdist"])
        print(f"make test serial {results['make_test_serial_s']:.1f} s", flush=True)
        results["make_test_parallel_s"] = timed([make, "test"])
        print(f"make test parallel {results['make_test_parallel_s']:.1f} s", flush=True)

    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    results["book_cold_s"] = timed([make, "book"])
    results["book_warm_s"] = timed([make, "book"])
    total, largest, largest_bytes = site_size(ROOT / "_build" / "html")
    results.update(site_bytes=total, largest_page=largest, largest_page_bytes=largest_bytes)

    table = markdown(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (OUT / "latest.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
