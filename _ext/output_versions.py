"""Sphinx extension: each notebook page says which versions produced its stored outputs.

``tools/execute.py`` (``make execute``) asks each chapter's kernel, after its last
cell, which Python, Keras, Keras backend and frameworks it ran, and stores the answer in the
notebook's metadata under ``executed_with``. This extension reads that metadata from the
``.ipynb`` file and adds one line at the end of the page (HTML and PDF alike), for example::

    Outputs on this page were produced by Keras 3.15.1 on the TensorFlow backend
    (TensorFlow 2.21.0), Python 3.11.7. Verified on Keras 3.8 to 3.15: its cells are
    tested on 3.8.0, 3.10.0 and 3.15.1.

Nothing here is typed by hand: a notebook without the metadata (never run by
``make execute``) gets no line, and the site test fails for it. The tested releases are the
pairs ``make test-versions`` runs (tests/versions/pairs.toml, and requirements.txt's pin), those
that install what the notebook's ``metadata.lstm_book.requires`` names.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

ROOT = Path(__file__).resolve().parent.parent

logger = logging.getLogger(__name__)

METADATA_KEY = "executed_with"
CLASS = "output-versions"
FRAMEWORK_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def verified_sentence(requires: list[str] = ()) -> str:
    """Which Keras releases ``make test-versions`` runs a notebook needing ``requires`` on."""
    from tools.versions import load_pairs

    pairs = load_pairs().pairs
    tested = [pair.keras for pair in pairs if pair.provides(list(requires))]
    if len(tested) == 1:
        return f"Tested on Keras {tested[0]} only."
    listed = f"{', '.join(tested[:-1])} and {tested[-1]}"
    return (
        f"Verified on Keras {minor(tested[0])} to {minor(tested[-1])}: its cells are "
        f"tested on {listed}."
    )


def versions_line(recorded: dict, requires: list[str] = ()) -> str:
    """The sentence for one notebook's ``executed_with`` metadata, and the tested releases."""
    backend = recorded["backend"]
    frameworks = dict(recorded.get("frameworks", {}))
    # The backend's framework first, then any other the chapter imported itself.
    order = [backend] * (backend in frameworks) + sorted(set(frameworks) - {backend})
    used = [f"{FRAMEWORK_NAMES.get(name, name)} {frameworks[name]}" for name in order]
    engines = f" ({', '.join(used)})" if used else ""
    return (
        f"Outputs on this page were produced by Keras {recorded['keras']} on the "
        f"{FRAMEWORK_NAMES.get(backend, backend)} backend{engines}, Python {recorded['python']}. "
        + verified_sentence(requires)
    )


def recorded_versions(path: Path) -> dict | None:
    """``executed_with`` from a notebook file, or None."""
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get(METADATA_KEY)


def required_modules(path: Path) -> list[str]:
    """The optional modules a notebook needs (``metadata.lstm_book.requires``)."""
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return list(metadata.get("lstm_book", {}).get("requires", []))


def add_versions_line(app, doctree: nodes.document) -> None:
    path = Path(app.env.doc2path(app.env.docname))
    if path.suffix != ".ipynb":
        return
    recorded = recorded_versions(path)
    if recorded is None:
        logger.info(
            f"output versions: {path.name} has no {METADATA_KEY} metadata; "
            "run make execute"
        )
        return
    section = doctree.next_node(nodes.section) or doctree
    line = versions_line(recorded, required_modules(path))
    section += nodes.paragraph("", line, classes=[CLASS])


def setup(app):
    app.connect("doctree-read", add_versions_line)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
