"""The built site in a real browser: Debian's headless Chromium, driven by Playwright.

    make site-test          # builds the site (make book), then runs this file
    pytest -p no:randomly tests/site/browser_check.py      # on an existing _build/html

The file name does not match ``test_*.py`` on purpose, so ``make test`` does not collect it; it
needs a built site with its assets (``make book``), and Chromium (``apt-get install chromium``).
Set ``SITE_DIR`` to test another build, ``CHROMIUM`` for another browser binary.

The site is served on 127.0.0.1 by a server started here. Every request the browser makes to
any other address is blocked and fails the page that made it, so a page that needs the
internet (a CDN script, a web font, MathJax) fails here. Every page is visited: no console
errors or warnings, no failed loads, every image loaded with non-empty alt text, the sidebar
links every page in _toc.yml, notebook pages have a Binder launch link and a .ipynb download
link. Then: the search page finds ``return_state``, equations are typeset by the local MathJax,
the cheat sheet's static table is there without JavaScript, and the shape explorer, driven
through several configurations, shows exactly what ``expected_outputs`` and
``parameter_count`` give in Python, and says how the arrays come back as Python observed it
on real Keras layers (``returned_container``). Screenshots and a JSON report go to test-output/site/.

Also: an accessibility audit of every page with axe-core (``npm ci`` installs the exact version
in package-lock.json into node_modules/; it is injected from there, no CDN): no ``serious`` or
``critical`` violation, the others listed in the report and printed at the end; screenshots
of two chapters in the light and the dark theme; notebook pages have a Colab launch link and the
line saying which versions produced their outputs, equal to what the notebook recorded; the
landing page links to the book's PDF, and the link works.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "_ext"))
from output_versions import CLASS as VERSIONS_CLASS  # noqa: E402  (after the path above)
from output_versions import recorded_versions, versions_line  # noqa: E402
from site_assets import PDF_NAME  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
OUTPUT = ROOT / "test-output" / "site"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY = CONFIG["repository"]["url"].rstrip("/")
BINDER = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
BRANCH = CONFIG["repository"]["branch"]
COLAB = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# axe's impact levels, worst first; the first two fail a page, the others are listed.
IMPACTS = ["critical", "serious", "moderate", "minor"]
FAILING_IMPACTS = {"critical", "serious"}
# Two chapters shot in the light and in the dark theme (their figures must read on both).
THEMED_SCREENSHOTS = {
    "chapters/01_default_output.html": "chapter-01",
    "chapters/08_bidirectional.html": "chapter-08",
}

# Every page of the site: the HTML files Sphinx wrote, not the theme's template fragments.
PAGES = (
    sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not p.relative_to(SITE).parts[0].startswith("_")
    )
    if SITE.is_dir()
    else []
)

REPORT: dict = {
    "pages": {},
    "blocked": [],
    "explorer": [],
    "axe": {},
    "started": time.time(),
}


def toc_documents() -> list[str]:
    """The root and every file listed in _toc.yml, as 'chapters/01_default_output'."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    documents = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                documents.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return documents


# --------------------------------------------------------------------------- fixtures


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass


@pytest.fixture(scope="module")
def site() -> Path:
    missing = [
        name
        for name in (
            "index.html",
            "_static/mathjax/tex-mml-chtml.js",
            "_static/shape-explorer.json",
        )
        if not (SITE / name).is_file()
    ]
    if missing:
        pytest.fail(
            f"{SITE} lacks {missing}: run `make book` first (jupyter-book build; its "
            "_ext/site_assets.py extension writes the last two)",
            pytrace=False,
        )
    return SITE


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def playwright_instance():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="pip install playwright"
    )
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"no browser at {CHROMIUM}: apt-get install chromium", pytrace=False
        )
    with sync_api.sync_playwright() as playwright:
        yield playwright


def _launch(playwright, base_url, **options):
    """A fresh Chromium profile that may only talk to our server."""
    profile = tempfile.mkdtemp(prefix="site-test-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        **options,
    )

    def guard(route):
        url = route.request.url
        if url.startswith(base_url):
            route.continue_()
        else:
            REPORT["blocked"].append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    return context, profile


@pytest.fixture(scope="module")
def browser(playwright_instance, base_url, request):
    context, profile = _launch(playwright_instance, base_url)
    REPORT["browser"] = context.browser.version if context.browser else "chromium"
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)
    _write_report(request)


