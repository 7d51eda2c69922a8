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
``critical`` violation, the others listed in the report and printed at the end; notebook
pages have a Colab launch link and the line saying which versions produced their outputs, equal
to what the notebook recorded; the landing page links to the book's PDF, and the link works.

As a reader sees it (issue 20), on every page: the WCAG contrast of every visible text in the
main area against what is painted behind it, computed here in both colour modes (4.5:1, 3:1
for large text; axe-core cannot judge text on some backgrounds, and passed 1.01:1); at 390 px
no page wider than the phone, the ☰ and page-contents buttons open their drawers (tapped), the
cheat sheet's answers on the screen; at 1440 px no code cell or output block scrolls sideways,
and no harness text (``NBVAL_``, ``noqa``) shows; every error output whole (not cut off at the
right edge, at 1440 px and on a phone) and at most ERROR_LINES lines; the landing page's way in
(chapter 1, the cheat sheet, the PDF, Colab) on the first screen at 1440x900 and 390x844, each
page linked once by its title; the cold weight of every page (bytes fetched on a first visit)
within a budget, and MathJax fetched exactly where there are equations. Screenshots of the
landing page, chapters 1, 8 and 18 and the cheat sheet in light, dark and at 390 px (the
axe-core audit runs on each) go to test-output/site/, with the numbers in report.json.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from _ext.output_versions import CLASS as VERSIONS_CLASS
from _ext.output_versions import recorded_versions, versions_line
from _ext.site_assets import PDF_NAME
from tools.book import toc_documents

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


def _launch(playwright, base_url, mode=None, **options):
    """A fresh Chromium profile that may only talk to our server; ``mode`` ("light",
    "dark") is the colour mode the reader chose, ``options`` Playwright's (a viewport...)."""
    profile = tempfile.mkdtemp(prefix="site-test-profile-")
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        **options,
    )
    if mode is not None:
        # The theme reads the reader's choice from localStorage before it paints.
        context.add_init_script(f"localStorage.setItem('mode', '{mode}')")

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
def browser(playwright_instance, base_url):
    context, profile = _launch(playwright_instance, base_url)
    REPORT["browser"] = context.browser.version if context.browser else "chromium"
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module", autouse=True)
def report(request):
    """test-output/site/report.json, written when the tests that ran are done."""
    yield REPORT
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


# --------------------------------------------------------------------------- as a reader sees it

