"""tools/versions.py: pairs, the expected-differences list, and how a listed cell is compared.

The comparison logic runs here on small fake notebooks and fake nbval items; the last tests
check the repository's own tests/versions/ files against today's chapters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbval.plugin import IPyNbCell, NbCellError, coalesce_streams

from tools import versions

ROOT = Path(__file__).resolve().parent.parent.parent
OLD = {"keras": "3.8.0", "tensorflow-cpu": "2.18.1"}
# The fake pairs.toml's one pair, as a recording names it.
OLD_PAIR = {**OLD, "jax": "0.4.38", "torch": "2.13.0", "tf-keras": "2.18.0"}
EXTRA_LINES = 'jax = "0.4.38"\ntorch = "2.13.0"\ntf-keras = "2.18.0"\n'


def stream(text: str, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def error(message: str, traceback: list[str] | None = None) -> dict:
    return {
        "output_type": "error",
        "ename": "ValueError",
        "evalue": message,
        "traceback": traceback or [f"ValueError: {message}"],
    }


NEW_MESSAGE = "Input 0 with name 'None' of layer 'reader' is incompatible"
OLD_MESSAGE = 'Input 0 of layer "reader" is incompatible'


def write_repo(
    tmp_path: Path,
    cells: dict[str, list],
    expected: str = "",
    recorded: dict | None = None,
) -> Path:
    """A fake repository: requirements pins, pairs.toml with one old pair, one notebook."""
    (tmp_path / "requirements.txt").write_text(
        "keras==3.15.1\ntensorflow_cpu==2.21.0\nnumpy==2.4.6\nnbval==0.11.0\n"
    )
    (tmp_path / "requirements-backends.txt").write_text(
        "-r requirements-torch.txt  # backend: torch\njax[cpu]==0.10.2  # backend: jax\n"
    )
    (tmp_path / "requirements-torch.txt").write_text("torch==2.13.0\n")
    (tmp_path / "requirements-keras2.txt").write_text("tf-keras==2.21.0\n")
    where = tmp_path / "tests" / "versions"
    where.mkdir(parents=True)
    (where / "pairs.toml").write_text(
        '[common]\npackages = ["nbval"]\nresolve = ["numpy"]\n\n'
        '[[pair]]\nname = "keras-3.8"\nkeras = "3.8.0"\ntensorflow-cpu = "2.18.1"\n'
        f"{EXTRA_LINES}"
    )
    (where / "expected.toml").write_text(expected)
    if recorded is not None:
        (where / "recorded").mkdir()
        (where / "recorded" / "keras-3.8.json").write_text(
            json.dumps({"pair": "keras-3.8", "versions": OLD_PAIR, "cells": recorded})
        )
    notebook = nbformat.v4.new_notebook()
    for cell_id, outputs in cells.items():
        cell = nbformat.v4.new_code_cell("print('x')", id=cell_id)
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        cell.execution_count = 1
        notebook.cells.append(cell)
    (tmp_path / "chapters").mkdir()
    nbformat.write(notebook, tmp_path / "chapters" / "05_x.ipynb")
    return tmp_path


ENTRY = """
[[cell]]
notebook = "chapters/05_x.ipynb"
cell = "c-error"
differs = "<3.13.0"
reason = "Keras 3.13 names the input in the message"
evidence = "3.12.0 prints the old message, 3.13.0 the new one"
"""


class FakeItem:
    """What prepare_items uses of nbval's IPyNbCell; runtest 'prints' ``printed`` and compares
    it as nbval does (options['check'], then the cell's stored outputs)."""

    def __init__(self, path: Path, cell, printed: list):
        self.fspath = path
        self.cell = cell
        self.cell_num = 0
        self.options = {"check": True}
        self.user_properties = []
        self.printed = printed
        self.test_outputs = None

    def raise_cell_error(self, message, *args):
        raise NbCellError(self.cell_num, message, self.cell.source, *args)

    def runtest(self):
        self.test_outputs = [nbformat.from_dict(o) for o in self.printed]
        if self.options["check"] and not versions.same_output(
            self.test_outputs, self.cell.outputs
        ):
            self.raise_cell_error("Cell outputs differ", "diff")


def items_for(root: Path, printed: dict[str, list]) -> list[FakeItem]:
    path = root / "chapters" / "05_x.ipynb"
    notebook = nbformat.read(path, as_version=4)
    return [FakeItem(path, cell, printed[cell.id]) for cell in notebook.cells]


# --- the files ---------------------------------------------------------------------------


def test_read_pins_follows_includes_and_compares_names_as_pip_does(tmp_path):
    root = write_repo(tmp_path, {})
    pins = versions.pinned_versions(root)
    assert pins["tensorflow-cpu"] == "2.21.0"
    assert pins["torch"] == "2.13.0"  # through -r requirements-torch.txt
    assert pins["jax"] == "0.10.2" and pins["tf-keras"] == "2.21.0"


def test_pairs_are_sorted_oldest_first_and_the_pin_is_added_from_requirements(
    tmp_path,
):
    root = write_repo(tmp_path, {})
    path = root / "tests" / "versions" / "pairs.toml"
    path.write_text(
        path.read_text()
        + '\n[[pair]]\nname = "keras-3.10"\nkeras = "3.10.0"\ntensorflow-cpu = "2.19.1"\n'
        + EXTRA_LINES
    )
    pairs = versions.load_pairs(path, root)
    assert [p.name for p in pairs.pairs] == ["keras-3.8", "keras-3.10", "pin"]
    assert pairs.pin.is_pin and pairs.pin.keras == "3.15.1"
    assert pairs.pin.tensorflow == "2.21.0" and pairs.pin.versions["torch"] == "2.13.0"
    assert (
        pairs.matching({"keras": "3.10.0", "tensorflow-cpu": "2.19.1"}).name
        == "keras-3.10"
    )
    assert pairs.matching({"keras": "3.10.0", "tensorflow-cpu": "2.18.1"}) is None


@pytest.mark.parametrize(
    "row, message",
    [
        (
            'name = "new"\nkeras = "3.16.0"\ntensorflow-cpu = "2.21.0"',
            "older than the pin",
        ),
        (
            'name = "loose"\nkeras = ">=3.8"\ntensorflow-cpu = "2.18.1"',
            "exact release",
        ),
        ('name = "half"\nkeras = "3.8.0"', "missing"),
        ('name = "pin"\nkeras = "3.8.0"\ntensorflow-cpu = "2.18.1"', "name"),
    ],
)
def test_a_pair_must_be_exact_complete_and_older_than_the_pin(tmp_path, row, message):
    root = write_repo(tmp_path, {})
    path = root / "tests" / "versions" / "pairs.toml"
    path.write_text(f"[[pair]]\n{row}\n{EXTRA_LINES}")
    with pytest.raises(ValueError, match=message):
        versions.load_pairs(path, root)


def test_an_entry_without_reason_or_evidence_is_refused(tmp_path):
    path = tmp_path / "expected.toml"
    path.write_text(
        ENTRY.replace(
            'evidence = "3.12.0 prints the old message, 3.13.0 the new one"', ""
        )
    )
    with pytest.raises(ValueError, match="evidence"):
        versions.load_expected(path)


def test_an_entry_not_compared_must_say_why_it_cannot_be(tmp_path):
    path = tmp_path / "expected.toml"
    path.write_text(ENTRY + "compare = false\n")
    with pytest.raises(ValueError, match="not compared"):
        versions.load_expected(path)


def test_the_boundary_is_where_the_stored_output_starts_to_hold(tmp_path):
    path = tmp_path / "expected.toml"
    path.write_text(ENTRY)
    (entry,) = versions.load_expected(path)
    assert not entry.holds({"keras": "3.12.0"})
    assert not entry.holds({"keras": "3.8.0"})
    assert entry.holds({"keras": "3.13.0"}) and entry.holds({"keras": "3.15.1"})
    assert entry.holds({})  # not installed: its chapter is skipped, nothing to compare


def test_a_range_can_end_below_the_pin(tmp_path):
    path = tmp_path / "expected.toml"
    path.write_text(ENTRY.replace('"<3.13.0"', '">=3.9.0,<3.12.0"'))
    (entry,) = versions.load_expected(path)
    assert entry.holds({"keras": "3.8.0"}) and entry.holds({"keras": "3.12.0"})
    assert not entry.holds({"keras": "3.9.2"}) and not entry.holds({"keras": "3.11.3"})


def test_a_range_that_does_not_parse_is_refused(tmp_path):
    path = tmp_path / "expected.toml"
    path.write_text(ENTRY.replace('"<3.13.0"', '"before 3.13"'))
    with pytest.raises(ValueError):
        versions.load_expected(path)


# --- comparing as nbval compares ------------------------------------------------------------


def nbval_says_equal(printed: list, stored: list) -> bool:
    """nbval's own IPyNbCell.compare_outputs, on a stand-in for the item it is a method of."""
    fake = SimpleNamespace(
        parent=SimpleNamespace(
            skip_compare=tuple(versions.SKIP_COMPARE), sanitize_patterns={}
        ),
        colors=SimpleNamespace(FAIL="", ENDC="", OKBLUE="", OKGREEN=""),
    )
    fake.sanitize = lambda s: s
    fake.format_output_compare = lambda *args: None
    as_nodes = [nbformat.from_dict(o) for o in printed]
    reference = coalesce_streams([nbformat.from_dict(o) for o in stored])
    return IPyNbCell.compare_outputs(fake, coalesce_streams(as_nodes), reference)


@pytest.mark.parametrize(
    "printed, stored",
    [
        (
            [stream("a\n"), stream("b\n")],
            [stream("a\nb\n")],
        ),  # streams merged per name
        (
            [error(NEW_MESSAGE, ["frame 1"])],
            [error(NEW_MESSAGE, ["frame 2"])],
        ),  # traceback
        ([error(OLD_MESSAGE)], [error(NEW_MESSAGE)]),  # the message is compared
        ([stream("a\n", "stderr")], [stream("a\n")]),  # stdout and stderr differ
        (
            [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": "AA=="},
                }
            ],
            [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": "BB=="},
                }
            ],
        ),  # images are not compared
        ([stream("10%\r100%\n")], [stream("100%\n")]),  # a carriage return overwrites
        ([stream("a\bb\n")], [stream("b\n")]),  # a backspace does not (nbval's loop)
    ],
)
def test_same_output_agrees_with_nbval(printed, stored):
    assert versions.same_output(printed, stored) == nbval_says_equal(printed, stored)


