"""Helpers for *LSTM outputs, executed*: what the chapters import, always from this top level.

Import this package before Keras: it silences TensorFlow's start-up logging and imports Keras
under that silence (:mod:`lstm_helpers._runtime`). Each module declares its public names once,
in its ``__all__``; the top level exports exactly those, and each public helper's docstring
names the chapter that introduces it. CONTRIBUTING.md says which module holds what.
"""

import importlib
import pkgutil

from lstm_helpers import _runtime  # noqa: F401  (must run first: environment, quiet import)

__all__: list[str] = []
# Every module whose name does not start with "_", figures/ included.
for _found in pkgutil.walk_packages(__path__, f"{__name__}."):
    if not _found.ispkg and not _found.name.rpartition(".")[2].startswith("_"):
        _module = importlib.import_module(_found.name)
        __all__ += _module.__all__
        globals().update({name: getattr(_module, name) for name in _module.__all__})
