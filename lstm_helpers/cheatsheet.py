"""The cheat sheet: every layer, wrapper and flag combination, with what it returns.

Each row is worked out by :func:`lstm_helpers.returned_arrays` (the book's one shape rule) and
:func:`lstm_helpers.parameter_formula`; nothing here knows a shape of its own. The same rows are
shown as the cheat-sheet table, checked against real Keras layers by
:func:`verify_against_keras`, and written to JSON by :func:`write_explorer_data` for the site's
shape explorer, whose JavaScript only substitutes numbers into the symbolic sizes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lstm_helpers._runtime import keras
from lstm_helpers.describe import as_list
from lstm_helpers.diagrams import describe_call
from lstm_helpers.params import parameter_formula
from lstm_helpers.shapes import (
    MERGE_MODES,
    RNN_KINDS,
    LayerConfig,
    ReturnedArray,
    evaluate,
    returned_arrays,
)

__all__ = [
    "CHECK_SIZES",
    "CheatSheet",
    "CheatSheetRow",
    "Verification",
    "cheat_sheet",
    "cheat_sheet_rows",
    "explorer_data",
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

    def build(self, units: int, **options: object) -> object:
        """A fresh Keras layer with this configuration and ``units`` units.

        ``options`` go to the recurrent layer, e.g. ``recurrent_initializer="zeros"``.
        """
        layer = getattr(keras.layers, self.kind)(
            units, return_sequences=self.return_sequences, return_state=self.return_state, **options
        )
        if self.bidirectional:
            return keras.layers.Bidirectional(layer, merge_mode=self.merge_mode)
        return layer

    def shapes(self, sizes: Mapping[str, int | None]) -> list[tuple[int | None, ...]]:
        """The returned arrays' concrete shapes for ``sizes`` (``batch``, ``timesteps``, ``units``)."""
        return [tuple(evaluate(axis, sizes) for axis in array.shape) for array in self.arrays]


def cheat_sheet_rows() -> list[CheatSheetRow]:
    """Every combination: 3 layers x (bare + 5 merge modes) x ``return_sequences`` x ``return_state``.

    Returns
    -------
    list of CheatSheetRow
        72 rows, ordered by layer, then wrapper (bare first, then ``MERGE_MODES`` in order),
        then ``return_sequences``, then ``return_state`` (``False`` before ``True``).
    """
    wrappers: list[tuple[bool, str | None]] = [(False, None)] + [(True, m) for m in MERGE_MODES]
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
                            parameters=parameter_formula(kind, bidirectional=bidirectional),
                        )
                    )
    return rows


def _symbolic(shape: Sequence[str]) -> str:
    return "(" + ", ".join(shape) + ")"