def test_a_stored_output_split_into_lines_is_the_same_text():
    on_disk = {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]}
    assert versions.same_output([stream("a\nb\n")], [on_disk])
    result = {
        "output_type": "execute_result",
        "execution_count": 3,
        "metadata": {},
        "data": {"text/plain": ["(4, ", "10)"]},
    }
    assert versions.same_output(
        [dict(result, data={"text/plain": "(4, 10)"})], [result]
    )


# --- static checks: the list cannot rot -----------------------------------------------------


def test_a_complete_list_has_no_problems(tmp_path):
    root = write_repo(
        tmp_path,
        {"c-error": [error(NEW_MESSAGE)]},
        ENTRY,
        {"chapters/05_x.ipynb#c-error": [error(OLD_MESSAGE)]},
    )
    entries = versions.load_expected(root / "tests/versions/expected.toml")
    pairs = versions.load_pairs(root / "tests/versions/pairs.toml", root)
    assert (
        versions.static_problems(
            entries, pairs, root, root / "tests/versions/recorded"
        )
        == []
    )


@pytest.mark.parametrize(
    "cells, recorded, expected, problem",
    [
        ({"other": []}, {}, ENTRY, "no code cell with id c-error"),
        (
            {"c-error": [error(NEW_MESSAGE)]},
            {"chapters/05_x.ipynb#c-error": [error(NEW_MESSAGE)]},
            ENTRY,
            "stale entry",
        ),
        (
            {"c-error": [error(NEW_MESSAGE)]},
            {},
            ENTRY,
            "no recorded output for keras-3.8",
        ),
        (
            {"c-error": [error(NEW_MESSAGE)]},
            {"chapters/05_x.ipynb#c-error": [error(OLD_MESSAGE)]},
            "",
            "does not list",
        ),
        (
            {"c-error": [error(NEW_MESSAGE)]},
            {},
            ENTRY.replace('differs = "<3.13.0"', 'differs = "<3.16.0"'),
            "includes the pin",
        ),
    ],
    ids=[
        "cell-gone",
        "recording-is-stored",
        "not-recorded",
        "unlisted-recording",
        "above-pin",
    ],
)
def test_static_problems(tmp_path, cells, recorded, expected, problem):
    root = write_repo(tmp_path, cells, expected, recorded)
    entries = versions.load_expected(root / "tests/versions/expected.toml")
    pairs = versions.load_pairs(root / "tests/versions/pairs.toml", root)
    found = versions.static_problems(
        entries, pairs, root, root / "tests/versions/recorded"
    )
    assert any(problem in line for line in found), found


