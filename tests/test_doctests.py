"""The examples in the package's docstrings are run as tests (the app module aside: it needs gradio)."""
import doctest
import importlib
import pkgutil

import pytest

import planqa

MODULES = sorted(m.name for m in pkgutil.walk_packages(planqa.__path__, "planqa.")
                 if not m.name.startswith("planqa.ui") and m.name != "planqa.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
