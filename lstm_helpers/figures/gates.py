"""A recurrent layer's weight matrices cut into blocks, as Keras or PyTorch store them: drawn
from the real weight shapes and :data:`lstm_helpers.GATE_ORDER`, as
:func:`lstm_helpers.split_gates` cuts them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lstm_helpers._checks import one_of
from lstm_helpers.figures._style import GATE_COLORS, canvas, write
from lstm_helpers.shapes import layer_config
from lstm_helpers.weights import GATE_ORDER, recurrent_weights

if TYPE_CHECKING:
    import keras

__all__ = ["draw_gate_layout"]

LAYOUTS = ("keras", "torch")
_INCHES_PER_WEIGHT = 0.09  # per row/column of a matrix, before clamping
_MIN_SIDE = 0.28  # a 1-row bias must still be visible
_ZEROS = "#DDDDDD"  # PyTorch's second bias, all zeros


def _side(count: int) -> float:
    return max(_MIN_SIDE, min(count * _INCHES_PER_WEIGHT, 4.0))


def _matrix(
    ax: Axes,
    left: float,
    top: float,
    rows: int,
    cols: int,
    blocks: tuple[str, ...],
    *,
    along: str,
    torch_names: bool = False,
    zeros: bool = False,
) -> tuple[float, float]:
    """Draw a ``rows x cols`` matrix cut into ``blocks`` ``along`` "columns" or "rows".

    Returns the drawn (width, height).
    """
    width, height = _side(cols), _side(rows)
    count = len(blocks)
    for k, block in enumerate(blocks):
        label = "g" if torch_names and block == "c" else block
        if along == "columns":
            x, y, w, h = (
                left + k * width / count,
                top - height,
                width / count,
                height,
            )
        else:
            x, y, w, h = left, top - (k + 1) * height / count, width, height / count
        ax.add_patch(
            Rectangle(
                (x, y),
                w,
                h,
                facecolor=_ZEROS if zeros else GATE_COLORS[block],
                edgecolor="black",
                linewidth=0.8,
            )
        )
        write(
            ax,
            x + w / 2,
            y + h / 2,
            "0" if zeros else label,
            9 if min(w, h) < 0.3 else 11,
            weight="bold",
        )
    return width, height


def draw_gate_layout(layer: keras.layers.Layer, layout: str = "keras") -> Figure:
    """Draw a built layer's kernel, recurrent kernel and bias, each cut into its blocks.

    Introduced in chapter 10 (An LSTM from scratch); chapter 14 draws ``layout="torch"``.
    ``"keras"``: as Keras stores them, blocks side by side along the last axis, ``kernel``
    ``(features, blocks*units)``. ``"torch"`` (LSTM only): as ``torch.nn.LSTM`` stores the same
    numbers (:func:`lstm_helpers.torch_lstm_weights`), transposed, blocks stacked along the
    first axis, and a second bias of zeros.

    Raises
    ------
    TypeError, ValueError
        If ``layer`` is not a built, bare recurrent layer with a bias, for an unknown
        ``layout``, or for ``layout="torch"`` with a layer other than an LSTM.
    """
    one_of("layout", layout, LAYOUTS)
    config = layer_config(layer)
    kernel, recurrent_kernel, bias = recurrent_weights(layer)
    if layout == "torch" and config.kind != "LSTM":
        raise ValueError(
            f"layout='torch' is drawn for an LSTM only, got a {config.kind}"
        )
    blocks = GATE_ORDER[config.kind]
    features, width = kernel.shape
    units = recurrent_kernel.shape[0]

    if layout == "keras":
        bias_rows = 1 if bias.ndim == 1 else bias.shape[0]
        pieces = [
            (f"kernel\n{kernel.shape}", features, width),
            (f"recurrent_kernel\n{recurrent_kernel.shape}", units, width),
            (f"bias\n{bias.shape}", bias_rows, width),
        ]
        widest = _side(width)
        total_height = sum(_side(rows) for _, rows, _ in pieces) + 0.45 * len(pieces)
        fig_w, fig_h = widest + 2.6, total_height + 0.9
        fig, ax = canvas(0, fig_w, 0, fig_h, scale=1.0)
        title = f"{config.kind}: weight blocks {', '.join(blocks)} side by side, {units} columns each"
        write(ax, fig_w / 2, fig_h - 0.3, title, 10)
        top = fig_h - 0.7
        for name, rows, cols in pieces:
            _, height = _matrix(ax, 2.3, top, rows, cols, blocks, along="columns")
            write(ax, 2.15, top - height / 2, name, 9, code=True, ha="right")
            top -= height + 0.45
        return fig

    pieces = [
        (f"weight_ih_l0\n({width}, {features})\n= kernel.T", width, features, False),
        (
            f"weight_hh_l0\n({width}, {units})\n= recurrent_kernel.T",
            width,
            units,
            False,
        ),
        (f"bias_ih_l0\n({width},)\n= bias", width, 1, False),
        (f"bias_hh_l0\n({width},)\n= zeros", width, 1, True),
    ]
    gap = 1.6
    total_width = sum(_side(cols) for _, _, cols, _ in pieces) + gap * len(pieces)
    tallest = _side(width)
    fig_w, fig_h = total_width + 0.4, tallest + 1.7
    fig, ax = canvas(0, fig_w, 0, fig_h, scale=1.0)
    title = f"torch.nn.LSTM: transposed, blocks i, f, g, o stacked top to bottom, {units} rows each"
    write(ax, fig_w / 2, fig_h - 0.3, title, 10)
    left, top = 0.9, fig_h - 0.7
    for name, rows, cols, zeros in pieces:
        shape = {"along": "rows", "torch_names": True, "zeros": zeros}
        w, h = _matrix(ax, left, top, rows, cols, blocks, **shape)
        write(ax, left + w / 2, top - h - 0.1, name, 9, code=True, va="top")
        left += w + gap
    return fig
