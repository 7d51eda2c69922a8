"""Every chapter on older Keras/TensorFlow releases (``make test-versions``).

    python -m tools.versions                      # every pair in tests/versions/pairs.toml, then the pin
    python -m tools.versions --pairs keras-3.8    # one pair (names from pairs.toml; "pin" is the pin)
    python -m tools.versions --skip-pin           # CI: `make test` has just run the pin
    python -m tools.versions --record             # re-run the version-bound cells, store their outputs
    python -m tools.versions --check              # only the static checks of the two files (no run)
    python -m tools.versions --pairs keras-3.8 -- chapters/05_data_into_shape.ipynb

Each pair of ``tests/versions/pairs.toml`` gets its own virtual environment,
``.venv-versions/<name>/``, made from PyPI with exactly the versions the file names (and
requirements.txt's pins for everything else, see the file), reused while the file says the same.
In it the ordinary nbval pass runs over every chapter (``pytest`` with the repository's
conftest.py and pyproject.toml, two workers, warm kernels). The pin, requirements.txt's Keras and
TensorFlow, is the last row; it runs in ``.venv``, where ``make test`` runs the same pass.

Every cell must print exactly its stored output, except the cells listed in
``tests/versions/expected.toml``: their output depends on the version, and each entry says on
which releases the cell prints something else than its stored output (``package``, ``differs``,
e.g. ``keras <3.13.0``), why, and the runs that found those bounds. On a pair in that range,
conftest.py (:func:`prepare_items`) compares the cell with what that pair printed when it was
recorded (``tests/versions/recorded/<pair>.json``, written by ``--record``, which runs the listed
cells' notebooks on the pair and stores what those cells printed). The run fails when an
unlisted cell differs, when a listed cell differs from its recording, and when an entry is stale:
its cell no longer exists, or prints its stored output in that range (then the range is wrong
or the entry is no longer needed).

A pair installs the optional packages some chapters need (PyTorch, JAX, tf-keras), each
smoke-tested with the pair's Keras when its venv is made; one that fails stops the run. One that
cannot work with a pair is left out of it in pairs.toml with the reason (``without``):
conftest.py then skips the chapters that require it, and the report repeats the reason.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.metadata
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONS_DIR = ROOT / "tests" / "versions"
PAIRS_FILE = VERSIONS_DIR / "pairs.toml"
EXPECTED_FILE = VERSIONS_DIR / "expected.toml"
RECORDED_DIR = VERSIONS_DIR / "recorded"
VENVS_DIR = ROOT / ".venv-versions"
PIN_VENV = ROOT / ".venv"
PIN = "pin"
# The requirements files that pin what .venv has (requirements-backends.txt includes
# requirements-torch.txt); their pins constrain every pair's venv too.
PIN_FILES = (
    "requirements.txt",
    "requirements-backends.txt",
    "requirements-keras2.txt",
)
STAMP = "lstm-book-pair.json"
# A pair's own packages: its key in pairs.toml -> what pip installs for it.
PAIR_PACKAGES = {
    "keras": ["keras"],
    "tensorflow-cpu": ["tensorflow-cpu"],
    "jax": ["jax[cpu]", "jaxlib"],
    "torch": ["torch"],
    "tf-keras": ["tf-keras"],
}
REQUIRED_KEYS = ("keras", "tensorflow-cpu")
# tf-keras declares a dependency on `tensorflow`, which pip would install over tensorflow-cpu.
NO_DEPS = {"tf-keras"}
# The optional packages: pairs.toml key -> the module a chapter's metadata requires, and a
# smoke test that it works with the pair's Keras (run in a fresh process in the pair's venv).
_LSTM_CALL = (
    "import numpy, keras; "
    "out = keras.layers.LSTM(3, return_sequences=True)(numpy.zeros((2, 4, 5), 'float32')); "
    "assert tuple(out.shape) == (2, 4, 3), out.shape"
)
EXTRAS = {
    "torch": ("torch", {"KERAS_BACKEND": "torch"}, f"import torch; {_LSTM_CALL}"),
    "jax": ("jax", {"KERAS_BACKEND": "jax"}, f"import jax; {_LSTM_CALL}"),
    "tf-keras": (
        "tf_keras",
        {"TF_USE_LEGACY_KERAS": "1"},
        "import numpy, tf_keras; "
        "out = tf_keras.layers.LSTM(3)(numpy.zeros((2, 4, 5), 'float32')); "
        "assert tuple(out.shape) == (2, 3), out.shape",
    ),
}
RECORD_ENV = "LSTM_BOOK_VERSIONS_RECORD"
# nbval's defaults (nbval/plugin.py, IPyNbFile.skip_compare, without --nbdime).
SKIP_COMPARE = frozenset(
    {
        "metadata",
        "traceback",
        "prompt_number",
        "output_type",
        "name",
        "execution_count",
        "application/vnd.jupyter.widget-view+json",
        "image/png",
        "image/jpeg",
    }
)


def canonical(name: str) -> str:
    """A distribution name as pip compares it (``tensorflow_cpu`` is ``tensorflow-cpu``)."""
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower().strip()


def version_key(text: str) -> tuple:
    """A release version ("3.10.0", "2.13.0+cpu") as a tuple that sorts as the releases do."""
    from packaging.version import Version

    return (Version(text),)


# ---------------------------------------------------------------------------------------------
# The two files: pairs and expected differences


def read_pins(path: Path, seen: set[Path] | None = None) -> dict[str, str]:
    """``{canonical name: version}`` for each ``name==version`` line, following ``-r``."""
    seen = set() if seen is None else seen
    if path in seen:
        return {}
    seen.add(path)
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        included = re.match(r"^(?:-r|--requirement)\s+(\S+)$", line)
        if included:
            pins.update(read_pins(path.parent / included[1], seen))
        elif "==" in line:
            name, version = line.split("==", 1)
            pins[canonical(name)] = version.strip()
    return pins


def pinned_versions(root: Path = ROOT) -> dict[str, str]:
    """What .venv pins: requirements.txt and the optional backends' and Keras 2's files."""
    pins: dict[str, str] = {}
    for name in PIN_FILES:
        pins.update(read_pins(root / name))
    return pins


@dataclass(frozen=True)
class Pair:
    """One Keras/TensorFlow pair: the versions of its own packages, by their pairs.toml key."""

    name: str
    versions: dict[str, str]
    is_pin: bool = False
    # Optional packages the pair leaves out: key -> why (its chapters are skipped there).
    without: dict[str, str] = field(default_factory=dict)

    @property
    def keras(self) -> str:
        return self.versions["keras"]

    @property
    def tensorflow(self) -> str:
        return self.versions["tensorflow-cpu"]

    def provides(self, modules: list[str]) -> bool:
        """Whether the pair installs every optional module in ``modules`` (a chapter's
        ``requires``); modules no optional package provides come with every pair."""
        optional = {module: key for key, (module, _, _) in EXTRAS.items()}
        return all(m not in optional or optional[m] in self.versions for m in modules)

    def label(self) -> str:
        return f"Keras {self.keras} + TensorFlow {self.tensorflow}"

    def venv(self, venvs: Path = VENVS_DIR) -> Path:
        return PIN_VENV if self.is_pin else venvs / self.name


@dataclass(frozen=True)
class Pairs:
    """pairs.toml: the older pairs (oldest first), then the pin; and what they share."""

    pairs: list[Pair]
    common: list[str]
    resolve: list[str]

    def named(self, name: str) -> Pair:
        for pair in self.pairs:
            if pair.name == name:
                return pair
        known = ", ".join(p.name for p in self.pairs)
        raise ValueError(f"no pair named {name!r} (pairs.toml has {known})")

    @property
    def pin(self) -> Pair:
        return self.pairs[-1]

    @property
    def oldest(self) -> Pair:
        return self.pairs[0]

    def matching(self, installed: dict[str, str]) -> Pair | None:
        """The pair whose Keras and TensorFlow are the ones ``installed``."""
        for pair in self.pairs:
            if all(installed.get(key) == pair.versions[key] for key in REQUIRED_KEYS):
                return pair
        return None


def load_pairs(path: Path = PAIRS_FILE, root: Path = ROOT) -> Pairs:
    """The pairs in ``path`` sorted by Keras version, and the pin (from the requirements files)."""
    data = tomllib.loads(path.read_text())
    pins = pinned_versions(root)
    pairs = []
    for row in data.get("pair", []):
        name = row.get("name", "")
        if not re.fullmatch(r"[A-Za-z0-9][\w.-]*", name) or name == PIN:
            raise ValueError(
                f"{path.name}: a pair needs a name of letters, digits, . - _: {row}"
            )
        unknown = set(row) - {"name", "without", *PAIR_PACKAGES}
        missing = [key for key in REQUIRED_KEYS if key not in row]
        if unknown or missing:
            raise ValueError(
                f"{path.name}: pair {name}: unknown keys {sorted(unknown)} or missing "
                f"{missing}; a pair names {', '.join(PAIR_PACKAGES)}"
            )
        versions = {key: str(row[key]) for key in PAIR_PACKAGES if key in row}
        without = {str(k): str(v) for k, v in row.get("without", {}).items()}
        for key in PAIR_PACKAGES:
            if key not in versions and key not in without and key in EXTRAS:
                raise ValueError(
                    f"{path.name}: pair {name} neither installs {key} nor says why not "
                    f'(without = {{ {key} = "..." }}); its chapters would be skipped silently'
                )
        if set(without) & set(versions) or set(without) - set(EXTRAS):
            raise ValueError(
                f"{path.name}: pair {name}: `without` names optional packages it does not "
                f"install, out of {', '.join(EXTRAS)}"
            )
        for key, version in versions.items():
            if not re.fullmatch(r"\d+(\.\d+)+", version):
                raise ValueError(
                    f"{path.name}: pair {name}: {key} = {version!r} is not an exact release"
                )
        pairs.append(Pair(name, versions, without=without))
    if len({p.name for p in pairs}) != len(pairs):
        raise ValueError(f"{path.name}: two pairs have the same name")
    pin = Pair(
        PIN,
        {key: pins[canonical(key)] for key in PAIR_PACKAGES if canonical(key) in pins},
        True,
    )
    if any(version_key(p.keras) >= version_key(pin.keras) for p in pairs):
        raise ValueError(
            f"{path.name}: every pair must be older than the pin (Keras {pin.keras}); "
            "the pin is added by itself"
        )
    pairs.sort(key=lambda p: version_key(p.keras))
    common = data.get("common", {})
    return Pairs(
        [*pairs, pin],
        list(common.get("packages", [])),
        list(common.get("resolve", [])),
    )


@dataclass(frozen=True)
class Entry:
    """A cell whose output depends on the version: it prints something else than its stored
    output where ``package``'s version is in ``differs`` (a PEP 440 specifier, "<3.13.0")."""

    notebook: (
        str  # relative to the repository, e.g. "chapters/05_data_into_shape.ipynb"
    )
    cell: str  # the cell's id
    differs: str
    reason: str
    evidence: str
    package: str = "keras"
    compare: bool = True  # False: in its range the output is not compared at all

    @property
    def key(self) -> str:
        return f"{self.notebook}#{self.cell}"

    def holds(self, versions: dict[str, str]) -> bool:
        """Whether the stored output holds with these versions (a missing package: it does)."""
        from packaging.specifiers import SpecifierSet

        installed = versions.get(canonical(self.package))
        return installed is None or installed not in SpecifierSet(self.differs)

    def boundary(self) -> str:
        """ "keras <3.13.0": where the cell differs from its stored output."""
        return f"{self.package} {self.differs}"


