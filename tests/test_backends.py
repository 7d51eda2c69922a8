"""lstm_helpers.backends (code run per backend in child processes) and scripts/test_backends.py.

Child processes take seconds each (they import a framework), so the tests that start them are
few and each checks several things.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lstm_helpers import backends
from lstm_helpers.backends import (
    BACKENDS,
    BackendNotInstalled,
    BackendRunError,
    backend_installed,
    installed_backends,
    run_on_backend,
    run_on_backends,
)

ROOT = Path(__file__).resolve().parent.parent


def _load_runner():
    spec = importlib.util.spec_from_file_location("test_backends_runner", ROOT / "scripts" / "test_backends.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


def shapes_and_names(x, weights):
    """Runs in each child: a layer's outputs, a list, a str and a number come back."""
    layer = keras.layers.LSTM(3, return_sequences=True, return_state=True)
    return {
        "outputs": list(layer(x)),
        "weights_back": weights,
        "backend": keras.backend.backend(),
        "count": len(weights),
    }


# The plumbing tests below start children on the engine that starts fastest, unseeded (seeding
# imports TensorFlow on every backend): JAX when it is installed, else TensorFlow.
LIGHTEST = "jax" if backend_installed("jax") else "tensorflow"


def test_a_child_runs_the_function_and_returns_numpy():
    """One child here; appendix A runs all three engines, seeded, under nbval."""
    name = LIGHTEST
    x = np.arange(2 * 5 * 4, dtype="float32").reshape(2, 5, 4) / 40
    weights = [np.eye(3, dtype="float32"), np.array([True, False])]
    results = run_on_backends(shapes_and_names, [name], inputs={"x": x, "weights": weights},
                              seed=None)
    assert list(results) == [name]
    result = results[name]
    assert str(result["backend"]) == name
    assert [type(a) for a in result["outputs"]] == [np.ndarray] * 3
    assert [a.shape for a in result["outputs"]] == [(2, 5, 3), (2, 3), (2, 3)]
    assert int(result["count"]) == 2
    assert [a.dtype for a in result["weights_back"]] == [np.float32, np.bool_]
    assert all(np.array_equal(a, b) for a, b in zip(result["weights_back"], weights))


def test_a_failing_child_raises_with_its_stderr_and_leaks_nothing(capfd):
    code = (
        "import sys\n"
        "print('child stdout line')\n"
        "print('child stderr line', file=sys.stderr)\n"
        "raise ValueError('boom from the child')\n"
    )
    with pytest.raises(BackendRunError) as caught:
        run_on_backend(LIGHTEST, code, seed=None)
    error = caught.value
    assert error.backend == LIGHTEST
    assert f"on the {LIGHTEST} backend" in str(error)
    assert "ValueError: boom from the child" in str(error)
    assert "child stderr line" in error.stderr_tail
    captured = capfd.readouterr()
    assert "child stdout line" not in captured.out + captured.err
    assert "child stderr line" not in captured.out + captured.err


