"""Entity names as users type them."""

from __future__ import annotations

import pytest

from gbakg.errors import UnknownEntityError
from gbakg.rdf.load import load
from gbakg.rdf.resolve import resolve
from gbakg.vocabulary import GBR


@pytest.fixture
def tiny(tiny_file):
    return load([tiny_file])


@pytest.mark.parametrize(
    "name",
    [
        "https://w3id.org/gbakg/id/beta-lab",
        "<https://w3id.org/gbakg/id/beta-lab>",
        "gbr:beta-lab",
        "Beta Lab",
        "beta lab",
        "  BETA LAB ",
        "bl",
        "beta-lab",
    ],
)
def test_resolves_every_kind_of_name(tiny, name):
    assert resolve(tiny, name) == GBR["beta-lab"]


def test_unknown_name_suggests_close_matches(tiny):
    with pytest.raises(UnknownEntityError, match=r"unknown entity 'Beta Labs'; did you mean 'Beta Lab'"):
        resolve(tiny, "Beta Labs")


def test_unknown_name_without_anything_close(tiny):
    with pytest.raises(UnknownEntityError, match=r"^unknown entity 'zzzz'$"):
        resolve(tiny, "zzzz")


def test_ambiguous_name(write_ttl):
    g = load(
        [
            write_ttl(
                'gbr:a a <x:T> ; <http://www.w3.org/2000/01/rdf-schema#label> "Same" .\n'
                'gbr:b a <x:T> ; <http://www.w3.org/2000/01/rdf-schema#label> "Same" .\n'
            )
        ]
    )
    with pytest.raises(UnknownEntityError, match="ambiguous: it names gbr:a, gbr:b"):
        resolve(g, "same")


@pytest.mark.parametrize(("name", "message"), [("\ud800", r"^unknown entity '\\ud800'$"), ("BL\udcff", "did you mean")])
def test_a_name_that_is_not_text_is_unknown_to_both_resolvers(tiny_file, tiny, name, message):
    """Found by tests/test_fuzz.py: a lone surrogate (bytes that were not UTF-8) made the Oxigraph
    resolver fail with pyoxigraph's ValueError; both resolvers now call the name unknown."""
    from gbakg.sparql import engine

    with pytest.raises(UnknownEntityError, match=message):
        resolve(tiny, name)
    with pytest.raises(UnknownEntityError, match=message):
        engine.resolve(engine.open_store([tiny_file], cache=False), name)