ENTRY_KEYS = {
    "notebook",
    "cell",
    "differs",
    "reason",
    "evidence",
    "package",
    "compare",
}


def load_expected(path: Path = EXPECTED_FILE) -> list[Entry]:
    """The entries of expected.toml (``[[cell]]`` tables); each must say why and from when."""
    if not path.exists():
        return []
    entries = []
    for row in tomllib.loads(path.read_text()).get("cell", []):
        unknown = set(row) - ENTRY_KEYS
        missing = [
            k
            for k in ("notebook", "cell", "differs", "reason", "evidence")
            if not row.get(k)
        ]
        if unknown or missing:
            raise ValueError(
                f"{path.name}: an entry has unknown keys {sorted(unknown)} or lacks {missing}: "
                f"{row.get('notebook')}#{row.get('cell')}"
            )
        if row.get("compare", True) is False and "not compared" not in row["reason"]:
            raise ValueError(
                f"{path.name}: {row['notebook']}#{row['cell']} is not compared; its reason must "
                "say why it cannot be (with the words 'not compared')"
            )
        entry = Entry(
            **{k: (str(v) if k != "compare" else bool(v)) for k, v in row.items()}
        )
        entry.holds(
            {canonical(entry.package): "0"}
        )  # a range that does not parse fails here
        entries.append(entry)
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{path.name}: a cell is listed twice")
    return entries