def test_a_recording_of_other_versions_must_be_made_again(tmp_path):
    root = write_repo(
        tmp_path,
        {"c-error": [error(NEW_MESSAGE)]},
        ENTRY,
        {"chapters/05_x.ipynb#c-error": [error(OLD_MESSAGE)]},
    )
    path = root / "tests/versions/pairs.toml"
    path.write_text(path.read_text().replace('"3.8.0"', '"3.8.1"'))
    pairs = versions.load_pairs(path, root)
    entries = versions.load_expected(root / "tests/versions/expected.toml")
    found = versions.static_problems(
        entries, pairs, root, root / "tests/versions/recorded"
    )
    assert any("re-record it" in line for line in found), found


# --- at test time: the pytest hook ----------------------------------------------------------


def prepared(root: Path, printed: dict[str, list], installed=OLD, environ=None):
    items = items_for(root, printed)
    versions.prepare_items(items, root, environ or {}, dict(installed))
    return items


def test_on_the_pin_a_listed_cell_is_compared_with_its_stored_output(tmp_path):
    root = write_repo(tmp_path, {"c-error": [error(NEW_MESSAGE)]}, ENTRY, {})
    pin = {"keras": "3.15.1", "tensorflow-cpu": "2.21.0"}
    (item,) = prepared(root, {"c-error": [error(OLD_MESSAGE)]}, pin)
    assert item.user_properties == []
    with pytest.raises(NbCellError, match="Cell outputs differ"):
        item.runtest()


