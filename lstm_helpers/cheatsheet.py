"""The cheat sheet: every layer, wrapper and flag combination, with what it returns.

Each configuration's arrays come from the one shape rule, :func:`lstm_helpers.returned_arrays`,
and its parameter count from :func:`lstm_helpers.parameter_formula`. The configurations are
shown as a table, checked against real Keras layers (:func:`verify_against_keras`), and
written as JSON (:func:`write_explorer_data`) for the site's shape explorer, whose JavaScript
only substitutes numbers into the symbolic sizes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lstm_helpers._runtime import keras
from lstm_helpers.params import parameter_formula
from lstm_helpers.shapes import MERGE_MODES, RNN_KINDS, LayerConfig, evaluate

__all__ = [
    "cheat_sheet",
    "explorer_data",
    "verify_against_keras",
    "write_explorer_data",
]

CHECK_SIZES = {"batch": 3, "timesteps": 5, "features": 7, "units": 4}
"""Sizes for checking against Keras: all different, and ``2*units`` equals none of them, so a
shape with two axes swapped or a width not doubled cannot pass by coincidence."""
_HEADER = [
    *"layer merge_mode return_sequences return_state n".split(),
    "what comes back",
]


def configurations() -> list[LayerConfig]:
    """Every combination, 72: 3 layers x (bare, then the 5 ``MERGE_MODES``) x
    ``return_sequences`` x ``return_state``, in that order (``False`` first)."""
    wrappers = [(False, None)] + [(True, mode) for mode in MERGE_MODES]
    return [
        LayerConfig(kind, sequences, state, bidirectional, mode)
        for kind in RNN_KINDS
        for bidirectional, mode in wrappers
        for sequences in (False, True)
        for state in (False, True)
    ]


def _alternatives(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _symbolic(shape: Sequence[str]) -> str:
    return "(" + ", ".join(shape) + ")"


def _returns(config: LayerConfig) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((a.name, a.shape) for a in config.arrays)


def table_lines(
    configs: Sequence[LayerConfig],
) -> list[tuple[tuple[str, ...], tuple[str | None, ...], LayerConfig]]:
    """The table's lines, ``(kinds, merge_modes, a configuration)``: first the merge modes
    that return the same arrays are merged (per layer and flags), then the layers whose lines
    are the same, so a line stands for every combination of its layers and merge modes.
    Ordered by wrapper (bare first, then ``MERGE_MODES``), the flags, then the layer."""
    by_mode: dict[tuple, list[LayerConfig]] = {}
    for c in configs:
        key = (
            c.kind,
            c.bidirectional,
            c.return_sequences,
            c.return_state,
            _returns(c),
        )
        by_mode.setdefault(key, []).append(c)
    by_kind: dict[tuple, list[LayerConfig]] = {}
    for (_, bidirectional, *flags_and_returns), members in by_mode.items():
        modes = tuple(m.merge_mode for m in members) if bidirectional else ()
        by_kind.setdefault((bidirectional, modes, *flags_and_returns), []).append(
            members[0]
        )
    lines = [
        (tuple(c.kind for c in firsts), key[1], firsts[0])
        for key, firsts in by_kind.items()
    ]
    return sorted(
        lines,
        key=lambda line: (
            line[2].bidirectional,
            MERGE_MODES.index(line[1][0]) if line[2].bidirectional else -1,
            line[2].return_sequences,
            line[2].return_state,
            RNN_KINDS.index(line[0][0]),
        ),
    )


class CheatSheet:
    """The cheat sheet's table, as text, HTML and Markdown (the PDF's, without ``n``): per
    line of :func:`table_lines`, the layer(s), ``merge_mode``(s), the flags, how many arrays
    come back, and each one's name and symbolic shape in Keras's order."""

    def __init__(self, configs: Sequence[LayerConfig]) -> None:
        self.configurations = list(configs)
        self.table_rows = table_lines(self.configurations)

    @property
    def _title(self) -> str:
        return (
            f"{len(self.configurations)} combinations in {len(self.table_rows)} rows"
        )

    def __repr__(self) -> str:
        table = [_HEADER]
        for kinds, modes, config in self.table_rows:
            layer = _alternatives(kinds)
            table.append(
                [
                    f"Bidirectional({layer})" if config.bidirectional else layer,
                    _alternatives([repr(m) for m in modes]) if modes else "",
                    str(config.return_sequences),
                    str(config.return_state),
                    str(len(config.arrays)),
                    "; ".join(f"{a.name} {_symbolic(a.shape)}" for a in config.arrays),
                ]
            )
        widths = [max(len(line[i]) for line in table) for i in range(len(_HEADER))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()
            for line in table
        ]
        return self._title + "\n" + "\n".join(lines)

    def _repr_html_(self) -> str:
        def code(text: str) -> str:
            return f"<code>{html.escape(text, quote=False)}</code>"

        # <wbr> lets the long flag names break at the underscore in a narrow column.
        head = "".join(f"<th>{h.replace('_', '_<wbr>')}</th>" for h in _HEADER)
        body = []
        for kinds, modes, config in self.table_rows:
            layer = _alternatives([code(k) for k in kinds])
            if config.bidirectional:
                layer = f"<code>Bidirectional(</code>{layer}<code>)</code>"
            returned = "<br>".join(
                f'<span class="returned">{code(a.name)} {code(_symbolic(a.shape))}</span>'
                for a in config.arrays
            )
            cells = [
                layer,
                _alternatives([code(repr(m)) for m in modes]) if modes else "",
                code(str(config.return_sequences)),
                code(str(config.return_state)),
                str(len(config.arrays)),
                returned,
            ]
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        return (
            '<table class="lstm-cheat-sheet">'
            f"<caption>{self._title}: what each layer returns, in Keras's order (a row that "
            "names several layers or merge modes holds for each of them)</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def _repr_markdown_(self) -> str:
        head = [f"`{h}`" if "_" in h else h for h in _HEADER if h != "n"]
        lines = [
            f"```{{list-table}} {self._title}: what each layer returns, in Keras's order",
            ":header-rows: 1\n:class: longtable\n:widths: 87 59 65 53 204\n",
            "* - " + "\n  - ".join(head),
        ]
        for kinds, modes, c in self.table_rows:
            # A paragraph per array, and Bidirectional apart from the layers it wraps.
            layer = ["`Bidirectional` around"] if c.bidirectional else []
            layer.append(_alternatives([f"`{k}`" for k in kinds]))
            arrays = [f"`{a.name}` `{_symbolic(a.shape)}`" for a in c.arrays]
            mode = _alternatives([f"`{m!r}`" for m in modes]) if modes else ""
            flags = [f"`{c.return_sequences}`", f"`{c.return_state}`"]
            cells = ["\n\n    ".join(layer), mode, *flags, "\n\n    ".join(arrays)]
            lines.append("\n* - " + "\n  - ".join(cells))
        return "\n".join([*lines, "```"])


def cheat_sheet() -> CheatSheet:
    """The table of every configuration and what it returns, for display in a notebook.

    Introduced in the cheat sheet, which shows it.
    """
    return CheatSheet(configurations())


@dataclass(frozen=True)
class Verification:
    """What :func:`verify_against_keras` found; shows as two lines, then one per mismatch.
    ``observed`` has a dict per configuration: ``"layer"`` (the configuration), ``"shapes"``
    (Keras's, in its order) and ``"returned_as"`` (the type several arrays came back in;
    ``None`` for one array, returned as it is)."""

    sizes: dict[str, int]
    observed: list[dict] = field(repr=False)
    mismatches: list[str]

    @property
    def all_match(self) -> bool:
        """True when every configuration's shapes and parameter count agree with Keras."""
        return bool(self.observed) and not self.mismatches

    def __repr__(self) -> str:
        shape = tuple(self.sizes[n] for n in ("batch", "timesteps", "features"))
        lines = [
            f"rows built as Keras layers and called on a {shape} input with "
            f"units={self.sizes['units']}: {len(self.observed)}",
            f"all rows match Keras: {self.all_match}",
        ]
        return "\n".join(lines + self.mismatches)


