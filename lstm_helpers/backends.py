"""Run the same Keras code on the TensorFlow, JAX and PyTorch backends, from one notebook.

Keras fixes its backend when it is first imported (``KERAS_BACKEND``), so one process cannot
build a layer on two backends. :func:`run_on_backends` runs a short code snippet in a fresh
Python process per backend and hands back what it computed as NumPy arrays. The child
processes run at the same time, import :mod:`lstm_helpers` first (so TensorFlow's start-up
lines stay out, exactly as in a chapter), keep their stderr to themselves, and turn a failure
into :class:`BackendRunError` in the caller, with the end of the child's stderr in the message.

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
shown anywhere (a notebook stores no output it did not ask for); return it instead.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import textwrap
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

__all__ = [
    "BACKENDS",
    "BackendRunError",
    "BackendNotInstalled",
    "backend_installed",
    "installed_backends",
    "run_on_backend",
    "run_on_backends",
]

BACKENDS: tuple[str, ...] = ("tensorflow", "jax", "torch")
# The package each backend imports; it is what `pip install -r requirements-backends.txt` adds.
_BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
_MANIFEST = "__manifest__"
_STDERR_TAIL_LINES = 25
DEFAULT_TIMEOUT_SECONDS = 300.0


class BackendRunError(RuntimeError):
    """Code sent to a backend failed (or timed out) in the child process of one backend.

    Attributes
    ----------
    backend : str
        The ``KERAS_BACKEND`` the child ran with.
    stderr_tail : str
        The last lines the child wrote to stderr (its traceback, usually).
    """

    def __init__(self, backend: str, summary: str, stderr_tail: str) -> None:
        self.backend = backend
        self.stderr_tail = stderr_tail
        message = f"on the {backend} backend: {summary}"
        if stderr_tail.strip():
            message += "\nlast lines of its stderr:\n" + stderr_tail
        super().__init__(message)


class BackendNotInstalled(ImportError):
    """The package a backend needs (``jax``, ``torch``, ``tensorflow``) is not installed."""


def backend_installed(backend: str) -> bool:
    """Whether ``backend``'s package can be imported in this Python environment.

    Raises
    ------
    TypeError, ValueError
        If ``backend`` is not one of :data:`BACKENDS`.
    """
    _check_backend(backend)
    return importlib.util.find_spec(_BACKEND_PACKAGES[backend]) is not None


def installed_backends() -> list[str]:
    """The backends of :data:`BACKENDS` whose package is installed here, in that order."""
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
    """Run ``code`` in a fresh process with ``KERAS_BACKEND=backend``; return what it computed.

    Parameters
    ----------
    backend : {"tensorflow", "jax", "torch"}
    code : function or str
        A function, called with ``inputs`` as keyword arguments, that returns a dict of name to
        array(s); or a string of Python that sets such a dict as ``results``. Either sees
        ``keras`` and ``np``.
    inputs : mapping of str to array-like or list of array-like, optional
        Arrays handed to the code under these names (e.g. ``x``, ``weights``).
    seed : int or None
        The child calls ``setup(seed=seed)`` before the code, as a chapter does
        (``None`` skips it).
    timeout : float
        Seconds to wait for the child.

    Returns
    -------
    dict
        What the code returned, each value a NumPy array or a list of them.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names what was expected.
    BackendNotInstalled
        If the backend's package is not installed.
    BackendRunError
        If the code raised, returned no dict, or the child timed out.
    """
    return run_on_backends(code, [backend], inputs=inputs, seed=seed, timeout=timeout)[backend]


def run_on_backends(
    code: Code,
    backends: Iterable[str] = BACKENDS,
    *,
    inputs: Mapping[str, object] | None = None,
    seed: int | None = 0,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> dict[str, dict[str, np.ndarray | list[np.ndarray]]]:
    """Run ``code`` once per backend, all at the same time; results keyed by backend.

    See :func:`run_on_backend` for the parameters. The children start together (each spends
    most of its time importing its framework, which overlaps well), and the call returns when
    the last one is done. If any child fails, the first failure (in the order of
    ``backends``) is raised as :class:`BackendRunError`, after every child has finished.

    Returns
    -------
    dict
        ``{backend: {name: array or list of arrays}}``, in the order of ``backends``.
    """
    source, function_name = _source_of(code)
    names = _check_arguments(backends, seed, timeout)
    encoded_inputs = _encode(inputs if inputs is not None else {}, what="inputs")
    missing = [backend for backend in names if not backend_installed(backend)]
    if missing:
        raise BackendNotInstalled(
            f"the {', '.join(missing)} backend(s) need the package(s) "
            f"{', '.join(_BACKEND_PACKAGES[b] for b in missing)}, which are not installed here "
            "(pip install -r requirements-backends.txt)"
        )
    with tempfile.TemporaryDirectory(prefix="lstm_backends_") as tmp:
        work = Path(tmp)
        (work / "code.txt").write_text(source)
        (work / "function.txt").write_text(function_name)
        np.savez(work / "inputs.npz", **encoded_inputs)
        children = {backend: _start_child(backend, work, seed) for backend in names}
        try:
            failures = _wait_for(children, work, timeout)
        finally:
            # Interrupted (Ctrl-C in the notebook): leave no child running behind.
            for process in children.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
        for backend in names:
            if backend in failures:
                raise failures[backend]
        return {backend: _load(work / f"results_{backend}.npz") for backend in names}


# --- the parent side -------------------------------------------------------------------------


def _check_backend(backend: object) -> None:
    if not isinstance(backend, str):
        raise TypeError(f"expected a backend name out of {BACKENDS}, got {type(backend).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"expected a backend name out of {BACKENDS}, got {backend!r}")


def _source_of(code: object) -> tuple[str, str]:
    """The source to send to the child, and the function's name ("" for a string of code)."""
    if isinstance(code, str):
        source, name = code, ""
    elif inspect.isfunction(code):
        if code.__name__ == "<lambda>":
            raise TypeError("expected a function defined with def (a lambda has no source to send)")
        try:
            source = textwrap.dedent(inspect.getsource(code))
        except (OSError, TypeError) as error:
            raise TypeError(
                f"expected a function whose source Python can read, {code.__name__} has none: {error}"
            ) from None
        if source.lstrip().startswith("@"):
            raise TypeError(f"expected an undecorated function, {code.__name__} has a decorator")
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
    if isinstance(backends, str) or not isinstance(backends, Iterable):
        raise TypeError(
            f"expected backends as a list of names out of {BACKENDS}, got {backends!r}"
        )
    names = list(backends)
    for backend in names:
        _check_backend(backend)
    if not names:
        raise ValueError(f"expected at least one backend out of {BACKENDS}, got none")
    if len(set(names)) != len(names):
        raise ValueError(f"expected each backend once, got {names}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"expected seed as an int or None, got {type(seed).__name__}: {seed!r}")
    if seed is not None and seed < 0:
        raise ValueError(f"expected a non-negative seed, got {seed}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"expected timeout as a positive number of seconds, got {timeout!r}")
    return names


def _start_child(backend: str, work: Path, seed: int | None) -> subprocess.Popen:
    env = dict(os.environ, KERAS_BACKEND=backend)
    # Files, not pipes: nobody reads a pipe while three children run, and a full pipe would block.
    with open(work / f"stdout_{backend}.txt", "wb") as out, open(work / f"stderr_{backend}.txt", "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-c", _CHILD_BOOT, str(work), backend, "" if seed is None else str(seed)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=work,  # holds no .py file, so nothing in it can shadow a module
        )


def _wait_for(children: dict[str, subprocess.Popen], work: Path, timeout: float) -> dict[str, BackendRunError]:
    """Wait for every child (one deadline for all); return the failures by backend."""
    deadline = time.monotonic() + timeout
    failures: dict[str, BackendRunError] = {}
    for backend, process in children.items():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            failures[backend] = BackendRunError(
                backend, f"the child did not finish within {timeout:g} s", _tail(work, backend)
            )
            continue
        if process.returncode != 0:
            failures[backend] = BackendRunError(
                backend, f"the code failed (child exit code {process.returncode})", _tail(work, backend)
            )
    return failures


def _tail(work: Path, backend: str) -> str:
    text = (work / f"stderr_{backend}.txt").read_text(errors="replace")
    return "\n".join(text.rstrip().splitlines()[-_STDERR_TAIL_LINES:])


# --- the wire format: one .npz, lists flattened, a JSON manifest to rebuild them ---------------


def _encode(values: Mapping[str, object], *, what: str) -> dict[str, np.ndarray]:
    """Flatten ``{name: array | list of arrays}`` into ``.npz`` entries plus a manifest."""
    if not isinstance(values, Mapping):
        raise TypeError(f"expected {what} as a dict of name to array(s), got {type(values).__name__}")
    arrays: dict[str, np.ndarray] = {}
    manifest: dict[str, int | None] = {}
    for name, value in values.items():
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("__"):
            raise ValueError(f"expected {what} names to be Python identifiers, got {name!r}")
        if isinstance(value, (list, tuple)):
            manifest[name] = len(value)
            for i, item in enumerate(value):
                arrays[f"{name}.{i}"] = _as_array(item, f"{what}[{name!r}][{i}]")
        else:
            manifest[name] = None
            arrays[name] = _as_array(value, f"{what}[{name!r}]")
    arrays[_MANIFEST] = np.array(json.dumps(manifest))
    return arrays


def _as_array(value: object, where: str) -> np.ndarray:
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
        raise TypeError(f"expected {where} as a numeric or str array, got an object array")
    return array


def _load(path: Path) -> dict[str, np.ndarray | list[np.ndarray]]:
    with np.load(path, allow_pickle=False) as npz:
        manifest = json.loads(str(npz[_MANIFEST]))
        decoded: dict[str, np.ndarray | list[np.ndarray]] = {}
        for name, length in manifest.items():
            decoded[name] = npz[name] if length is None else [npz[f"{name}.{i}"] for i in range(length)]
    return decoded


# --- the child side ----------------------------------------------------------------------------

# lstm_helpers is imported before anything else (it is what keeps TensorFlow's log lines quiet);
# importing this module imports the package first.
_CHILD_BOOT = "import sys; from lstm_helpers.backends import _child_main; sys.exit(_child_main(sys.argv[1:]))"


def _child_main(argv: list[str]) -> int:
    """Entry point of a child: run ``code.txt`` from the work folder; write its results."""
    from lstm_helpers._runtime import keras
    from lstm_helpers.session import setup

    work, backend, seed = Path(argv[0]), argv[1], argv[2]
    if keras.backend.backend() != backend:
        raise RuntimeError(
            f"KERAS_BACKEND={backend} was asked for, but Keras started on {keras.backend.backend()}"
        )
    if seed:
        setup(seed=int(seed))
    inputs = _load(work / "inputs.npz")
    function_name = (work / "function.txt").read_text()
    namespace: dict[str, object] = {"__name__": "__lstm_backends__", "keras": keras, "np": np}
    if not function_name:
        namespace.update(inputs)
    source = (work / "code.txt").read_text()
    exec(compile(source, f"<code run on {backend}>", "exec"), namespace)  # noqa: S102
    if function_name:
        results = namespace[function_name](**inputs)
        what = f"{function_name}() must return"
    else:
        results = namespace.get("results")
        what = "the code must set `results` to"
    if not isinstance(results, Mapping):
        raise TypeError(f"{what} a dict of name to array(s), got {type(results).__name__}")
    np.savez(work / f"results_{backend}.npz", **_encode(results, what="results"))
    return 0