def recording_path(pair: Pair, directory: Path = RECORDED_DIR) -> Path:
    return directory / f"{pair.name}.json"


def load_recording(pair: Pair, directory: Path = RECORDED_DIR) -> dict | None:
    path = recording_path(pair, directory)
    return json.loads(path.read_text()) if path.exists() else None


def pair_versions(pair: Pair) -> dict[str, str]:
    """The pair's versions keyed as installed distributions are (canonical names)."""
    return {canonical(key): version for key, version in pair.versions.items()}


# ---------------------------------------------------------------------------------------------
# Comparing outputs as nbval does


def _text(value):
    """A notebook file may store a multi-line string as a list of lines."""
    return "".join(value) if isinstance(value, list) else value


# nbval's (plugin.py): a line's text up to a carriage return that more text follows.
_CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


def nbval_view(outputs: list) -> dict[str, list]:
    """One cell's outputs as nbval compares them (plugin.py: coalesce_streams, then
    transform_streams_for_comparison and compare_outputs's flattening, without sanitizers):
    streams merged per name, images, tracebacks and metadata left out."""
    merged: list = []
    streams: dict[str, dict] = {}
    for output in outputs:
        if output["output_type"] == "stream":
            if output["name"] in streams:
                streams[output["name"]]["text"] += _text(output["text"])
                continue
            output = dict(output, text=_text(output["text"]))
            streams[output["name"]] = output
        merged.append(output)
    for stream in streams.values():
        # nbval's backspace step never runs (its loop starts with equal lengths); this does.
        stream["text"] = _CARRIAGE_RETURN.sub("", stream["text"])
    keyed: dict[str, list] = defaultdict(list)
    for output in merged:
        if output["output_type"] == "stream":
            keyed[output["name"]].append(output["text"])
            continue
        for key, value in output.items():
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP_COMPARE:
                        keyed[mime].append(_text(data))
            elif key not in SKIP_COMPARE:
                keyed[key].append(_text(value) if key != "traceback" else value)
    return dict(keyed)