def _write_report(request) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    REPORT["seconds"] = round(time.time() - REPORT.pop("started"), 1)
    requests = sum(p["requests"] for p in REPORT["pages"].values())
    REPORT["summary"] = (
        f"site test: {len(REPORT['pages'])} pages visited, {requests} requests to 127.0.0.1, "
        f"{len(REPORT['blocked'])} requests blocked, {len(REPORT['explorer'])} explorer "
        f"configurations compared with Python, {REPORT['seconds']} s in the browser"
    )
    counts = {
        impact: sum(
            1 for page in REPORT["axe"].values() for v in page if v["impact"] == impact
        )
        for impact in IMPACTS
    }
    REPORT["axe_counts"] = counts
    (OUTPUT / "report.json").write_text(json.dumps(REPORT, indent=1) + "\n")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # print past pytest's output capture
        print(f"\n{REPORT['summary']} (report: {OUTPUT / 'report.json'})")
        print(
            f"axe-core {REPORT.get('axe_version', '?')} on {len(REPORT['axe'])} page views: "
            + ", ".join(f"{counts[i]} {i}" for i in IMPACTS)
            + " violations (rule, nodes):"
        )
        for page, violations in sorted(REPORT["axe"].items()):
            for v in violations:
                print(f"  {page}: {v['impact']} {v['id']} ({v['nodes']}): {v['help']}")


class Visit:
    """One page load, with everything the browser said and fetched while loading it."""

    def __init__(self, context, url: str) -> None:
        self.page = context.new_page()
        self.console: list[str] = []
        self.failed: list[str] = []
        self.requests = 0
        blocked_before = len(REPORT["blocked"])
        self.page.on(
            "console",
            lambda m: (
                m.type in ("error", "warning")
                and self.console.append(f"{m.type}: {m.text}")
            ),
        )
        self.page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"))
        self.page.on("request", lambda r: setattr(self, "requests", self.requests + 1))
        self.page.on(
            "requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})")
        )
        self.page.on(
            "response",
            lambda r: (
                r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})")
            ),
        )
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        self.blocked = REPORT["blocked"][blocked_before:]

    def close(self) -> None:
        self.page.close()


