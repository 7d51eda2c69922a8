"""tools/nbval_backends.py: the nbval pass once per Keras backend (`make test-backends`)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools import nbval_backends as runner
from tools.book import ROOT


def test_every_requirement_line_is_tagged_with_a_backend_and_jax_and_torch_are_pinned():
    lines = [
        line.strip()
        for line in (ROOT / "requirements-backends.txt").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert lines and all(runner._TAG.search(line) for line in lines), (
        "untagged line(s)"
    )
    jax_lines = runner.requirement_lines("jax")
    assert "jax[cpu]==0.10.2" in jax_lines and "jaxlib==0.10.2" in jax_lines
    torch_lines = runner.requirement_lines("torch")
    included = [
        line.split(" ", 1)[1] for line in torch_lines if line.startswith("-r ")
    ]
    assert included and all(
        Path(p).is_absolute() and Path(p).is_file() for p in included
    )
    assert any("torch==2.13.0" in Path(p).read_text() for p in included)
    assert runner.requirement_lines("tensorflow") == []


@pytest.mark.parametrize(
    ("environment", "flag", "strict"),
    [
        ("true", None, True),
        ("1", None, True),
        ("", None, False),
        ("false", None, False),
        ("", True, True),
        ("true", False, False),
    ],
)
def test_ci_is_strict(monkeypatch, environment, flag, strict):
    monkeypatch.setenv("CI", environment)
    assert runner.in_ci(flag) is strict


def test_backend_list_is_checked():
    assert runner.parse_backends("jax, torch") == ["jax", "torch"]
    with pytest.raises(
        Exception, match="comma-separated list out of tensorflow, jax, torch"
    ):
        runner.parse_backends("jax,mxnet")


def test_a_backend_that_cannot_be_installed_is_skipped_locally_and_fails_in_ci(
    tmp_path, capsys, monkeypatch
):
    broken = tmp_path / "requirements-broken.txt"
    broken.write_text(f"{tmp_path / 'no-such-file.whl'}  # backend: jax\n")
    problem = runner.install("jax", broken)  # pip itself, once
    assert problem.startswith("pip could not install it (exit code 1)")
    monkeypatch.setattr(runner, "install", lambda backend, requirements: problem)
    args = ["--backends", "jax", "--requirements", str(broken)]
    assert runner.main([*args, "--no-ci"]) == 0
    local = capsys.readouterr().out
    assert "skipped" in local and "jax" in local and "cannot be installed" in local
    assert runner.main([*args, "--ci"]) == 1
    strict = capsys.readouterr().out
    assert (
        "FAILED" in strict
        and "in CI a backend that cannot be installed fails the run" in strict
    )


def _notebook(
    path: Path, cells: list[tuple[str, str]], requires: list[str] | None = None
) -> None:
    """A notebook whose code cells print the stored text given with them."""
    code_cells = []
    for count, (source, printed) in enumerate(cells, start=1):
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        if printed:
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text=printed)
            ]
        code_cells.append(cell)
    notebook = nbformat.v4.new_notebook(cells=code_cells)
    if requires:
        notebook.metadata["lstm_book"] = {"requires": requires}
    nbformat.write(notebook, path)


def test_one_pass_names_failures_by_notebook_and_backend_skips_what_it_cannot_run_forked_warm(
    tmp_path, capsys, monkeypatch
):
    """One nbval run through this repository's conftest.py, the way `make test` runs chapters.

    A wrong output and a kernel that dies in a cell both fail, named by notebook, cell and
    backend; a notebook needing a missing module is skipped, saying which file installs it;
    the kernels were forked warm (WARM_KERNELS=1 fails the run if any was not).
    """
    _notebook(tmp_path / "passes.ipynb", [("print(1 + 1)", "2\n")])
    _notebook(tmp_path / "wrong_output.ipynb", [("print(1 + 1)", "3\n")])
    _notebook(
        tmp_path / "kills_its_kernel.ipynb",
        [
            ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", ""),
            ("print(1)", "1\n"),
        ],
    )
    _notebook(
        tmp_path / "needs_it.ipynb",
        [("print(1)", "1\n")],
        requires=["no_such_package_here"],
    )
    monkeypatch.setenv("WARM_KERNELS", "1")
    monkeypatch.setenv(
        "WARM_KERNELS_PRELOAD", "ipykernel.kernelapp"
    )  # what matters is the fork
    outcome = runner.run_pass(
        "jax",
        [
            "-p",
            "conftest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-cell-timeout=1",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
    )
    printed = capsys.readouterr().out
    assert (
        "== nbval pass with KERAS_BACKEND=jax" in printed
        and "Keras backend: jax" in printed
    )
    # The dead kernel's cell times out; nbval then marks the cells after it as xfailed.
    assert (
        outcome.status == "FAILED"
        and outcome.detail == "2 failed, 1 passed, 1 skipped, 1 xfailed"
    )
    failed = sorted(failure.rsplit("/", 1)[-1] for failure in outcome.failures)
    assert failed == ["kills_its_kernel.ipynb::Cell 0", "wrong_output.ipynb::Cell 0"]
    assert (
        "SKIPPED CHAPTER: needs_it.ipynb needs no_such_package_here, which is not installed"
        in printed
    )
    assert "notebook kernels: 3 forked warm, 0 started fresh" in printed
    assert outcome.kernels == "3 forked warm, 0 started fresh"
    runner.report([outcome])
    summary = capsys.readouterr().out
    assert "wrong_output.ipynb::Cell 0   [KERAS_BACKEND=jax]" in summary, summary