def test_a_child_that_returns_no_dict_or_runs_too_long_is_an_error():
    with pytest.raises(BackendRunError, match="results` to a dict"):
        run_on_backends("results = [1, 2]", [LIGHTEST], seed=None)
    with pytest.raises(BackendRunError, match="did not finish within 0.5 s"):
        run_on_backend(LIGHTEST, "import time\ntime.sleep(60)\nresults = {}", timeout=0.5)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: run_on_backends(3), TypeError, "function or a str"),
        (lambda: run_on_backends(lambda: {}), TypeError, "lambda"),
        (lambda: run_on_backends("def ("), ValueError, "valid Python"),
        (lambda: run_on_backends("results = {}", ["mxnet"]), ValueError, "backend name"),
        (lambda: run_on_backends("results = {}", [1]), TypeError, "backend name"),
        (lambda: run_on_backends("results = {}", "jax"), TypeError, "list of names"),
        (lambda: run_on_backends("results = {}", []), ValueError, "at least one"),
        (lambda: run_on_backends("results = {}", ["jax", "jax"]), ValueError, "each backend once"),
        (lambda: run_on_backends("results = {}", seed=True), TypeError, "seed"),
        (lambda: run_on_backends("results = {}", seed=-1), ValueError, "non-negative"),
        (lambda: run_on_backends("results = {}", timeout=0), ValueError, "positive"),
        (lambda: run_on_backends("results = {}", inputs=[1]), TypeError, "dict of name"),
        (lambda: run_on_backends("results = {}", inputs={"not a name": 1}), ValueError, "identifiers"),
        (lambda: run_on_backends("results = {}", inputs={"__manifest__": 1}), ValueError, "identifiers"),
        (lambda: run_on_backends("results = {}", inputs={"x": object()}), TypeError, r"expected inputs\[.x.\]"),
        (lambda: run_on_backends("results = {}", inputs={"x": [1, object()]}), TypeError, r"expected inputs\[.x.\]"),
        (lambda: run_on_backend("theano", "results = {}"), ValueError, "backend name"),
        (lambda: backend_installed("theano"), ValueError, "backend name"),
        (lambda: backend_installed(None), TypeError, "backend name"),
    ],
)
def test_bad_arguments_are_refused_before_any_child_starts(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_missing_backend_package_is_named(monkeypatch):
    monkeypatch.setattr(backends, "backend_installed", lambda name: name != "jax")
    with pytest.raises(BackendNotInstalled, match=r"jax.*requirements-backends\.txt"):
        run_on_backend("jax", "results = {}")


def test_backend_names_and_installed_order():
    assert BACKENDS == ("tensorflow", "jax", "torch")
    assert installed_backends() == [b for b in BACKENDS if backend_installed(b)]


arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
)
values = st.one_of(arrays, st.lists(arrays, max_size=3))
names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@settings(derandomize=True, database=None, deadline=None, max_examples=50)
@given(payload=st.dictionaries(names, values, max_size=4))
def test_arrays_and_lists_of_arrays_survive_the_trip_to_a_child_and_back(payload, tmp_path_factory):
    path = tmp_path_factory.mktemp("wire") / "payload.npz"
    np.savez(path, **backends._encode(payload, what="inputs"))
    decoded = backends._load(path)
    assert list(decoded) == list(payload)
    for name, value in payload.items():
        if isinstance(value, list):
            assert isinstance(decoded[name], list) and len(decoded[name]) == len(value)
            pairs = zip(decoded[name], value)
        else:
            pairs = [(decoded[name], value)]
        for got, sent in pairs:
            assert got.dtype == sent.dtype and got.shape == sent.shape
            assert np.array_equal(got, sent, equal_nan=True)


# --- scripts/test_backends.py ------------------------------------------------------------------


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


def test_chapter_14_declares_the_packages_it_needs():
    metadata = json.loads((ROOT / "chapters" / "appendix_a_three_backends.ipynb").read_text())["metadata"]
    assert set(metadata["lstm_book"]["requires"]) == set(BACKENDS)


NBVAL_MARKERS = {"NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT", "NBVAL_RAISES_EXCEPTION", "NBVAL_SKIP"}


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.ipynb")), ids=lambda p: p.name)
def test_nbval_markers_are_written_as_nbval_reads_them(path):
    """nbval only honours a comment line that is exactly the marker: in
    ``# NBVAL_IGNORE_OUTPUT: rounding differs``, it sees no marker, compares the cell, and the
    chapter then fails only on another backend or machine. The reason goes on the next line."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    for index, cell in enumerate(cells):
        for line in "".join(cell["source"]).splitlines():
            comment = line.strip()
            if comment.startswith("#") and "NBVAL_" in comment:
                assert comment.lstrip("#").strip() in NBVAL_MARKERS, (
                    f"{path.name} Cell {index}: {comment!r} is not a marker nbval recognises; "
                    "put the marker alone on its line and the reason on the next"
                )