def audit(visit: Visit, name: str) -> list[dict]:
    """Run axe-core on the loaded page; record every violation; return the serious ones."""
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run `npm ci` (make site-test does)", pytrace=False
        )
    visit.page.add_script_tag(path=str(AXE))
    result = visit.page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return {version: axe.version, violations: r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }))};
    }""")
    REPORT["axe_version"] = result["version"]
    REPORT["axe"][name] = result["violations"]
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


@pytest.fixture(scope="module")
def notebook_pages(site) -> set[str]:
    """Pages made from a notebook (their source is shipped as .ipynb)."""
    return {
        p.relative_to(site / "_sources").with_suffix(".html").as_posix()
        for p in (site / "_sources").rglob("*.ipynb")
    }


# --------------------------------------------------------------------------- every page


def test_the_site_has_every_page_of_the_toc(site):
    assert PAGES, f"no pages under {SITE}"
    built = {p.removesuffix(".html") for p in PAGES}
    assert set(toc_documents()) <= built


@pytest.mark.parametrize("page", PAGES)
def test_page(page, browser, base_url, notebook_pages):
    visit = Visit(browser, urljoin(base_url, page))
    try:
        _check_page(visit, page, base_url, notebook_pages)
    finally:
        visit.close()


def _check_page(
    visit: Visit, page: str, base_url: str, notebook_pages: set[str]
) -> None:
    p = visit.page
    REPORT["pages"][page] = {
        "requests": visit.requests,
        "console": visit.console,
        "failed": visit.failed,
        "blocked": visit.blocked,
    }
    assert visit.blocked == [], (
        f"{page} requested addresses outside 127.0.0.1: {visit.blocked}"
    )
    assert visit.console == [], f"{page}: browser console: {visit.console}"
    assert visit.failed == [], f"{page}: failed loads: {visit.failed}"
    if page == "index.html":  # a redirect to the landing page
        assert urlsplit(p.url).path.endswith("/intro.html")
        return

    # Images: every one loaded (decoded to a real size) and described.
    images = p.evaluate("""async () => {
        const images = [...document.images];
        await Promise.all(images.map(i => { i.loading = "eager"; return i.decode().catch(() => null); }));
        return images.map(i => ({src: i.currentSrc || i.src, alt: (i.getAttribute("alt") || "").trim(),
                                 loaded: i.complete && i.naturalWidth > 0}));
    }""")
    assert [i["src"] for i in images if not i["loaded"]] == [], (
        f"{page}: images that did not load"
    )
    assert [i["src"] for i in images if not i["alt"]] == [], (
        f"{page}: images without alt text"
    )
    REPORT["pages"][page]["images"] = len(images)

    # Accessibility: nothing axe-core rates serious or critical (the rest is listed).
    serious = audit(visit, page)
    assert serious == [], f"{page}: axe-core violations: {serious}"

    if page in ("search.html", "genindex.html"):
        return

    # The sidebar links every page of the book.
    links = p.eval_on_selector_all(
        ".bd-sidebar-primary a[href]", "as => as.map(a => a.href)"
    )
    linked = {
        urlsplit(url).path.removeprefix("/").removesuffix(".html")
        for url in links
        if url.startswith(base_url)
    }
    missing = [doc for doc in toc_documents() if doc not in linked]
    assert missing == [], f"{page}: the sidebar does not link {missing}"

    # Header buttons made from the repository URL in _config.yml.
    hrefs = p.eval_on_selector_all(
        "a[href]", "as => as.map(a => a.getAttribute('href'))"
    )
    source = page.removesuffix(".html")
    if page in notebook_pages:
        launch = (
            f"{BINDER}/v2/gh/{REPOSITORY.removeprefix('https://github.com/')}/{BRANCH}"
        )
        assert f"{launch}?urlpath=lab/tree/{source}.ipynb" in hrefs, (
            f"{page}: no Binder launch link"
        )
        assert any(h.endswith(f"_sources/{source}.ipynb") for h in hrefs), (
            f"{page}: no .ipynb download"
        )
        colab = f"{COLAB}/github/{REPOSITORY.removeprefix('https://github.com/')}/blob/{BRANCH}/{source}.ipynb"
        assert colab in hrefs, f"{page}: no Colab launch link"
        # The versions line, made from the notebook's own metadata (make execute records it).
        recorded = recorded_versions(ROOT / f"{source}.ipynb")
        assert recorded is not None, (
            f"{source}.ipynb records no versions: run make execute"
        )
        shown = p.locator(f"p.{VERSIONS_CLASS}")
        assert shown.count() == 1, (
            f"{page}: no line saying which versions produced its outputs"
        )
        assert shown.inner_text() == versions_line(recorded)
        REPORT["pages"][page]["versions"] = shown.inner_text()
    assert any(h.startswith(f"{REPOSITORY}/edit/{BRANCH}/") for h in hrefs), (
        f"{page}: no edit link"
    )

    # Equations, where there are any, are typeset by the MathJax this site serves.
    if p.locator(".math").count():
        p.wait_for_selector("mjx-container", timeout=15000)
        REPORT["pages"][page]["equations"] = p.locator("mjx-container").count()
        assert visit.blocked == [] and REPORT["blocked"] == []


def test_math_is_typeset_offline():
    typeset = {
        page: info["equations"]
        for page, info in REPORT["pages"].items()
        if info.get("equations")
    }
    assert "chapters/cheat_sheet.html" in typeset, (
        "the cheat sheet's equations were not typeset"
    )


def test_landing_page_and_a_chapter_look_right(browser, base_url):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for page, name in (
        ("intro.html", "landing.png"),
        ("chapters/01_default_output.html", "chapter-01.png"),
        ("chapters/cheat_sheet.html", "cheat-sheet.png"),
    ):
        visit = Visit(browser, urljoin(base_url, page))
        try:
            if "cheat_sheet" in page:
                visit.page.wait_for_selector("#shape-explorer[data-ready=true]")
            visit.page.screenshot(
                path=str(OUTPUT / name), full_page="cheat_sheet" not in page
            )
            assert visit.console == [] and visit.blocked == []
        finally:
            visit.close()
        assert (OUTPUT / name).stat().st_size > 10_000


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_two_chapters_in_light_and_dark_mode(playwright_instance, base_url, mode):
    """Full-page screenshots a person can look at; the theme really switched; axe agrees."""
    context, profile = _launch(playwright_instance, base_url)
    # The theme reads the reader's choice from localStorage before it paints.
    context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:
        for page, name in THEMED_SCREENSHOTS.items():
            visit = Visit(context, urljoin(base_url, page))
            try:
                theme = visit.page.evaluate("document.documentElement.dataset.theme")
                background = visit.page.evaluate(
                    "getComputedStyle(document.body).backgroundColor"
                )
                path = OUTPUT / f"{name}-{mode}.png"
                visit.page.screenshot(path=str(path), full_page=True)
                serious = audit(visit, f"{page} ({mode})")
                assert visit.console == [] and visit.blocked == []
            finally:
                visit.close()
            assert theme == mode, f"{page}: the theme is {theme!r}, not {mode!r}"
            channels = [
                int(c)
                for c in background.removeprefix("rgb(").rstrip(")").split(",")[:3]
            ]
            assert (sum(channels) < 3 * 128) == (mode == "dark"), (
                f"{page} {mode}: {background}"
            )
            assert path.stat().st_size > 10_000
            assert serious == [], f"{page} ({mode}): axe-core violations: {serious}"
            REPORT.setdefault("screenshots", []).append(str(path.relative_to(ROOT)))
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


# The width from which the content column stops growing (pyproject.toml, [tool.ruff]): a
# code cell there holds line-length characters, so no chapter's code should scroll sideways.
WIDE_VIEWPORT = {"width": 1440, "height": 900}


def test_no_code_cell_scrolls_sideways(playwright_instance, base_url, notebook_pages):
    """ruff's line length is what fits: check it in the browser, on every notebook page."""
    context, profile = _launch(playwright_instance, base_url)
    try:
        overflowing = {}
        for page in sorted(notebook_pages):
            visit = Visit(context, urljoin(base_url, page))
            try:
                visit.page.set_viewport_size(WIDE_VIEWPORT)
                cells = visit.page.evaluate("""() =>
                    [...document.querySelectorAll("div.cell_input pre")]
                      .filter(pre => pre.offsetParent !== null)
                      .map(pre => ({wide: pre.scrollWidth > pre.clientWidth + 1,
                                    line: pre.innerText.split("\\n")
                                      .reduce((a, b) => (b.length > a.length ? b : a), "")}))
                """)
            finally:
                visit.close()
            assert cells, f"{page}: no visible code cell found"
            wide = [cell["line"] for cell in cells if cell["wide"]]
            if wide:
                overflowing[page] = wide
        REPORT["code_cells_scrolling_at_1440px"] = overflowing
        assert overflowing == {}, f"code cells that scroll sideways: {overflowing}"
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def test_landing_page_links_the_pdf(browser, base_url, site):
    """The book as one PDF (make pdf): linked from the landing page, and the link works."""
    visit = Visit(browser, urljoin(base_url, "intro.html"))
    try:
        links = visit.page.eval_on_selector_all(
            "article a[href]", "as => as.map(a => [a.getAttribute('href'), a.href])"
        )
        pdf = [url for href, url in links if href.endswith(PDF_NAME)]
        assert pdf, f"intro.html does not link {PDF_NAME}"
        response = visit.page.request.get(pdf[0])
        body = response.body()
    finally:
        visit.close()
    assert response.status == 200, (
        f"{pdf[0]}: HTTP {response.status} (run make pdf before make book)"
    )
    assert body.startswith(b"%PDF-"), f"{pdf[0]} is not a PDF"
    REPORT["pdf"] = {"url": pdf[0], "bytes": len(body)}


