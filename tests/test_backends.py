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
    ENGINES,
    KERAS2,
    BackendNotInstalled,
    BackendRunError,
    Engine,
    backend_installed,
    installed_backends,
    run_on_backend,
    run_on_backends,
)

ROOT = Path(__file__).resolve().parent.parent


# The functions sent to a child use the `keras` and `np` that the child gives the code
# (lstm_helpers.backends); this module never defines `keras`, hence the noqa: F821.
def shapes_and_names(x, weights):
    """Runs in each child: a layer's outputs, a list, a str and a number come back."""
    layer = keras.layers.LSTM(3, return_sequences=True, return_state=True)  # noqa: F821
    return {
        "outputs": list(layer(x)),
        "weights_back": weights,
        "backend": keras.backend.backend(),  # noqa: F821
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
    results = run_on_backends(
        shapes_and_names, [name], inputs={"x": x, "weights": weights}, seed=None
    )
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
        run_on_backend(
            LIGHTEST, "import time\ntime.sleep(60)\nresults = {}", timeout=0.5
        )


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: run_on_backends(3), TypeError, "function or a str"),
        (lambda: run_on_backends(lambda: {}), TypeError, "lambda"),
        (lambda: run_on_backends("def ("), ValueError, "valid Python"),
        (
            lambda: run_on_backends("results = {}", ["mxnet"]),
            ValueError,
            "backend name",
        ),
        (lambda: run_on_backends("results = {}", [1]), TypeError, "backend name"),
        (lambda: run_on_backends("results = {}", "jax"), TypeError, "list of names"),
        (lambda: run_on_backends("results = {}", []), ValueError, "at least one"),
        (
            lambda: run_on_backends("results = {}", ["jax", "jax"]),
            ValueError,
            "each backend once",
        ),
        (lambda: run_on_backends("results = {}", seed=True), TypeError, "seed"),
        (lambda: run_on_backends("results = {}", seed=-1), ValueError, "at least 0"),
        (lambda: run_on_backends("results = {}", timeout=0), ValueError, "positive"),
        (
            lambda: run_on_backends("results = {}", inputs=[1]),
            TypeError,
            "dict of name",
        ),
        (
            lambda: run_on_backends("results = {}", inputs={"not a name": 1}),
            ValueError,
            "identifiers",
        ),
        (
            lambda: run_on_backends("results = {}", inputs={"__manifest__": 1}),
            ValueError,
            "identifiers",
        ),
        (
            lambda: run_on_backends("results = {}", inputs={"x": object()}),
            TypeError,
            r"expected inputs\[.x.\]",
        ),
        (
            lambda: run_on_backends("results = {}", inputs={"x": [1, object()]}),
            TypeError,
            r"expected inputs\[.x.\]",
        ),
        (lambda: run_on_backend("theano", "results = {}"), ValueError, "backend name"),
        (lambda: backend_installed("theano"), ValueError, "backend name"),
        (lambda: backend_installed(None), TypeError, "backend name"),
        (lambda: run_on_backend("keras3", "results = {}"), ValueError, "keras2"),
        (lambda: Engine("keras3"), ValueError, "backend name"),
        (lambda: Engine(2), TypeError, "backend name"),
        (lambda: Engine(LIGHTEST, seed=1.5), TypeError, "seed"),
        (lambda: Engine(LIGHTEST, timeout=-1), ValueError, "timeout"),
    ],
)
def test_bad_arguments_are_refused_before_any_child_starts(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_missing_backend_package_is_named(monkeypatch):
    monkeypatch.setattr(
        backends, "backend_installed", lambda name: name not in ("jax", KERAS2)
    )
    with pytest.raises(BackendNotInstalled, match=r"jax.*requirements-backends\.txt"):
        run_on_backend("jax", "results = {}")
    # tf-keras depends on `tensorflow`, the project has tensorflow-cpu: --no-deps, or pip
    # installs a second TensorFlow.
    with pytest.raises(
        BackendNotInstalled, match=r"tf_keras.*--no-deps -r requirements-keras2\.txt"
    ):
        Engine(KERAS2)


def test_backend_names_and_installed_order():
    assert BACKENDS == ("tensorflow", "jax", "torch")
    assert ENGINES == (*BACKENDS, "keras2")
    assert installed_backends() == [b for b in BACKENDS if backend_installed(b)]


arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
)
values = st.one_of(arrays, st.lists(arrays, max_size=3))
names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@settings(derandomize=True, database=None, deadline=None, max_examples=50)
@given(payload=st.dictionaries(names, values, max_size=4))
def test_arrays_and_lists_of_arrays_survive_the_trip_to_a_child_and_back(
    payload, tmp_path_factory
):
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


def test_names_that_np_savez_takes_for_its_own_arguments_survive_too(tmp_path):
    path = tmp_path / "payload.npz"
    np.savez(
        path,
        **backends._encode(
            {"file": 1, "allow_pickle": [2.0], "args": "x"}, what="results"
        ),
    )
    decoded = backends._load(path)
    assert int(decoded["file"]) == 1 and float(decoded["allow_pickle"][0]) == 2.0
    assert str(decoded["args"]) == "x"


def test_appendix_a_declares_the_packages_it_needs():
    metadata = json.loads(
        (ROOT / "chapters" / "appendix_a_three_backends.ipynb").read_text()
    )["metadata"]
    assert set(metadata["lstm_book"]["requires"]) == set(BACKENDS)


# --- Keras 2 (tf_keras) and engines kept running ------------------------------------------------

needs_keras2 = pytest.mark.skipif(
    not backend_installed(KERAS2),
    reason="the keras2 engine needs tf_keras: pip install --no-deps -r requirements-keras2.txt",
)


