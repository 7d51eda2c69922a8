"""Add to a built site what it serves itself: MathJax, and the shape explorer's data.

    python scripts/site_assets.py               # into _build/html (what `make book` runs)
    python scripts/site_assets.py OUT/html      # into another build

Run it after ``jupyter-book build`` and after ``npm ci`` (which installs the MathJax version
pinned in package.json into node_modules/). It writes

* ``_static/mathjax/``: MathJax's ``tex-mml-chtml.js`` and the files it loads on demand (fonts,
  TeX extensions, the accessibility menu), so pages with equations need no CDN
  (``mathjax_path`` in _config.yml points here);
* ``_static/shape-explorer.json``: every row of the cheat sheet with symbolic shapes, from
  :func:`lstm_helpers.cheatsheet.write_explorer_data`, read by ``_static/shape-explorer.js``.

Both go into the built site, not into the source ``_static/`` folder: Jupyter Book adds every
``.js`` file under the source ``_static/`` to every page, which for MathJax's 100 files would be
wrong, and generated files do not belong in git.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "node_modules" / "mathjax"
# The combined component _config.yml names, and what it loads later from its own folder.
MATHJAX_KEEP = ["tex-mml-chtml.js", "input", "output/chtml", "output/chtml.js", "a11y", "ui",
                "sre", "adaptors"]


def pinned_mathjax_version() -> str:
    """The MathJax version package.json pins."""
    return json.loads((ROOT / "package.json").read_text())["dependencies"]["mathjax"]


def copy_mathjax(static: Path) -> tuple[int, int]:
    """Copy the MathJax files the site needs into ``static/mathjax``; return (files, bytes)."""
    installed = MATHJAX / "package.json"
    if not installed.is_file():
        raise SystemExit(f"{MATHJAX} is missing: run `npm ci` first (make book does).")
    version = json.loads(installed.read_text())["version"]
    if version != pinned_mathjax_version():
        raise SystemExit(
            f"node_modules has MathJax {version}, package.json pins {pinned_mathjax_version()}: "
            "run `npm ci`."
        )
    target = static / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    for name in MATHJAX_KEEP:
        source = MATHJAX / "es5" / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    files = [p for p in target.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", default=str(ROOT / "_build" / "html"),
                        help="the built site (default: _build/html)")
    args = parser.parse_args(argv)
    html = Path(args.html)
    if not (html / "index.html").is_file():
        raise SystemExit(f"{html} has no index.html: build the site first (jupyter-book build .)")
    static = html / "_static"

    files, size = copy_mathjax(static)
    print(f"MathJax {pinned_mathjax_version()}: {files} files, {size / 1e6:.1f} MB -> {static / 'mathjax'}")

    sys.path.insert(0, str(ROOT))
    from lstm_helpers.cheatsheet import write_explorer_data

    path = write_explorer_data(static / "shape-explorer.json")
    count = len(json.loads(path.read_text())["configurations"])
    print(f"shape explorer: {count} configurations -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
