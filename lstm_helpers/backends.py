"""Run Keras code on another engine from one notebook: TensorFlow, JAX, PyTorch, or Keras 2.

Keras fixes its backend when it is first imported (``KERAS_BACKEND``), so one process cannot
build a layer on two backends, and a Keras 3 process cannot be a Keras 2 one either. This
module runs a short code snippet in a child Python process per *engine* and hands back what it
computed as NumPy arrays. The engines (:data:`ENGINES`) are

* the three Keras 3 backends of :data:`BACKENDS`, ``"tensorflow"``, ``"jax"`` and ``"torch"``
  (the child runs with ``KERAS_BACKEND`` set to that name), and
* ``"keras2"``: Keras 2, the ``tf-keras`` package (``requirements-keras2.txt``). Its child runs
  with ``TF_USE_LEGACY_KERAS=1``, which makes TensorFlow's ``tf.keras`` resolve to ``tf_keras``,
  and with ``KERAS_BACKEND=tensorflow`` whatever the notebook's backend is. There the code's
  ``keras`` *is* that ``tf.keras``: what ``from tensorflow import keras`` gave a Keras 2
  tutorial. The code also sees ``tf`` (TensorFlow) there.

:func:`run_on_backends` starts one fresh child per engine, all at the same time, and stops
them when it returns. :class:`Engine` keeps one child running for many snippets, which a
chapter that compares Keras 2 with Keras 3 cell by cell needs: a child costs seconds to start
(it imports its framework), a snippet after that only what it computes. Each snippet starts as
in a fresh child: a new namespace, and ``setup(seed=seed)`` again (Keras's session cleared, so
layer names start again at ``lstm``, ``lstm_1``, ...). Children import :mod:`lstm_helpers` first
(so TensorFlow's start-up lines stay out, exactly as in a chapter) and keep their stdout and
stderr to themselves.

The code is a function, or a string of code:

* a **function** is sent as its source (so it must be defined in a file or a notebook cell,
  not be a lambda) and called in the child with ``inputs`` as keyword arguments; it returns a
  dict of name to array(s). Inside it, use only its arguments, ``keras``, ``np`` and what it
  imports itself: the notebook's other names do not exist in the child::

      def last_state(x):
          return {"h": keras.layers.LSTM(10)(x)}

      run_on_backends(last_state, inputs={"x": x})["jax"]["h"].shape   # (batch, 10)

* a **string** runs with ``keras``, ``np`` and the ``inputs`` as global names, and leaves its
  answer in a dict named ``results``.

A returned value is an array (a backend tensor is converted with
``keras.ops.convert_to_numpy``), a number, a string, or a list/tuple of arrays (it comes back
as a list of arrays). ``inputs`` takes the same kinds of value. What the code prints is not
shown anywhere (a notebook stores no output it did not ask for); return it instead: a type's
name, a shape as a ``str``, an error message.

When it goes wrong, the caller gets a :class:`BackendRunError`:

* the code raised: the exception's type and message (paths of this machine replaced), and the
  line of the code it came from, e.g. ``on keras2 (tf_keras): ValueError: ... (line 3 of the
  code)``;
* the child died (a crash, ``os._exit``): its exit code and the end of its stderr;
* it ran longer than ``timeout``: the child is killed, and the end of its stderr is shown.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers import _checks

__all__ = [
    "BACKENDS",
    "ENGINES",
    "KERAS2",
    "BackendRunError",
    "BackendNotInstalled",
    "Engine",
    "backend_installed",
    "installed_backends",
    "run_on_backend",
    "run_on_backends",
]

BACKENDS: tuple[str, ...] = ("tensorflow", "jax", "torch")
KERAS2 = "keras2"
ENGINES: tuple[str, ...] = (*BACKENDS, KERAS2)
# The module each engine imports; it is what its requirements file adds.
_ENGINE_PACKAGES = {
    "tensorflow": "tensorflow",
    "jax": "jax",
    "torch": "torch",
    KERAS2: "tf_keras",
}
_INSTALL_COMMANDS = {
    "tensorflow": "pip install -r requirements.txt",
    "jax": "pip install -r requirements-backends.txt",
    "torch": "pip install -r requirements-backends.txt",
    # tf-keras depends on `tensorflow`; requirements.txt has `tensorflow-cpu`, the same module.
    KERAS2: "pip install --no-deps -r requirements-keras2.txt",
}
_MANIFEST = "__manifest__"
# Every entry of the .npz is named with this prefix: np.savez takes the entries as keyword
# arguments, so an unprefixed result named "file" or "allow_pickle" would be taken for its own.
_ENTRY = "v."
_STDERR_TAIL_LINES = 25
_POLL_SECONDS = 0.02
DEFAULT_TIMEOUT_SECONDS = 300.0
_ROOT = Path(__file__).resolve().parent.parent
# The file name the code is compiled under in the child: a traceback line from it is a line
# of the code sent, and it names no path of this machine.
_CODE_FILENAME = "<code sent>"


class BackendRunError(RuntimeError):
    """Code sent to an engine raised, its child process died, or it did not finish in time.

    Attributes
    ----------
    backend : str
        The engine the child ran, one of :data:`ENGINES`.
    error_type : str
        The class name of the exception the code raised, e.g. ``"ValueError"``; empty if the
        child died or timed out.
    error_message : str
        That exception's message, with this machine's paths replaced; empty otherwise.
    exit_code : int or None
        The child's exit code if it ended before the code finished, else ``None``.
    stderr_tail : str
        The last lines the child wrote to stderr during this run (a traceback, usually).
    """

    def __init__(
        self,
        backend: str,
        summary: str,
        stderr_tail: str,
        *,
        error_type: str = "",
        error_message: str = "",
        exit_code: int | None = None,
    ) -> None:
        self.backend = backend
        self.stderr_tail = stderr_tail
        self.error_type = error_type
        self.error_message = error_message
        self.exit_code = exit_code
        message = f"on {_engine_label(backend)}: {summary}"
        # A Python exception from the code says what went wrong by itself; its traceback has
        # this machine's paths in it, so it stays in stderr_tail.
        if not error_type and stderr_tail.strip():
            message += "\nlast lines of its stderr:\n" + stderr_tail
        super().__init__(message)


class BackendNotInstalled(ImportError):
    """The package an engine needs (``tensorflow``, ``jax``, ``torch``, ``tf_keras``) is missing."""


def backend_installed(backend: str) -> bool:
    """Whether the package of ``backend`` (an engine of :data:`ENGINES`) can be imported here.

    ``"keras2"`` needs ``tf_keras`` (``pip install --no-deps -r requirements-keras2.txt``).

    Raises
    ------
    TypeError, ValueError
        If ``backend`` is not one of :data:`ENGINES`.
    """
    _check_backend(backend)
    return importlib.util.find_spec(_ENGINE_PACKAGES[backend]) is not None


def installed_backends() -> list[str]:
    """The Keras 3 backends of :data:`BACKENDS` whose package is installed here, in that order."""
    return [backend for backend in BACKENDS if backend_installed(backend)]


Code = Callable[..., Mapping[str, object]] | str


def run_on_backend(
    backend: str,
    code: Code,
    *,
    inputs: Mapping[str, object] | None = None,
    seed: int | None = 0,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> dict[str, np.ndarray | list[np.ndarray]]:
    """Run ``code`` once, in a fresh child process on ``backend``; return what it computed.

    Parameters
    ----------
    backend : {"tensorflow", "jax", "torch", "keras2"}
        A Keras 3 backend, or ``"keras2"``: Keras 2 (``tf_keras``) on TensorFlow.
    code : function or str
        A function, called with ``inputs`` as keyword arguments, that returns a dict of name to
        array(s); or a string of Python that sets such a dict as ``results``. Either sees
        ``keras`` (Keras 2's on ``"keras2"``, which also gives ``tf``) and ``np``.
    inputs : mapping of str to array-like or list of array-like, optional
        Arrays handed to the code under these names (e.g. ``x``, ``weights``).
    seed : int or None
        The child seeds Keras with it before the code, as a chapter does with
        ``setup(seed=...)`` (``None`` skips it).
    timeout : float
        Seconds to wait for the child, its start included.

    Returns
    -------
    dict
        What the code returned, each value a NumPy array or a list of them.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names what was expected.
    BackendNotInstalled
        If the engine's package is not installed.
    BackendRunError
        If the code raised, returned no dict, the child died, or it timed out.
    """
    return run_on_backends(code, [backend], inputs=inputs, seed=seed, timeout=timeout)[
        backend
    ]


def run_on_backends(
    code: Code,
    backends: Iterable[str] = BACKENDS,
    *,
    inputs: Mapping[str, object] | None = None,
    seed: int | None = 0,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> dict[str, dict[str, np.ndarray | list[np.ndarray]]]:
    """Run ``code`` once per engine, all at the same time, each in a fresh child process.

    See :func:`run_on_backend` for the parameters. The children start together (each spends
    most of its time importing its framework, which overlaps well), and the call returns when
    the last one is done; the children are stopped then. If any failed, the first failure (in
    the order of ``backends``) is raised as :class:`BackendRunError`, after every child has
    finished.

    Returns
    -------
    dict
        ``{backend: {name: array or list of arrays}}``, in the order of ``backends``.
    """
    source, function_name = _source_of(code)
    names = _check_arguments(backends, seed, timeout)
    encoded_inputs = _encode(inputs if inputs is not None else {}, what="inputs")
    _require_installed(names)
    engines = [Engine(name, seed=seed, timeout=timeout) for name in names]
    outcomes: dict[
        str, dict[str, np.ndarray | list[np.ndarray]] | BackendRunError
    ] = {}
    try:
        requests = [
            engine._submit(source, function_name, encoded_inputs) for engine in engines
        ]
        deadline = time.monotonic() + timeout
        for engine, request in zip(engines, requests):
            outcomes[engine.name] = engine._collect(request, deadline)
    finally:
        # Also when interrupted (Ctrl-C in the notebook): leave no child running behind.
        for engine in engines:
            engine.close()
    for name in names:
        if isinstance(outcomes[name], BackendRunError):
            raise outcomes[name]
    return {name: outcomes[name] for name in names}  # type: ignore[misc]


class Engine:
    """One child process on one engine, kept running for many snippets of code.

    A chapter that runs Keras 2 code cell after cell next to Keras 3 starts one of these
    (``keras2 = Engine("keras2")``) and calls :meth:`run` in each cell. The child starts at
    once, in the background, and pays its framework's import once; each run after that costs
    only what the code computes. A run behaves as :func:`run_on_backend` in a fresh process
    would: a new namespace for the code, and with a ``seed`` Keras is seeded again (and its
    session cleared) before it, so no run sees what an earlier one built.

    The child ends with :meth:`close`, at the end of a ``with`` block, when this object is
    garbage-collected, or when the notebook's kernel ends (the child then reads the end of its
    input and exits). A child that died or timed out is started again by the next run.

    Parameters
    ----------
    name : {"tensorflow", "jax", "torch", "keras2"}
    seed : int or None
        Seed for every run (``None``: not seeded).
    timeout : float
        Seconds one run may take (the child's start included, for the first run).

    Raises
    ------
    TypeError, ValueError
        For a bad argument.
    BackendNotInstalled
        If the engine's package is not installed.
    """

    def __init__(
        self,
        name: str,
        *,
        seed: int | None = 0,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        (name,) = _check_arguments([name], seed, timeout)
        _require_installed([name])
        self.name = name
        self.seed = seed
        self.timeout = float(timeout)
        self._child = _Child(name, seed)
        # Stops the child and removes its folder once, whichever comes first: close(), the
        # object's collection, or the interpreter's exit.
        self._stop = weakref.finalize(self, self._child.stop)
        self._child.start()

    def run(
        self, code: Code, *, inputs: Mapping[str, object] | None = None
    ) -> dict[str, np.ndarray | list[np.ndarray]]:
        """Run ``code`` in this engine's child; return what it computed.

        ``code`` and ``inputs`` are as for :func:`run_on_backend`.

        Raises
        ------
        TypeError, ValueError
            For bad code or inputs, or if the engine was closed.
        BackendRunError
            If the code raised, returned no dict, the child died, or it timed out.
        """
        source, function_name = _source_of(code)
        encoded_inputs = _encode(inputs if inputs is not None else {}, what="inputs")
        request = self._submit(source, function_name, encoded_inputs)
        outcome = self._collect(request, time.monotonic() + self.timeout)
        if isinstance(outcome, BackendRunError):
            # Raised here, not deep in the plumbing: a notebook's traceback stays two frames.
            raise outcome
        return outcome

    @property
    def running(self) -> bool:
        """Whether the child process is running now."""
        return self._stop.alive and self._child.alive()

    def close(self) -> None:
        """Stop the child process (a no-op if it was stopped already)."""
        self._stop()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = (
            "running"
            if self.running
            else ("closed" if not self._stop.alive else "stopped")
        )
        return f"Engine({self.name!r}, seed={self.seed!r}, {state})"

    # The two halves of run(), separate so that run_on_backends can start every engine's code
    # before it waits for the first.

    def _submit(
        self, source: str, function_name: str, encoded_inputs: dict[str, np.ndarray]
    ) -> _Request:
        if not self._stop.alive:
            raise ValueError(
                f"this {self.name} Engine was closed; create a new one to run code"
            )
        child = self._child
        if not child.alive():
            child.start()
        child.runs += 1
        folder = child.folder / f"run_{child.runs}"
        folder.mkdir()
        (folder / "code.txt").write_text(source)
        (folder / "function.txt").write_text(function_name)
        np.savez(folder / "inputs.npz", **encoded_inputs)
        request = _Request(folder, child.stderr_size())
        try:
            assert child.process is not None and child.process.stdin is not None
            child.process.stdin.write(f"{folder.name}\n".encode())
            child.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the child has gone; _collect reports how it ended
        return request

    def _collect(
        self, request: _Request, deadline: float
    ) -> dict[str, np.ndarray | list[np.ndarray]] | BackendRunError:
        """What the run returned, or the :class:`BackendRunError` that says why it did not."""
        child = self._child
        status = request.folder / "status.json"
        try:
            while not status.exists():
                exit_code = child.process.poll() if child.process is not None else -1
                if exit_code is not None and not status.exists():
                    return BackendRunError(
                        self.name,
                        f"the child process ended with exit code {exit_code} before the code "
                        "finished",
                        child.stderr_tail(request.stderr_offset),
                        exit_code=exit_code,
                    )
                if time.monotonic() >= deadline:
                    child.kill()
                    return BackendRunError(
                        self.name,
                        f"the child did not finish within {self.timeout:g} s",
                        child.stderr_tail(request.stderr_offset),
                    )
                time.sleep(_POLL_SECONDS)
            report = json.loads(status.read_text())
            if not report["ok"]:
                where = (
                    f" (line {report['line']} of the code)" if report["line"] else ""
                )
                return BackendRunError(
                    self.name,
                    f"{report['type']}: {report['message']}{where}",
                    child.stderr_tail(request.stderr_offset),
                    error_type=report["type"],
                    error_message=report["message"],
                )
            return _load(request.folder / "results.npz")
        except BaseException:
            if not status.exists():
                # Interrupted while the code runs (Ctrl-C): stop it; the next run starts afresh.
                child.kill()
            raise
        finally:
            shutil.rmtree(request.folder, ignore_errors=True)


@dataclass(frozen=True)
class _Request:
    folder: Path
    stderr_offset: int


class _Child:
    """The child process of an :class:`Engine`, and the folder it works in."""

    def __init__(self, name: str, seed: int | None) -> None:
        self.name = name
        self.seed = seed
        self.folder = Path(tempfile.mkdtemp(prefix=f"lstm_{name}_"))
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def start(self) -> None:
        # Files, not pipes, for its output: nobody reads a pipe while the child runs, and a full
        # pipe would block it. stdin is a pipe: one line per run; its end tells the child to exit.
        with (
            open(self.folder / "stdout.txt", "ab") as out,
            open(self.folder / "stderr.txt", "ab") as err,
        ):
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _CHILD_BOOT,
                    str(self.folder),
                    self.name,
                    "" if self.seed is None else str(self.seed),
                ],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
                env=_child_environment(self.name),
                cwd=self.folder,  # holds no .py file, so nothing in it can shadow a module
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            if self.process.stdin is not None:
                try:
                    self.process.stdin.close()
                except OSError:
                    pass

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    def stderr_size(self) -> int:
        path = self.folder / "stderr.txt"
        return path.stat().st_size if path.exists() else 0

    def stderr_tail(self, offset: int) -> str:
        """The last lines of what the child wrote to stderr since ``offset``."""
        try:
            with open(self.folder / "stderr.txt", "rb") as stream:
                stream.seek(offset)
                text = stream.read().decode(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-_STDERR_TAIL_LINES:])


def _child_environment(name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TF_USE_LEGACY_KERAS", None)
    if name == KERAS2:
        # tf_keras always runs on TensorFlow; the Keras 3 that lstm_helpers imports in the child
        # (to convert results) must not start on the notebook's JAX or PyTorch backend.
        env.update(KERAS_BACKEND="tensorflow", TF_USE_LEGACY_KERAS="1")
    else:
        env["KERAS_BACKEND"] = name
    return env


# --- the parent side: argument checks ----------------------------------------------------------


def _engine_label(backend: str) -> str:
    return "keras2 (tf_keras)" if backend == KERAS2 else f"the {backend} backend"


def _check_backend(backend: object) -> None:
    """Check ``backend``, which may be any value: a ``TypeError`` unless it is a str, a
    ``ValueError`` unless it is one of :data:`ENGINES`."""
    if not isinstance(backend, str):
        raise TypeError(
            f"expected a backend name out of {ENGINES}, got {type(backend).__name__}"
        )
    _checks.one_of("backend name", backend, ENGINES)


def _require_installed(names: list[str]) -> None:
    missing = [name for name in names if not backend_installed(name)]
    if missing:
        packages = ", ".join(_ENGINE_PACKAGES[name] for name in missing)
        commands = " and ".join(
            dict.fromkeys(_INSTALL_COMMANDS[name] for name in missing)
        )
        raise BackendNotInstalled(
            f"the {', '.join(missing)} engine(s) need the package(s) {packages}, which are not "
            f"installed here ({commands})"
        )


def _source_of(code: Code) -> tuple[str, str]:
    """The source to send to the child, and the function's name ("" for a string of code).

    Anything but a ``def`` function or a ``str`` is refused with a ``TypeError``.
    """
    if isinstance(code, str):
        source, name = code, ""
    elif inspect.isfunction(code):
        if code.__name__ == "<lambda>":
            raise TypeError(
                "expected a function defined with def (a lambda has no source to send)"
            )
        try:
            source = textwrap.dedent(inspect.getsource(code))
        except (OSError, TypeError) as error:
            raise TypeError(
                f"expected a function whose source Python can read, {code.__name__} has none: {error}"
            ) from None
        if source.lstrip().startswith("@"):
            raise TypeError(
                f"expected an undecorated function, {code.__name__} has a decorator"
            )
        name = code.__name__
    else:
        raise TypeError(
            f"expected code as a function or a str of Python, got {type(code).__name__}"
        )
    try:
        compile(source, "<code>", "exec")
    except SyntaxError as error:
        raise ValueError(f"expected the code to be valid Python: {error}") from None
    return source, name


def _check_arguments(backends: object, seed: object, timeout: object) -> list[str]:
    """The engine names in ``backends``, once the three arguments (any values) are checked.

    ``backends`` must be an iterable of names out of :data:`ENGINES`, not a ``str``, with no
    name twice; ``seed`` ``None`` or an int of at least 0; ``timeout`` a positive number.
    Anything else is refused with a ``TypeError`` or ``ValueError``.
    """
    if isinstance(backends, str) or not isinstance(backends, Iterable):
        raise TypeError(
            f"expected backends as a list of names out of {ENGINES}, got {backends!r}"
        )
    names = list(backends)
    for backend in names:
        _check_backend(backend)
    if not names:
        raise ValueError(f"expected at least one backend out of {ENGINES}, got none")
    if len(set(names)) != len(names):
        raise ValueError(f"expected each backend once, got {names}")
    if seed is not None:
        _checks.integer("seed", seed, low=0)
    _checks.positive_number("timeout", timeout)
    return names


# --- the wire format: one .npz, lists flattened, a JSON manifest to rebuild them ---------------


def _encode(values: Mapping[str, object], *, what: str) -> dict[str, np.ndarray]:
    """Flatten ``{name: array | list of arrays}`` into ``.npz`` entries plus a manifest."""
    if not isinstance(values, Mapping):
        raise TypeError(
            f"expected {what} as a dict of name to array(s), got {type(values).__name__}"
        )
    arrays: dict[str, np.ndarray] = {}
    manifest: dict[str, int | None] = {}
    for name, value in values.items():
        if (
            not isinstance(name, str)
            or not name.isidentifier()
            or name.startswith("__")
        ):
            raise ValueError(
                f"expected {what} names to be Python identifiers, got {name!r}"
            )
        if isinstance(value, (list, tuple)):
            manifest[name] = len(value)
            for i, item in enumerate(value):
                arrays[f"{_ENTRY}{name}.{i}"] = _as_array(
                    item, f"{what}[{name!r}][{i}]"
                )
        else:
            manifest[name] = None
            arrays[f"{_ENTRY}{name}"] = _as_array(value, f"{what}[{name!r}]")
    arrays[_MANIFEST] = np.array(json.dumps(manifest))
    return arrays


def _as_array(value: ArrayLike, where: str) -> np.ndarray:
    if not isinstance(value, (np.ndarray, np.generic, int, float, bool, str)):
        # A backend tensor (or a Keras variable): only the child has Keras's converter loaded
        # for its own backend; in the parent this is whatever backend the notebook runs on.
        from lstm_helpers._runtime import keras

        try:
            value = keras.ops.convert_to_numpy(value)
        except Exception as error:  # noqa: BLE001  (any failure means "not an array")
            raise TypeError(
                f"expected {where} as an array, a number or a str, got {type(value).__name__}"
            ) from error
    array = np.asarray(value)
    if array.dtype == object:
        raise TypeError(
            f"expected {where} as a numeric or str array, got an object array"
        )
    return array


def _load(path: Path) -> dict[str, np.ndarray | list[np.ndarray]]:
    with np.load(path, allow_pickle=False) as npz:
        manifest = json.loads(str(npz[_MANIFEST]))
        decoded: dict[str, np.ndarray | list[np.ndarray]] = {}
        for name, length in manifest.items():
            entry = f"{_ENTRY}{name}"
            decoded[name] = (
                npz[entry]
                if length is None
                else [npz[f"{entry}.{i}"] for i in range(length)]
            )
    return decoded


# --- the child side ----------------------------------------------------------------------------

# lstm_helpers is imported before anything else (it is what keeps TensorFlow's log lines quiet);
# importing this module imports the package first.
_CHILD_BOOT = "import sys; from lstm_helpers.backends import _child_main; sys.exit(_child_main(sys.argv[1:]))"
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def _child_main(argv: list[str]) -> int:
    """Entry point of a child: for each folder name read from stdin, run the code in it.

    Each run leaves ``results.npz`` and then ``status.json`` in its folder (the parent waits
    for the latter). The child exits when its stdin ends: the parent closed it, or died. A
    notebook kernel can end without running its exit handlers, so the child, not only the
    parent, removes the folder then.
    """
    folder, engine, seed = Path(argv[0]), argv[1], argv[2]
    keras, extra_names = _child_keras(engine)
    while True:
        line = sys.stdin.readline()
        if not line:
            shutil.rmtree(folder, ignore_errors=True)
            return 0
        request = folder / line.strip()
        report = _child_run(
            request, engine, keras, extra_names, int(seed) if seed else None
        )
        partial = request / "status.part"
        partial.write_text(json.dumps(report))
        os.replace(partial, request / "status.json")  # appears whole, or not at all


def _child_keras(engine: str) -> tuple[ModuleType, dict[str, ModuleType]]:
    """The ``keras`` the code sees on ``engine``, and the other names it gets."""
    from lstm_helpers._runtime import keras, native_stderr_silenced

    expected = "tensorflow" if engine == KERAS2 else engine
    if keras.backend.backend() != expected:
        raise RuntimeError(
            f"KERAS_BACKEND={expected} was asked for, but Keras started on {keras.backend.backend()}"
        )
    if engine != KERAS2:
        return keras, {}
    with native_stderr_silenced():
        import tensorflow as tf

        legacy = tf.keras
        legacy.layers  # noqa: B018  (the lazy module loads here, under the silencer)
    if not legacy.__name__.startswith("tf_keras"):
        raise RuntimeError(
            f"TF_USE_LEGACY_KERAS=1 was set, but tf.keras is {legacy.__name__}, not tf_keras"
        )
    return legacy, {"tf": tf}


def _child_run(
    request: Path,
    engine: str,
    keras: ModuleType,
    extra_names: dict[str, ModuleType],
    seed: int | None,
) -> dict[str, object]:
    """Run the code in ``request``; the status the parent reads back."""
    try:
        if seed is not None:
            _seed_child(engine, seed)
        inputs = _load(request / "inputs.npz")
        function_name = (request / "function.txt").read_text()
        namespace: dict[str, object] = {
            "__name__": "__lstm_backends__",
            "keras": keras,
            "np": np,
            **extra_names,
        }
        if not function_name:
            namespace.update(inputs)
        source = (request / "code.txt").read_text()
        exec(compile(source, _CODE_FILENAME, "exec"), namespace)  # noqa: S102
        if function_name:
            results = namespace[function_name](**inputs)  # type: ignore[operator]
            what = f"{function_name}() must return"
        else:
            results = namespace.get("results")
            what = "the code must set `results` to"
        if not isinstance(results, Mapping):
            raise TypeError(
                f"{what} a dict of name to array(s), got {type(results).__name__}"
            )
        np.savez(request / "results.npz", **_encode(results, what="results"))
    except Exception as error:  # noqa: BLE001  (every failure of the code goes back to the parent)
        traceback.print_exc()  # into the child's stderr: the parent keeps the tail
        sys.stderr.flush()
        lines = [
            f.lineno
            for f in traceback.extract_tb(error.__traceback__)
            if f.filename == _CODE_FILENAME
        ]
        return {
            "ok": False,
            "type": type(error).__name__,
            "message": _without_paths(str(error), request.parent),
            "line": lines[-1] if lines else None,
        }
    return {"ok": True}


def _seed_child(engine: str, seed: int) -> None:
    if engine == KERAS2:
        import tf_keras

        # As setup() does for Keras 3: names start again at lstm, lstm_1, ..., then the seed.
        tf_keras.backend.clear_session()
        tf_keras.utils.set_random_seed(seed)
    else:
        from lstm_helpers.session import setup

        setup(seed=seed)


def _without_paths(message: str, folder: Path) -> str:
    """``message`` without terminal colours, and without paths that belong to this machine."""
    message = _ANSI_ESCAPE.sub("", message)
    for path, shown in (
        (str(folder), "<engine folder>"),
        (sysconfig.get_paths()["purelib"], "site-packages"),
        (str(_ROOT) + os.sep, ""),
        (tempfile.gettempdir() + os.sep, "<tmp>/"),
    ):
        message = message.replace(path, shown)
    return message
