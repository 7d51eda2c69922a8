"""lstm_helpers.engines: code run on another engine, in a child process.

A child costs seconds to start (it imports its framework), so these tests share one JAX
child (the lightest) and start three more: one after a crash, one for run_on_backends, one
for Keras 2. Running appendix A and chapter 19 under nbval, on every backend, is the rest of
the proof: three engines at once, and Keras 2 next to Keras 3.
"""

from __future__ import annotations

import importlib.util
import json
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from lstm_helpers import engines
from lstm_helpers.engines import (
    BACKENDS,
    BackendRunError,
    Engine,
    run_on_backends,
)

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None,
    reason="the engine tests run a JAX child: pip install -r requirements-backends.txt",
)


@pytest.fixture(scope="module")
def jax_engine():
    with Engine("jax", seed=0) as engine:
        yield engine


# The functions sent to a child use the `keras` and `np` the child gives the code; this
# module never defines `keras`, hence the noqa: F821.
def layer_and_values(x, weights):
    """Runs in the child: a layer's outputs, a list, a str and a number come back."""
    import os
    import sys

    print("a line the parent never sees")
    # A zero recurrent kernel: JAX compiles no QR decomposition for an orthogonal one.
    layer = keras.layers.LSTM(  # noqa: F821
        3, return_sequences=True, return_state=True, recurrent_initializer="zeros"
    )
    return {
        "outputs": list(layer(x)),
        "weights_back": weights,
        "backend": keras.backend.backend(),  # noqa: F821
        "count": len(weights),
        "other_frameworks": [m for m in ("tensorflow", "torch") if sys.modules.get(m)],
        "folder": os.getcwd(),
        "layer_name": layer.name,
        "kernel": layer.get_weights()[0],
    }


def test_a_function_runs_in_the_child_and_numpy_comes_back(jax_engine, capfd):
    x = np.arange(2 * 5 * 4, dtype="float32").reshape(2, 5, 4) / 40
    weights = [np.eye(3, dtype="float32"), np.array([True, False])]
    result = jax_engine.run(layer_and_values, inputs={"x": x, "weights": weights})
    assert str(result["backend"]) == "jax" and list(result["other_frameworks"]) == []
    assert [type(a) for a in result["outputs"]] == [np.ndarray] * 3
    assert [a.shape for a in result["outputs"]] == [(2, 5, 3), (2, 3), (2, 3)]
    assert int(result["count"]) == 2
    assert [a.dtype for a in result["weights_back"]] == [np.float32, np.bool_]
    assert all(np.array_equal(a, b) for a, b in zip(result["weights_back"], weights))
    assert Path(str(result["folder"])).name.startswith("lstm_jax_")
    printed = capfd.readouterr()
    assert "never sees" not in printed.out + printed.err
    # Each run starts as a fresh child does: seeded again, so the same names and weights.
    again = jax_engine.run(layer_and_values, inputs={"x": x, "weights": weights})
    assert str(again["layer_name"]) == str(result["layer_name"]) == "lstm"
    assert np.array_equal(again["kernel"], result["kernel"])


def no_dict():
    return [1, 2]


def test_code_that_raises_comes_back_as_its_type_message_and_line(jax_engine):
    jax_engine.run("leftover = 1\nresults = {}")
    with pytest.raises(BackendRunError) as caught:
        jax_engine.run(
            "assert 'leftover' not in globals()  # a new namespace for every run\n"
            "import sys\n"
            "print('last words', file=sys.stderr)\n"
            "raise ValueError('boom from the child')\n"
        )
    error = caught.value
    assert (
        str(error)
        == "on the jax backend: ValueError: boom from the child (line 4 of the code)"
    )
    assert "Traceback" in error.stderr_tail and "last words" in error.stderr_tail
    assert jax_engine.running  # the child survives the code's exception
    with pytest.raises(BackendRunError, match="the code must set `results` to a dict"):
        jax_engine.run("results = [1, 2]")
    with pytest.raises(BackendRunError, match=r"no_dict\(\) must return a dict"):
        jax_engine.run(no_dict)
    with pytest.raises(BackendRunError, match="halted; None in sys.modules"):
        jax_engine.run("import tensorflow")  # the other engines' frameworks are out