def test_below_the_boundary_a_listed_cell_must_print_its_recording(tmp_path):
    root = write_repo(
        tmp_path,
        {"c-error": [error(NEW_MESSAGE)]},
        ENTRY,
        {"chapters/05_x.ipynb#c-error": [error(OLD_MESSAGE)]},
    )
    (item,) = prepared(root, {"c-error": [error(OLD_MESSAGE)]})
    item.runtest()  # the old message, as recorded: passes
    assert item.user_properties == [("version_bound", "compared with its recording")]
    (item,) = prepared(root, {"c-error": [error("something else")]})
    with pytest.raises(NbCellError, match="recorded") as raised:
        item.runtest()
    assert "re-record" in str(raised.value)


def test_an_unlisted_cell_that_differs_fails_below_any_boundary(tmp_path):
    root = write_repo(
        tmp_path,
        {"c-error": [error(NEW_MESSAGE)], "c-plain": [stream("(4, 10)\n")]},
        ENTRY,
        {"chapters/05_x.ipynb#c-error": [error(OLD_MESSAGE)]},
    )
    _, plain = prepared(
        root, {"c-error": [error(OLD_MESSAGE)], "c-plain": [stream("(4, 5, 10)\n")]}
    )
    with pytest.raises(NbCellError, match="Cell outputs differ"):
        plain.runtest()


def test_a_listed_cell_that_prints_its_stored_output_below_the_boundary_is_stale(
    tmp_path,
):
    root = write_repo(
        tmp_path,
        {"c-error": [error(NEW_MESSAGE)]},
        ENTRY,
        {"chapters/05_x.ipynb#c-error": [error(OLD_MESSAGE)]},
    )
    (item,) = prepared(root, {"c-error": [error(NEW_MESSAGE)]})
    with pytest.raises(NbCellError, match="stale entry"):
        item.runtest()


def test_a_recording_equal_to_the_stored_output_is_stale_even_when_the_cell_passes(
    tmp_path,
):
    root = write_repo(
        tmp_path,
        {"c-error": [error(NEW_MESSAGE)]},
        ENTRY,
        {"chapters/05_x.ipynb#c-error": [error(NEW_MESSAGE)]},
    )
    (item,) = prepared(root, {"c-error": [error(NEW_MESSAGE)]})
    with pytest.raises(NbCellError, match="stale entry"):
        item.runtest()


def test_a_listed_cell_without_a_recording_runs_then_fails(tmp_path):
    root = write_repo(tmp_path, {"c-error": [error(NEW_MESSAGE)]}, ENTRY, {})
    (item,) = prepared(root, {"c-error": [error(OLD_MESSAGE)]})
    with pytest.raises(NbCellError, match="no recorded output for keras-3.8"):
        item.runtest()
    assert item.test_outputs is not None  # it ran: the next cells see its effects


