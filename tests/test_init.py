"""The package's top level: exactly the names its modules declare, each one used by a chapter
or by the site build, each helper's docstring naming the chapter that introduces it, and every
chapter importing only names that exist there."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import lstm_helpers

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# Book order: the numbered chapters, then appendix A, then the cheat sheet.
IN_BOOK_ORDER = sorted(CHAPTERS, key=lambda p: (not p.name[0].isdigit(), p.name))
SITE_BUILD = [
    ROOT / "_ext" / "site_assets.py",
    *sorted((ROOT / "tests" / "site").glob("*.py")),
]


def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def chapter_imports(notebook: Path) -> list[tuple[str, list[str]]]:
    """Every ``import``/``from ... import`` of lstm_helpers in a notebook's code cells."""
    # IPython magics (%...) and shell lines (!...) are not Python; the rest of a cell is.
    lines = [
        "" if line.lstrip().startswith(("%", "!")) else line
        for line in code_of(notebook).splitlines()
    ]
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "lstm_helpers"
        ):
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [
                (a.name, []) for a in node.names if a.name.startswith("lstm_helpers")
            ]
    return found


def title(notebook: Path) -> str:
    if notebook.name[0].isdigit():
        return f"chapter {int(notebook.name[:2])}"
    return (
        "appendix A" if notebook.name.startswith("appendix_a") else "the cheat sheet"
    )


def first_user(name: str) -> str | None:
    """``chapter N``, ``appendix A`` or ``the cheat sheet``: the first to import ``name``,
    or else the first whose text names it as ``lstm_helpers.name``."""
    for notebook in IN_BOOK_ORDER:
        if any(name in names for _, names in chapter_imports(notebook)):
            return title(notebook)
    for notebook in IN_BOOK_ORDER:
        if f"lstm_helpers.{name}`" in notebook.read_text(encoding="utf-8"):
            return title(notebook)
    return None


def test_the_top_level_lists_each_name_once_and_has_it():
    assert len(lstm_helpers.__all__) == len(set(lstm_helpers.__all__))
    assert [n for n in lstm_helpers.__all__ if not hasattr(lstm_helpers, n)] == []
    assert not {"integer", "positive_int", "one_of", "boolean", "keras"} & set(
        lstm_helpers.__all__
    )


@pytest.mark.parametrize("name", lstm_helpers.__all__)
def test_every_public_name_is_used_by_a_chapter_or_the_site_build(name):
    site = "\n".join(path.read_text() for path in SITE_BUILD)
    used = first_user(name) or (name if re.search(rf"\b{name}\b", site) else None)
    assert used, (
        f"{name} is public, but no chapter imports it and the site build does not use it"
    )


@pytest.mark.parametrize(
    "name", [n for n in lstm_helpers.__all__ if callable(getattr(lstm_helpers, n))]
)
def test_a_helpers_docstring_names_the_chapter_that_introduces_it(name):
    introduced = first_user(name)
    if introduced is None:
        pytest.skip(f"{name} is used by the site build only")
    doc = " ".join((getattr(lstm_helpers, name).__doc__ or "").split())
    assert re.search(rf"Introduced in {introduced}\b", doc), (
        f"{name} is first imported by {introduced}; its docstring says: {doc[:200]}"
    )


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda path: path.stem)
def test_a_chapter_imports_only_top_level_names_that_exist(notebook):
    imports = chapter_imports(notebook)
    assert imports, f"{notebook.name} imports nothing from lstm_helpers"
    assert [module for module, _ in imports if module != "lstm_helpers"] == []
    missing = [
        n for _, names in imports for n in names if not hasattr(lstm_helpers, n)
    ]
    assert missing == []
