"""Every dated fact in time order, each with the source and quote that date it.

A timeline row comes from a milestone (``gba:Milestone`` with ``gba:date``), a signing
(``gba:signedOn``), a post (``org:Membership``: ``schema:startDate``, ``schema:endDate``, or a day
it was held, ``gba:date``), a figure's date, or any other typed date (``xsd:date``,
``xsd:gYearMonth``, ``xsd:gYear``) on an entity. Sources' own dates are not events and are left
out. Rows sort by the first day of their date's period, so ``2018`` sorts as 2018-01-01 (before
``2018-03``) but is shown as written.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from gbakg.dates import Period, literal_period, parse_date
from gbakg.errors import InputError
from gbakg.names import label
from gbakg.rdf.evidence import Citation, EvidenceIndex
from gbakg.vocabulary import GBA, NOT_ENTITY_CLASSES, ORG, SCHEMA, curie

COLUMNS = ("date", "event", "entity", "id", "status", "quote", "source")

_NOT_ENTITIES = NOT_ENTITY_CLASSES
# A post's dates: when it began, when it ended, or a day the source shows it held (gba:date).
_POST_EVENTS: dict[Any, str] = {SCHEMA.startDate: "post began", SCHEMA.endDate: "post ended", GBA.date: "in post"}


def milestones(
    graph: Graph, *, start: str | Period | None = None, end: str | Period | None = None
) -> list[dict[str, Any]]:
    """Dated facts in time order; ``start``/``end`` keep only those wholly inside that window.

    Each row: ``date`` as written, ``event``, ``entity`` (label) and ``id`` (CURIE) of what it
    happened to, ``status`` (``achieved``/``planned`` for milestones), ``quote`` and ``source``.
    A date that is not a valid typed date is not a date and is left out.
    """
    first = parse_date(start) if isinstance(start, str) else start
    last = parse_date(end) if isinstance(end, str) else end
    if first is not None and last is not None and first.start > last.end:
        raise InputError(f"the window starts ({first.text}) after it ends ({last.text})")
    evidence = _evidence(graph)
    exempt = {n for cls in _NOT_ENTITIES for n in graph.subjects(RDF.type, cls)}
    milestone_nodes = set(graph.subjects(RDF.type, GBA.Milestone))
    posts = set(graph.subjects(RDF.type, ORG.Membership))
    figures = set(graph.subjects(RDF.type, GBA.Figure))

    keyed: list[tuple[tuple, dict[str, Any]]] = []
    for s, p, o in graph:
        if s in exempt or not isinstance(o, Literal):
            continue
        period = literal_period(str(o), o.datatype)
        if period is None or not period.within(first, last):
            continue
        status = ""
        if s in milestone_nodes and p == GBA.date:
            event = " / ".join(sorted(str(e) for e in graph.objects(s, GBA.event))) or _name(graph, p)
            subjects = sorted(graph.objects(s, GBA.milestoneOf), key=str) or [s]
            status = ", ".join(sorted(_local(st).lower() for st in graph.objects(s, GBA.status)))
        elif p == GBA.signedOn:
            event, subjects = "signed", [s]
        elif s in posts and p in _POST_EVENTS:
            event, subjects = _POST_EVENTS[p], [s]
        elif s in figures and p == GBA.date:
            event, subjects = "figure", [s]
        else:
            event, subjects = _name(graph, p), [s]
        found = evidence.get((s, p, o)) or evidence.get((s, None, None), [])
        label = "; ".join(_name(graph, x) for x in subjects)
        row = {
            "date": period.text,
            "event": event,
            "entity": label,
            "id": "; ".join(curie(str(x)) for x in subjects),
            "status": status,
            "quote": " | ".join(q for _, q in found),
            "source": " | ".join(src for src, _ in found),
        }
        keyed.append(((period.start, label.casefold(), event, period.end, row["id"]), row))
    return [row for _, row in sorted(keyed, key=lambda kr: kr[0])]


def _evidence(graph: Graph) -> dict[tuple, list[tuple[str, str]]]:
    """(s, p, o) -> (source, quote) pairs from statements; (node, None, None) for a node's own."""
    citations = EvidenceIndex(graph)

    def pairs(found: list[Citation]) -> list[tuple[str, str]]:
        return sorted((curie(str(c.source)) if c.source is not None else "", c.quote) for c in found)

    index: dict[tuple, list[tuple[str, str]]] = {t: pairs(f) for t, f in citations.backed_triples().items()}
    index.update({(node, None, None): pairs(found) for node, found in citations.qualified().items()})
    return index


def _name(graph: Graph, node: Any) -> str:
    """The English label, else any label, else the CURIE."""
    return label(graph, node) or curie(str(node))


def _local(node: Any) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