def same_output(printed: list, expected: list) -> bool:
    return nbval_view(printed) == nbval_view(expected)


# ---------------------------------------------------------------------------------------------
# Static checks: the list cannot rot


def notebook_cells(path: Path) -> dict[str, dict]:
    """``{cell id: cell}`` for the code cells of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return {c["id"]: c for c in cells if c["cell_type"] == "code" and "id" in c}


def static_problems(
    entries: list[Entry],
    pairs: Pairs,
    root: Path = ROOT,
    recorded: Path = RECORDED_DIR,
) -> list[str]:
    """What is wrong with expected.toml and the recordings, without running anything."""
    problems = []
    for entry in entries:
        path = root / entry.notebook
        if not path.exists():
            problems.append(
                f"stale entry {entry.key}: {entry.notebook} no longer exists"
            )
            continue
        if entry.cell not in notebook_cells(path):
            problems.append(
                f"stale entry {entry.key}: {entry.notebook} has no code cell with id {entry.cell}"
            )
        if not entry.holds(pair_versions(pairs.pin)):
            problems.append(
                f"{entry.key}: its range {entry.boundary()} includes the pin; the stored "
                "outputs are the pin's"
            )
    for pair in pairs.pairs[:-1]:
        differing = [e for e in entries if not e.holds(pair_versions(pair))]
        data = load_recording(pair, recorded)
        cells = (data or {}).get("cells", {})
        if data is not None and data.get("versions") != pair.versions:
            problems.append(
                f"{recording_path(pair, recorded).name} was recorded on {data.get('versions')}, "
                f"but pairs.toml now says {pair.versions}: re-record it "
                f"(python -m tools.versions --record --pairs {pair.name})"
            )
        for entry in differing:
            if not entry.compare:
                continue
            if entry.key not in cells:
                if entry.key not in (data or {}).get("not_run", {}):
                    problems.append(
                        f"{entry.key} ({entry.boundary()}) has no recorded output for "
                        f"{pair.name}: python -m tools.versions --record --pairs {pair.name}"
                    )
                continue
            path = root / entry.notebook
            cell = notebook_cells(path).get(entry.cell) if path.exists() else None
            if cell is not None and same_output(cells[entry.key], cell["outputs"]):
                problems.append(
                    f"stale entry {entry.key}: {pair.name}'s recording is its stored output, "
                    f"so it does not depend on the version there ({entry.boundary()})"
                )
        listed = {e.key for e in differing if e.compare}
        for key in sorted(set(cells) - listed):
            problems.append(
                f"{recording_path(pair, recorded).name} records {key}, which expected.toml "
                f"does not list as differing on {pair.name}: re-record"
            )
    return problems


# ---------------------------------------------------------------------------------------------
# The pytest side (conftest.py calls these): version-bound cells in their range


def installed_versions() -> dict[str, str]:
    """``{canonical name: version}`` of every distribution in this environment."""
    found = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonical(name), dist.version)
    return found


def _record_file(directory: Path, key: str) -> Path:
    return directory / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.json"


def prepare_items(
    items: list,
    root: Path = ROOT,
    environ=os.environ,
    installed: dict[str, str] | None = None,
) -> None:
    """Point each listed cell in its range at what this pair printed when recorded.

    Called from ``pytest_collection_modifyitems`` with the collected items; only nbval's cells
    (items with a ``cell``) are touched. With ``LSTM_BOOK_VERSIONS_RECORD=<dir>`` set, those
    cells are run without comparison and what they print is written to ``<dir>`` instead.
    """
    cells = [item for item in items if getattr(item, "cell", None) is not None]
    entries = load_expected(root / EXPECTED_FILE.relative_to(ROOT))
    if not cells or not entries:
        return
    installed = installed_versions() if installed is None else installed
    pairs = load_pairs(root / PAIRS_FILE.relative_to(ROOT), root)
    pair = pairs.matching(installed)
    record_dir = Path(environ[RECORD_ENV]) if environ.get(RECORD_ENV) else None
    recording = None
    if pair is not None and not pair.is_pin:
        recording = load_recording(pair, root / RECORDED_DIR.relative_to(ROOT))
    by_key = {entry.key: entry for entry in entries}
    seen: set[str] = set()
    first_of_notebook: dict[str, object] = {}
    for item in cells:
        path = Path(str(item.fspath)).resolve()
        if not path.is_relative_to(root.resolve()):
            continue
        notebook = path.relative_to(root.resolve()).as_posix()
        first_of_notebook.setdefault(notebook, item)
        key = f"{notebook}#{item.cell.get('id')}"
        entry = by_key.get(key)
        if entry is None:
            continue
        seen.add(key)
        if entry.holds(installed):
            continue
        name = pair.name if pair else f"keras {installed.get('keras')}"
        recorded = (recording or {}).get("cells", {}).get(key)
        _version_bound(item, entry, name, recorded, record_dir)
    for key, entry in by_key.items():
        item = first_of_notebook.get(entry.notebook)
        if key not in seen and item is not None:
            _fails_after(
                item,
                f"stale entry in expected.toml: {entry.notebook} has no code cell with id "
                f"{entry.cell} (remove the entry, or list the cell that replaced it)",
            )


def _fails_after(item, message: str) -> None:
    """The item runs as before, then fails with ``message``."""
    original = item.runtest

    def runtest():
        original()
        item.raise_cell_error(message)

    item.runtest = runtest


def _version_bound(item, entry: Entry, pair_name: str, recorded, record_dir) -> None:
    import nbformat
    from nbval.plugin import NbCellError

    original = item.runtest
    stored = copy.deepcopy(list(item.cell.outputs))
    where = f"{EXPECTED_FILE.relative_to(ROOT)}: {entry.key}, differs on {entry.boundary()}"
    if record_dir is not None:
        item.options["check"] = False
        item.user_properties.append(("version_bound", "recorded"))

        def runtest():
            original()
            printed = [dict(o) for o in item.test_outputs]
            _record_file(record_dir, entry.key).write_text(
                json.dumps({"key": entry.key, "outputs": printed}, ensure_ascii=False)
            )

    elif not entry.compare:
        item.options["check"] = False
        item.user_properties.append(("version_bound", "not compared"))
        runtest = original
    elif recorded is None:
        item.options["check"] = False
        item.user_properties.append(("version_bound", "not recorded"))

        def runtest():
            original()
            item.raise_cell_error(
                f"version-bound cell ({where}) has no recorded output for {pair_name}: run "
                f"python -m tools.versions --record --pairs {pair_name}"
            )

    else:
        cell = copy.deepcopy(item.cell)
        cell.outputs = [nbformat.from_dict(o) for o in recorded]
        item.cell = cell
        item.user_properties.append(("version_bound", "compared with its recording"))
        stale = (
            f"stale entry ({where}): on {pair_name} the cell prints its stored output, so it "
            "does not depend on the version there; remove the entry or correct its range, "
            "then re-record"
        )

        def runtest():
            try:
                original()
            except NbCellError as error:
                printed = item.test_outputs
                if printed is not None and same_output(printed, stored):
                    raise NbCellError(
                        item.cell_num, stale, item.cell.source
                    ) from error
                raise NbCellError(
                    item.cell_num,
                    f"{error} from what {pair_name} printed when recorded (version-bound: "
                    f"{where}; if the chapter changed, re-record: python -m tools.versions "
                    f"--record --pairs {pair_name})",
                    item.cell.source,
                    error.inner_traceback,
                ) from error
            if same_output(recorded, stored):
                item.raise_cell_error(stale)

    item.runtest = runtest


def summary_lines(stats: dict, root: Path = ROOT) -> list[str]:
    """The run's last words on version-bound cells (conftest.py's terminal summary); nothing
    when no notebook cell ran."""
    counts: dict[str, int] = defaultdict(int)
    notebook_cells_ran = False
    for reports in stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            notebook_cells_ran |= ".ipynb::" in getattr(report, "nodeid", "")
            for name, value in getattr(report, "user_properties", []):
                if name == "version_bound":
                    counts[value] += 1
    entries = load_expected(root / EXPECTED_FILE.relative_to(ROOT))
    if not notebook_cells_ran or not entries:
        return []
    keras = installed_versions().get("keras")
    where = EXPECTED_FILE.relative_to(ROOT)
    if not counts:
        return [
            f"version-bound cells ({where}): none in its range ran on keras {keras}; "
            "every cell was compared with its stored output"
        ]
    said = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
    return [f"version-bound cells on keras {keras} ({where}): {said}"]


# ---------------------------------------------------------------------------------------------
# Venvs


def pip_lines(
    pair: Pair, pairs: Pairs, pins: dict[str, str]
) -> tuple[list[str], list[str]]:
    """What pip installs for a pair: (with dependencies, without)."""
    with_deps, no_deps = [], []
    for key, version in pair.versions.items():
        for requirement in PAIR_PACKAGES[key]:
            (no_deps if key in NO_DEPS else with_deps).append(
                f"{requirement}=={version}"
            )
    for name in pairs.common:
        if canonical(name) not in pins:
            raise ValueError(
                f"pairs.toml: common package {name} is not pinned in {PIN_FILES}"
            )
        with_deps.append(f"{name}=={pins[canonical(name)]}")
    return with_deps, no_deps


def constraints(pair: Pair, pairs: Pairs, pins: dict[str, str]) -> list[str]:
    """The pin's versions of everything else, except the pair's own and ``resolve``."""
    own = {canonical(r) for key in pair.versions for r in PAIR_PACKAGES[key]}
    free = own | {canonical(n) for n in pairs.resolve}
    return [
        f"{name}=={version}"
        for name, version in sorted(pins.items())
        if name not in free
    ]


def venv_spec(pair: Pair, pairs: Pairs, pins: dict[str, str]) -> dict:
    """What a pair's venv is made from; a venv whose stamp says otherwise is made again."""
    with_deps, no_deps = pip_lines(pair, pairs, pins)
    return {
        "python": ".".join(map(str, sys.version_info[:3])),
        "install": with_deps,
        "install_no_deps": no_deps,
        "constraints": constraints(pair, pairs, pins),
        "editable": str(ROOT),
    }


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _pip(python: Path, *args: str) -> None:
    done = _run([str(python), "-m", "pip", "--disable-pip-version-check", *args])
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-12:])
        raise RuntimeError(f"pip {' '.join(args[:2])}... failed:\n{tail}")