def _build(config: LayerConfig, units: int) -> keras.layers.Layer:
    # Zero initial weights change no shape or count, and skip the orthogonal initializer's
    # QR decomposition, which is most of the time of building 72 layers (10 s on JAX).
    layer = getattr(keras.layers, config.kind)(
        units,
        return_sequences=config.return_sequences,
        return_state=config.return_state,
        kernel_initializer="zeros",
        recurrent_initializer="zeros",
    )
    if config.bidirectional:
        return keras.layers.Bidirectional(layer, merge_mode=config.merge_mode)
    return layer


def verify_against_keras(
    configs: Sequence[LayerConfig] | None = None,
    sizes: Mapping[str, int] = CHECK_SIZES,
) -> Verification:
    """Build every configuration as a real Keras layer, call it, and compare with the rule.

    Introduced in the cheat sheet, "Checked against Keras". For each configuration, the
    number of arrays Keras returns, each one's shape, and ``layer.count_params()`` must equal
    what :func:`returned_arrays` and :func:`parameter_formula` say for ``sizes``. Each layer
    is called on a symbolic ``keras.Input``, so Keras works out the shapes by tracing its own
    ``call``; what it returned is kept in :attr:`Verification.observed`.
    """
    configs = configurations() if configs is None else list(configs)
    batch_shape = (sizes["batch"], sizes["timesteps"], sizes["features"])
    observed, mismatches = [], []
    for config in configs:
        layer = _build(config, sizes["units"])
        returned = layer(keras.Input(batch_shape=batch_shape))
        several = isinstance(returned, (tuple, list))
        shapes = [tuple(t.shape) for t in (returned if several else [returned])]
        container = type(returned).__name__ if several else None
        observed.append({"layer": config, "shapes": shapes, "returned_as": container})
        rule = [
            tuple(evaluate(axis, sizes) for axis in a.shape) for a in config.arrays
        ]
        if shapes != rule:
            mismatches.append(
                f"{config.call}: the table says {rule}, Keras returned {shapes}"
            )
        counted = evaluate(
            parameter_formula(config.kind, bidirectional=config.bidirectional), sizes
        )
        if layer.count_params() != counted:
            mismatches.append(
                f"{config.call}: the table says {counted} parameters, "
                f"Keras has {layer.count_params()}"
            )
    return Verification(dict(sizes), observed, mismatches)


