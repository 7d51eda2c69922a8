"""The cheat sheet: every layer, wrapper and flag combination, with what it returns.

Each row is worked out by :func:`lstm_helpers.returned_arrays` (the book's one shape rule) and
:func:`lstm_helpers.parameter_formula`; nothing here knows a shape of its own. The same rows are
shown as the cheat-sheet table (rows that return the same arrays merged into one line),
checked against real Keras layers by :func:`verify_against_keras`, and written to JSON by
:func:`write_explorer_data` for the site's shape explorer, whose JavaScript only substitutes
numbers into the symbolic sizes. How Keras hands back several arrays (a tuple, on Keras
3.15.1) is not written down anywhere: :func:`returned_container` observes it on real layers.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lstm_helpers import _checks
from lstm_helpers._runtime import keras
from lstm_helpers.describe import as_list
from lstm_helpers.params import parameter_formula
from lstm_helpers.shapes import (
    MERGE_MODES,
    RNN_KINDS,
    LayerConfig,
    ReturnedArray,
    describe_call,
    evaluate,
    returned_arrays,
)

__all__ = [
    "CHECK_SIZES",
    "CheatSheet",
    "CheatSheetRow",
    "Observed",
    "TableRow",
    "Verification",
    "cheat_sheet",
    "cheat_sheet_rows",
    "explorer_data",
    "returned_container",
    "table_rows",
    "verify_against_keras",
    "write_explorer_data",
]

CHECK_SIZES: dict[str, int] = {"batch": 3, "timesteps": 5, "features": 7, "units": 4}
"""Sizes for checking rows against Keras: all different, and ``2*units`` equals none of them,
so a shape with two axes swapped or a width not doubled cannot pass by coincidence."""

_SIZE_NAMES = ("batch", "timesteps", "features", "units")


@dataclass(frozen=True)
class CheatSheetRow:
    """One configuration of a recurrent layer and what calling it returns.

    Attributes
    ----------
    kind : {"LSTM", "GRU", "SimpleRNN"}
        The recurrent layer.
    bidirectional : bool
        Whether it is wrapped in ``Bidirectional``.
    merge_mode : {"concat", "sum", "mul", "ave", None}
        The wrapper's ``merge_mode``; ``None`` for a bare layer too (see ``bidirectional``).
    return_sequences, return_state : bool
        The layer's two flags.
    arrays : tuple of ReturnedArray
        What comes back, in Keras's order, with symbolic shapes such as
        ``("batch", "timesteps", "2*units")``.
    parameters : str
        The parameter count as an expression in ``features`` and ``units``.
    """

    kind: str
    bidirectional: bool
    merge_mode: str | None
    return_sequences: bool
    return_state: bool
    arrays: tuple[ReturnedArray, ...] = field(repr=False)
    parameters: str = field(repr=False)

    @property
    def call(self) -> str:
        """The layer as code, e.g. ``Bidirectional(GRU(units, return_state=True), merge_mode='sum')``."""
        config = LayerConfig(
            kind=self.kind,
            units=0,  # describe_call writes the word "units", never the number
            return_sequences=self.return_sequences,
            return_state=self.return_state,
            bidirectional=self.bidirectional,
            merge_mode=self.merge_mode,
        )
        return describe_call(config)

    def build(self, units: int, **options: Any) -> keras.layers.Layer:
        """A fresh Keras layer with this configuration and ``units`` units.

        ``options`` go to the recurrent layer, e.g. ``recurrent_initializer="zeros"``.
        """
        layer = getattr(keras.layers, self.kind)(
            units,
            return_sequences=self.return_sequences,
            return_state=self.return_state,
            **options,
        )
        if self.bidirectional:
            return keras.layers.Bidirectional(layer, merge_mode=self.merge_mode)
        return layer

    def shapes(self, sizes: Mapping[str, int | None]) -> list[tuple[int | None, ...]]:
        """The returned arrays' concrete shapes for ``sizes`` (``batch``, ``timesteps``, ``units``)."""
        return [
            tuple(evaluate(axis, sizes) for axis in array.shape)
            for array in self.arrays
        ]