class CheatSheet:
    """The cheat-sheet table: plain text, and HTML in a notebook or on the site.

    One row per configuration: the layer (``Bidirectional(GRU)`` when wrapped), the
    ``merge_mode`` (empty for a bare layer), the two flags, how many arrays come back, and each
    array's name and symbolic shape in Keras's order. Parameter counts depend only on the
    layer and the wrapper, so they are not repeated on every row.
    """

    _HEADER = ["layer", "merge_mode", "return_sequences", "return_state", "n", "what comes back"]

    def __init__(self, rows: Sequence[CheatSheetRow]) -> None:
        self.rows = list(rows)

    @staticmethod
    def _layer(row: CheatSheetRow) -> str:
        return f"Bidirectional({row.kind})" if row.bidirectional else row.kind

    def _cells(self, row: CheatSheetRow) -> list[str]:
        return [
            self._layer(row),
            repr(row.merge_mode) if row.bidirectional else "",
            str(row.return_sequences),
            str(row.return_state),
            str(len(row.arrays)),
            "; ".join(f"{a.name} {_symbolic(a.shape)}" for a in row.arrays),
        ]

    def __repr__(self) -> str:
        table = [self._HEADER] + [self._cells(row) for row in self.rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(self._HEADER))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table]
        return f"{len(self.rows)} combinations\n" + "\n".join(lines)

    def _repr_html_(self) -> str:
        # <wbr> lets the long flag names break at the underscore in a narrow column.
        head = "".join(f"<th>{html.escape(h).replace('_', '_<wbr>')}</th>" for h in self._HEADER)
        body = []
        for row in self.rows:
            layer, merge_mode, sequences, state, count, _ = self._cells(row)
            returned = "<br>".join(
                f'<span class="returned"><code>{html.escape(a.name)}</code> '
                f"<code>{html.escape(_symbolic(a.shape))}</code></span>"
                for a in row.arrays
            )
            cells = [
                f"<td><code>{html.escape(layer).replace('(', '(<wbr>')}</code></td>",
                f"<td><code>{html.escape(merge_mode)}</code></td>" if merge_mode else "<td></td>",
                f"<td><code>{sequences}</code></td>",
                f"<td><code>{state}</code></td>",
                f"<td>{count}</td>",
                f"<td>{returned}</td>",
            ]
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (
            '<table class="lstm-cheat-sheet">'
            f"<caption>{len(self.rows)} combinations: what each layer returns, in Keras's order"
            "</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )


def cheat_sheet() -> CheatSheet:
    """The table of :func:`cheat_sheet_rows`, for display in a notebook."""
    return CheatSheet(cheat_sheet_rows())


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
    """

    rows_checked: int
    sizes: dict[str, int]
    mismatches: list[str]

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
        raise TypeError(f"sizes must be a mapping of {_SIZE_NAMES} to ints, got {type(sizes).__name__}")
    if set(sizes) != set(_SIZE_NAMES):
        raise ValueError(f"sizes must have exactly the keys {_SIZE_NAMES}, got {sorted(sizes)}")
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"sizes[{name!r}] must be a positive int, got {value!r}")
    return dict(sizes)


def verify_against_keras(
    rows: Sequence[CheatSheetRow] | None = None, sizes: Mapping[str, int] = CHECK_SIZES
) -> Verification:
    """Build every row as a real Keras layer, call it, and compare with the row.

    For each row: the number of returned arrays, each array's shape, and
    ``layer.count_params()`` must equal what the row says for ``sizes``. Each layer is called
    on a symbolic ``keras.Input`` of those sizes, so Keras works out the shapes by tracing the
    layer's own ``call``; no numbers are computed.

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
    mismatches = []
    for row in rows:
        # Zero initial weights change no shape or count, and skip the orthogonal initializer's
        # QR decomposition, which is most of the time of building 72 layers (10 s on JAX).
        layer = row.build(sizes["units"], kernel_initializer="zeros", recurrent_initializer="zeros")
        returned = layer(keras.Input(batch_shape=batch_shape))
        got = [tuple(t.shape) for t in as_list(returned)]
        expected = row.shapes(sizes)
        if got != expected:
            mismatches.append(f"{row.call}: the table says {expected}, Keras returned {got}")
        params = evaluate(row.parameters, sizes)
        if layer.count_params() != params:
            mismatches.append(
                f"{row.call}: the table says {params} parameters, Keras has {layer.count_params()}"
            )
    return Verification(rows_checked=len(rows), sizes=sizes, mismatches=mismatches)


def explorer_data(rows: Sequence[CheatSheetRow] | None = None) -> dict:
    """The shape explorer's data: every row with symbolic shapes and parameter formula.

    Returns
    -------
    dict
        JSON-ready: ``{"sizes": [...], "kinds": [...], "merge_modes": [...],
        "configurations": [{"kind", "bidirectional", "merge_mode", "return_sequences",
        "return_state", "call", "parameters", "arrays": [{"name", "shape", "meaning"}]}]}``,
        where a shape is a list such as ``["batch", "timesteps", "2*units"]``.
    """
    rows = cheat_sheet_rows() if rows is None else list(rows)
    return {
        "about": "Generated by lstm_helpers.cheatsheet.explorer_data from lstm_helpers.returned_arrays "
        "and lstm_helpers.parameter_formula; do not edit.",
        "sizes": list(_SIZE_NAMES),
        "kinds": list(RNN_KINDS),
        "merge_modes": list(MERGE_MODES),
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
                    {"name": a.name, "shape": list(a.shape), "meaning": a.meaning} for a in row.arrays
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
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(explorer_data(), indent=1) + "\n", encoding="utf-8")
    return path