# The sizes a reader uses: a laptop (the width from which the content column stops growing:
# pyproject.toml's ruff line length is what a code cell holds there) and a phone.
WIDE_VIEWPORT = {"width": 1440, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
PHONE = {"viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True}
# An error output longer than this is a wall a learner scrolls past (setup() shows the cell's
# statement and `Type: message`, a few lines).
ERROR_LINES = 15
# What the test harness once wrote into code cells; a reader must never see it.
HARNESS_STRINGS = ["NBVAL_", "noqa"]
# WCAG 2.2, 1.4.3: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold).
CONTRAST, LARGE_CONTRAST = 4.5, 3.0

# The ratio of every visible text in the main area to what is painted behind it. The
# background is the first opaque background-color among the element and its ancestors, with
# any translucent ones in between laid over it; the text colour is laid over that with the
# opacity of the element and its ancestors. Hidden text (display: none, a closed <details>,
# visibility, zero opacity, clipped to a pixel as screen-reader-only text is) is not read.
CONTRAST_JS = """([normal, large]) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d", {willReadFrequently: true});
    const parsed = new Map();
    const rgba = (css) => {
        if (!parsed.has(css)) {
            const m = css.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)$/);
            if (m) {
                parsed.set(css, [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]]);
            } else {  // any other notation (color(), oklch()...): let the canvas convert it
                ctx.clearRect(0, 0, 1, 1);
                ctx.fillStyle = css;
                ctx.fillRect(0, 0, 1, 1);
                const d = ctx.getImageData(0, 0, 1, 1).data;
                parsed.set(css, [d[0], d[1], d[2], d[3] / 255]);
            }
        }
        return parsed.get(css);
    };
    const over = (top, alpha, bottom) => top.map((c, i) => c * alpha + bottom[i] * (1 - alpha));
    const luminance = (rgb) => {
        const [r, g, b] = rgb.map(c => {
            c /= 255;
            return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const hidden = (el) => {
        if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return true;
        for (let n = el; n; n = n.parentElement) {
            const s = getComputedStyle(n), r = n.getBoundingClientRect();
            if ((s.overflow !== "visible" || s.clip !== "auto" || s.clipPath !== "none")
                && (r.width <= 1 || r.height <= 1)) return true;
        }
        return false;
    };
    const background = (el) => {
        const layers = [];
        for (let n = el; n; n = n.parentElement) {
            const c = rgba(getComputedStyle(n).backgroundColor);
            if (c[3] > 0) layers.push(c);
            if (c[3] >= 1) break;
        }
        let rgb = [255, 255, 255];  // the canvas, if nothing is opaque
        for (const c of layers.reverse()) rgb = over(c.slice(0, 3), c[3], rgb);
        return rgb;
    };
    const main = document.querySelector("#main-content") || document.body;
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    const seen = new Set(), failures = [];
    for (let node; (node = walker.nextNode()); ) {
        const el = node.parentElement;
        if (!el || seen.has(el) || !/\\S/.test(node.data)) continue;
        if (el.closest("script, style, noscript, template")) continue;
        seen.add(el);
        const range = document.createRange();
        range.selectNodeContents(node);
        if (![...range.getClientRects()].some(r => r.width > 0 && r.height > 0)) continue;
        if (hidden(el)) continue;
        const style = getComputedStyle(el);
        let opacity = 1;
        for (let n = el; n; n = n.parentElement) opacity *= +getComputedStyle(n).opacity;
        const bg = background(el), fg = rgba(style.color);
        const text = over(fg.slice(0, 3), fg[3] * opacity, bg);
        const [a, b] = [luminance(text), luminance(bg)].sort((x, y) => y - x);
        const ratio = (a + 0.05) / (b + 0.05);
        const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
        const required = size >= 24 || (size >= 18.66 && bold) ? large : normal;
        if (ratio < required) {
            failures.push({
                element: el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
                    ? "." + el.className.trim().split(/\\s+/).join(".") : ""),
                text: node.data.trim().slice(0, 40),
                ratio: Math.round(ratio * 100) / 100, required,
                color: style.color, background: `rgb(${bg.map(Math.round).join(", ")})`,
            });
        }
    }
    return {checked: seen.size, failures};
}"""

# What each page looks like to a reader at one width: how wide the page is (and what sticks
# out past the window), the code cells and output blocks that scroll sideways, every error
# output (its lines, whether it is cut off), and any harness text that shows.
MEASURE_JS = """([harness, width]) => {
    const visible = (el) => el.checkVisibility() && el.getClientRects().length > 0;
    const describe = (el) => el.tagName.toLowerCase()
        + (el.id ? "#" + el.id : "")
        + (typeof el.className === "string" && el.className.trim()
           ? "." + el.className.trim().split(/\\s+/).slice(0, 3).join(".") : "");
    const scrolls = (el) => el.scrollWidth > el.clientWidth + 1
        && ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
    const longest = (text) => text.split("\\n").reduce((a, b) => (b.length > a.length ? b : a), "");
    // width: the window's, from Python (a phone widens innerWidth to fit a page too wide).
    // What sticks out of the page's text past the right edge: the outermost such elements
    // (their parent still fits), not inside a box that scrolls or clips them.
    const outside = [];
    const article = document.querySelector(".bd-article") || document.body;
    for (const el of article.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (r.right <= width + 0.5 || r.width === 0 || !visible(el)) continue;
        if (el.parentElement.getBoundingClientRect().right > width + 0.5) continue;
        let contained = false;
        for (let n = el.parentElement; n && n !== article; n = n.parentElement) {
            if (getComputedStyle(n).overflowX !== "visible") { contained = true; break; }
        }
        if (!contained) outside.push({element: describe(el), right: Math.round(r.right),
                                      text: (el.innerText || "").trim().slice(0, 50)});
    }
    const blocks = [...document.querySelectorAll("div.cell_output > *")].filter(visible);
    const sideways = [];
    for (const block of blocks) {
        for (const el of [block, ...block.querySelectorAll("*")]) {
            if (visible(el) && scrolls(el)) {
                sideways.push({element: describe(el), scrollWidth: el.scrollWidth,
                               clientWidth: el.clientWidth, line: longest(el.innerText).slice(0, 100)});
                break;
            }
        }
    }
    const errors = [...document.querySelectorAll("div.cell_output > .output.traceback, div.cell_output > .output.error")]
        .filter(visible).map(block => {
            const text = block.innerText.replace(/\\n+$/, "");
            const cut = [block, ...block.querySelectorAll("*")].some(
                el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible");
            return {lines: text.split("\\n").length, cut, last: text.split("\\n").pop().slice(0, 100)};
        });
    const code = [...document.querySelectorAll("div.cell_input pre")].filter(visible).map(pre => ({
        wide: pre.scrollWidth > pre.clientWidth + 1, line: longest(pre.innerText)}));
    const text = document.body.innerText;
    return {
        scrollWidth: document.documentElement.scrollWidth, width,
        outside: outside.sort((a, b) => b.right - a.right).slice(0, 5),
        sideways, errors, code,
        harness: harness.flatMap(s => text.split("\\n").filter(line => line.includes(s))
                                      .map(line => line.trim().slice(0, 100))),
    };
}"""


def _measure_every_page(playwright, base_url, **options) -> dict[str, dict]:
    """MEASURE_JS on every page of the site, in one browser with these options."""
    context, profile = _launch(playwright, base_url, **options)
    measured = {}
    try:
        for page in PAGES:
            visit = Visit(context, urljoin(base_url, page))
            try:
                if page == "chapters/cheat_sheet.html":
                    visit.page.wait_for_selector("#shape-explorer[data-ready=true]")
                measured[page] = visit.page.evaluate(
                    MEASURE_JS, [HARNESS_STRINGS, options["viewport"]["width"]]
                )
            finally:
                visit.close()
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    return measured


@pytest.fixture(scope="module")
def at_1440px(playwright_instance, base_url) -> dict[str, dict]:
    return _measure_every_page(playwright_instance, base_url, viewport=WIDE_VIEWPORT)


@pytest.fixture(scope="module")
def on_a_phone(playwright_instance, base_url) -> dict[str, dict]:
    return _measure_every_page(playwright_instance, base_url, **PHONE)


def test_no_code_cell_scrolls_sideways(at_1440px, notebook_pages):
    """ruff's line length is what fits: check it in the browser, on every notebook page."""
    overflowing = {}
    for page in sorted(notebook_pages):
        cells = at_1440px[page]["code"]
        assert cells, f"{page}: no visible code cell found"
        wide = [cell["line"] for cell in cells if cell["wide"]]
        if wide:
            overflowing[page] = wide
    REPORT["code_cells_scrolling_at_1440px"] = overflowing
    assert overflowing == {}, f"code cells that scroll sideways: {overflowing}"


def test_no_output_block_scrolls_sideways(at_1440px):
    """A printed line wraps in its block at 1440 px, so the end of it is never out of sight."""
    sideways = {page: m["sideways"] for page, m in at_1440px.items() if m["sideways"]}
    REPORT["output_blocks_scrolling_at_1440px"] = sideways
    count = sum(map(len, sideways.values()))
    assert sideways == {}, (
        f"{count} output blocks scroll sideways at 1440 px: {sideways}"
    )


@pytest.mark.parametrize("size", ["1440px", "phone"])
def test_error_outputs_are_short_and_whole(size, at_1440px, on_a_phone):
    """Every error output shows its last line (`Type: message`) in full, in a few lines."""
    measured = at_1440px if size == "1440px" else on_a_phone
    errors = {page: m["errors"] for page, m in measured.items() if m["errors"]}
    REPORT.setdefault("error_outputs", {})[size] = errors
    assert errors, "no error output found on any page: has the markup changed?"
    cut = [(page, e["last"]) for page, es in errors.items() for e in es if e["cut"]]
    long = [
        (page, e["lines"], e["last"])
        for page, es in errors.items()
        for e in es
        if e["lines"] > ERROR_LINES
    ]
    longest = max(e["lines"] for es in errors.values() for e in es)
    assert cut == [], (
        f"{len(cut)} error outputs cut off at the right edge ({size}): {cut}"
    )
    assert long == [], (
        f"{len(long)} error outputs over {ERROR_LINES} lines (longest {longest}): {long}"
    )


def test_no_harness_text_is_visible(at_1440px):
    seen = {page: m["harness"] for page, m in at_1440px.items() if m["harness"]}
    REPORT["harness_text"] = seen
    count = sum(map(len, seen.values()))
    assert seen == {}, f"{count} visible lines with {HARNESS_STRINGS}: {seen}"


def test_no_page_is_wider_than_a_phone(on_a_phone):
    """At 390 px nothing sticks out: inline code wraps, wide tables scroll in their own box."""
    wide = {
        page: {"scrollWidth": m["scrollWidth"], "sticking out": m["outside"]}
        for page, m in on_a_phone.items()
        if m["scrollWidth"] > PHONE_VIEWPORT["width"]
    }
    REPORT["pages_wider_than_a_phone"] = wide
    assert wide == {}, (
        f"{len(wide)} pages wider than {PHONE_VIEWPORT['width']} px: {wide}"
    )


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_text_has_enough_contrast(playwright_instance, base_url, mode):
    """WCAG contrast of every visible text in the main area, both modes, every page.

    axe-core passes text it cannot judge (its background is an image, or it is covered); this
    computes every ratio itself, so inline code on a table row and an output's own colours are
    measured too.
    """
    context, profile = _launch(playwright_instance, base_url, mode=mode)
    failures, checked = {}, 0
    try:
        for page in PAGES:
            visit = Visit(context, urljoin(base_url, page))
            try:
                if page == "chapters/cheat_sheet.html":
                    visit.page.wait_for_selector("#shape-explorer[data-ready=true]")
                theme = visit.page.evaluate("document.documentElement.dataset.theme")
                assert theme == mode, f"{page}: the theme is {theme!r}, not {mode!r}"
                result = visit.page.evaluate(CONTRAST_JS, [CONTRAST, LARGE_CONTRAST])
            finally:
                visit.close()
            checked += result["checked"]
            if result["failures"]:
                failures[page] = result["failures"]
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    count = sum(map(len, failures.values()))
    REPORT.setdefault("contrast", {})[mode] = {
        "text elements checked": checked,
        "under the threshold": count,
        "pages": {page: len(f) for page, f in failures.items()},
        "first on each page": {page: f[:3] for page, f in failures.items()},
    }
    assert checked > 1000, (
        f"only {checked} text elements found: has the markup changed?"
    )
    assert failures == {}, (
        f"{mode} mode: {count} of {checked} text elements under {CONTRAST}:1 "
        f"({LARGE_CONTRAST}:1 large), per page "
        f"{ {page: len(f) for page, f in failures.items()} }; first ones: "
        f"{ {page: f[:2] for page, f in failures.items()} }"
    )


def _tap_opens(page, button: str, dialog: str) -> list[str]:
    """Tap the visible one of ``button``; return the visible link texts in ``dialog``."""
    toggle = page.locator(f"{button}:visible")
    assert toggle.count() == 1, f"{toggle.count()} visible {button} buttons"
    toggle.tap()
    opened = page.locator(f"{dialog}[open]")
    opened.wait_for(state="visible", timeout=3000)
    return opened.locator("a[href]:visible").all_inner_texts()


def test_phone_navigation_drawers_open(playwright_instance, base_url):
    """At 390 px the ☰ button opens the chapter list, whose links work, and the page-contents
    button opens the page's sections (the theme binds a hidden button: _ext/static/)."""
    context, profile = _launch(playwright_instance, base_url, **PHONE)
    try:
        visit = Visit(context, urljoin(base_url, "chapters/01_default_output.html"))
        p = visit.page
        try:
            chapters = _tap_opens(p, ".primary-toggle", "#pst-primary-sidebar-modal")
            assert any("return_sequences" in text for text in chapters), chapters
            link = p.locator(
                "#pst-primary-sidebar-modal a[href$='02_return_sequences.html']"
            )
            link.tap()
            p.wait_for_url("**/chapters/02_return_sequences.html")
            p.wait_for_load_state("networkidle")
            first_section = p.locator("article h2").first.inner_text()
            sections = _tap_opens(
                p, ".secondary-toggle", "#pst-secondary-sidebar-modal"
            )
            assert first_section.rstrip("#").strip() in sections, sections
            REPORT["phone_navigation"] = {"chapters": chapters, "sections": sections}
            assert visit.console == [] and visit.blocked == []
        finally:
            visit.close()
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def test_cheat_sheet_answers_fit_a_phone(playwright_instance, base_url):
    """On a phone every cell of the table, its last column (what comes back) included, is on
    the screen, not past its right edge."""
    context, profile = _launch(playwright_instance, base_url, **PHONE)
    try:
        visit = Visit(context, urljoin(base_url, "chapters/cheat_sheet.html"))
        try:
            cells = visit.page.eval_on_selector_all(
                "table.lstm-cheat-sheet tbody td",
                """cells => cells.map(c => { const r = c.getBoundingClientRect();
                    return {left: r.left, right: r.right, text: c.innerText,
                            answer: c === c.parentElement.lastElementChild}; })""",
            )
        finally:
            visit.close()
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    assert cells, "no cheat sheet table"
    off = [c for c in cells if c["left"] < 0 or c["right"] > PHONE_VIEWPORT["width"]]
    answers = [c for c in off if c["answer"]]
    REPORT["cheat_sheet_off_a_phone"] = {"cells": len(off), "answers": len(answers)}
    assert off == [], (
        f"{len(off)} of {len(cells)} cells off the screen, {len(answers)} of them "
        f"answers: {off[:3]}"
    )


# The reader's way in: what the landing page shows before any scrolling.
START_LINKS = {
    "chapter 1": "chapters/01_default_output.html",
    "the cheat sheet": "chapters/cheat_sheet.html",
    "the PDF": f"_static/{PDF_NAME}",
    "Colab": f"{COLAB}/github/{REPOSITORY.removeprefix('https://github.com/')}/blob/"
    f"{BRANCH}/chapters/01_default_output.ipynb",
}


@pytest.mark.parametrize("size", ["1440px", "phone"])
def test_landing_page_starts_above_the_fold(playwright_instance, base_url, size):
    options = {"viewport": WIDE_VIEWPORT} if size == "1440px" else PHONE
    context, profile = _launch(playwright_instance, base_url, **options)
    try:
        visit = Visit(context, urljoin(base_url, "intro.html"))
        try:
            viewport = options["viewport"]
            links = visit.page.evaluate(
                """([width, height]) => [...document.querySelectorAll("article a[href]")]
                  .map(a => { const r = a.getBoundingClientRect();
                    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                    return {href: a.href, text: a.innerText.trim(),
                            shown: r.width > 0 && r.top >= 0 && r.bottom <= height
                                   && r.right <= width && !!hit && a.contains(hit)}; })""",
                [viewport["width"], viewport["height"]],
            )
        finally:
            visit.close()
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    shown = {
        name: [link["text"] for link in links if link["shown"] and link["href"] == url]
        for name, target in START_LINKS.items()
        for url in [urljoin(urljoin(base_url, "intro.html"), target)]
    }
    REPORT.setdefault("landing_above_the_fold", {})[size] = shown
    missing = [name for name, texts in shown.items() if not texts]
    assert missing == [], f"not on the first screen at {size}: {missing}"


def test_landing_page_names_each_chapter_once(browser, base_url):
    """The chapter table's links say the chapter's name; no list of every page repeats it."""
    visit = Visit(browser, urljoin(base_url, "intro.html"))
    try:
        links = visit.page.eval_on_selector_all(
            "article a[href]",
            "as => as.map(a => ({href: a.href, text: a.innerText.trim()}))",
        )
        # The sidebar names each page by its title.
        titles = dict(
            visit.page.eval_on_selector_all(
                ".bd-sidebar-primary nav a[href]",
                "as => as.map(a => [a.href, a.innerText.trim()])",
            )
        )
    finally:
        visit.close()
    named, bare, times = {}, [], {}
    for document in toc_documents()[1:]:
        url = urljoin(base_url, f"{document}.html")
        texts = [link["text"] for link in links if link["href"] == url]
        times[document] = len(texts)
        # "1. The default output: one vector per sequence": its name, after the number.
        name = titles[url].split(". ", 1)[-1].split(":")[0].strip().lower()
        named[document] = any(name in text.lower() for text in texts)
        bare += [text for text in texts if len(text) <= 3]
    REPORT["landing_links"] = {"times": times, "named": named, "bare": bare}
    assert [d for d, n in times.items() if n == 0] == [], (
        "pages the landing page skips"
    )
    assert bare == [], f"links that are only a number or a letter: {bare}"
    assert [d for d, ok in named.items() if not ok] == [], (
        "pages linked without their name"
    )
    # Once in the chapter table; chapter 1 and the cheat sheet also where the page starts.
    starts = {target.removesuffix(".html") for target in START_LINKS.values()}
    again = {d: n for d, n in times.items() if n > 1 + (d in starts)}
    assert again == {}, f"pages the landing page lists more than once: {again}"


# The heaviest a first visit may be (every byte, nothing cached): the landing page, and any
# other page. MathJax (1.2 MB) comes only with equations; the theme's Font Awesome script (1.5
# MB, it redraws the icons as SVG) is not loaded: its CSS and web fonts draw the same icons.
LANDING_BUDGET = 1_500_000
PAGE_BUDGET = 2_600_000


def _cold_load(context, url: str) -> dict:
    """Load ``url`` with the browser cache off; what it fetched, in bytes on the wire."""
    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        math = page.locator(".math").count()
        sizes = {r.url: r.sizes() for r in finished}
    finally:
        page.close()
    fetched = {
        urlsplit(u).path: s["responseBodySize"] + s["responseHeadersSize"]
        for u, s in sizes.items()
    }
    return {
        "bytes": sum(fetched.values()),
        "requests": len(fetched),
        "math": math,
        "mathjax": sum(n for path, n in fetched.items() if "/mathjax/" in path),
        "largest": sorted(fetched.items(), key=lambda item: -item[1])[:4],
    }


def test_cold_weight_and_mathjax_only_with_math(playwright_instance, base_url):
    context, profile = _launch(playwright_instance, base_url)
    try:
        weight = {page: _cold_load(context, urljoin(base_url, page)) for page in PAGES}
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)
    heaviest = max(weight, key=lambda page: weight[page]["bytes"])
    REPORT["cold_weight"] = {
        "landing": weight["intro.html"]["bytes"],
        "heaviest": [heaviest, weight[heaviest]["bytes"]],
        "pages": weight,
    }
    wrong = {
        page: (w["math"], w["mathjax"])
        for page, w in weight.items()
        if bool(w["math"]) != bool(w["mathjax"])
    }
    assert wrong == {}, (
        f"MathJax (bytes) loaded without equations, or not with them: {wrong}"
    )
    assert weight["intro.html"]["bytes"] <= LANDING_BUDGET, weight["intro.html"]
    over = {p: w["bytes"] for p, w in weight.items() if w["bytes"] > PAGE_BUDGET}
    assert over == {}, f"pages over {PAGE_BUDGET} bytes cold: {over}"


# Pages a person looks at in every mode (their figures and tables must read in all of them).
SCREENSHOTS = {
    "intro.html": "landing",
    "chapters/01_default_output.html": "chapter-01",
    "chapters/08_bidirectional.html": "chapter-08",
    "chapters/18_when_it_breaks.html": "chapter-18",
    "chapters/cheat_sheet.html": "cheat-sheet",
}
# Light and dark at 1280 px; a phone (390 px wide) in light mode.
SCREENSHOT_MODES = {
    "light": {"mode": "light"},
    "dark": {"mode": "dark"},
    "phone": {"mode": "light", **PHONE},
}


@pytest.mark.parametrize("mode", SCREENSHOT_MODES)
def test_screenshots_in_light_dark_and_on_a_phone(playwright_instance, base_url, mode):
    """Full-page screenshots a person can look at; the theme really switched; axe agrees.

    The cheat sheet's page is long: its first screen, and its table (``-table``).
    """
    context, profile = _launch(playwright_instance, base_url, **SCREENSHOT_MODES[mode])
    theme = SCREENSHOT_MODES[mode]["mode"]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:
        for page, name in SCREENSHOTS.items():
            visit = Visit(context, urljoin(base_url, page))
            try:
                p = visit.page
                shown = p.evaluate("document.documentElement.dataset.theme")
                background = p.evaluate(
                    "getComputedStyle(document.body).backgroundColor"
                )
                paths = [OUTPUT / f"{name}-{mode}.png"]
                if page == "chapters/cheat_sheet.html":
                    p.wait_for_selector("#shape-explorer[data-ready=true]")
                    p.screenshot(path=str(paths[0]))
                    p.locator("table.lstm-cheat-sheet").evaluate(
                        "table => table.scrollIntoView({block: 'start'})"
                    )
                    paths.append(OUTPUT / f"{name}-table-{mode}.png")
                    p.screenshot(path=str(paths[1]))
                else:
                    p.screenshot(path=str(paths[0]), full_page=True)
                serious = audit(visit, f"{page} ({mode})")
                assert visit.console == [] and visit.blocked == []
            finally:
                visit.close()
            assert shown == theme, f"{page}: the theme is {shown!r}, not {theme!r}"
            channels = [
                int(c)
                for c in background.removeprefix("rgb(").rstrip(")").split(",")[:3]
            ]
            assert (sum(channels) < 3 * 128) == (theme == "dark"), (
                f"{page} {mode}: {background}"
            )
            assert all(path.stat().st_size > 10_000 for path in paths)
            assert serious == [], f"{page} ({mode}): axe-core violations: {serious}"
            REPORT.setdefault("screenshots", []).extend(
                str(path.relative_to(ROOT)) for path in paths
            )
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
