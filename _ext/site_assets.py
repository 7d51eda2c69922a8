"""Sphinx extension: what the built site serves itself, written by every `jupyter-book build`.

* ``_static/mathjax/``: MathJax 3.2.2's ``tex-mml-chtml.js`` and the files it loads on demand
  (fonts, TeX extensions, the accessibility menu), copied from the ``sphinx-mathjax-offline``
  package on PyPI (byte-identical to the npm package's ``es5/`` build), so a page with equations
  needs no CDN. ``mathjax_path`` in _config.yml points here.
* ``_static/shape-explorer.json``: every row of the cheat sheet with symbolic shapes, and the
  type Keras returns several arrays in (observed by calling 15 small Keras layers symbolically),
  from :func:`lstm_helpers.cheatsheet.write_explorer_data`, read by ``_static/shape-explorer.js``.
* ``_static/lstm-outputs-executed.pdf``: the book as one PDF, copied from ``_build/latex/`` when
  ``make pdf`` has built it (``make pdf`` also copies it here itself, after the HTML build);
  the landing page links to it.

MathJax is loaded only by a page with equations of its own. Sphinx's mathjax extension also
loads it on a page whose toctree includes a page with equations (``MathDomain.has_equations``
follows ``toctree_includes``): the landing page, whose hidden toctree is the whole book, loaded
1.2 MB of MathJax for no equation. ``drop_mathjax_without_math`` takes it out of such pages.

The landing page's Colab link is made here too, as the substitution ``{{ colab_start }}``
(MyST), from the repository and the Colab address in _config.yml, like the chapters' own
Colab buttons, so the repository's address stays written in one place.

It also gives sphinxext-opengraph the site's address from ``html.baseurl`` in _config.yml (the
one place it is written; sphinx-sitemap reads ``html_baseurl`` itself).

Both are written into the built site after a successful build, never into the source
``_static/`` folder: Jupyter Book adds every ``.js`` file under the source ``_static/`` to every
page (that would be MathJax's 100 files), and generated files do not belong in git. Doing it
here, not in a script run afterwards, means any build (``make book``, the -W test build, the
Pages workflow) is the complete site. Loaded through ``sphinx.local_extensions`` in _config.yml.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# The combined component _config.yml names, and what it loads later from its own folder.
MATHJAX_KEEP = [
    "tex-mml-chtml.js",
    "input",
    "output/chtml",
    "output/chtml.js",
    "a11y",
    "ui",
    "sre",
    "adaptors",
]


def mathjax_source() -> Path:
    """The MathJax build shipped inside the ``sphinx-mathjax-offline`` wheel."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "sphinx-mathjax-offline is not installed; it is pinned in requirements.txt "
            "(make book installs it)"
        )
    return Path(spec.origin).parent / "static" / "mathjax"


def copy_mathjax(static: Path) -> int:
    """Copy the MathJax files the site needs into ``static/mathjax``; return how many."""
    source, target = mathjax_source(), static / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    for name in MATHJAX_KEEP:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)
    return sum(1 for p in target.rglob("*") if p.is_file())


# The PDF's name: latex_documents' targetname in _config.yml, with .pdf.
PDF_NAME = "lstm-outputs-executed.pdf"


def copy_pdf(app, static: Path) -> Path | None:
    """Put the PDF that ``make pdf`` built into the site's _static/, if there is one."""
    built = Path(app.outdir).parent / "latex" / PDF_NAME
    if not built.is_file():
        return None
    shutil.copy2(built, static / PDF_NAME)
    return static / PDF_NAME


def site_url_for_opengraph(app, config) -> None:
    """og:url and og:image need the site's address: the one in html.baseurl; og:site_name the
    book's title."""
    if not config.ogp_site_url and config.html_baseurl:
        config.ogp_site_url = config.html_baseurl
    # og:site_name: the book's title (_config.yml's title; Jupyter Book sets no `project`).
    if config.ogp_site_name is None and config.html_title:
        config.ogp_site_name = config.html_title


def drop_mathjax_without_math(app, pagename, templatename, context, doctree) -> None:
    """Take MathJax (its configuration and its script) out of a page without equations."""
    if app.builder.format != "html" or "math" not in app.env.domains:
        return
    if app.env.get_domain("math").data["has_equations"].get(pagename, False):
        return
    # The builder has put the path under _static/ (mathjax_path is relative to it).
    mathjax = {app.config.mathjax_path, f"_static/{app.config.mathjax_path}"}
    scripts = context.get("script_files", [])
    scripts[:] = [
        js
        for js in scripts
        if not (
            js.filename in mathjax
            or (
                not js.filename
                and js.attributes.get("body", "").startswith("window.MathJax")
            )
        )
    ]


# The chapter a first-time reader starts with, and where the landing page's Colab link opens it.
START_NOTEBOOK = "chapters/01_default_output.ipynb"


def colab_substitution(app, config) -> None:
    """``{{ colab_start }}``: a Markdown link opening chapter 1 in Colab, made the way
    sphinx-book-theme makes a chapter's Colab button (repository, branch, Colab's address)."""
    options = config.html_theme_options or {}
    repository = options.get("repository_url", "").rstrip("/")
    colab = options.get("launch_buttons", {}).get("colab_url", "").rstrip("/")
    if not repository.startswith("https://github.com/") or not colab:
        return
    branch = options.get("repository_branch") or "main"
    path = (options.get("path_to_docs") or "").strip("/")
    notebook = f"{path}/{START_NOTEBOOK}" if path else START_NOTEBOOK
    url = f"{colab}/github/{repository.removeprefix('https://github.com/')}/blob/{branch}/{notebook}"
    config.myst_substitutions = {
        **(config.myst_substitutions or {}),
        "colab_start": f"[Run chapter 1 in Colab]({url})",
    }


def write_assets(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    files = copy_mathjax(static)
    # Imported here, not at the top: lstm_helpers imports Keras, which only this step needs.
    from lstm_helpers.cheatsheet import write_explorer_data

    path = write_explorer_data(static / "shape-explorer.json")
    pdf = copy_pdf(app, static)
    logger.info(
        f"site assets: MathJax ({files} files), {path.name}"
        f"{' and ' + pdf.name if pdf else ''} in {static}"
    )


def setup(app):
    app.connect("config-inited", site_url_for_opengraph)
    app.connect("config-inited", colab_substitution)
    # After sphinx.ext.mathjax's own handler (priority 500) has added MathJax.
    app.connect("html-page-context", drop_mathjax_without_math, priority=900)
    app.connect("build-finished", write_assets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