# --------------------------------------------------------------------------- search


def test_search_finds_return_state(browser, base_url):
    visit = Visit(browser, urljoin(base_url, "search.html?q=return_state"))
    try:
        visit.page.wait_for_selector("#search-results ul.search li", timeout=20000)
        found = visit.page.eval_on_selector_all(
            "#search-results ul.search li a",
            "as => as.map(a => a.getAttribute('href'))",
        )
        assert visit.console == [] and visit.blocked == []
    finally:
        visit.close()
    REPORT["search"] = found
    assert any("cheat_sheet" in href for href in found), found


# --------------------------------------------------------------------------- the cheat sheet


def test_cheat_sheet_without_javascript(playwright_instance, base_url):
    from lstm_helpers import cheat_sheet

    context, profile = _launch(
        playwright_instance, base_url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "chapters/cheat_sheet.html"))
        rows = page.locator("table.lstm-cheat-sheet tbody tr").count()
        fallback = page.locator("#shape-explorer p").first.inner_text()
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    assert rows == len(
        cheat_sheet().table_rows
    )  # 72 combinations, identical ones merged
    assert "table below" in fallback


EXPLORER_CASES = [
    # kind, merge_mode ("bare" = not wrapped), return_sequences, return_state, batch, timesteps, features, units
    ("LSTM", "bare", False, False, 32, 20, 30, 10),
    ("LSTM", "bare", True, True, 4, 20, 30, 10),
    ("GRU", "concat", True, False, 8, 15, 3, 6),
    ("SimpleRNN", None, True, True, None, None, 5, 7),
    ("LSTM", "sum", False, True, 2, 9, 4, 3),
    ("GRU", "bare", False, True, 1, 1, 1, 1),
    ("LSTM", "ave", True, True, None, 12, 30, 10),
    ("SimpleRNN", "mul", False, False, 5, None, 2, 16),
    ("LSTM", None, False, True, 3, 7, 11, 13),
]