@pytest.fixture(scope="module")
def keras2():
    """One Keras 2 child for the tests below (starting one imports TensorFlow: seconds)."""
    with Engine(KERAS2) as engine:
        yield engine


def keras2_lstm(x):
    """Runs in the Keras 2 child: which Keras it is, and an LSTM's weights and outputs."""
    import os

    import tf_keras

    lstm = keras.layers.LSTM(3, return_sequences=True, return_state=True)  # noqa: F821
    returned = lstm(x)
    return {
        "keras_module": keras.__name__,  # noqa: F821
        "tf_keras_version": tf_keras.__version__,
        "keras_backend_env": os.environ["KERAS_BACKEND"],
        "container": type(returned).__name__,
        "layer_name": lstm.name,
        "outputs": list(returned),
        "weights": lstm.get_weights(),
    }


@needs_keras2
def test_keras2_runs_tf_keras_on_tensorflow_whatever_the_notebook_backend(
    monkeypatch, keras2
):
    # A notebook on JAX starts the child: it must still get TensorFlow and tf_keras.
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    x = np.linspace(-1, 1, 2 * 5 * 4, dtype="float32").reshape(2, 5, 4)
    fresh = run_on_backend(KERAS2, keras2_lstm, inputs={"x": x})
    assert str(fresh["keras_module"]).startswith("tf_keras")
    assert str(fresh["tf_keras_version"]) == "2.21.0"
    assert str(fresh["keras_backend_env"]) == "tensorflow"
    assert str(fresh["container"]) == "list"  # Keras 3 returns a tuple
    assert [a.shape for a in fresh["outputs"]] == [(2, 5, 3), (2, 3), (2, 3)]
    # Keras 2's numbers are an LSTM's: NumPy's reference, from the weights it drew, agrees.
    from lstm_helpers import lstm_forward

    reference = lstm_forward(x, *fresh["weights"])
    assert all(
        np.allclose(a, b, atol=1e-5) for a, b in zip(fresh["outputs"], reference)
    )
    # An Engine's runs start as a fresh child does: same seed, same names, same weights,
    # however many runs came before.
    for _ in range(2):
        kept = keras2.run(keras2_lstm, inputs={"x": x})
        assert str(kept["layer_name"]) == str(fresh["layer_name"]) == "lstm"
        assert all(
            np.array_equal(a, b) for a, b in zip(kept["weights"], fresh["weights"])
        )


@needs_keras2
def test_keras2_code_that_raises_comes_back_as_type_and_message(keras2):
    keras2.run("leftover = 1\nresults = {}")
    with pytest.raises(BackendRunError) as caught:
        keras2.run(
            "assert 'leftover' not in globals()\n"
            "model = keras.Sequential([keras.Input((5, 4)),\n"
            "                          keras.layers.LSTM(3, return_state=True)])\n"
            "results = {}\n"
        )
    error = caught.value
    assert error.backend == KERAS2
    assert error.error_type == "ValueError"
    assert error.error_message.startswith(
        "All layers in a Sequential model should have a single output tensor."
    )
    assert "(line 2 of the code)" in str(error)
    assert "Traceback" in error.stderr_tail and "Traceback" not in str(error)
    assert keras2.running  # the child survives the code's exception


@needs_keras2
def test_paths_of_this_machine_are_not_in_the_message(keras2):
    import sysconfig

    code = (
        "import sysconfig, os\n"
        "raise FileNotFoundError(sysconfig.get_paths()['purelib'] + '/x.h5 and ' + os.getcwd())\n"
    )
    with pytest.raises(BackendRunError) as caught:
        keras2.run(code)
    message = caught.value.error_message
    assert message == "site-packages/x.h5 and <engine folder>"
    assert sysconfig.get_paths()["purelib"] not in str(caught.value)


def test_an_engine_whose_child_dies_says_how_and_starts_again():
    with Engine(LIGHTEST, seed=None) as engine:
        assert engine.running
        with pytest.raises(BackendRunError) as caught:
            engine.run(
                "import os, sys\nprint('last words', file=sys.stderr, flush=True)\n"
                "os._exit(3)\n"
            )
        error = caught.value
        assert error.exit_code == 3 and error.error_type == ""
        assert "exit code 3" in str(error) and "last words" in str(error)
        assert not engine.running
        assert int(engine.run("results = {'two': 1 + 1}")["two"]) == 2  # a new child
        with pytest.raises(TypeError, match="dict of name"):
            engine.run("results = {}", inputs=[1])
    assert not engine.running
    with pytest.raises(ValueError, match="closed"):
        engine.run("results = {}")


def test_a_parent_that_dies_leaves_no_engine_folder_behind(tmp_path):
    """A notebook kernel can end without its exit handlers: the child must clean up itself."""
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import os\n"
        "from lstm_helpers import Engine\n"
        f"engine = Engine({LIGHTEST!r}, seed=None)\n"
        "print(engine._child.folder, int(engine.run('results = {\"one\": 1}')['one']), flush=True)\n"
        "os._exit(0)\n"
    )
    printed = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    folder = Path(printed[0])
    assert printed[1] == "1" and folder.name.startswith(f"lstm_{LIGHTEST}_")
    deadline = time.monotonic() + 60
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not folder.exists()


def test_chapter_19_declares_that_it_needs_tf_keras():
    chapter = ROOT / "chapters" / "19_keras2_to_keras3.ipynb"
    metadata = json.loads(chapter.read_text())["metadata"]
    assert metadata["lstm_book"]["requires"] == ["tf_keras"]