def _returned_container() -> str:
    """The type Keras returns several arrays in (``"tuple"``), observed on the three kinds
    of answer (one array, several, ``merge_mode=None``'s two outputs) each time the site's
    data is written: the explorer tells its readers this word. The cheat sheet prints it for
    all 72 configurations."""
    checked = verify_against_keras(
        [
            LayerConfig("LSTM", False, False),
            LayerConfig("LSTM", False, True),
            LayerConfig("GRU", False, False, True, None),
        ]
    )
    containers = [seen["returned_as"] for seen in checked.observed]
    if (
        not checked.all_match
        or containers[0] is not None
        or len(set(containers[1:])) != 1
    ):
        raise RuntimeError(
            "expected Keras to return one array as it is and several in one type; got "
            f"{containers} and mismatches {checked.mismatches}"
        )
    return containers[1]


def explorer_data() -> dict:
    """The shape explorer's data: every configuration with symbolic shapes and its
    parameter formula, and the type Keras returns several arrays in.

    Written by the site build (``_ext/site_assets.py``); the site's browser test holds the
    explorer to it.
    """
    return {
        "about": "Generated by lstm_helpers.cheatsheet.explorer_data from "
        "lstm_helpers.returned_arrays and lstm_helpers.parameter_formula; "
        "returned_container is observed by calling Keras layers; do not edit.",
        "sizes": ["batch", "timesteps", "features", "units"],
        "kinds": list(RNN_KINDS),
        "merge_modes": list(MERGE_MODES),
        "returned_container": _returned_container(),
        "configurations": [
            {
                "kind": c.kind,
                "bidirectional": c.bidirectional,
                "merge_mode": c.merge_mode,
                "return_sequences": c.return_sequences,
                "return_state": c.return_state,
                "call": c.call,
                "parameters": parameter_formula(c.kind, bidirectional=c.bidirectional),
                "arrays": [
                    {"name": a.name, "shape": list(a.shape), "meaning": a.meaning}
                    for a in c.arrays
                ],
            }
            for c in configurations()
        ],
    }


def write_explorer_data(path: str | Path) -> Path:
    """Write :func:`explorer_data` as JSON to ``path`` (its folder is created); return it.

    Called by the site build (``_ext/site_assets.py``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(explorer_data(), indent=1) + "\n", encoding="utf-8")
    return path