def test_a_listed_cell_that_no_longer_exists_fails_its_notebook(tmp_path):
    root = write_repo(tmp_path, {"c-plain": [stream("1\n")]}, ENTRY, {})
    (item,) = prepared(root, {"c-plain": [stream("1\n")]})
    with pytest.raises(NbCellError, match="no code cell with id c-error"):
        item.runtest()


def test_a_cell_that_cannot_be_compared_runs_unchecked_below_its_boundary(tmp_path):
    entry = ENTRY.replace(
        'reason = "Keras 3.13 names the input in the message"',
        'reason = "a memory address; not compared: it changes every run"',
    )
    root = write_repo(
        tmp_path, {"c-error": [error(NEW_MESSAGE)]}, entry + "compare = false\n"
    )
    (item,) = prepared(root, {"c-error": [error("0x7f...")]})
    item.runtest()
    assert item.user_properties == [("version_bound", "not compared")]


def test_record_mode_stores_what_the_listed_cell_printed(tmp_path):
    root = write_repo(tmp_path, {"c-error": [error(NEW_MESSAGE)]}, ENTRY)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (item,) = prepared(
        root,
        {"c-error": [error(OLD_MESSAGE)]},
        environ={versions.RECORD_ENV: str(scratch)},
    )
    item.runtest()
    (written,) = [json.loads(p.read_text()) for p in scratch.glob("*.json")]
    assert written["key"] == "chapters/05_x.ipynb#c-error"
    assert written["outputs"][0]["evalue"] == OLD_MESSAGE


def test_the_summary_counts_version_bound_cells_from_the_reports(tmp_path):
    root = write_repo(tmp_path, {"c-error": [error(NEW_MESSAGE)]}, ENTRY)
    report = SimpleNamespace(
        when="call",
        nodeid="chapters/05_data_into_shape.ipynb::Cell 10",
        user_properties=[("version_bound", "compared with its recording")],
    )
    (line,) = versions.summary_lines({"passed": [report]}, root)
    assert "1 compared with its recording" in line
    unit = SimpleNamespace(
        when="call", nodeid="tests/test_x.py::test_y", user_properties=[]
    )
    assert versions.summary_lines({"passed": [unit]}, root) == []


# --- the repository's own files ---------------------------------------------------------------


def test_the_repository_list_is_complete_and_current():
    """Every entry names a cell that exists, each old pair below its boundary has recorded
    what that cell prints there, and that differs from the stored output."""
    entries = versions.load_expected()
    pairs = versions.load_pairs()
    assert versions.static_problems(entries, pairs) == []
    assert len(pairs.pairs) >= 3 and pairs.pin.is_pin


def test_a_pair_without_an_optional_package_must_say_why(tmp_path):
    root = write_repo(tmp_path, {})
    path = root / "tests" / "versions" / "pairs.toml"
    path.write_text(path.read_text().replace('jax = "0.4.38"\n', ""))
    with pytest.raises(ValueError, match="nor says why not"):
        versions.load_pairs(path, root)
    path.write_text(
        path.read_text() + 'without = { jax = "jaxlib 0.4 needs numpy < 2" }\n'
    )
    old, pin = versions.load_pairs(path, root).pairs
    assert old.without == {"jax": "jaxlib 0.4 needs numpy < 2"}
    assert not old.provides(["tensorflow", "jax"]) and old.provides(
        ["torch", "tf_keras"]
    )
    assert pin.provides(["tensorflow", "jax", "torch", "tf_keras"])


def test_the_package_floor_is_the_oldest_keras_make_test_versions_runs():
    text = (ROOT / "pyproject.toml").read_text()
    (floor,) = re.findall(r'"keras>=([\d.]+)"', text)
    assert floor == versions.load_pairs().oldest.keras


def test_each_page_says_which_keras_releases_its_cells_are_tested_on():
    from _ext import output_versions

    tested = [pair.keras for pair in versions.load_pairs().pairs]
    sentence = output_versions.verified_sentence(["torch"])
    assert sentence.startswith(
        f"Verified on Keras {output_versions.minor(tested[0])} to "
    )
    assert sentence.endswith(f"tested on {', '.join(tested[:-1])} and {tested[-1]}.")
    recorded = {"keras": "3.15.1", "backend": "tensorflow", "python": "3.11.7"}
    assert output_versions.versions_line(recorded).endswith(sentence)
