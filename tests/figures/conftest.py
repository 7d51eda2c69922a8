"""What the figure tests read from a drawing: its texts, its boxes and their colours, its
arrows' paths, and the pixels of the PNG it saves to. (tests/conftest.py applies here too:
every test starts from a fresh, seeded Keras session.)"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.transforms import Bbox
from PIL import Image


class Drawing:
    """One figure drawn on its first axes, read back through matplotlib's own objects."""

    def __init__(self, figure: Figure):
        self.figure = figure
        self.ax = figure.axes[0]
        self._renderer = None

    @property
    def renderer(self):
        """Drawn once, when a test first needs where things landed (text extents, arrows laid
        out at the figure's dpi)."""
        if self._renderer is None:
            self._renderer = FigureCanvasAgg(self.figure).get_renderer()
            self.figure.draw(self._renderer)
        return self._renderer

    @property
    def texts(self) -> list[str]:
        return [t.get_text() for ax in self.figure.axes for t in ax.texts]

    @property
    def boxes(self) -> list[FancyBboxPatch]:
        return [p for p in self.ax.patches if isinstance(p, FancyBboxPatch)]

    @property
    def free_texts(self) -> list[str]:
        """The texts that are not written in a box: titles, captions, link labels."""
        centres = {self._centre(b) for b in self.boxes}
        return [
            t.get_text()
            for t in self.ax.texts
            if tuple(round(v, 6) for v in t.get_position()) not in centres
        ]

    @staticmethod
    def _centre(box: FancyBboxPatch) -> tuple[float, float]:
        return (
            round(box.get_x() + box.get_width() / 2, 6),
            round(box.get_y() + box.get_height() / 2, 6),
        )

    def count(self, colour: str) -> int:
        """How many boxes have face ``colour``."""
        return sum(box.get_facecolor() == to_rgba(colour) for box in self.boxes)

    def labels(self, colour: str) -> list[str]:
        """The text in each box of face ``colour``, row by row from the bottom, left to right."""
        centres = {
            (
                round(t.get_position()[0], 6),
                round(t.get_position()[1], 6),
            ): t.get_text()
            for t in self.ax.texts
        }
        found = []
        for box in self.boxes:
            if box.get_facecolor() == to_rgba(colour):
                x, y = (
                    box.get_x() + box.get_width() / 2,
                    box.get_y() + box.get_height() / 2,
                )
                found.append((y, x, centres[(round(x, 6), round(y, 6))]))
        return [text for _, _, text in sorted(found)]

    def arrow_points(self) -> list[np.ndarray]:
        """Each arrow's outline (shaft and head) in data coordinates, sampled every 0.01 unit."""
        self.renderer  # noqa: B018  (an arrow's head and ends are sized when it is drawn)
        arrows = []
        for patch in self.ax.patches:
            if not isinstance(patch, FancyArrowPatch):
                continue
            points = []
            for polygon in patch.get_path().to_polygons(closed_only=False):
                for a, b in zip(polygon, polygon[1:]):
                    steps = max(2, int(np.hypot(*(b - a)) / 0.01) + 1)
                    points.append(np.linspace(a, b, steps))
            arrows.append(np.concatenate(points))
        return arrows

    def obstacles(self) -> list[tuple[str, Bbox]]:
        """Every box (by the text in it) and every free-standing text, in data coordinates."""
        to_data = self.ax.transData.inverted()
        found = [
            (f"box at ({b.get_x():.2f}, {b.get_y():.2f})", b.get_bbox())
            for b in self.boxes
        ]
        for text in self.ax.texts:
            extent = text.get_window_extent(self.renderer).transformed(to_data)
            found.append((f"text {text.get_text()!r}", extent))
        return found

    def crossings(self, clearance: float = 0.05, margin: float = 0.01) -> list[str]:
        """Which arrows pass through, or brush past, a box or a text.

        An arrow must keep ``clearance`` from every box and text except the ones it starts or
        ends at (those within ``clearance`` of its ends), which it may touch at their edge
        but not enter by more than ``margin``.
        """
        obstacles = self.obstacles()
        names = [name for name, _ in obstacles]
        low = np.array([[e.x0, e.y0] for _, e in obstacles])
        high = np.array([[e.x1, e.y1] for _, e in obstacles])

        def within(points: np.ndarray, pad: float) -> np.ndarray:
            """For each obstacle grown by ``pad``: does any of ``points`` lie inside it?"""
            inside = (points[:, None] > low - pad) & (points[:, None] < high + pad)
            return inside.all(axis=2).any(axis=0)

        crossed = []
        for index, points in enumerate(self.arrow_points()):
            ends = within(points[[0, -1]], clearance)
            hit = np.where(ends, within(points, -margin), within(points, clearance))
            start = tuple(round(float(v), 2) for v in points[0])
            crossed += [
                f"arrow {index} from {start} passes through {names[i]}"
                for i in np.flatnonzero(hit)
            ]
        return crossed


def alpha_channel(figure: Figure | bytes, **options: object) -> np.ndarray:
    """The alpha channel (0..255) of a PNG, or of ``figure`` saved as one with ``options``."""
    if isinstance(figure, Figure):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", **options)
        figure = buffer.getvalue()
    return np.asarray(Image.open(io.BytesIO(figure)).convert("RGBA"))[..., 3]


@pytest.fixture
def drawing() -> Callable[[Figure], Drawing]:
    return Drawing


@pytest.fixture
def alpha() -> Callable[..., np.ndarray]:
    return alpha_channel
