"""Run Keras code on another engine from one notebook: TensorFlow, JAX, PyTorch or Keras 2.

Keras fixes its backend when it is first imported, so one process cannot build a layer on two
backends, nor be Keras 2 and Keras 3. An :class:`Engine` is a child Python process on one
engine: a backend of :data:`BACKENDS`, or ``"keras2"``, the ``tf-keras`` package on
TensorFlow (with ``TF_USE_LEGACY_KERAS=1``, so the code's ``keras`` is what ``from tensorflow
import keras`` gave a Keras 2 tutorial; it also sees ``tf``).

The code is a ``def`` function (sent as its source, called with ``inputs`` as keyword
arguments) or a string that sets ``results``; either returns a dict of name to array(s) and
sees only ``keras``, ``np``, its inputs and what it imports. What it prints is not shown. Each
run starts as in a fresh process: a new namespace, and Keras cleared and seeded again. A child
runs as an install of its engine alone would: the other frameworks cannot be imported there
(``keras.utils.set_random_seed`` would import TensorFlow on every backend, which imports JAX:
seconds that change nothing the code computes).
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import pickle
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import IO

import numpy as np

from lstm_helpers.errors import _ANSI_ESCAPE

__all__ = ["BACKENDS", "Engine", "run_on_backends"]

BACKENDS: tuple[str, ...] = ("tensorflow", "jax", "torch")
"""Keras 3's backends, each also the name of the package it needs (introduced in appendix A,
Same layer, three engines)."""
_MODULES = {**{name: name for name in BACKENDS}, "keras2": "tf_keras"}
_CODE_FILENAME = "<code sent>"  # a traceback line from it is a line of the code sent
# The child's first lines: its answers get stdout to themselves (print() goes to stderr,
# from the first import on), and the other engines' frameworks cannot be imported there.
_BOOT = """import os, sys
answers = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)
own = "tensorflow" if sys.argv[1] == "keras2" else sys.argv[1]
for other in {"tensorflow", "jax", "torch"} - {own}:
    sys.modules[other] = None
