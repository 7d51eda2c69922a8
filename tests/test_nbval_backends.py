"""scripts/nbval_backends.py: the nbval pass once per Keras backend (`make test-backends`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_runner():
    path = ROOT / "scripts" / "nbval_backends.py"
    spec = importlib.util.spec_from_file_location("nbval_backends", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


def test_every_requirement_line_is_tagged_with_a_backend_and_jax_and_torch_are_pinned():
    lines = [
        line.strip()
        for line in (ROOT / "requirements-backends.txt").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert lines and all(runner._TAG.search(line) for line in lines), "untagged line(s)"
    jax_lines = runner.requirement_lines("jax")
    assert "jax[cpu]==0.10.2" in jax_lines and "jaxlib==0.10.2" in jax_lines
    torch_lines = runner.requirement_lines("torch")
    included = [line.split(" ", 1)[1] for line in torch_lines if line.startswith("-r ")]
    assert included and all(Path(p).is_absolute() and Path(p).is_file() for p in included)
    assert any("torch==2.13.0" in Path(p).read_text() for p in included)
    assert runner.requirement_lines("tensorflow") == []


@pytest.mark.parametrize(
    ("environment", "flag", "strict"),
    [("true", None, True), ("1", None, True), ("", None, False), ("false", None, False),
     ("", True, True), ("true", False, False)],
)
def test_ci_is_strict(monkeypatch, environment, flag, strict):
    monkeypatch.setenv("CI", environment)
    assert runner.in_ci(flag) is strict


def test_backend_list_is_checked():
    assert runner.parse_backends("jax, torch") == ["jax", "torch"]
    with pytest.raises(Exception, match="comma-separated list out of tensorflow, jax, torch"):
        runner.parse_backends("jax,mxnet")


def test_a_backend_that_cannot_be_installed_is_skipped_locally_and_fails_in_ci(tmp_path, capsys):
    broken = tmp_path / "requirements-broken.txt"
    broken.write_text(f"{tmp_path / 'no-such-file.whl'}  # backend: jax\n")
    args = ["--backends", "jax", "--requirements", str(broken)]
    assert runner.main([*args, "--no-ci"]) == 0
    local = capsys.readouterr().out
    assert "skipped" in local and "jax" in local and "cannot be installed" in local
    assert runner.main([*args, "--ci"]) == 1
    strict = capsys.readouterr().out
    assert "FAILED" in strict and "in CI a backend that cannot be installed fails the run" in strict


def test_a_failing_cell_is_named_with_its_notebook_and_backend(tmp_path, capsys):
    cell = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    notebook = tmp_path / "depends_on_nothing.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), notebook)
    outcome = runner.run_pass("jax", ["-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                                      "--nbval", "--nbval-current-env",
                                      "--rootdir", str(tmp_path), str(notebook)])
    printed = capsys.readouterr().out
    assert "== nbval pass with KERAS_BACKEND=jax" in printed
    assert outcome.status == "FAILED" and "1 failed" in outcome.detail
    assert outcome.failures and "depends_on_nothing.ipynb::Cell 0" in outcome.failures[0]
    runner.report([outcome])
    summary = capsys.readouterr().out
    assert "depends_on_nothing.ipynb::Cell 0" in summary and "[KERAS_BACKEND=jax]" in summary
