"""What the book is made of: its folder, its chapters, the pages _toc.yml lists, and which
requirements file installs each optional module.

The one reader of ``_toc.yml`` and the one map from an optional module to its requirements
file; every tool and test that needs either imports it from here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"

OPTIONAL_REQUIREMENTS = {
    "jax": "requirements-backends.txt",
    "torch": "requirements-torch.txt",
    "tf_keras": "requirements-keras2.txt",
}
"""Optional module -> the requirements file that installs it (a notebook names the modules it
needs in its metadata, ``{"lstm_book": {"requires": [...]}}``). TensorFlow is not optional:
``requirements.txt`` installs it. Backend passes (:mod:`tools.nbval_backends`) install a
backend's lines of ``requirements-backends.txt``, tagged ``# backend: NAME``."""


def chapter_paths(selected: list[str] | None = None) -> list[Path]:
    """The notebooks ``selected`` (paths), or every one under ``chapters/`` in name order.

    Raises
    ------
    SystemExit
        If a selected path is not a notebook file (the tools' command lines pass them on).
    """
    if not selected:
        return sorted(CHAPTERS.glob("*.ipynb"))
    paths = [Path(p).resolve() for p in selected]
    missing = [str(p) for p in paths if not p.is_file() or p.suffix != ".ipynb"]
    if missing:
        raise SystemExit(f"not a notebook file: {', '.join(missing)}")
    return paths


def toc_documents(root: Path = ROOT) -> list[str]:
    """The root and every file _toc.yml lists, in book order, e.g. ``chapters/01_default_output``."""
    import yaml  # here: the Colab check runs tools.execute where PyYAML is not installed

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    documents = [toc["root"]]

    def walk(entries: list[dict] | None) -> None:
        for entry in entries or []:
            if "file" in entry:
                documents.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return documents


def toc_sources(root: Path = ROOT) -> list[Path]:
    """The source file (``.ipynb`` or ``.md``) of each of :func:`toc_documents`, in book order.

    Raises
    ------
    FileNotFoundError
        If _toc.yml lists a document that has neither.
    """
    sources = []
    for name in toc_documents(root):
        found = [root / f"{name}{suffix}" for suffix in (".ipynb", ".md")]
        existing = [path for path in found if path.is_file()]
        if not existing:
            raise FileNotFoundError(
                f"_toc.yml lists {name}, which has no .ipynb or .md"
            )
        sources.append(existing[0])
    return sources


def included_files(name: str, root: Path = ROOT) -> set[str]:
    """The requirements files that ``name`` pulls in with ``-r`` (none if it does not exist)."""
    try:
        text = (root / name).read_text()
    except OSError:
        return set()
    pattern = r"^\s*(-r|--requirement)\s+(\S+)"
    return {m[2] for m in re.finditer(pattern, text, re.MULTILINE)}


def install_hint(missing: list[str]) -> str:
    """What to install for ``missing`` modules: their requirements files, fewest that cover."""
    files = list(
        dict.fromkeys(
            OPTIONAL_REQUIREMENTS[m] for m in missing if m in OPTIONAL_REQUIREMENTS
        )
    )
    files = [
        f
        for f in files
        if not any(f in included_files(other) for other in files if other != f)
    ]
    unknown = [m for m in missing if m not in OPTIONAL_REQUIREMENTS]
    hints = [f"install {' and '.join(files)} to run it"] if files else []
    if unknown:
        hints.append(
            f"no requirements file here provides {', '.join(unknown)}: name one for it "
            "in OPTIONAL_REQUIREMENTS in tools/book.py"
        )
    return "; ".join(hints)


def skip_reason(notebook: str, missing: list[str]) -> str:
    """Why a notebook's cells are skipped: the modules it needs that are missing, and the fix."""
    verb = "is" if len(missing) == 1 else "are"
    return (
        f"{notebook} needs {', '.join(missing)}, which {verb} not installed "
        f"({install_hint(missing)})"
    )