from lstm_helpers.engines import _serve
_serve(answers, *sys.argv[1:])
"""

Code = Callable[..., Mapping[str, object]] | str


class BackendRunError(RuntimeError):
    """The code sent to an engine raised (the message names the engine, the exception and
    its line in the code), or its child died; ``stderr_tail`` ends with its traceback."""

    def __init__(self, engine: str, summary: str, stderr_tail: str = "") -> None:
        self.engine = engine
        self.stderr_tail = stderr_tail
        where = "keras2 (tf_keras)" if engine == "keras2" else f"the {engine} backend"
        super().__init__(f"on {where}: {summary}")


class Engine:
    """A child Python process on one engine, kept running for many snippets of code.

    Introduced in chapter 19 (From Keras 2 to Keras 3): ``keras2 = Engine("keras2")``, then
    ``keras2.run(function, inputs={"x": x})`` in a cell. The child pays its framework's
    import once; a run costs only what the code computes. It ends with :meth:`close` or the
    notebook's kernel; one that died is started again by the next run.

    Parameters
    ----------
    name : {"tensorflow", "jax", "torch", "keras2"}
    seed : int or None
        Seed for every run, as ``setup(seed=...)`` seeds a chapter (``None``: not seeded).

    Raises
    ------
    ValueError, ModuleNotFoundError
        If ``name`` is not an engine, or its package is not installed.
    """

    def __init__(self, name: str, *, seed: int | None = 0) -> None:
        if name not in _MODULES:
            raise ValueError(
                f"expected an engine out of {tuple(_MODULES)}, got {name!r}"
            )
        if importlib.util.find_spec(_MODULES[name]) is None:
            raise ModuleNotFoundError(
                f"the {name} engine needs the {_MODULES[name]} package, which is not "
                "installed here"
            )
        self.name, self.seed = name, seed
        self._process: subprocess.Popen | None = None
        self._stderr: IO[bytes] | None = None
        self._start()

    def run(
        self, code: Code, *, inputs: Mapping[str, object] | None = None
    ) -> dict[str, np.ndarray | list[np.ndarray]]:
        """Run ``code`` in the child with ``inputs``; return what it computed.

        Raises
        ------
        TypeError
            If ``code`` is neither a ``def`` function nor a string.
        BackendRunError
            If the code raised or returned no dict, or the child died.
        """
        self._send(_request(code, inputs))
        return self._receive()

    @property
    def running(self) -> bool:
        """Whether the child process is running now."""
        return self._process is not None and self._process.poll() is None

    def close(self) -> None:
        """Stop the child process; a next :meth:`run` starts a new one."""
        try:
            self._process.stdin.close()  # the child ends at the end of its input
        except BrokenPipeError:
            pass  # it had ended already
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        shutil.rmtree(self._folder, ignore_errors=True)  # if the child could not

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start(self) -> None:
        environment = dict(os.environ, KERAS_BACKEND=self.name)
        environment.pop("TF_USE_LEGACY_KERAS", None)
        if self.name == "keras2":
            # tf_keras runs on TensorFlow; so must the Keras 3 that lstm_helpers imports.
            environment.update(KERAS_BACKEND="tensorflow", TF_USE_LEGACY_KERAS="1")
        # A file, not a pipe: nobody reads the child's stderr while it runs.
        self._stderr = tempfile.TemporaryFile()
        self._stderr_offset = 0
        seed = "" if self.seed is None else str(self.seed)
        # Its own folder, which it removes when it ends: what the code writes lands there,
        # and nothing in it can shadow a module.
        self._folder = tempfile.mkdtemp(prefix=f"lstm_{self.name}_")
        self._process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, self.name, seed],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=environment,
            cwd=self._folder,
        )

    def _send(self, request: tuple[str, str, dict[str, object]]) -> None:
        if not self.running:
            self.close()
            self._start()
        self._stderr.seek(0, os.SEEK_END)
        self._stderr_offset = self._stderr.tell()
        try:
            pickle.dump(request, self._process.stdin)
            self._process.stdin.flush()
        except BrokenPipeError:
            pass  # the child has gone; _receive says how it ended

    def _receive(self) -> dict[str, np.ndarray | list[np.ndarray]]:
        try:
            ok, answer = pickle.load(self._process.stdout)
        except EOFError:
            exit_code = self._process.wait()
            tail = self._stderr_tail()
            raise BackendRunError(
                self.name,
                f"the child process ended with exit code {exit_code} before the code "
                f"finished\nlast lines of its stderr:\n{tail}",
                tail,
            ) from None
        except BaseException:
            # Interrupted while the code runs (Ctrl-C): stop it, so that no late answer is
            # read as the next run's.
            self._process.kill()
            raise
        if not ok:
            raise BackendRunError(self.name, answer, self._stderr_tail())
        return answer

    def _stderr_tail(self, lines: int = 25) -> str:
        self._stderr.seek(self._stderr_offset)
        text = self._stderr.read().decode(errors="replace")
        return "\n".join(text.rstrip().splitlines()[-lines:])


def run_on_backends(
    code: Code,
    backends: Iterable[str] = BACKENDS,
    *,
    inputs: Mapping[str, object] | None = None,
    seed: int | None = 0,
) -> dict[str, dict[str, np.ndarray | list[np.ndarray]]]:
    """Run ``code`` once per backend, all at the same time, each in a fresh child process.

    Introduced in chapter 6 (What goes on top of the LSTM), to show an error only one backend
    raises; appendix A (Same layer, three engines) compares what the backends return.
    ``code``, ``inputs`` and ``seed`` as for :class:`Engine`; the children start together and stop when the call returns.
    Returns ``{backend: {name: array(s)}}`` in the order of ``backends``, or raises the first
    :class:`BackendRunError`.
    """
    request = _request(code, inputs)
    engines: list[Engine] = []
    try:
        engines += [Engine(name, seed=seed) for name in backends]
        for engine in engines:
            engine._send(request)
        return {engine.name: engine._receive() for engine in engines}
    finally:
        for engine in engines:
            engine.close()


def _request(
    code: Code, inputs: Mapping[str, object] | None
) -> tuple[str, str, dict[str, object]]:
    """What a child is sent: the code's source, the function's name (empty for a string of
    code), and the inputs as NumPy arrays."""
    arrays = {name: _arrays(value) for name, value in (inputs or {}).items()}
    if isinstance(code, str):
        return code, "", arrays
    if not inspect.isfunction(code) or code.__name__ == "<lambda>":
        raise TypeError(
            "expected code as a function defined with def, or a str of Python; "
            f"got {type(code).__name__} {getattr(code, '__name__', '')}".rstrip()
        )
    return textwrap.dedent(inspect.getsource(code)), code.__name__, arrays


def _arrays(value: object) -> np.ndarray | list[np.ndarray]:
    """``value`` as a NumPy array (a backend tensor converted), or a list of them."""
    if isinstance(value, (list, tuple)):
        return [_arrays(item) for item in value]  # type: ignore[misc]
    if not isinstance(value, (np.ndarray, np.generic, int, float, bool, str)):
        from lstm_helpers._runtime import keras

        value = keras.ops.convert_to_numpy(value)
    return np.asarray(value)


# --- the child -----------------------------------------------------------------------------


def _serve(answers: IO[bytes], engine: str, seed: str) -> None:
    """A child's life: run each request read from stdin and write its answer to
    ``answers``, until stdin ends (the parent closed it, or died); then remove its folder."""
    from lstm_helpers._runtime import keras, native_stderr_silenced

    names = {"keras": keras, "np": np}
    if engine == "keras2":
        with native_stderr_silenced():
            import tensorflow as tf

            tf.keras.layers  # noqa: B018  (the lazy module loads here, under the silencer)
        names.update(keras=tf.keras, tf=tf)
    try:
        while True:
            try:
                request = pickle.load(sys.stdin.buffer)
            except EOFError:
                return
            pickle.dump(_child_run(engine, names, seed, *request), answers)
            answers.flush()
    finally:
        folder = os.getcwd()
        os.chdir(tempfile.gettempdir())
        shutil.rmtree(folder, ignore_errors=True)


def _child_run(
    engine: str, names: dict, seed: str, source: str, function: str, inputs: dict
) -> tuple[bool, object]:
    """``(True, results)``, or ``(False, "Type: message (line N of the code)")``."""
    try:
        if seed and engine == "keras2":
            import tf_keras

            tf_keras.backend.clear_session()  # as setup() does for Keras 3
            tf_keras.utils.set_random_seed(int(seed))
        elif seed:
            from lstm_helpers.session import setup

            setup(seed=int(seed))
        namespace = {"__name__": "__engine__", **names}
        if not function:
            namespace.update(inputs)
        exec(compile(source, _CODE_FILENAME, "exec"), namespace)
        if function:
            results, what = namespace[function](**inputs), f"{function}() must return"
        else:
            results, what = namespace.get("results"), "the code must set `results` to"
        if not isinstance(results, Mapping):
            raise TypeError(
                f"{what} a dict of name to array(s), got {type(results).__name__}"
            )
        return True, {name: _arrays(value) for name, value in results.items()}
    except Exception as error:  # noqa: BLE001  (every failure of the code goes back)
        traceback.print_exc()  # into the child's stderr, which the parent keeps
        lines = [
            frame.lineno
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename == _CODE_FILENAME
        ]
        where = f" (line {lines[-1]} of the code)" if lines else ""
        message = _ANSI_ESCAPE.sub("", str(error))
        for path, shown in (
            (os.getcwd(), "<engine folder>"),
            (sysconfig.get_paths()["purelib"], "site-packages"),
        ):
            message = message.replace(path, shown)
        return False, f"{type(error).__name__}: {message}{where}"
