"""A notebook that declares a package the machine lacks is skipped, and the run says why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def test_a_notebook_needing_a_missing_package_is_skipped_with_the_reason(tmp_path):
    cell = nbformat.v4.new_code_cell("print(1)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["lstm_book"] = {"requires": ["no_such_package_here"]}
    nbformat.write(notebook, tmp_path / "needs_it.ipynb")

    result = subprocess.run(
        # The repository's conftest.py, loaded as a plugin: the notebook lives outside the repo.
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider",
         "-p", "no:hypothesispytest", "--nbval", "--nbval-current-env", "needs_it.ipynb"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert ("SKIPPED CHAPTER: needs_it.ipynb needs no_such_package_here, which is not installed "
            "(install requirements-backends.txt to run it)") in result.stdout
