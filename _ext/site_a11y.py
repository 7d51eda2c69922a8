"""Sphinx extension: what the browser test's accessibility audit (axe-core) found, fixed.

* The theme's search buttons that show "Search" and "Ctrl+K" were named "Search" by an
  ``aria-label``; the ``<summary>`` of a folded code cell ("Show code cell source") was named
  "Toggle hidden content". A speech-input user says what they see, so the name must contain
  the visible text (axe-core: label-content-name-mismatch, serious): the label is dropped, and
  the name comes from the visible text. The icon-only search button keeps its label.
* The colour-mode button's icons (sun, moon, half circle) each carried a ``title``, which the
  theme's Font Awesome script turns into an SVG ``<title>``: text inside the button that its
  name ("Color mode") does not contain. The titles are dropped and the icons marked
  ``aria-hidden``, as decorative icons are; the button keeps its name and its tooltip.
* Outputs with their own colours (Keras's ``model.summary()``) fail colour contrast (serious):
  ``static/site-a11y.css`` gives them the page's text colour.

The theme writes this markup; the extension edits each written HTML page after the build (a
fixed set of exact substitutions, counted in the build log). tests/site/browser_check.py runs
axe-core on every page, so a theme update that brings a problem back fails the site test.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
CSS = "site-a11y.css"

# (what it fixes, pattern, replacement)
SUBSTITUTIONS = [
    (
        "search field named apart from its visible text",
        re.compile(
            r'(<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*?) aria-label="Search"'
        ),
        r"\1",
    ),
    (
        "folded cell's summary named apart from its visible text",
        re.compile(r'<summary aria-label="Toggle hidden content">'),
        "<summary>",
    ),
    (
        "colour-mode icons with titles",
        re.compile(r'(<i class="theme-switch [^"]*"[^>]*?)\s*title="[^"]*">'),
        r'\1 aria-hidden="true">',
    ),
]


def add_static(app, config) -> None:
    config.html_static_path.append(str(STATIC))


def fix_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    counts = {name: 0 for name, _, _ in SUBSTITUTIONS}
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        fixed = html
        for name, pattern, replacement in SUBSTITUTIONS:
            fixed, n = pattern.subn(replacement, fixed)
            counts[name] += n
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")
    # Pages an incremental build did not rewrite were fixed before; the browser test's audit
    # (axe-core) is what fails if a theme update brings the problem back.
    logger.info(f"site a11y: substitutions made {counts}")


def setup(app):
    app.connect("config-inited", add_static)
    app.add_css_file(CSS)
    app.connect("build-finished", fix_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
