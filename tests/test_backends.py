"""lstm_helpers.backends: code run per backend in child processes.

Child processes take seconds each (they import a framework), so the tests that start them are
few and each checks several things.
"""

from __future__ import annotations

import json
from pathlib import Path

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


def test_appendix_a_declares_the_packages_it_needs():
    metadata = json.loads((ROOT / "chapters" / "appendix_a_three_backends.ipynb").read_text())["metadata"]
    assert set(metadata["lstm_book"]["requires"]) == set(BACKENDS)
