"""Run a recurrent layer and tabulate what came back."""

from __future__ import annotations

import html

import numpy as np
from numpy.typing import ArrayLike

from lstm_helpers._runtime import keras
from lstm_helpers.shapes import check_input_shape, expected_outputs, layer_config

__all__ = ["describe"]

_MARKUP = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|{}"})  # Markdown's, escaped


def as_input_batch(x: ArrayLike) -> np.ndarray:
    """``x`` as a float32 array ``(batch, timesteps, features)``: a ``TypeError`` if it is
    not numeric, a ``ValueError`` if it is not 3-D."""
    try:
        array = np.asarray(keras.ops.convert_to_numpy(x), dtype="float32")
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"expected x as a numeric array (batch, timesteps, features), got {type(x).__name__}"
        ) from error
    check_input_shape(array.shape)
    return array


def as_list(returned: object) -> list:
    """Keras returns one tensor, or a tuple/list of them; always give a list."""
    return list(returned) if isinstance(returned, (tuple, list)) else [returned]


class Description:
    """What a layer returned, as a table: text, HTML (the site), Markdown (the PDF).

    Index it by name to get the NumPy array: ``description["h"]``. ``rows`` holds, per
    array, its name, shape, meaning and value.
    """

    def __init__(self, layer_name: str, rows: list[tuple]) -> None:
        self.layer_name = layer_name
        self.rows = rows
        self._title = f"{layer_name} returned {len(rows)} array(s):"

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """Name to NumPy array, in Keras's order."""
        return {name: value for name, _, _, value in self.rows}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.arrays:
            raise KeyError(
                f"{self.layer_name} returned {list(self.arrays)}, not {name!r}"
            )
        return self.arrays[name]

    def _table(self) -> list[tuple[str, str, str, str]]:
        return [(str(i), n, str(s), m) for i, (n, s, m, _) in enumerate(self.rows)]

    def __repr__(self) -> str:
        header = ("#", "name", "shape", "what it is")
        table = [header, *self._table()]
        widths = [max(len(r[i]) for r in table) for i in range(3)]
        lines = [self._title]
        for r in table:
            lines.append(
                "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[3]
            )
        return "\n".join(line.rstrip() for line in lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        body = "".join(
            f"<tr><td>{i}</td><td><code>{esc(name)}</code></td><td>{esc(shape)}</td>"
            f"<td>{esc(meaning)}</td></tr>"
            for i, name, shape, meaning in self._table()
        )
        return (
            f"<p>{esc(self._title)}</p>"
            "<table><thead><tr><th>#</th><th>name</th><th>shape</th><th>what it is</th></tr>"
            f"</thead><tbody>{body}</tbody></table>"
        )

    def _repr_markdown_(self) -> str:
        head = ["| # | name | shape | what it is |", "|---|---|---|---|"]
        body = [
            f"| {i} | `{n}` | {s.translate(_MARKUP)} | {m.translate(_MARKUP)} |"
            for i, n, s, m in self._table()
        ]
        return "\n".join([self._title.translate(_MARKUP), "", *head, *body])


def describe(layer: keras.layers.Layer, x: ArrayLike) -> Description:
    """Call ``layer`` on ``x`` and describe every array it returns.

    Introduced in chapter 1 (The default output). The names and shapes are checked against
    :func:`lstm_helpers.expected_outputs`, so a table that prints at all agrees with the rule
    the book teaches.

    Parameters
    ----------
    layer : keras.layers.LSTM, GRU, SimpleRNN, or a Bidirectional wrapping one
    x : array-like, shape (batch, timesteps, features)

    Returns
    -------
    Description
        Shows as a table; ``description["h"]`` is the NumPy array named ``h``.

    Raises
    ------
    TypeError, ValueError
        If ``layer`` is not a supported recurrent layer, or ``x`` not a numeric 3-D array.
    AssertionError
        If Keras returned something other than what ``expected_outputs`` predicts.
    """
    config = layer_config(layer)
    batch = as_input_batch(x)
    values = [keras.ops.convert_to_numpy(v) for v in as_list(layer(batch))]
    expected = expected_outputs(layer, batch.shape)
    got = [tuple(v.shape) for v in values]
    if got != [shape for _, shape in expected]:
        raise AssertionError(
            f"{type(layer).__name__} returned shapes {got}, but expected_outputs predicted {expected}"
        )
    rows = [
        (name, shape, array.meaning, value)
        for (name, shape), array, value in zip(expected, config.arrays, values)
    ]
    label = type(layer).__name__
    if config.bidirectional:
        label = f"Bidirectional({config.kind}, merge_mode={config.merge_mode!r})"
    return Description(label, rows)
