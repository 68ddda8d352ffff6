"""Content negotiation for the endpoint: which media types name which result format, how an ``Accept``
header is weighed, and which format a request gets.

Kept apart from the server so the rules of RFC 9110 (weights, ``q=0``, the most specific range) can be
read and tested on their own, and so the worker that serialises a result and the handler that answers
the service description choose formats the same way. The formats themselves are rendered by
``gbakg.sparql.query``.
"""

from __future__ import annotations

TEXT = "text/plain; charset=utf-8"  # every error and status message of the endpoint

_SOLUTION_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_MEDIA = {
    "text/turtle": "ttl",
    "application/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "application/ld+json": "json",
    "application/json": "json",
}
_CONTENT_TYPES = {
    ("solutions", "json"): "application/sparql-results+json",
    ("solutions", "xml"): "application/sparql-results+xml",
    ("solutions", "csv"): "text/csv; charset=utf-8",
    ("solutions", "tsv"): "text/tab-separated-values; charset=utf-8",
    ("graph", "ttl"): "text/turtle; charset=utf-8",
    ("graph", "nt"): "application/n-triples",
    ("graph", "xml"): "application/rdf+xml",
    ("graph", "json"): "application/ld+json",
}
_FORMAT_NAMES = {
    "turtle": "ttl",
    "n3": "ttl",
    "json-ld": "json",
    "rdf+xml": "xml",
    "n-triples": "nt",
    "ntriples": "nt",
    "rdfxml": "xml",
    "jsonld": "json",
}


def _ranges(accept: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their weights, in the client's order."""
    ranges = []
    for part in (accept or "*/*").split(","):
        name, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            ranges.append((name.lower(), weight))
    return ranges


def _match(ranges: list[tuple[str, float]], media: str) -> tuple[float, int] | None:
    """(weight, position) of the most specific range covering ``media``: ``type/sub`` over ``type/*`` over ``*/*``."""
    best: tuple[int, float, int] | None = None
    for position, (name, weight) in enumerate(ranges):
        rank = 2 if name == media else 1 if name == media.split("/")[0] + "/*" else 0 if name == "*/*" else -1
        if rank >= 0 and (best is None or rank > best[0]):
            best = (rank, weight, position)
    return None if best is None else (best[1], best[2])


def format_for(requested: str, family: str) -> str:
    """The format a ``format``/``output`` value names for ``family`` (solutions or graph); "" if none."""
    value = requested.strip().lower()
    media = _GRAPH_MEDIA if family == "graph" else _SOLUTION_MEDIA
    fmt = _FORMAT_NAMES.get(value, media.get(value, value))
    return fmt if (family, fmt) in _CONTENT_TYPES else ""


def known_format(requested: str) -> bool:
    """True if ``requested`` names a format of either family (else the request is malformed)."""
    return bool(format_for(requested, "solutions") or format_for(requested, "graph"))


FORMAT_HELP = (
    "json, xml, csv, tsv (SELECT/ASK); ttl, turtle, n3, nt, n-triples, xml, rdfxml, json, jsonld (CONSTRUCT/DESCRIBE)"
)


def negotiate(accept: str | None, kind: str, requested: str | None = None) -> tuple[str, str] | None:
    """(content type, format) for a result of ``kind`` (solutions, boolean, graph); None if nothing fits.

    A ``format`` parameter wins over ``Accept`` (one the kind lacks gives None, as an unmet
    ``Accept`` does). Each format takes the weight of the most specific range covering one of its
    media types, so ``q=0`` excludes a type even when a wildcard follows; the content type actually
    sent must not be excluded. Ties go to the client's order, then to JSON for SELECT/ASK and Turtle
    for graphs.
    """
    family = "graph" if kind == "graph" else "solutions"
    if requested:
        fmt = format_for(requested, family)
        return (_CONTENT_TYPES[(family, fmt)], fmt) if fmt else None
    media = _GRAPH_MEDIA if family == "graph" else _SOLUTION_MEDIA
    ranges = _ranges(accept)
    best: tuple[float, int, int, str] | None = None
    for order, fmt in enumerate(f for fam, f in _CONTENT_TYPES if fam == family):
        sent = _CONTENT_TYPES[(family, fmt)].split(";")[0]
        matched = _match(ranges, sent)
        if matched is not None and matched[0] <= 0:
            continue  # the very type we would send is refused
        weights = [matched] if matched is not None else []
        for name, f in media.items():  # another name of the format counts when the client names it exactly
            alias = _match(ranges, name) if f == fmt and name != sent and name in dict(ranges) else None
            if alias is not None:
                weights.append(alias)
        if not weights:
            continue
        weight, position = max(weights, key=lambda w: (w[0], -w[1]))
        if weight > 0 and (best is None or (-weight, position, order) < best[:3]):
            best = (-weight, position, order, fmt)
    return None if best is None else (_CONTENT_TYPES[(family, best[3])], best[3])


def offered(family: str) -> str:
    """The media types of ``family`` (solutions or graph), for a 406 message."""
    return ", ".join(sorted(_GRAPH_MEDIA if family == "graph" else _SOLUTION_MEDIA))


def format_names(family: str) -> str:
    """Every value of ``format``/``output`` that names a format of ``family``, for a 406 message."""
    every = [*_FORMAT_NAMES, *(f for _, f in _CONTENT_TYPES)]
    return ", ".join(sorted({n for n in every if format_for(n, family)}))


def choose(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """Which of ``offers`` ((media type, name), the server's preference first) ``Accept`` wants most; None
    if it refuses them all. The same weighing as :func:`negotiate`: the most specific range counts."""
    ranges = _ranges(accept)
    best: tuple[float, int, int, str] | None = None
    for order, (media, name) in enumerate(offers):
        matched = _match(ranges, media)
        if matched is None or matched[0] <= 0:
            continue
        if best is None or (-matched[0], matched[1], order) < best[:3]:
            best = (-matched[0], matched[1], order, name)
    return None if best is None else best[3]
