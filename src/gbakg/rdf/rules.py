"""The data-model rules that SHACL cannot express, checked in code (graph/README.md lists them all).

Each rule returns findings (violations: ``validate`` fails) or notes (for review: it does not).
SHACL in ``ontology/shapes.ttl`` holds the rest: parties are actors, every post has a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import pairwise

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from gbakg import vocabulary
from gbakg.dates import Period, literal_period, resolve_relative
from gbakg.names import key
from gbakg.vocabulary import GBA, GBR, SCHEMA, VOCABULARY_CLASSES, curie

# Date-valued properties a relative date can be resolved into.
DATE_PREDICATES = (GBA.date, GBA.signedOn, SCHEMA.startDate, SCHEMA.endDate, SCHEMA.foundingDate, DCTERMS.date)

# Names two entities may share, each with the reason; none is needed today.
SHARED_NAMES: dict[str, str] = {}

_NAME_PREDICATES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel)
_ACTOR_CLASSES = (GBA.Organization, GBA.Facility)
_VOCABULARY = VOCABULARY_CLASSES


def subclasses(graph: Graph, cls: URIRef) -> set[Node]:
    """``cls`` and every class below it, through rdfs:subClassOf in the graph (the ontology)."""
    return {c for c in graph.transitive_subjects(RDFS.subClassOf, cls) if c is not None}


def instances(graph: Graph, cls: URIRef) -> set[Node]:
    """Everything typed ``cls`` or a subclass of it."""
    return {s for c in subclasses(graph, cls) for s in graph.subjects(RDF.type, c)}


def entities(graph: Graph) -> set[URIRef]:
    """Every described resource in the gbr: namespace: the things the graph is about (the vocabulary's rule)."""
    return vocabulary.entities(graph)


# ------------------------------------------------------------------ names


def described(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """Every gbr: IRI used in the data that lacks a type or an English label: (focus, path, message)."""
    vocabulary = {n for cls in _VOCABULARY for n in graph.subjects(RDF.type, cls)}
    used: dict[URIRef, tuple[Node, Node] | None] = {}
    for s, p, o in graph:
        for term, where in ((s, None), (o, (s, p))):
            if not isinstance(term, URIRef) or not term.startswith(str(GBR)) or term in vocabulary:
                continue
            known = used.get(term)
            # Name the entity triple that uses it, rather than a statement citing that triple.
            if known is None or (where is not None and not str(known[0]).startswith(str(GBR))):
                used[term] = where if where is not None else known
    for term, where in sorted(used.items()):
        missing = [
            what
            for what, ok in (
                ("type", graph.value(term, RDF.type) is not None),
                ("English label", any(_is_english(o) for o in graph.objects(term, RDFS.label))),
            )
            if not ok
        ]
        if missing:
            via = f", used by {curie(str(where[0]))} {curie(str(where[1]))}" if where else ""
            yield curie(str(term)), "", f"is used but has no {' and no '.join(missing)}{via}"


def _is_english(term: Node) -> bool:
    return isinstance(term, Literal) and (term.language is None or term.language.lower().startswith("en"))


def name_key(text: str) -> str:
    """How names are compared (see :func:`gbakg.names.key`)."""
    return key(text)


def shared_names(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """No two entities share a label or alias (SHARED_NAMES lists the allowed exceptions)."""
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for entity in entities(graph):
        if (entity, RDF.type, RDF.Statement) in graph:
            continue
        for predicate in _NAME_PREDICATES:
            for name in graph.objects(entity, predicate):
                owners[name_key(str(name))].add(entity)
    for shared, found in sorted(owners.items()):
        if len(found) > 1 and shared not in SHARED_NAMES:
            names = ", ".join(sorted(curie(str(e)) for e in found))
            yield names, "", f"these entities share the name {shared!r}: merge them (keep the other name as an alias)"


# ------------------------------------------------------------------ places and milestones


def unplaced_actors(graph: Graph) -> list[URIRef]:
    """Organisations and facilities with no gba:locatedIn: the place graph cannot count them."""
    actors = {a for cls in _ACTOR_CLASSES for a in instances(graph, cls) if isinstance(a, URIRef)}
    return sorted(a for a in actors if graph.value(a, GBA.locatedIn) is None)


def duplicate_milestones(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """No two milestones share entity, event and date."""
    seen: dict[tuple, list[Node]] = defaultdict(list)
    for milestone in graph.subjects(RDF.type, GBA.Milestone):
        for entity in graph.objects(milestone, GBA.milestoneOf):
            for event in graph.objects(milestone, GBA.event):
                for when in graph.objects(milestone, GBA.date):
                    seen[(entity, " ".join(str(event).lower().split()), str(when))].append(milestone)
    for (entity, event, when), nodes in sorted(seen.items()):
        if len(nodes) > 1:
            names = ", ".join(sorted(curie(str(n)) for n in nodes))
            yield names, "", f"the same milestone twice: {curie(str(entity))} {event!r} on {when}"


# ------------------------------------------------------------------ posts


def post_begins(graph: Graph, post: Node) -> Period | None:
    """When a post is first known held: its start, else the day a source shows it held."""
    for predicate in (SCHEMA.startDate, GBA.date):
        periods = [literal_period(str(d), d.datatype) for d in graph.objects(post, predicate) if isinstance(d, Literal)]
        dated = sorted(p for p in periods if p is not None)
        if dated:
            return dated[0]
    return None


def sole_posts(graph: Graph) -> dict[tuple[Node, Node], list[Node]]:
    """Posts of roles one person holds at a time, grouped by (organisation, role), in time order
    (a role or a post marked ``gba:sharedPost true`` is held jointly and left out)."""
    groups: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
    for post in graph.subjects(RDF.type, ORG.Membership):
        organization = graph.value(post, ORG.organization)
        for role in graph.objects(post, ORG.role):
            shared = Literal(True) in (graph.value(role, GBA.sharedPost), graph.value(post, GBA.sharedPost))
            if not shared and organization is not None:
                groups[(organization, role)].append(post)
    for posts in groups.values():
        posts.sort(key=lambda p: _begin_key(graph, p))
    return groups


def _begin_key(graph: Graph, post: Node) -> tuple[date, date, str]:
    begins = post_begins(graph, post)
    return (begins.start, begins.end, str(post)) if begins else (date.max, date.max, str(post))


def post_periods(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """A role held by one person at a time has one holder on any date.

    A post lasts until the next holder's begins. Two holders cannot begin on the same date; an end
    date cannot fall after the next holder's beginning; and a post known by its start (an open
    period) must end where a later source shows a successor.
    """
    for (organization, role), posts in sorted(sole_posts(graph).items()):
        for earlier, later in pairwise(posts):
            a, b = graph.value(earlier, ORG.member), graph.value(later, ORG.member)
            if a == b:
                continue
            begins_a, begins_b = post_begins(graph, earlier), post_begins(graph, later)
            if begins_a is None or begins_b is None:
                continue  # SHACL reports the post without a time
            where = f"{curie(str(role))} of {curie(str(organization))}"
            if begins_a.text == begins_b.text:
                yield (
                    curie(str(later)),
                    "",
                    f"{curie(str(a))} and {curie(str(b))} both hold {where} from {begins_a.text}",
                )
                continue
            ends = [
                literal_period(str(d), d.datatype)
                for d in graph.objects(earlier, SCHEMA.endDate)
                if isinstance(d, Literal)
            ]
            end = min((e for e in ends if e is not None), default=None)
            if end is not None and end.start > begins_b.end:
                yield (
                    curie(str(earlier)),
                    "schema:endDate",
                    f"ends {end.text}, after {curie(str(b))} took {where} ({begins_b.text})",
                )
            elif end is None and graph.value(earlier, SCHEMA.startDate) is not None:
                yield (
                    curie(str(earlier)),
                    "schema:endDate",
                    f"has no end, but {curie(str(b))} holds {where} from {begins_b.text}: "
                    "add the end the successor's source gives",
                )


# ------------------------------------------------------------------ relative dates


def relative_dates(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """A date written relatively is resolved against its source's date by the one rule."""
    for node, phrase in sorted(graph.subject_objects(GBA.dateAsWritten)):
        focus = _evidence_name(graph, node)
        quote = graph.value(node, GBA.quote)
        source = graph.value(node, PROV.wasDerivedFrom)
        if quote is None or source is None:
            yield focus, "gba:dateAsWritten", "a date as written needs the node's own source and quote"
            continue
        if name_key(str(phrase)) not in name_key(str(quote)):
            yield focus, "gba:dateAsWritten", f"{str(phrase)!r} does not occur in the quote"
            continue
        source_date = graph.value(source, DCTERMS.date)
        period = literal_period(str(source_date), source_date.datatype) if isinstance(source_date, Literal) else None
        resolved = resolve_relative(str(phrase), period) if period is not None else None
        if resolved is None:
            yield focus, "gba:dateAsWritten", f"cannot resolve {str(phrase)!r} against the source's date {source_date}"
            continue
        dates = list(_dates_of(graph, node))
        if (resolved[0], resolved[1]) not in {(str(d), str(d.datatype)) for d in dates}:
            shown = ", ".join(str(d) for d in dates) or "no date"
            yield (
                focus,
                "gba:dateAsWritten",
                f"{str(phrase)!r} in a source dated {source_date} means {resolved[0]}, but the date is {shown}",
            )


def _dates_of(graph: Graph, node: Node) -> Iterator[Literal]:
    if (node, RDF.type, RDF.Statement) in graph:
        obj = graph.value(node, RDF.object)
        if isinstance(obj, Literal):
            yield obj
        return
    for predicate in DATE_PREDICATES:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal):
                yield value


# ------------------------------------------------------------------ overreads (a report, not a failure)

_MENTIONED = (ORG.member, ORG.organization, GBA.milestoneOf, GBA.figureOf, GBA.holder, GBA.party, GBA.signatory)


def overreads(graph: Graph) -> list[str]:
    """Evidence whose quote names neither the subject nor the object by any label or alias.

    Such a quote may still state the fact ("the University"), so this is a list to review, not a
    violation. Classes, vocabulary and literal values without a name are not required to appear.
    """
    names = _names(graph)
    notes = []
    for node in sorted(set(graph.subjects(GBA.quote, None)), key=str):
        quote = graph.value(node, GBA.quote)
        if quote is None:
            continue
        text = name_key(str(quote))
        if (node, RDF.type, RDF.Statement) in graph:
            about: Iterable[Node | None] = (graph.value(node, RDF.subject), graph.value(node, RDF.object))
        elif any(graph.objects(node, p) for p in _MENTIONED):
            about = [o for p in _MENTIONED for o in graph.objects(node, p)]
        else:
            about = [node]
        candidates = [n for term in about if term is not None for n in names.get(term, ())]
        candidates += [name_key(str(t)) for t in about if isinstance(t, Literal) and t.datatype is None]
        if candidates and not any(name in text for name in candidates):
            notes.append(f"{_evidence_name(graph, node)}: the quote names none of {_short(candidates)}")
    return notes


def _names(graph: Graph) -> dict[Node, list[str]]:
    names: dict[Node, list[str]] = defaultdict(list)
    classes = set(graph.subjects(RDF.type, OWL.Class)) | set(graph.subjects(RDF.type, RDFS.Class))
    for predicate in _NAME_PREDICATES:
        for s, o in graph.subject_objects(predicate):
            if s not in classes and isinstance(s, URIRef) and s.startswith(str(GBR)):
                names[s].append(name_key(str(o)))
    return names


def _short(names: list[str]) -> str:
    unique = sorted(set(names))
    return ", ".join(repr(n) for n in unique[:4]) + (" …" if len(unique) > 4 else "")


def _evidence_name(graph: Graph, node: Node) -> str:
    if (node, RDF.type, RDF.Statement) in graph:
        s, p = graph.value(node, RDF.subject), graph.value(node, RDF.predicate)
        return f"{curie(str(s))} {curie(str(p))} (statement {curie(str(node))})"
    return curie(str(node))