def smoke_test(python: Path, key: str) -> str:
    """ "" if the optional package ``key`` works with the venv's Keras, else why not."""
    _, env, code = EXTRAS[key]
    done = _run(
        [str(python), "-c", code],
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **env),
        cwd=tempfile.gettempdir(),
    )
    if done.returncode == 0:
        return ""
    last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
    return f"{key} does not work with this Keras: {last}"


def ensure_venv(pair: Pair, pairs: Pairs, venvs: Path = VENVS_DIR) -> dict:
    """Make (or reuse) the pair's venv; return its stamp: the spec, the smoke tests, freeze."""
    pins = pinned_versions()
    spec = venv_spec(pair, pairs, pins)
    where = pair.venv(venvs)
    python = where / "bin" / "python"
    stamp_path = where / STAMP
    if stamp_path.exists() and python.exists():
        stamp = json.loads(stamp_path.read_text())
        if stamp.get("spec") == spec:
            print(
                f"-- {pair.name}: reusing {where.relative_to(ROOT)} (matches pairs.toml)"
            )
            return stamp
    print(
        f"-- {pair.name}: making {where.relative_to(ROOT)}: {' '.join(spec['install'])}"
    )
    shutil.rmtree(where, ignore_errors=True)
    where.parent.mkdir(parents=True, exist_ok=True)
    done = _run([sys.executable, "-m", "venv", str(where)])
    if done.returncode != 0:
        raise RuntimeError(f"python -m venv failed: {done.stderr.strip()}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tmp:
        tmp.write("\n".join(spec["constraints"]) + "\n")
    try:
        _pip(python, "install", "--quiet", "-c", tmp.name, *spec["install"])
    finally:
        os.unlink(tmp.name)
    if spec["install_no_deps"]:
        _pip(python, "install", "--quiet", "--no-deps", *spec["install_no_deps"])
    _pip(python, "install", "--quiet", "--no-deps", "-e", str(ROOT))
    for key in EXTRAS:
        if key in pair.versions:
            problem = smoke_test(python, key)
            if problem:
                raise RuntimeError(
                    f"pairs.toml installs {key} for {pair.name}, but {problem}. If it cannot "
                    f'work there, leave it out of the pair: without = {{ {key} = "why" }}'
                )
    freeze = _run([str(python), "-m", "pip", "freeze", "--exclude-editable"]).stdout
    stamp = {"spec": spec, "freeze": freeze.split()}
    stamp_path.write_text(json.dumps(stamp, indent=1) + "\n")
    return stamp


def resolved(stamp: dict, names: list[str]) -> str:
    """``numpy 2.0.2, protobuf 5.29.6``: what pip resolved for ``names`` (from the stamp)."""
    found = {}
    for line in stamp.get("freeze", []):
        if "==" in line:
            name, version = line.split("==", 1)
            found[canonical(name)] = version
    return ", ".join(
        f"{n} {found[canonical(n)]}" for n in names if canonical(n) in found
    )


# ---------------------------------------------------------------------------------------------
# Running a pair


_SUMMARY_LINE = re.compile(r"^=+ (?P<summary>.*\d.* in [\d.]+s.*) =+$")
_FAILED_LINE = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<test>.+?)(?: - .*)?$")


