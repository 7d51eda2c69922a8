"""pytest hooks for the whole repository (unit tests and nbval over chapters/).

- The report header names the Keras backend, so a failing nbval cell reads as
  "notebook, cell, backend" in CI logs, and how notebook kernels are started.
- A notebook can declare packages it needs in its metadata,
  ``{"lstm_book": {"requires": ["torch"]}}``; where one is missing, its cells are skipped with
  the reason and the requirements file that provides it (:func:`tools.book.skip_reason`),
  instead of failing, and the run says so at the end.
- Notebook kernels are started by :mod:`tools.kernels.start`: forked from a warm process
  that has already imported what every chapter imports, over Unix sockets (``WARM_KERNELS=0``:
  nbval's own fresh kernels, with the retry of :mod:`tools.kernels.retry`). The run ends with
  a line saying how many kernels were warm, and why any were not.
- Cells whose output depends on the Keras version are listed in tests/versions/expected.toml;
  on a release in an entry's range (``make test-versions`` runs older Keras releases) the cell
  is compared with what that release printed when recorded, not with the stored output
  (:func:`tools.versions.prepare_items`). On the pinned versions nothing changes.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from tools import versions
from tools.book import skip_reason
from tools.kernels import start as kernels

_REPORTS = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[_REPORTS] = []
    if importlib.util.find_spec("nbval") is None:
        return
    import nbval.kernel

    kernels.install(nbval.kernel)
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(
            _WorkerReports(config), "lstm-book-kernel-reports"
        )


def _starter() -> kernels.KernelStarter | None:
    import nbval.kernel

    return getattr(nbval.kernel.start_new_kernel, "starter", None)


class _WorkerReports:
    """On the xdist controller: collect each worker's report on its notebook kernels."""

    def __init__(self, config):
        self.config = config

    def pytest_testnodedown(self, node, error):
        report = getattr(node, "workeroutput", {}).get("notebook_kernels")
        if report:
            self.config.stash[_REPORTS].append(json.loads(report))


def pytest_report_header(config):
    setting = kernels.warm_kernels_setting()
    how = (
        "fresh, nbval's own (WARM_KERNELS=0)"
        if setting == "off"
        else "forked from a warm process where the session runs several notebooks "
        f"({'WARM_KERNELS=1: a fresh one fails the run' if setting == 'required' else 'WARM_KERNELS=0 for fresh ones'})"
    )
    return [
        f"Keras backend: {os.environ.get('KERAS_BACKEND', 'tensorflow')}",
        f"notebook kernels: {how}",
    ]


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
            item.add_marker(pytest.mark.skip(reason=skip_reason(path.name, missing)))
    versions.prepare_items(items)


def pytest_collection_finish(session):
    """Start the warm process now, if this process will run notebooks (after -k and skips)."""
    starter = _starter() if importlib.util.find_spec("nbval") else None
    if starter is None or session.config.option.collectonly:
        return
    notebooks = {
        Path(str(item.fspath))
        for item in session.items
        if Path(str(item.fspath)).suffix == ".ipynb"
        and not item.get_closest_marker("skip")
    }
    starter.expect_notebooks(len(notebooks))


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    starter = _starter() if importlib.util.find_spec("nbval") else None
    if starter is not None:
        report = starter.report()
        starter.close()
        # On an xdist worker the controller prints it.
        if hasattr(config, "workeroutput"):
            config.workeroutput["notebook_kernels"] = json.dumps(report)
            return
        config.stash[_REPORTS].append(report)
    reports = config.stash.get(_REPORTS, [])
    if not reports:
        return
    merged = kernels.merge_reports(reports)
    config.stash[_REPORTS] = [merged]
    if kernels.fails_the_run(merged) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    skipped = {
        str(report.longrepr[2])
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple)
        and "not installed" in str(report.longrepr[2])
    }
    for reason in sorted(skipped):
        terminalreporter.write_line(
            f"SKIPPED CHAPTER: {reason.removeprefix('Skipped: ')}", yellow=True
        )
    for line in versions.summary_lines(terminalreporter.stats):
        terminalreporter.write_line(line)
    reports = terminalreporter.config.stash.get(_REPORTS, [])
    if reports:
        report = reports[0]
        failing = kernels.fails_the_run(report)
        for line in kernels.summary_lines(report):
            terminalreporter.write_line(line, red=bool(failing))
        if failing:
            terminalreporter.write_line(
                "WARM_KERNELS=1: every notebook kernel had to be forked warm; the fresh ones above "
                "fail the run",
                red=True,
            )
