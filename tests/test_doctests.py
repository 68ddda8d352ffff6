"""The examples in the public API's docstrings run, on tiny graphs, and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "gbakg.dates",
    "gbakg.names",
    "gbakg.vocabulary",
    "gbakg.rdf.evidence",
    "gbakg.rdf.resolve",
    "gbakg.rdf.asof",
    "gbakg.rdf.tables",
    "gbakg.network.centrality",
    "gbakg.network.paths",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
