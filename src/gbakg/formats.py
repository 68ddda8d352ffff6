"""Rendering rows of plain data as an aligned table, CSV, TSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

FORMATS = ("table", "csv", "tsv", "json")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def shorten(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns, ending in "…" when cut (line breaks become spaces)."""
    text = " ".join(text.split())
    if width(text) <= columns:
        return text
    kept, used = [], 1
    for ch in text:
        used += width(ch)
        if used > columns:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + "…"


def _pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def render(
    rows: Sequence[dict[str, Any]],
    fmt: str = "table",
    columns: Sequence[str] | None = None,
    *,
    max_widths: Mapping[str, int] | None = None,
) -> str:
    """Render rows (dicts sharing keys) in ``fmt``; ``columns`` fixes the order of the keys.

    ``max_widths`` (table only) shortens a column's long cells to that many terminal columns, with
    "…"; the machine formats always carry the full text.
    """
    cols = list(columns) if columns is not None else list(dict.fromkeys(k for row in rows for k in row))
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in cols} for row in rows], ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in cols])
        return buffer.getvalue().rstrip("\n")
    if fmt == "table":
        limits = max_widths or {}
        cells = [
            [shorten(_cell(row.get(c)), limits[c]) if c in limits else _cell(row.get(c)) for c in cols] for row in rows
        ]
        widths = [max([width(c), *(width(r[i]) for r in cells)]) for i, c in enumerate(cols)]
        lines = ["  ".join(_pad(c, w) for c, w in zip(cols, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines.extend("  ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells)
        return "\n".join(lines)
    raise ValueError(f"unknown format {fmt!r}")
