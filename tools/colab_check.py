"""Run chapters as a first-time Colab user meets them: a fresh environment without lstm_helpers.

    python -m tools.colab_check                       # chapters 1, 8 and 9 (make colab-check)
    python -m tools.colab_check chapters/03_return_state.ipynb
    python -m tools.colab_check --venv /tmp/colab-env # reuse an environment made before
    python -m tools.colab_check --keras 3.14.0        # Colab may have another Keras

Colab has Keras, TensorFlow, NumPy and matplotlib, and a kernel, but not this book's helper
package. This script makes such an environment: a new virtual environment with only
``tensorflow-cpu``, ``keras``, ``numpy``, ``matplotlib``, ``ipykernel`` and ``nbclient``, at the
versions requirements.txt pins (used as constraints, so what they pull in is pinned too), and
checks that ``lstm_helpers`` is not importable there. Then it executes each chapter from the
top in a kernel of that environment, with the install cell's source pointed at a copy of this
checkout (``LSTM_HELPERS_INSTALL_SOURCE``, tools/install_cell.py), so the chapter's first
cell installs the package as it would from the repository on Colab. For each chapter it
reports whether every code cell printed what the notebook stores, compared as nbval compares
(streams merged per name, the same keys skipped: images, tracebacks, metadata), and it checks
that the install added ``lstm-helpers`` and changed no other package (no downgrade of Keras or
TensorFlow). Exit status 1 if any chapter differs.

It needs PyPI (pip installs the packages, and setuptools to build lstm_helpers) but nothing else
from the network.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

import nbformat

from tools.book import ROOT
from tools.install_cell import SOURCE_VARIABLE
from tools.versions import nbval_view

DEFAULT_CHAPTERS = ["01_default_output", "08_bidirectional", "09_many_to_n"]
# What a Colab runtime has that the chapters need, and a kernel to run them in.
COLAB_PACKAGES = [
    "tensorflow-cpu",
    "keras",
    "numpy",
    "matplotlib",
    "ipykernel",
    "nbclient",
]


def pinned(
    names: list[str], requirements: Path = ROOT / "requirements.txt"
) -> list[str]:
    """``name==version`` for each name, from requirements.txt (names compared as pip does)."""
    canonical = {}
    for line in requirements.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            canonical[re.sub(r"[-_.]+", "-", name).lower()] = (
                f"{name}=={version.strip()}"
            )
    missing = [n for n in names if n not in canonical]
    if missing:
        raise SystemExit(f"requirements.txt pins none of {missing}")
    return [canonical[n] for n in names]


def pip(python: Path, *args: str) -> str:
    return subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def make_environment(where: Path) -> Path:
    """A new venv with only the Colab packages; its python."""
    print(
        f"creating a fresh environment in {where} with {', '.join(COLAB_PACKAGES)}",
        flush=True,
    )
    venv.create(where, with_pip=True, clear=True)
    python = where / "bin" / "python"
    pip(
        python,
        "install",
        "--quiet",
        "-c",
        str(ROOT / "requirements.txt"),
        *pinned(COLAB_PACKAGES),
    )
    return python


def has_helpers(python: Path) -> bool:
    code = "import importlib.util, sys; sys.exit(importlib.util.find_spec('lstm_helpers') is None)"
    return subprocess.run([str(python), "-c", code], cwd="/").returncode == 0


def package_source(where: Path) -> Path:
    """A copy of what pip needs to build lstm_helpers (so the checkout gets no build/ folder)."""
    target = where / "lstm-helpers-source"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(
        ROOT / "lstm_helpers",
        target / "lstm_helpers",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return target


def differences(
    stored: nbformat.NotebookNode, executed: nbformat.NotebookNode
) -> list[str]:
    """Code cells whose executed outputs differ from the stored ones (as nbval compares)."""
    stored_cells = [c for c in stored.cells if c.cell_type == "code"]
    executed_cells = [c for c in executed.cells if c.cell_type == "code"]
    found = []
    for number, (old, new) in enumerate(
        zip(stored_cells, executed_cells, strict=True), start=1
    ):
        before, after = nbval_view(old.outputs), nbval_view(new.outputs)
        if before != after:
            found.append(
                f"cell {number}: stored {before!r:.300} but printed {after!r:.300}"
            )
    return found


def chapter_path(name: str) -> Path:
    path = Path(name)
    if not path.suffix:
        path = ROOT / "chapters" / f"{name}.ipynb"
    return path.resolve()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "chapters",
        nargs="*",
        default=DEFAULT_CHAPTERS,
        help="chapter notebooks or names (default: %(default)s)",
    )
    parser.add_argument(
        "--venv", type=Path, help="use (or make, if absent) this environment"
    )
    parser.add_argument(
        "--keras",
        help="install this Keras version instead of the pinned one (do the chapters' printed "
        "invariants hold on another release?)",
    )
    args = parser.parse_args(argv)
    paths = [chapter_path(name) for name in args.chapters]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="colab-check-") as scratch:
        scratch = Path(scratch)
        where = args.venv or scratch / "venv"
        python = where / "bin" / "python"
        if not python.is_file():
            python = make_environment(where)
        if args.venv and has_helpers(python):  # installed by this check's last run
            pip(python, "uninstall", "--yes", "--quiet", "lstm-helpers")
        if has_helpers(python):
            raise SystemExit(
                f"{where} can already import lstm_helpers: not a fresh Colab"
            )
        if args.keras:
            pip(python, "install", "--quiet", f"keras=={args.keras}")
        packages = pip(python, "freeze")
        print(
            f"environment ready ({time.perf_counter() - started:.0f} s): "
            + ", ".join(
                line
                for line in packages.splitlines()
                if line.split("==")[0].lower().replace("_", "-")
                in {"keras", "tensorflow-cpu"}
            ),
            flush=True,
        )
        # The chapters run in a process of the fresh environment (`python -m tools.execute`
        # from this checkout, which needs only nbclient): jupyter_client starts the python3
        # kernel with that process's own interpreter, in the copy's scratch folder, so
        # nothing of this checkout is on the kernel's path; the install cell installs from a
        # copy of it.
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env[SOURCE_VARIABLE] = str(package_source(scratch))
        failed = False
        for path in paths:
            copy = scratch / "chapters" / path.name
            copy.parent.mkdir(exist_ok=True)
            shutil.copy2(path, copy)
            result = subprocess.run(
                [str(python), "-m", "tools.execute", str(copy)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:  # a cell failed: report it, go on with the next
                failed = True
                print(
                    f"FAILED  {path.name}: {result.stderr.strip()[-2000:]}", flush=True
                )
                continue
            executed = nbformat.read(copy, as_version=4)
            stored = nbformat.read(path, as_version=4)
            found = differences(stored, executed)
            cells = sum(1 for c in stored.cells if c.cell_type == "code")
            versions = executed.metadata.get("executed_with", {})
            seconds = result.stdout.split()[0] if result.stdout.strip() else "?"
            if found:
                failed = True
                print(
                    f"DIFFERS {path.name}: {len(found)} of {cells} code cells",
                    flush=True,
                )
                for line in found:
                    print(f"    {line}")
            else:
                print(
                    f"ok      {path.name}: {cells} code cells print what is stored "
                    f"({seconds} s, Keras {versions.get('keras')}, "
                    f"{versions.get('frameworks')})",
                    flush=True,
                )
        added = set(pip(python, "freeze").splitlines()) - set(packages.splitlines())
        removed = set(packages.splitlines()) - set(pip(python, "freeze").splitlines())
        names = sorted(line.split(" @ ")[0].split("==")[0].lower() for line in added)
        if names != ["lstm-helpers"] or removed:
            failed = True
            print(
                f"FAILED  the install cells added {sorted(added)} and removed {sorted(removed)};"
                " expected lstm-helpers alone"
            )
        else:
            print(
                "ok      the install cell added lstm-helpers and changed no other package"
            )
    print(
        f"colab check: {'FAILED' if failed else 'passed'} in {time.perf_counter() - started:.0f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