def test_paths_of_this_machine_are_not_in_the_message(jax_engine):
    code = (
        "import os, sysconfig\n"
        "raise FileNotFoundError(sysconfig.get_paths()['purelib'] + '/x.h5 and ' + os.getcwd())"
    )
    with pytest.raises(BackendRunError) as caught:
        jax_engine.run(code)
    assert str(caught.value).endswith(
        "FileNotFoundError: site-packages/x.h5 and <engine folder> (line 2 of the code)"
    )
    assert sysconfig.get_paths()["purelib"] not in str(caught.value)


def test_a_child_that_dies_says_how_and_the_next_run_starts_a_new_one(jax_engine):
    with pytest.raises(BackendRunError) as caught:
        jax_engine.run(
            "import os, sys\nprint('last words', file=sys.stderr, flush=True)\nos._exit(3)"
        )
    assert "exit code 3" in str(caught.value) and "last words" in str(caught.value)
    assert not jax_engine.running
    result = jax_engine.run(
        "import os\nresults = {'two': 1 + 1, 'folder': os.getcwd()}"
    )
    assert int(result["two"]) == 2 and jax_engine.running
    # A parent that dies closes the child's input, as this does: the child cleans up itself.
    folder = Path(str(result["folder"]))
    jax_engine._process.stdin.close()
    assert jax_engine._process.wait(timeout=60) == 0
    assert not folder.exists()


def test_run_on_backends_answers_per_backend_and_stops_its_children():
    code = "import os\nresults = {'backend': keras.backend.backend(), 'folder': os.getcwd()}"
    results = run_on_backends(code, ["jax"], seed=None)
    assert {name: str(r["backend"]) for name, r in results.items()} == {"jax": "jax"}
    assert not Path(str(results["jax"]["folder"])).exists()  # the child was stopped


def test_what_is_not_code_or_not_an_engine_is_refused_before_a_child_starts(
    monkeypatch,
):
    with pytest.raises(TypeError, match="function defined with def"):
        run_on_backends(lambda: {})
    with pytest.raises(TypeError, match="function defined with def, or a str"):
        run_on_backends(3)
    with pytest.raises(ValueError, match=r"expected an engine out of \('tensorflow'"):
        Engine("theano")
    monkeypatch.setitem(engines._MODULES, "jax", "no_such_package_here")
    with pytest.raises(
        ModuleNotFoundError, match="jax engine needs the no_such_package"
    ):
        run_on_backends("results = {}", ["jax"])


@pytest.mark.parametrize(
    "chapter, required",
    [
        ("appendix_a_three_backends.ipynb", set(BACKENDS)),
        ("19_keras2_to_keras3.ipynb", {"tf_keras"}),
    ],
)
def test_the_chapters_with_engines_declare_the_packages_they_need(chapter, required):
    metadata = json.loads((ROOT / "chapters" / chapter).read_text())["metadata"]
    assert set(metadata["lstm_book"]["requires"]) == required


@pytest.mark.skipif(
    importlib.util.find_spec("tf_keras") is None,
    reason="the keras2 engine needs tf_keras: pip install --no-deps -r requirements-keras2.txt",
)
def test_keras2_runs_tf_keras_seeded_afresh_for_every_run(monkeypatch):
    # A notebook on JAX starts the child: it must still get TensorFlow and tf_keras.
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    code = (
        "lstm = keras.layers.LSTM(3)\n"
        "lstm.build((None, 5, 4))\n"
        "results = {'module': keras.__name__, 'name': lstm.name, 'weights': lstm.get_weights()}"
    )
    with Engine("keras2") as keras2:
        first, second = keras2.run(code), keras2.run(code)
        with pytest.raises(BackendRunError) as caught:
            keras2.run("keras.layers.LSTM(3, time_major=True, bad_argument=1)")
    assert str(first["module"]).startswith("tf_keras")
    assert str(first["name"]) == str(second["name"]) == "lstm"
    assert all(
        np.array_equal(a, b) for a, b in zip(first["weights"], second["weights"])
    )
    assert str(caught.value).startswith("on keras2 (tf_keras): TypeError:")
    assert str(caught.value).endswith("(line 1 of the code)")
