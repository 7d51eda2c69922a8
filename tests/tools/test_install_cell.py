"""Every chapter's first code cell installs lstm_helpers from the address in _config.yml.

The cell itself is written by tools/install_cell.py; these tests check that every chapter has
it, exactly as _config.yml gives it today, and what the cell does: nothing (and prints nothing)
where the package is installed, and a pip install from the address, with --no-deps, where it is
not. tools/colab_check.py (make colab-check) runs whole chapters in a fresh environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import install_cell
from tools.book import ROOT, chapter_paths

CHAPTERS = chapter_paths()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_starts_with_the_install_cell_from_config(path):
    assert install_cell.problems(path, install_cell.cell_source()) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_the_next_code_cell_imports_lstm_helpers_before_keras(path):
    """The book's rule still holds after the install cell: lstm_helpers first, then Keras."""
    code = [
        c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
    ]
    assert code[1].source.lstrip().startswith("from lstm_helpers import"), path.name


def test_the_cell_names_the_repository_and_branch_of_config():
    url, branch = install_cell.repository()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    assert (url, branch) == (config["url"].rstrip("/"), config["branch"])
    source = install_cell.cell_source()
    assert f'"lstm-helpers @ git+{url}.git@{branch}"' in source
    assert "--no-deps" in source  # never touches Colab's Keras or TensorFlow
    for line in source.splitlines():
        assert len(line) <= 88, line  # the book's limit for code on the site
        assert "import keras" not in line and "tensorflow" not in line


def test_a_change_in_config_makes_the_check_fail(tmp_path):
    """The check compares with _config.yml as it is now, so an edited address fails it."""
    config = tmp_path / "_config.yml"
    text = (ROOT / "_config.yml").read_text()
    url = install_cell.repository()[0]
    config.write_text(text.replace(url, "https://github.com/someone-else/fork"))
    chapter = tmp_path / "chapter.ipynb"
    chapter.write_text((ROOT / "chapters" / "01_default_output.ipynb").read_text())
    assert install_cell.main(["--write", "--config", str(config), str(chapter)]) == 0
    assert install_cell.main(["--check", "--config", str(config), str(chapter)]) == 0
    assert (
        install_cell.main(["--check", str(chapter)]) == 1
    )  # the real _config.yml disagrees
    problems = install_cell.problems(chapter, install_cell.cell_source())
    assert problems and "differs from what _config.yml" in problems[0]


def test_write_inserts_once_as_the_first_code_cell_and_keeps_the_rest(tmp_path):
    chapter = tmp_path / "chapter.ipynb"
    original = nbformat.read(
        ROOT / "chapters" / "01_default_output.ipynb", as_version=4
    )
    nb = nbformat.from_dict(json.loads(json.dumps(original)))
    nb.cells = [c for c in nb.cells if c.get("id") != install_cell.CELL_ID]
    nbformat.write(nb, chapter)
    before = nbformat.read(chapter, as_version=4)
    source = install_cell.cell_source()
    assert install_cell.problems(chapter, source)  # no cell yet
    assert install_cell.write(chapter, source) is True
    assert install_cell.write(chapter, source) is False  # idempotent
    after = nbformat.read(chapter, as_version=4)
    assert len(after.cells) == len(before.cells) + 1
    first_code = next(c for c in after.cells if c.cell_type == "code")
    assert first_code.id == install_cell.CELL_ID and first_code.source == source
    assert first_code.metadata["tags"] == [install_cell.TAG]
    others = [c for c in after.cells if c.get("id") != install_cell.CELL_ID]
    assert [c.source for c in others] == [c.source for c in before.cells]
    assert install_cell.problems(chapter, source) == []


def run_cell(env: dict, cwd: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *options, "-c", install_cell.cell_source()],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cell_prints_nothing_where_lstm_helpers_is_installed(tmp_path):
    """nbval compares the cell's output with the stored one: nothing."""
    env = {
        **os.environ,
        install_cell.SOURCE_VARIABLE: str(tmp_path / "does-not-exist"),
    }
    result = run_cell(env, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_cell_installs_from_the_variable_when_lstm_helpers_is_missing(tmp_path):
    """Where find_spec finds no lstm_helpers, the cell runs pip on the install source.

    ``python -S`` (no site-packages) cannot see the installed lstm_helpers; a stand-in
    ``pip`` package on PYTHONPATH records the call, so nothing is installed here.
    """
    fake = tmp_path / "fake"
    (fake / "pip").mkdir(parents=True)
    (fake / "pip" / "__main__.py").write_text(
        "import json, sys\nopen(sys.argv[0] + '.called', 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    (fake / "pip" / "__init__.py").write_text("")
    env = {
        **os.environ,
        "PYTHONPATH": str(fake),
        install_cell.SOURCE_VARIABLE: "/some/checkout",
    }
    result = run_cell(env, tmp_path, "-S")
    called = list((fake / "pip").glob("*.called"))
    assert result.returncode == 0, result.stderr
    assert called, "pip was not run"
    assert json.loads(called[0].read_text()) == [
        "install",
        "--quiet",
        "--no-deps",
        "/some/checkout",
    ]


def test_the_cell_says_which_keras_releases_the_chapters_are_tested_on():
    from tools.versions import load_pairs

    pairs = load_pairs().pairs
    oldest, newest = (".".join(p.keras.split(".")[:2]) for p in (pairs[0], pairs[-1]))
    assert oldest != newest
    assert f"tested on Keras {oldest} to {newest}." in install_cell.cell_source()
