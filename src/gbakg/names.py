"""How names are compared: one rule for lookups, did-you-mean and the unique-name check.

Hong Kong and Macao write Chinese in traditional characters, the mainland in simplified ones, and
users type either. Names are compared after folding typography and case, and with Chinese turned
into simplified characters (OpenCC's ``t2s``), so 澳門大學 and 澳门大学 are the same name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rdflib import Graph, Literal
from rdflib.namespace import RDFS
from rdflib.term import Node

from gbakg.text import fold

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_han(text: str) -> bool:
    """Whether the text holds Chinese characters."""
    return bool(_HAN.search(text))


@lru_cache(maxsize=2)
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def simplified(text: str) -> str:
    """``text`` with traditional Chinese characters turned into simplified ones (others unchanged).

    >>> simplified("香港科技大學（廣州）")
    '香港科技大学（广州）'
    """
    return _converter("t2s.json").convert(text) if has_han(text) else text


def traditional(text: str) -> str:
    """``text`` with simplified Chinese characters turned into traditional ones."""
    return _converter("s2t.json").convert(text) if has_han(text) else text


def key(text: str) -> str:
    """The form two names are compared in: folded, case-insensitive, simplified Chinese.

    >>> key("  Hong  Kong ") == key("hong kong"), key("廣州") == key("广州")
    (True, True)
    """
    return simplified(fold(text)).casefold()


def fold_table(names: Iterable[str]) -> dict[str, str]:
    """Traditional characters that ``names`` (already :func:`key`-folded) could be typed with, and their
    simplified forms: a page folds a typed query with it, as :func:`key` folded the names."""
    table: dict[str, str] = {}
    for char in {c for name in names for c in name if has_han(c)}:
        for variant in traditional(char):
            if simplified(variant) != variant:
                table[variant] = simplified(variant)
    return dict(sorted(table.items()))


def spellings(text: str) -> list[str]:
    """The ways a typed name may be written in the data: as typed, simplified, traditional."""
    found = [text.strip()]
    if has_han(text):
        found += [simplified(text.strip()), traditional(text.strip())]
    return list(dict.fromkeys(found))


def label_rank(language: str | None, lang: str = "en") -> int:
    """How well a label's language suits the reader: 0 best. Chinese readers get either script."""
    tag = (language or "").lower()
    if lang == "zh":
        return 0 if tag.startswith("zh") else 1 if tag in ("en", "") else 2
    return 0 if tag == "en" else 1 if tag == "" else 2


def label(graph: Graph, node: Node, lang: str = "en") -> str | None:
    """The node's ``rdfs:label`` that suits ``lang`` best (:func:`label_rank`), or None: the one label rule.

    >>> from rdflib import Graph, Literal, URIRef
    >>> from rdflib.namespace import RDFS
    >>> g = Graph()
    >>> _ = g.add((URIRef("x:hk"), RDFS.label, Literal("Hong Kong", lang="en")))
    >>> _ = g.add((URIRef("x:hk"), RDFS.label, Literal("香港", lang="zh-Hant")))
    >>> label(g, URIRef("x:hk")), label(g, URIRef("x:hk"), "zh"), label(g, URIRef("x:other"))
    ('Hong Kong', '香港', None)
    """
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    if not labels:
        return None
    return str(min(labels, key=lambda o: (label_rank(o.language, lang), str(o))))
