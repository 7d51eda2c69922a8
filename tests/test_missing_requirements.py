"""A notebook that declares a module the machine lacks is skipped, naming the file that installs it.

The skip itself, end to end in an nbval run, is tested in test_nbval_backends.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root_conftest(pytestconfig):
    """The repository's conftest.py, as pytest loaded it (it is not importable by name)."""
    return pytestconfig.pluginmanager.get_plugin(str(ROOT / "conftest.py"))


def test_each_optional_module_names_its_own_requirements_file(root_conftest):
    reason = root_conftest.skip_reason
    assert reason("14_keras_to_pytorch.ipynb", ["torch"]) == (
        "14_keras_to_pytorch.ipynb needs torch, which is not installed "
        "(install requirements-torch.txt to run it)"
    )
    assert reason("a.ipynb", ["jax"]).endswith(
        "(install requirements-backends.txt to run it)"
    )
    assert reason("19.ipynb", ["tf_keras"]).endswith(
        "(install requirements-keras2.txt to run it)"
    )


def test_a_file_that_includes_another_is_named_alone(root_conftest):
    # requirements-backends.txt has `-r requirements-torch.txt`.
    assert "requirements-torch.txt" in root_conftest.included_files(
        "requirements-backends.txt"
    )
    assert root_conftest.skip_reason("appendix_a.ipynb", ["jax", "torch"]) == (
        "appendix_a.ipynb needs jax, torch, which are not installed "
        "(install requirements-backends.txt to run it)"
    )
    assert root_conftest.install_hint(["torch", "tf_keras"]) == (
        "install requirements-torch.txt and requirements-keras2.txt to run it"
    )


def test_a_module_no_file_provides_says_where_to_name_one(root_conftest):
    assert root_conftest.install_hint(["no_such_package_here", "torch"]) == (
        "install requirements-torch.txt to run it; no requirements file here provides "
        "no_such_package_here: name one for it in OPTIONAL_REQUIREMENTS in conftest.py"
    )


def test_the_files_named_install_those_modules(root_conftest):
    files = root_conftest.OPTIONAL_REQUIREMENTS
    assert "torch==" in (ROOT / files["torch"]).read_text()
    assert "jax[cpu]==" in (ROOT / files["jax"]).read_text()