def cheat_sheet_rows() -> list[CheatSheetRow]:
    """Every combination: 3 layers x (bare + 5 merge modes) x ``return_sequences`` x ``return_state``.

    Returns
    -------
    list of CheatSheetRow
        72 rows, ordered by layer, then wrapper (bare first, then ``MERGE_MODES`` in order),
        then ``return_sequences``, then ``return_state`` (``False`` before ``True``).
    """
    wrappers: list[tuple[bool, str | None]] = [(False, None)] + [
        (True, m) for m in MERGE_MODES
    ]
    rows = []
    for kind in RNN_KINDS:
        for bidirectional, merge_mode in wrappers:
            for return_sequences in (False, True):
                for return_state in (False, True):
                    arrays = returned_arrays(
                        kind,
                        return_sequences=return_sequences,
                        return_state=return_state,
                        bidirectional=bidirectional,
                        merge_mode=merge_mode,
                    )
                    rows.append(
                        CheatSheetRow(
                            kind=kind,
                            bidirectional=bidirectional,
                            merge_mode=merge_mode,
                            return_sequences=return_sequences,
                            return_state=return_state,
                            arrays=tuple(arrays),
                            parameters=parameter_formula(
                                kind, bidirectional=bidirectional
                            ),
                        )
                    )
    return rows


def _symbolic(shape: Sequence[str]) -> str:
    return "(" + ", ".join(shape) + ")"


