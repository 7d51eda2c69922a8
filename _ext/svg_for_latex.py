"""Sphinx extension: SVG images become PNG for the LaTeX builder (``make pdf``), with rsvg-convert.

LaTeX cannot include an SVG. Sphinx's own ``sphinx.ext.imgconverter`` would call ImageMagick's
``convert``; instead this renders each SVG (the landing page's ``_static/overview.svg``) at
``DPI`` with ``rsvg-convert`` from Debian's ``librsvg2-bin`` (``apt-get install librsvg2-bin``),
locally, no network. A PNG rather than a vector PDF: its drawing is paths only (no text to keep
searchable), 300 dpi prints sharply, and the PDF's figures can then all be counted the same way
(``pdfimages -list``, tests/site/test_pdf.py). The HTML builders take SVG as it is, so the
converter only runs for LaTeX. _config.yml turns sphinx-jupyterbook-latex's ImageMagick converter
off (``jblatex_load_imgconverter: false``) so that this one is used.
"""

from __future__ import annotations

import shutil
import subprocess

from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms.images import ImageConverter

RSVG = "rsvg-convert"
DPI = 300


class RsvgConverter(ImageConverter):
    conversion_rules = [("image/svg+xml", "image/png")]

    def is_available(self) -> bool:
        # Only asked when a builder cannot take an SVG as it is (LaTeX): there, without the
        # converter the build would fail later inside LaTeX with a less helpful message.
        if shutil.which(RSVG) is None:
            raise ExtensionError(
                f"{RSVG} not found: apt-get install librsvg2-bin (make pdf needs it)"
            )
        return True

    def convert(self, _from: str, _to: str) -> bool:
        subprocess.run(
            [
                RSVG,
                "--format=png",
                f"--dpi-x={DPI}",
                f"--dpi-y={DPI}",
                f"--output={_to}",
                _from,
            ],
            check=True,
        )
        return True


def setup(app):
    app.add_post_transform(RsvgConverter)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