@dataclass
class Outcome:
    pair: Pair
    status: str = "not run"
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    skipped_chapters: list[str] = field(default_factory=list)
    version_bound: str = ""
    kernels: str = ""
    resolved: str = ""
    recorded: list[str] = field(default_factory=list)
    install_seconds: float = 0.0
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0  # sampled over the process tree
    waited_cpu_seconds: float = (
        0.0  # getrusage: only the descendants that were waited for
    )
    detail: str = ""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class TreeCPU:
    """CPU seconds of a process and all its descendants, sampled every ``interval`` seconds
    while it runs (getrusage's children time misses descendants that are not waited for,
    and pytest-xdist's workers, whose kernels do the work, are not). A process that ends
    between two samples loses at most ``interval`` seconds of its CPU time here."""

    def __init__(self, pid: int, interval: float = 0.5):
        import threading

        self.pid, self.interval = pid, interval
        self.seen: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for process in processes:
            try:
                with process.oneshot():
                    times = process.cpu_times()
                    key = (process.pid, process.create_time())
            except psutil.Error:
                continue
            self.seen[key] = times.user + times.system

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def stop(self) -> float:
        self._sample()
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())


def run_pytest(
    pair: Pair, python: Path, args: list[str], env: dict, outcome: Outcome
) -> int:
    """pytest in the pair's venv, its output echoed; fills ``outcome`` from what it prints."""
    env = dict(env)
    # Notebook kernels are started as `python`: the venv's.
    env["PATH"] = str(python.parent) + os.pathsep + env.get("PATH", "")
    env.pop("VIRTUAL_ENV", None)
    command = [str(python), "-m", "pytest", "-rfE", *args]
    print(f"\n== {pair.name} ({pair.label()}): {' '.join(command[1:])}", flush=True)
    began, cpu = time.perf_counter(), _children_cpu()
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        tree = TreeCPU(process.pid)
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            text = line.rstrip("\n")
            failed = _FAILED_LINE.match(text)
            if failed:
                outcome.failures.append(f"{failed['kind']} {failed['test']}")
            if text.startswith("SKIPPED CHAPTER: "):
                outcome.skipped_chapters.append(text.removeprefix("SKIPPED CHAPTER: "))
            if text.startswith("version-bound cells"):
                outcome.version_bound = text
            if text.startswith("notebook kernels: "):
                outcome.kernels = text.removeprefix("notebook kernels: ")
            found = _SUMMARY_LINE.match(text.strip())
            if found:
                for number, what in re.findall(r"(\d+) (\w+)", found["summary"]):
                    outcome.counts[what] = int(number)
    outcome.wall_seconds += time.perf_counter() - began
    outcome.cpu_seconds += tree.stop()
    outcome.waited_cpu_seconds += _children_cpu() - cpu
    return process.returncode


