"""pytest hooks for the whole repository (unit tests and nbval over chapters/).

- The report header names the Keras backend, so a failing nbval cell reads as
  "notebook, cell, backend" in CI logs.
- A notebook can declare packages it needs in its metadata,
  ``{"lstm_book": {"requires": ["torch"]}}``; where one is missing, its cells are skipped with
  the reason, instead of failing, and the run says so.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest


def pytest_report_header(config):
    return f"Keras backend: {os.environ.get('KERAS_BACKEND', 'tensorflow')}"


def _missing_requirements(path: Path) -> list[str]:
    try:
        metadata = json.loads(path.read_text())["metadata"]
    except (OSError, ValueError, KeyError):
        return []
    required = metadata.get("lstm_book", {}).get("requires", [])
    return [name for name in required if importlib.util.find_spec(name) is None]


def pytest_collection_modifyitems(config, items):
    missing_by_path: dict[Path, list[str]] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix != ".ipynb":
            continue
        if path not in missing_by_path:
            missing_by_path[path] = _missing_requirements(path)
        missing = missing_by_path[path]
        if missing:
            # requirements-backends.txt holds JAX and includes requirements-torch.txt.
            extra = "requirements-torch.txt" if missing == ["torch"] else "requirements-backends.txt"
            verb = "is" if len(missing) == 1 else "are"
            item.add_marker(pytest.mark.skip(
                reason=f"{path.name} needs {', '.join(missing)}, which {verb} not installed "
                f"(install {extra} to run it)"
            ))


def pytest_terminal_summary(terminalreporter):
    skipped = {
        str(report.longrepr[2]) for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "not installed" in str(report.longrepr[2])
    }
    for reason in sorted(skipped):
        terminalreporter.write_line(f"SKIPPED CHAPTER: {reason.removeprefix('Skipped: ')}", yellow=True)
