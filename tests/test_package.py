"""The package's public names: the top level lists exactly what its submodules export, and
every chapter imports from the top level only, names that exist there."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import lstm_helpers
import lstm_helpers.figures

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def public_modules(package) -> list:
    """The package's modules whose names do not start with ``_``."""
    names = [
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]
    return [
        importlib.import_module(f"{package.__name__}.{name}") for name in sorted(names)
    ]


def test_the_top_level_lists_each_name_once():
    assert len(lstm_helpers.__all__) == len(set(lstm_helpers.__all__))
    assert [
        name for name in lstm_helpers.__all__ if not hasattr(lstm_helpers, name)
    ] == []


@pytest.mark.parametrize(
    "package", [lstm_helpers, lstm_helpers.figures], ids=lambda p: p.__name__
)
def test_a_package_exports_exactly_what_its_modules_export(package):
    exported = {}
    for module in public_modules(package):
        names = getattr(module, "__all__", None)
        assert names is not None, f"{module.__name__} has no __all__"
        assert len(names) == len(set(names)), (
            f"{module.__name__}.__all__ repeats a name"
        )
        for name in names:
            assert hasattr(module, name), (
                f"{module.__name__}.__all__ names a missing {name}"
            )
            exported[name] = module
    assert sorted(package.__all__) == sorted(exported)
    for name, module in exported.items():
        assert getattr(package, name) is getattr(module, name), (
            f"{name} differs from {module}"
        )


def test_the_private_checks_are_not_exported():
    assert lstm_helpers._checks.__all__ == []
    assert not {"integer", "positive_int", "one_of", "boolean"} & set(
        lstm_helpers.__all__
    )


def chapter_imports(notebook: Path) -> list[tuple[str, list[str]]]:
    """Every ``import``/``from ... import`` of lstm_helpers in a notebook's code cells."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        # IPython magics (%...) and shell lines (!...) are not Python; the rest of the cell is.
        lines = [
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in source.splitlines()
        ]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "lstm_helpers"
            ):
                found.append((node.module, [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found += [
                    (a.name, [])
                    for a in node.names
                    if a.name.startswith("lstm_helpers")
                ]
    return found


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda path: path.stem)
def test_a_chapter_imports_only_top_level_names_that_exist(notebook):
    imports = chapter_imports(notebook)
    assert imports, f"{notebook.name} imports nothing from lstm_helpers"
    assert [module for module, _ in imports if module != "lstm_helpers"] == []
    missing = [
        name
        for _, names in imports
        for name in names
        if not hasattr(lstm_helpers, name)
    ]
    assert missing == []