def _alternatives(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(frozen=True)
class TableRow:
    """One line of the cheat-sheet table: every configuration that returns the same arrays.

    ``sum``, ``mul`` and ``ave`` return the same names and shapes, and so do ``GRU`` and
    ``SimpleRNN``; one line names them all instead of repeating itself.

    Attributes
    ----------
    kinds : tuple of str
        The recurrent layers this line holds for, e.g. ``("GRU", "SimpleRNN")``.
    bidirectional : bool
        Whether they are wrapped in ``Bidirectional``.
    merge_modes : tuple
        The wrapper's ``merge_mode`` values this line holds for; empty for a bare layer.
    return_sequences, return_state : bool
        The two flags.
    arrays : tuple of ReturnedArray
        What comes back, in Keras's order (names and shapes are the same for every
        configuration of the line).
    """

    kinds: tuple[str, ...]
    bidirectional: bool
    merge_modes: tuple[str | None, ...]
    return_sequences: bool
    return_state: bool
    arrays: tuple[ReturnedArray, ...] = field(repr=False)

    @property
    def configurations(self) -> list[tuple[str, bool, str | None, bool, bool]]:
        """The ``(kind, bidirectional, merge_mode, return_sequences, return_state)`` it covers."""
        modes = self.merge_modes if self.bidirectional else (None,)
        return [
            (kind, self.bidirectional, mode, self.return_sequences, self.return_state)
            for kind in self.kinds
            for mode in modes
        ]

    @property
    def layer(self) -> str:
        """``LSTM``, ``GRU or SimpleRNN``, ``Bidirectional(LSTM)`` and so on."""
        kinds = _alternatives(self.kinds)
        return f"Bidirectional({kinds})" if self.bidirectional else kinds

    @property
    def merge_mode(self) -> str:
        """``'sum', 'mul' or 'ave'``; empty for a bare layer."""
        return (
            _alternatives([repr(m) for m in self.merge_modes])
            if self.bidirectional
            else ""
        )


def _names_and_shapes(row: CheatSheetRow) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((a.name, a.shape) for a in row.arrays)


def table_rows(rows: Sequence[CheatSheetRow] | None = None) -> list[TableRow]:
    """The rows of the table: configurations that return the same arrays share one line.

    First, for each layer and pair of flags, the merge modes whose arrays have the same
    names and shapes are merged; then the layers whose merged lines are the same. Each line
    is therefore every combination of its layers and its merge modes, and no configuration
    appears on two lines.

    Parameters
    ----------
    rows : sequence of CheatSheetRow, optional
        Defaults to :func:`cheat_sheet_rows`.

    Returns
    -------
    list of TableRow
        Ordered by wrapper (bare first, then ``MERGE_MODES`` in order), then
        ``return_sequences``, then ``return_state``, then layer: 24 lines for the 72 rows of
        :func:`cheat_sheet_rows`.
    """
    rows = cheat_sheet_rows() if rows is None else list(rows)
    by_mode: dict[tuple, list[CheatSheetRow]] = {}
    for row in rows:
        key = (
            row.kind,
            row.bidirectional,
            row.return_sequences,
            row.return_state,
            _names_and_shapes(row),
        )
        by_mode.setdefault(key, []).append(row)
    by_kind: dict[tuple, list[str]] = {}
    first_of: dict[tuple, CheatSheetRow] = {}
    for (kind, bidirectional, sequences, state, arrays), members in by_mode.items():
        modes = tuple(m.merge_mode for m in members) if bidirectional else ()
        key = (bidirectional, modes, sequences, state, arrays)
        by_kind.setdefault(key, []).append(kind)
        first_of.setdefault(key, members[0])
    lines = [
        TableRow(
            kinds=tuple(kinds),
            bidirectional=key[0],
            merge_modes=key[1],
            return_sequences=key[2],
            return_state=key[3],
            arrays=first_of[key].arrays,
        )
        for key, kinds in by_kind.items()
    ]
    # Each wrapper's lines together, then the flags as in cheat_sheet_rows, then the layers.
    return sorted(
        lines,
        key=lambda line: (
            line.bidirectional,
            MERGE_MODES.index(line.merge_modes[0]) if line.bidirectional else -1,
            line.return_sequences,
            line.return_state,
            RNN_KINDS.index(line.kinds[0]),
        ),
    )


class CheatSheet:
    """The cheat-sheet table: plain text, and HTML in a notebook or on the site.

    One line per group of configurations that return the same arrays (see
    :func:`table_rows`): the layer(s) (``Bidirectional(GRU or SimpleRNN)`` when wrapped), the
    ``merge_mode``(s) (empty for a bare layer), the two flags, how many arrays come back, and
    each array's name and symbolic shape in Keras's order. Parameter counts depend only on
    the layer and the wrapper, so they are not repeated on every line.
    """

    _HEADER = [
        "layer",
        "merge_mode",
        "return_sequences",
        "return_state",
        "n",
        "what comes back",
    ]

    def __init__(self, rows: Sequence[CheatSheetRow]) -> None:
        self.rows = list(rows)
        self.table_rows = table_rows(self.rows)

    @property
    def _title(self) -> str:
        return f"{len(self.rows)} combinations in {len(self.table_rows)} rows"

    @staticmethod
    def _cells(line: TableRow) -> list[str]:
        return [
            line.layer,
            line.merge_mode,
            str(line.return_sequences),
            str(line.return_state),
            str(len(line.arrays)),
            "; ".join(f"{a.name} {_symbolic(a.shape)}" for a in line.arrays),
        ]

    def __repr__(self) -> str:
        table = [self._HEADER] + [self._cells(line) for line in self.table_rows]
        widths = [
            max(len(line[i]) for line in table) for i in range(len(self._HEADER))
        ]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()
            for line in table
        ]
        return self._title + "\n" + "\n".join(lines)

    def _repr_html_(self) -> str:
        # <wbr> lets the long flag names break at the underscore in a narrow column.
        head = "".join(
            f"<th>{html.escape(h).replace('_', '_<wbr>')}</th>" for h in self._HEADER
        )
        body = []
        for line in self.table_rows:
            _, _, sequences, state, count, _ = self._cells(line)
            kinds = _alternatives(
                [f"<code>{html.escape(k)}</code>" for k in line.kinds]
            )
            if line.bidirectional:
                layer = f"<code>Bidirectional(</code>{kinds}<code>)</code>"
                modes = _alternatives(
                    [
                        f"<code>{html.escape(repr(m), quote=False)}</code>"
                        for m in line.merge_modes
                    ]
                )
            else:
                layer, modes = kinds, ""
            returned = "<br>".join(
                f'<span class="returned"><code>{html.escape(a.name)}</code> '
                f"<code>{html.escape(_symbolic(a.shape))}</code></span>"
                for a in line.arrays
            )
            cells = [
                f"<td>{layer}</td>",
                f"<td>{modes}</td>",
                f"<td><code>{sequences}</code></td>",
                f"<td><code>{state}</code></td>",
                f"<td>{count}</td>",
                f"<td>{returned}</td>",
            ]
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (
            '<table class="lstm-cheat-sheet">'
            f"<caption>{self._title}: what each layer returns, in Keras's order (a row that "
            "names several layers or merge modes holds for each of them)</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )


def cheat_sheet() -> CheatSheet:
    """The table of :func:`cheat_sheet_rows`, for display in a notebook."""
    return CheatSheet(cheat_sheet_rows())


@dataclass(frozen=True)
class Observed:
    """What Keras returned when one row was built as a layer and called.

    Attributes
    ----------
    row : CheatSheetRow
        The row that was built.
    shapes : tuple of tuple of int
        Each returned array's shape, in the order Keras returned them.
    returned_as : str or None
        ``type(returned).__name__`` when the call returned several arrays together
        (``"tuple"`` on Keras 3.15.1), ``None`` when it returned one array as it is.
    parameters : int
        ``layer.count_params()``.
    """

    row: CheatSheetRow
    shapes: tuple[tuple[int | None, ...], ...]
    returned_as: str | None
    parameters: int


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify_against_keras`.

    Attributes
    ----------
    rows_checked : int
        How many rows were built as Keras layers and called.
    sizes : dict
        The sizes used, e.g. ``CHECK_SIZES``.
    mismatches : list of str
        One line per disagreement; empty when every row matches.
    observed : list of Observed
        What Keras returned for each row, in the order of the rows.
    """

    rows_checked: int
    sizes: dict[str, int]
    mismatches: list[str]
    observed: list[Observed] = field(default_factory=list, repr=False)

    @property
    def all_match(self) -> bool:
        """True when every row's shapes and parameter count agree with Keras."""
        return self.rows_checked > 0 and not self.mismatches

    def __repr__(self) -> str:
        b, t, f, u = (self.sizes[name] for name in _SIZE_NAMES)
        lines = [
            f"rows built as Keras layers and called on a ({b}, {t}, {f}) input with units={u}: "
            f"{self.rows_checked}",
            f"all rows match Keras: {self.all_match}",
        ]
        return "\n".join(lines + self.mismatches)


def _check_sizes(sizes: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(sizes, Mapping):
        raise TypeError(
            f"sizes must be a mapping of {_SIZE_NAMES} to ints, got {type(sizes).__name__}"
        )
    if set(sizes) != set(_SIZE_NAMES):
        raise ValueError(
            f"sizes must have exactly the keys {_SIZE_NAMES}, got {sorted(sizes)}"
        )
    return {
        name: _checks.positive_int(f"sizes[{name!r}]", value)
        for name, value in sizes.items()
    }


def verify_against_keras(
    rows: Sequence[CheatSheetRow] | None = None, sizes: Mapping[str, int] = CHECK_SIZES
) -> Verification:
    """Build every row as a real Keras layer, call it, and compare with the row.

    For each row: the number of returned arrays, each array's shape, and
    ``layer.count_params()`` must equal what the row says for ``sizes``. Each layer is called
    on a symbolic ``keras.Input`` of those sizes, so Keras works out the shapes by tracing the
    layer's own ``call``; no numbers are computed. What Keras returned is kept, row by row, in
    :attr:`Verification.observed`, including the type it put several arrays in.

    Parameters
    ----------
    rows : sequence of CheatSheetRow, optional
        Defaults to :func:`cheat_sheet_rows`.
    sizes : mapping
        ``batch``, ``timesteps``, ``features`` and ``units`` as positive ints.

    Returns
    -------
    Verification
        Prints as two lines (count, then ``all rows match Keras: True``), plus one line per
        mismatch.

    Raises
    ------
    TypeError, ValueError
        If ``sizes`` is not a mapping of those four names to positive ints.
    """
    sizes = _check_sizes(sizes)
    rows = cheat_sheet_rows() if rows is None else list(rows)
    batch_shape = (sizes["batch"], sizes["timesteps"], sizes["features"])
    mismatches, observed = [], []
    for row in rows:
        # Zero initial weights change no shape or count, and skip the orthogonal initializer's
        # QR decomposition, which is most of the time of building 72 layers (10 s on JAX).
        layer = row.build(
            sizes["units"], kernel_initializer="zeros", recurrent_initializer="zeros"
        )
        returned = layer(keras.Input(batch_shape=batch_shape))
        got = [tuple(t.shape) for t in as_list(returned)]
        together = (
            type(returned).__name__ if isinstance(returned, (tuple, list)) else None
        )
        observed.append(Observed(row, tuple(got), together, layer.count_params()))
        expected = row.shapes(sizes)
        if got != expected:
            mismatches.append(
                f"{row.call}: the table says {expected}, Keras returned {got}"
            )
        params = evaluate(row.parameters, sizes)
        if layer.count_params() != params:
            mismatches.append(
                f"{row.call}: the table says {params} parameters, Keras has {layer.count_params()}"
            )
    return Verification(
        rows_checked=len(rows), sizes=sizes, mismatches=mismatches, observed=observed
    )


def _container_sample() -> list[CheatSheetRow]:
    """Per layer, one row of each kind of answer (one array, several, merge_mode=None)."""
    wanted = {
        (False, None, False),
        (False, None, True),
        (True, "concat", True),
        (True, None, False),
        (True, None, True),
    }
    return [
        row
        for row in cheat_sheet_rows()
        if not row.return_sequences
        and (row.bidirectional, row.merge_mode, row.return_state) in wanted
    ]


def returned_container(rows: Sequence[CheatSheetRow] | None = None) -> str:
    """The type Keras returns several arrays in, observed on real layers (``"tuple"`` here).

    Builds and calls each row (see :func:`verify_against_keras`) and reads
    ``type(returned).__name__`` wherever more than one array came back. Nothing here assumes
    the answer: it is what the shape explorer tells its readers, so it is observed each time
    the site's data is written.

    Parameters
    ----------
    rows : sequence of CheatSheetRow, optional
        The rows to call. Defaults to 15: for each layer, the bare layer with no flag and with
        ``return_state=True``, and ``Bidirectional`` with ``merge_mode='concat'`` and
        ``return_state=True``, and with ``merge_mode=None`` with and without it.

    Returns
    -------
    str
        The type's name, e.g. ``"tuple"``.

    Raises
    ------
    RuntimeError
        If the rows do not match Keras, if no row returned several arrays, if Keras used
        different types for different rows, or if a row that returns one array got it back
        inside a tuple or list: then no single word describes what comes back.
    """
    checked = verify_against_keras(_container_sample() if rows is None else rows)
    if not checked.all_match:
        raise RuntimeError(
            "the rows do not match Keras:\n" + "\n".join(checked.mismatches)
        )
    several = {seen.returned_as for seen in checked.observed if len(seen.shapes) > 1}
    wrapped_single = [
        seen.row.call
        for seen in checked.observed
        if len(seen.shapes) == 1 and seen.returned_as is not None
    ]
    if len(several) != 1 or None in several or wrapped_single:
        raise RuntimeError(
            "expected Keras to return one array as it is and several in one type; got types "
            f"{sorted(map(str, several))} for several arrays, and a wrapped single array from "
            f"{wrapped_single or 'no row'}"
        )
    return several.pop()


def explorer_data(rows: Sequence[CheatSheetRow] | None = None) -> dict:
    """The shape explorer's data: every row with symbolic shapes and parameter formula.

    Returns
    -------
    dict
        JSON-ready: ``{"sizes": [...], "kinds": [...], "merge_modes": [...],
        "returned_container": "tuple", "configurations": [{"kind", "bidirectional",
        "merge_mode", "return_sequences", "return_state", "call", "parameters",
        "arrays": [{"name", "shape", "meaning"}]}]}``, where a shape is a list such as
        ``["batch", "timesteps", "2*units"]`` and ``returned_container`` is what
        :func:`returned_container` observed on real Keras layers.
    """
    rows = cheat_sheet_rows() if rows is None else list(rows)
    return {
        "about": "Generated by lstm_helpers.cheatsheet.explorer_data from lstm_helpers.returned_arrays "
        "and lstm_helpers.parameter_formula; returned_container is observed by calling Keras "
        "layers (lstm_helpers.cheatsheet.returned_container); do not edit.",
        "sizes": list(_SIZE_NAMES),
        "kinds": list(RNN_KINDS),
        "merge_modes": list(MERGE_MODES),
        "returned_container": returned_container(),
        "configurations": [
            {
                "kind": row.kind,
                "bidirectional": row.bidirectional,
                "merge_mode": row.merge_mode,
                "return_sequences": row.return_sequences,
                "return_state": row.return_state,
                "call": row.call,
                "parameters": row.parameters,
                "arrays": [
                    {"name": a.name, "shape": list(a.shape), "meaning": a.meaning}
                    for a in row.arrays
                ],
            }
            for row in rows
        ],
    }


def write_explorer_data(path: str | Path) -> Path:
    """Write :func:`explorer_data` as JSON to ``path`` (its folder is created); return the path.

    Raises
    ------
    TypeError
        If ``path`` is not a string or ``pathlib.Path``.
    """
    path = _checks.path("path", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(explorer_data(), indent=1) + "\n", encoding="utf-8")
    return path
