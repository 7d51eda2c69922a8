"""The publishing workflow (.github/workflows/pages.yml) publishes the PDF the site links.

The landing page links ``_static/lstm-outputs-executed.pdf``. ``make pdf`` builds it and copies
it into ``_build/html/_static/`` when the site is built already, so the workflow must install
TeX Live (README.md's apt-get line), run ``make pdf`` after ``make book`` and upload
``_build/html``. Without the PDF step, the link on the published site is a 404. No network, no
build: this reads the files (``make test`` collects it).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def build_steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    return workflow["jobs"]["build"]["steps"]


def commands(step: dict) -> list[str]:
    """The shell commands of a ``run:`` step, one per logical line (continuations joined)."""
    script = re.sub(r"\\\n\s*", " ", step.get("run", ""))
    return [line.strip() for line in script.splitlines() if line.strip()]


def step_running(command: str) -> int:
    """Index of the build step that runs ``command`` (e.g. ``make pdf``); fails if none."""
    for index, step in enumerate(build_steps()):
        if any(shlex.split(line)[:2] == command.split() for line in commands(step)):
            return index
    raise AssertionError(f"no step of the build job runs `{command}`")


def apt_packages(command: str) -> set[str]:
    """The packages an ``apt-get install`` command line names (its options left out)."""
    words = shlex.split(command)
    words = words[words.index("install") + 1 :]
    return {word for word in words if not word.startswith("-") and "=" not in word}


def readme_packages() -> set[str]:
    """The packages README.md's "The book as a PDF" installs for ``make pdf``."""
    text = (ROOT / "README.md").read_text()
    line = re.search(r"apt-get install (?:[^\n\\]|\\\n)+", text).group(0)
    return apt_packages(re.sub(r"\\\n\s*", " ", line))


def test_the_pdf_is_built_after_the_site():
    """make pdf copies the PDF into _build/html/_static only when the site exists."""
    assert step_running("make book") < step_running("make pdf")


def test_tex_live_is_installed_before_the_pdf():
    installed: set[str] = set()
    for step in build_steps()[: step_running("make pdf")]:
        for command in commands(step):
            if "apt-get install" in command:
                installed |= apt_packages(command)
    missing = readme_packages() - installed
    assert not missing, f"the workflow does not install what make pdf needs: {missing}"


def test_the_uploaded_site_holds_the_pdf_it_links():
    """The folder uploaded to Pages is where make pdf copies the PDF the landing page links."""
    upload = next(
        step
        for step in build_steps()
        if step.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    folder = upload["with"]["path"].rstrip("/")
    makefile = (ROOT / "Makefile").read_text()
    built = re.search(r"^PDF := (\S+)$", makefile, flags=re.M).group(1)
    copied_to = re.search(r"cp \$@ (\S+?)/?;", makefile).group(1)
    linked = re.search(r"_static/[\w.-]+\.pdf", (ROOT / "intro.md").read_text()).group(
        0
    )
    assert copied_to == f"{folder}/_static", (folder, copied_to)
    assert linked == f"_static/{Path(built).name}", (linked, built)