def record(
    pair: Pair,
    python: Path,
    entries: list[Entry],
    env: dict,
    outcome: Outcome,
    directory: Path = RECORDED_DIR,
) -> int:
    """Run the notebooks of the entries whose range has ``pair``; store what the
    listed cells print in ``directory/<pair>.json``, and say which differ from the stored."""
    differing = [e for e in entries if not e.holds(pair_versions(pair)) and e.compare]
    path = recording_path(pair, directory)
    if not differing:
        if path.exists():
            path.unlink()
        print(
            f"-- {pair.name}: no listed cell differs on this pair; nothing to record"
        )
        return 0
    notebooks = sorted({e.notebook for e in differing})
    with tempfile.TemporaryDirectory(prefix="lstm-record-") as scratch:
        code = run_pytest(
            pair,
            python,
            ["-n", "2", "--dist", "loadscope", *notebooks],
            dict(env, **{RECORD_ENV: scratch}),
            outcome,
        )
        printed = {}
        for file in Path(scratch).glob("*.json"):
            data = json.loads(file.read_text())
            printed[data["key"]] = data["outputs"]
    not_run = {}
    for entry in differing:
        if entry.key not in printed:
            not_run[entry.key] = "its notebook was skipped, or stopped before it"
            outcome.recorded.append(f"{entry.key}: did not run, nothing recorded")
            continue
        stored = notebook_cells(ROOT / entry.notebook)[entry.cell]["outputs"]
        same = same_output(printed[entry.key], stored)
        outcome.recorded.append(
            f"{entry.key}: {'PRINTS THE STORED OUTPUT (stale)' if same else 'differs'} "
            f"on {pair.name} ({entry.boundary()})"
        )
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "about": (
            "What each version-bound cell (tests/versions/expected.toml) printed on this pair, "
            "written by python -m tools.versions --record; do not edit."
        ),
        "pair": pair.name,
        "versions": pair.versions,
        "cells": {key: printed[key] for key in sorted(printed)},
        "not_run": not_run,
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"-- {pair.name}: recorded {len(printed)} cells in {path}")
    return code