@pytest.fixture(scope="module")
def python_explorer_data() -> dict:
    """What Python writes for the explorer now (it calls a few Keras layers: once per run)."""
    from lstm_helpers.cheatsheet import explorer_data

    return json.loads(json.dumps(explorer_data()))


@pytest.fixture(scope="module")
def explorer(browser, base_url):
    visit = Visit(browser, urljoin(base_url, "chapters/cheat_sheet.html"))
    visit.page.wait_for_selector("#shape-explorer[data-ready=true]")
    yield visit
    assert visit.console == [] and visit.blocked == []
    visit.close()


def _set(page, kind, merge_mode, sequences, state, batch, timesteps, features, units):
    page.select_option("#se-kind", kind)
    page.set_checked("#se-bidirectional", merge_mode != "bare")
    if merge_mode != "bare":
        page.select_option("#se-merge-mode", json.dumps(merge_mode))
    page.set_checked("#se-return-sequences", sequences)
    page.set_checked("#se-return-state", state)
    for name, value in (
        ("batch", batch),
        ("timesteps", timesteps),
        ("features", features),
        ("units", units),
    ):
        page.fill(f"#se-{name}", "" if value is None else str(value))


@pytest.mark.parametrize("case", EXPLORER_CASES, ids=lambda c: "-".join(map(str, c)))
def test_explorer_matches_python(explorer, case, python_explorer_data):
    from lstm_helpers import expected_outputs, parameter_count
    from lstm_helpers._runtime import keras

    kind, merge_mode, sequences, state, batch, timesteps, features, units = case
    page = explorer.page
    _set(page, *case)
    shown = page.eval_on_selector_all(
        "#se-arrays tr[data-name]",
        "rows => rows.map(r => [r.dataset.name, JSON.parse(r.dataset.shape), r.querySelector('.se-shape').textContent])",
    )
    parameters = int(page.get_attribute("#se-parameters", "data-parameters"))
    count = page.inner_text("#se-count")

    layer = getattr(keras.layers, kind)(
        units, return_sequences=sequences, return_state=state
    )
    if merge_mode != "bare":
        layer = keras.layers.Bidirectional(layer, merge_mode=merge_mode)
    expected = expected_outputs(layer, (batch, timesteps, features))
    expected_parameters = parameter_count(
        kind, features, units, bidirectional=merge_mode != "bare"
    )

    # How several arrays come back: what Keras returned when Python wrote the data.
    container = python_explorer_data["returned_container"]
    names = [name for name, _ in expected]
    expected_count = (
        f"One array: the layer returns it as it is, not in a {container}."
        if len(names) == 1
        else f"{len(names)} arrays, returned as a {container} in this order, so "
        f"{', '.join(names)} = layer(x) unpacks them."
    )

    REPORT["explorer"].append(
        {"case": list(case), "shown": shown, "parameters": parameters, "count": count}
    )
    assert [(name, tuple(shape)) for name, shape, _ in shown] == expected
    assert [text for _, _, text in shown] == [str(shape) for _, shape in expected]
    assert parameters == expected_parameters
    assert count == expected_count


EXPRESSIONS = [
    "2*units",
    "4*units*(features+units+1)",
    "2*3*units*(features+units+2)",
    "(1+2)*3-4",
    "units - 1",
    "units ",
    "batch*units",
    "7",
]
BAD_EXPRESSIONS = [
    "2**3",
    "units/2",
    "-units",
    "unknown",
    "2*(units",
    "units)",
    "",
    "2 units",
]


def test_explorer_evaluates_like_python(explorer):
    from lstm_helpers import evaluate

    sizes = {"batch": None, "timesteps": 20, "features": 30, "units": 10}
    for expression in EXPRESSIONS:
        js = explorer.page.evaluate(
            "([e, s]) => window.lstmShapeExplorer.evaluate(e, s)", [expression, sizes]
        )
        assert js == evaluate(expression, sizes), expression
    for expression in BAD_EXPRESSIONS:
        with pytest.raises(ValueError):
            evaluate(expression, sizes)
        raised = explorer.page.evaluate(
            "([e, s]) => { try { window.lstmShapeExplorer.evaluate(e, s); return false; } catch (err) { return true; } }",
            [expression, sizes],
        )
        assert raised, f"the explorer accepted {expression!r}, which Python refuses"


def test_explorer_data_is_what_python_writes(site, python_explorer_data):
    shipped = json.loads((site / "_static" / "shape-explorer.json").read_text())
    assert shipped == python_explorer_data, "rebuild: make book"


def test_no_request_left_127_0_0_1():
    assert REPORT["blocked"] == []
    assert len(REPORT["pages"]) == len(PAGES)
