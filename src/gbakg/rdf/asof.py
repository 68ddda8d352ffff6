"""The graph as it stood on a date: only what had happened by then.

Rules (README "Time" has the same list):

* A node whose own beginning is dated after the cut-off goes: an agreement (or anything) signed
  after it (``gba:signedOn``), a milestone, figure or other node whose ``gba:date`` /
  ``dcterms:date`` is after it, a post (``org:Membership``) whose ``schema:startDate`` is after it,
  and anything with a ``schema:foundingDate``, ``schema:dateCreated``, ``dcterms:created`` or
  ``dcterms:issued`` after it. Sources are never dropped: their date is when they were written.
* An entity goes when it has dated beginning milestones (``gba:event`` one of
  :data:`BEGINNING_EVENTS`, any status) and none of them is by the cut-off: it had not been founded,
  opened, launched, signed or issued yet.
* Then everything that refers to a dropped node goes with it: its own triples, triples pointing at
  it, the ``rdf:Statement`` evidence for those, and every qualified node (agreement, strength, post,
  milestone, figure) that points at it; repeated until nothing more falls.
* Any other dated triple after the cut-off (a post's ``schema:endDate``, say) is removed alone,
  with its statements: the node stays, but that fact was not yet known.
* Undated facts stay.

Precision: a date covers a period, and a fact counts as having happened by the cut-off only if
its *whole* period has: ``"2019"^^xsd:gYear`` is by ``2019-12-31`` but not by ``2019-06-30``
(it may have happened in July). The cut-off itself is the last day of what was typed:
``as_of(g, "2019")`` means by 2019-12-31, ``"2019-06"`` by 2019-06-30.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF
from rdflib.term import Node

from gbakg.dates import Period, literal_period, parse_date
from gbakg.rdf.evidence import EvidenceIndex
from gbakg.vocabulary import GBA, QUALIFIED_CLASSES, SCHEMA

# Milestone events that bring their entity into being; matched case-insensitively, whole string.
BEGINNING_EVENTS = frozenset(
    {
        "founded",
        "established",
        "set up",
        "opened",
        "officially opened",
        "inaugurated",
        "launched",
        "signed",
        "issued",
        "commissioned",
        "completed and commissioned",
    }
)

# Dates that say when the node itself began: if after the cut-off, the node did not exist yet.
BEGINNING_PREDICATES = frozenset(
    {
        GBA.signedOn,
        GBA.date,
        DCTERMS.date,
        DCTERMS.created,
        DCTERMS.issued,
        SCHEMA.startDate,
        SCHEMA.foundingDate,
        SCHEMA.dateCreated,
    }
)

# Nodes whose dates are not facts about the world: documents and the ontology itself.
_NEVER_DROPPED = (GBA.Source, OWL.Ontology, RDF.Statement)


def as_of(graph: Graph, date: str | Period) -> Graph:
    """A new graph with only what was true by ``date`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''@prefix gba: <https://w3id.org/gbakg/ontology#> .
    ... @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ... <x:deal> a gba:Agreement ; gba:party <x:a> , <x:b> ; gba:signedOn "2019-06"^^xsd:gYearMonth .''')
    >>> len(as_of(g, "2019-05")), len(as_of(g, "2019"))
    (0, 4)


    The input graph is not changed. A bad date raises :class:`gbakg.errors.InputError`.
    """
    cutoff = date if isinstance(date, Period) else parse_date(date)
    begins = since(graph)
    result = Graph()
    for prefix, namespace in graph.namespaces():
        result.bind(prefix, namespace, override=True, replace=True)
    result.addN((s, p, o, result) for s, p, o in graph if begins.get((s, p, o), cutoff.end) <= cutoff.end)
    return result


def since(graph: Graph) -> dict[tuple[Node, Node, Node], date]:
    """The first day from which :func:`as_of` keeps each triple it can drop (the rest are always kept).

    One computation of the rules above serves every cut-off: ``as_of(graph, d)`` is the triples whose
    day is on or before ``d``'s last day, and the explorer's time slider shows the same years.
    """
    exempt = {n for cls in _NEVER_DROPPED for n in graph.subjects(RDF.type, cls)}
    begins, late = _late_facts(graph, exempt)
    for entity, day in _late_beginnings(graph).items():
        begins[entity] = max(begins.get(entity, day), day)
    for node in exempt:
        begins.pop(node, None)
    _cascade(graph, begins)

    statements = EvidenceIndex(graph).statements
    gone = dict(begins)
    for node, (s, p, o) in statements.items():
        days = [d for d in (begins.get(s), begins.get(o), late.get((s, p, o))) if d is not None]
        if days:
            gone[node] = max(days)
    result: dict[tuple[Node, Node, Node], date] = {}
    for triple in graph:
        s, _, o = triple
        days = [d for d in (gone.get(s), gone.get(o), late.get(triple)) if d is not None]
        if days:
            result[triple] = max(days)
    return result


def _late_facts(graph: Graph, exempt: set) -> tuple[dict, dict]:
    """The last day of each node's own dated beginnings, and of every other dated triple."""
    begins: dict = {}
    late: dict = {}
    for s, p, o in graph:
        if not isinstance(o, Literal) or s in exempt:
            continue
        period = literal_period(str(o), o.datatype)
        if period is None:
            continue
        if p in BEGINNING_PREDICATES:
            begins[s] = max(begins.get(s, period.end), period.end)
        else:
            late[(s, p, o)] = period.end
    return begins, late


def _late_beginnings(graph: Graph) -> dict:
    """For entities with dated beginning milestones: the day the earliest of them is over."""
    begun: dict = {}
    for milestone in graph.subjects(RDF.type, GBA.Milestone):
        events = {" ".join(str(e).lower().split()) for e in graph.objects(milestone, GBA.event)}
        if not events & BEGINNING_EVENTS:
            continue
        dates = [d for d in graph.objects(milestone, GBA.date) if isinstance(d, Literal)]
        periods = [literal_period(str(d), d.datatype) for d in dates]
        dated = [p.end for p in periods if p is not None]
        if not dated:
            continue
        for entity in graph.objects(milestone, GBA.milestoneOf):
            begun[entity] = min(begun.get(entity, min(dated)), min(dated))
    return begun


def _cascade(graph: Graph, begins: dict) -> None:
    """A qualified node begins no earlier than anything it points at, until nothing more moves."""
    pointed_from: dict = defaultdict(set)  # node -> qualified nodes that refer to it
    for cls in QUALIFIED_CLASSES:
        for node in graph.subjects(RDF.type, cls):
            for o in graph.objects(node, None):
                if isinstance(o, (URIRef, BNode)):
                    pointed_from[o].add(node)
    todo = list(begins)
    while todo:
        node = todo.pop()
        day = begins[node]
        for referrer in pointed_from.get(node, ()):
            if referrer not in begins or begins[referrer] < day:
                begins[referrer] = day
                todo.append(referrer)