def report(outcomes: list[Outcome]) -> None:
    print("\n== test-versions: one row per Keras/TensorFlow pair", flush=True)
    for o in outcomes:
        counts = (
            ", ".join(f"{n} {what}" for what, n in o.counts.items())
            or "no tests counted"
        )
        print(
            f"{o.pair.name:11s} {o.status:7s} {o.pair.label()}: {counts}; "
            f"{o.wall_seconds:.0f} s wall, {o.cpu_seconds:.0f} s CPU"
            f" (getrusage {o.waited_cpu_seconds:.0f} s)"
            + (
                f" (+ {o.install_seconds:.0f} s making its venv)"
                if o.install_seconds
                else ""
            )
        )
        if o.resolved:
            print(f"{'':12s}resolved by pip: {o.resolved}")
        if o.version_bound:
            print(f"{'':12s}{o.version_bound}")
        if o.kernels:
            print(f"{'':12s}notebook kernels: {o.kernels}")
        for key, why in o.pair.without.items():
            print(f"{'':12s}without {key}: {why}")
        for chapter in o.skipped_chapters:
            print(f"{'':12s}skipped: {chapter}")
        for line in o.recorded:
            print(f"{'':12s}recorded {line}")
        for failure in o.failures:
            print(f"{'':12s}{failure}   [{o.pair.name}]")
        if o.detail:
            print(f"{'':12s}{o.detail}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args = ["-n", "2", "--dist", "loadscope", "chapters"]
    if "--" in argv:
        split = argv.index("--")
        argv, pytest_args = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pairs", help="comma-separated pair names (default: all, and the pin)"
    )
    parser.add_argument(
        "--skip-pin", action="store_true", help="leave out the pin's row"
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="re-run the listed cells on each older pair",
    )
    parser.add_argument("--check", action="store_true", help="only the static checks")
    parser.add_argument(
        "--pairs-file",
        type=Path,
        default=PAIRS_FILE,
        help="another pairs file, e.g. to find where a cell starts to differ on releases CI does not run "
        "(with --record and --recorded-dir)",
    )
    parser.add_argument("--recorded-dir", type=Path, default=RECORDED_DIR)
    args = parser.parse_args(argv)

    pairs = load_pairs(args.pairs_file)
    entries = load_expected()
    chosen = (
        [pairs.named(n.strip()) for n in args.pairs.split(",") if n.strip()]
        if args.pairs
        else list(pairs.pairs)
    )
    if args.skip_pin or args.record:
        chosen = [p for p in chosen if not p.is_pin]
    if not args.record:
        problems = static_problems(entries, pairs, ROOT, args.recorded_dir)
        for problem in problems:
            print(f"test-versions: {problem}", flush=True)
        if problems:
            print(
                "test-versions: tests/versions/ is out of date with the chapters (above)."
            )
            return 1
        print(
            f"test-versions: {len(entries)} version-bound cells listed, each recorded on the "
            "pairs in its range"
        )
    if args.check:
        return 0

    outcomes = []
    for pair in chosen:
        outcome = Outcome(pair)
        outcomes.append(outcome)
        python = pair.venv() / "bin" / "python"
        if not pair.is_pin:
            began = time.perf_counter()
            try:
                stamp = ensure_venv(pair, pairs)
            except RuntimeError as error:
                outcome.status, outcome.detail = "FAILED", f"its venv: {error}"
                continue
            outcome.install_seconds = time.perf_counter() - began
            outcome.resolved = resolved(
                stamp, list(dict.fromkeys(["numpy", *pairs.resolve]))
            )
        elif not python.exists():
            outcome.status, outcome.detail = "FAILED", "no .venv: run make venv"
            continue
        env = dict(os.environ)
        if args.record:
            code = record(pair, python, entries, env, outcome, args.recorded_dir)
        else:
            code = run_pytest(pair, python, pytest_args, env, outcome)
        outcome.status = "passed" if code == 0 else "FAILED"
        if code == 5:
            outcome.detail = "pytest collected no tests; an empty run proves nothing"
    report(outcomes)
    if args.record:
        problems = static_problems(
            load_expected(), load_pairs(args.pairs_file), ROOT, args.recorded_dir
        )
        for problem in problems:
            print(f"test-versions --record: {problem}")
        if problems:
            return 1
    return 1 if any(o.status != "passed" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
