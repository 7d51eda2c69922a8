"""tools.book: the one _toc.yml reader, and the one map from an optional module to the
requirements file that installs it.

The skip itself, end to end in an nbval run, is tested in test_nbval_backends.py.
"""

from __future__ import annotations

import pytest

from tools import book
from tools.book import ROOT, install_hint, skip_reason, toc_documents, toc_sources


def test_each_optional_module_names_its_own_requirements_file():
    assert skip_reason("14_keras_to_pytorch.ipynb", ["torch"]) == (
        "14_keras_to_pytorch.ipynb needs torch, which is not installed "
        "(install requirements-torch.txt to run it)"
    )
    assert skip_reason("a.ipynb", ["jax"]).endswith(
        "(install requirements-backends.txt to run it)"
    )
    assert skip_reason("19.ipynb", ["tf_keras"]).endswith(
        "(install requirements-keras2.txt to run it)"
    )


def test_a_file_that_includes_another_is_named_alone():
    # requirements-backends.txt has `-r requirements-torch.txt`.
    assert "requirements-torch.txt" in book.included_files("requirements-backends.txt")
    assert skip_reason("appendix_a.ipynb", ["jax", "torch"]) == (
        "appendix_a.ipynb needs jax, torch, which are not installed "
        "(install requirements-backends.txt to run it)"
    )
    assert install_hint(["torch", "tf_keras"]) == (
        "install requirements-torch.txt and requirements-keras2.txt to run it"
    )


def test_a_module_no_file_provides_says_where_to_name_one():
    assert install_hint(["no_such_package_here", "torch"]) == (
        "install requirements-torch.txt to run it; no requirements file here provides "
        "no_such_package_here: name one for it in OPTIONAL_REQUIREMENTS in tools/book.py"
    )


def test_the_files_named_install_those_modules():
    files = book.OPTIONAL_REQUIREMENTS
    assert "torch==" in (ROOT / files["torch"]).read_text()
    assert "jax[cpu]==" in (ROOT / files["jax"]).read_text()
    assert "tf-keras==" in (ROOT / files["tf_keras"]).read_text()


def test_the_toc_is_read_in_book_order_with_nested_sections(tmp_path):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n"
        "  - caption: One\n    chapters:\n      - file: chapters/a\n"
        "        sections:\n          - file: chapters/a1\n"
        "  - caption: Two\n    chapters:\n      - file: faq\n"
    )
    assert toc_documents(tmp_path) == ["intro", "chapters/a", "chapters/a1", "faq"]
    for name in ("intro.md", "chapters/a.ipynb", "chapters/a1.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    with pytest.raises(FileNotFoundError, match="faq, which has no .ipynb or .md"):
        toc_sources(tmp_path)
    (tmp_path / "faq.md").write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in toc_sources(tmp_path)] == [
        "intro.md",
        "chapters/a.ipynb",
        "chapters/a1.md",
        "faq.md",
    ]


def test_every_chapter_is_a_page_of_the_book():
    documents = toc_documents()
    assert documents[0] == "intro"
    assert set(book.chapter_paths()) <= set(toc_sources())
