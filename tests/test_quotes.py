"""Folding quotes and texts before comparing them."""

from __future__ import annotations

import pytest

from gbakg.rdf.quotes import Corpus, fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Hong Kong\u2019s strengths", "Hong Kong's strengths"),
        ("\u201cDigital China\u201d", '"Digital China"'),
        ("a\u00a0b", "a b"),
        ("  line one\n\tline two  ", "line one line two"),
        ("Guangdong\u2013Hong Kong", "Guangdong-Hong Kong"),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_keeps_case_and_words():
    assert fold("Shenzhen") != fold("shenzhen")


def test_corpus_refuses_paths_outside_the_folder(tmp_path):
    """A corpus file name cannot climb out of the corpus folder."""
    (tmp_path / "secret.txt").write_text("secret")
    inner = tmp_path / "corpus"
    inner.mkdir()
    assert Corpus(inner).contains("../secret.txt", "secret") is None
