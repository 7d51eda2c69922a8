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

What the browser test measures beyond axe-core (issue 20), fixed the same way:

* ``static/site-reading.css``: outputs on the theme's own colours in both modes (the dark
  theme's light card under HTML outputs made the inline code in ``describe``'s tables and the
  cheat sheet unreadable), tables in outputs padded and aligned with the text, printed lines
  and errors wrapped in their block, inline code that wraps on a phone, the landing page's
  start links.
* ``static/sidebar-toggles.js``: the ☰ and page-contents buttons a reader sees open their
  drawers (the theme binds only the first, hidden, button of each; see the script).
* Font Awesome's script (1.5 MB: it redraws every icon as an SVG) is not loaded: the theme's
  CSS already holds Font Awesome's icon classes and web fonts, which draw the same icons.

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
CSS = ["site-a11y.css", "site-reading.css"]
JS = ["sidebar-toggles.js"]

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
    (
        "Font Awesome's script (the theme's CSS draws its icons)",
        re.compile(
            r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js\?[^"]*"></script>'
        ),
        "",
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
    for css in CSS:
        app.add_css_file(css)
    for js in JS:
        app.add_js_file(js)
    app.connect("build-finished", fix_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
