"""Write, or check, the first code cell of every chapter: install lstm_helpers where it is missing.

    python -m tools.install_cell --check            # every chapter's cell matches _config.yml
    python -m tools.install_cell --write            # insert or update it in every chapter
    python -m tools.install_cell --write chapters/03_return_state.ipynb

A chapter opened on Colab (or in any fresh Jupyter) has Keras, TensorFlow, NumPy and matplotlib
but not this book's ``lstm_helpers``, and would fail at its first import. So every chapter's first
code cell installs it, from the repository and branch in _config.yml (``repository.url``,
``repository.branch``), only when ``import lstm_helpers`` would fail. It installs with
``--no-deps``: Colab's Keras and TensorFlow stay as they are (the package's own floors are loose,
``keras>=3.5``), and the cell prints nothing where the package is there already, as nbval expects
(nor, where it installs, pip's notices about its own version or about running as root, which
Colab does).
It imports neither Keras nor TensorFlow, so ``from lstm_helpers import ...`` still comes before
``import keras`` (it silences TensorFlow's start-up lines).

"No cell copied between chapters" is the book's rule; this cell is the one exception, and that is
why it is generated here, from one address, and checked by tests/test_install_cell.py. The cell is
tagged ``remove-cell`` (not on the site or in the PDF; visible in the notebook). Tests point the
install at a local checkout with the environment variable in ``SOURCE_VARIABLE``
(tools/colab_check.py). After ``--write`` changed a chapter, re-execute it (``make execute``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

from tools.book import ROOT, chapter_paths
from tools.versions import load_pairs

CELL_ID = "install-lstm-helpers"
TAG = "remove-cell"
# Tests only: a pip requirement (a local path) to install from instead of the repository.
SOURCE_VARIABLE = "LSTM_HELPERS_INSTALL_SOURCE"

TEMPLATE = """\
# On Colab or in a fresh Jupyter, install this book's helpers if they are missing (this
# prints nothing where they are). The chapters are tested on Keras {tested}.
# Written by tools/install_cell.py from _config.yml and tests/versions/pairs.toml.
import importlib
import importlib.util
import os
import subprocess
import sys

HELPERS = "{requirement}"
if importlib.util.find_spec("lstm_helpers") is None:
    source = os.environ.get("{variable}", HELPERS)
    quiet = {{"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_ROOT_USER_ACTION": "ignore"}}
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", source]
    subprocess.run(pip, check=True, env={{**os.environ, **quiet}})
    importlib.invalidate_caches()"""


def repository(config_path: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """``repository.url`` (without a trailing slash) and ``repository.branch`` from _config.yml."""
    config = yaml.safe_load(config_path.read_text())
    return config["repository"]["url"].rstrip("/"), config["repository"].get(
        "branch", "main"
    )


def requirement(url: str, branch: str) -> str:
    """What pip installs: the repository at the branch (pip reads pyproject.toml at its root)."""
    return f"lstm-helpers @ git+{url}.git@{branch}"


def tested_range() -> str:
    """The Keras releases ``make test-versions`` runs the chapters on, e.g. ``3.8 to 3.15``."""
    pairs = load_pairs().pairs
    oldest, newest = (".".join(p.keras.split(".")[:2]) for p in (pairs[0], pairs[-1]))
    return f"{oldest} to {newest}"


def cell_source(config_path: Path = ROOT / "_config.yml") -> str:
    """The install cell's code, made from _config.yml and the tested Keras releases."""
    return TEMPLATE.format(
        variable=SOURCE_VARIABLE,
        requirement=requirement(*repository(config_path)),
        tested=tested_range(),
    )


def install_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """Position of the install cell: a cell with its id, or None."""
    for index, cell in enumerate(nb.cells):
        if cell.get("id") == CELL_ID:
            return index
    return None


def first_code_index(nb: nbformat.NotebookNode) -> int:
    return next(
        (i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells)
    )


def problems(path: Path, source: str) -> list[str]:
    """What is wrong with one chapter's install cell (empty: nothing)."""
    nb = nbformat.read(path, as_version=4)
    index = install_cell_index(nb)
    if index is None:
        return [
            f"{path.name}: no install cell (id {CELL_ID!r}); "
            "run python -m tools.install_cell --write"
        ]
    cell, found = nb.cells[index], []
    if index != first_code_index(nb):
        found.append(f"{path.name}: the install cell is not the first code cell")
    if cell.source != source:
        found.append(
            f"{path.name}: the install cell differs from what _config.yml (repository.url, "
            "branch) and pairs.toml give; run python -m tools.install_cell --write"
        )
    if TAG not in cell.metadata.get("tags", []):
        found.append(f"{path.name}: the install cell is not tagged {TAG!r}")
    return found


def write(path: Path, source: str) -> bool:
    """Insert or update the install cell as the first code cell; True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    index = install_cell_index(nb)
    if index is None:
        cell = nbformat.v4.new_code_cell(source, id=CELL_ID, metadata={"tags": [TAG]})
        nb.cells.insert(first_code_index(nb), cell)
    else:
        cell = nb.cells.pop(index)
        unchanged = cell.source == source and TAG in cell.metadata.get("tags", [])
        if unchanged and index == first_code_index(nb):
            return False
        cell.source = source
        tags = cell.metadata.setdefault("tags", [])
        if TAG not in tags:
            tags.append(TAG)
        nb.cells.insert(first_code_index(nb), cell)
    nbformat.write(nb, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--check", action="store_true", help="fail if a chapter's cell disagrees"
    )
    mode.add_argument("--write", action="store_true", help="insert or update the cell")
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="default: every chapter"
    )
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml")
    args = parser.parse_args(argv)
    paths = args.notebooks or chapter_paths()
    source = cell_source(args.config)
    if args.write:
        changed = [p for p in paths if write(p, source)]
        for path in changed:
            print(f"updated {path}")
        print(
            f"{len(changed)} of {len(paths)} notebooks changed"
            + ("; re-execute them (make execute)" if changed else "")
        )
        return 0
    found = [problem for path in paths for problem in problems(path, source)]
    for problem in found:
        print(problem, file=sys.stderr)
    print(
        f"install cell: {len(paths) - len({f.split(':')[0] for f in found})} of {len(paths)} "
        "notebooks agree with _config.yml"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
