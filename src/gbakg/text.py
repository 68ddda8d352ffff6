"""Folding text for comparison: what differs between two copies of the same words but not in meaning."""

from __future__ import annotations

import re

_TYPOGRAPHIC = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u202f": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
    }
)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold what differs between a copied quote and its source but not in meaning.

    Whitespace runs (newlines and no-break spaces included) become one space; typographic
    quotes, apostrophes and dashes become their ASCII forms. Case and wording are kept.
    """
    return _SPACES.sub(" ", text.translate(_TYPOGRAPHIC)).strip()
