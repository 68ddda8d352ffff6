"""Writing triples as the curated files are written: sources, then each entity with its evidence.

rdflib's Turtle serialiser is correct but orders blocks by its own rules and folds statements
into blank nodes; a reviewer reading a new ``graph/`` file wants each entity followed by the
statements that back it, in a stable order, so a re-run gives the same bytes.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from gbakg.names import label as english
from gbakg.vocabulary import GBA, PREFIXES, bind_prefixes

# Predicates in the order a block lists them; the rest follow sorted.
_FIRST = (RDF.type, RDFS.label, SKOS.altLabel, SKOS.note)
_STATEMENT = (RDF.type, RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom, GBA.quote, GBA.dateAsWritten)
_LAST = (PROV.wasDerivedFrom, GBA.quote)


def house_turtle(graph: Graph, comment: str = "") -> str:
    """``graph`` as house-style Turtle: prefixes, sources, then entities each with their statements."""
    g = Graph()
    bind_prefixes(g)
    nsm = g.namespace_manager

    def term(t: Node) -> str:
        return t.n3(nsm)

    statements = set(graph.subjects(RDF.type, RDF.Statement))
    backing: dict[Node, list[Node]] = {}
    for st in statements:
        backing.setdefault(graph.value(st, RDF.subject), []).append(st)  # type: ignore[arg-type]
    sources = sorted(graph.subjects(RDF.type, GBA.Source), key=str)
    subjects = sorted({s for s in graph.subjects() if s not in statements and s not in set(sources)}, key=str)
    used = {t for triple in graph for t in triple} | {RDF.type}
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items()) if _uses(used, str(ns))]
    if comment:
        lines += ["", *(f"# {c}" if c else "#" for c in comment.splitlines())]
    if sources:
        lines += ["", _rule("Sources")]
        for source in sources:
            lines += ["", f"# {graph.value(source, RDFS.label) or ''}".rstrip(), *_block(graph, source, term, _FIRST)]
    if subjects:
        lines += ["", _rule("Entities and their evidence")]
    for subject in subjects:
        label = english(graph, subject)
        lines += ["", f"# {label}" if label is not None else f"# {term(subject)}"]
        lines += _block(graph, subject, term, _FIRST)
        for st in sorted(backing.get(subject, []), key=lambda n: _statement_key(graph, n)):
            lines += ["", *_block(graph, st, term, _STATEMENT)]
    orphans = sorted(set(statements) - {st for sts in backing.values() for st in sts}, key=str)
    for st in orphans:
        lines += ["", *_block(graph, st, term, _STATEMENT)]
    return "\n".join(lines) + "\n"


def _uses(used: set[Node], namespace: str) -> bool:
    return any(isinstance(t, URIRef) and str(t).startswith(namespace) for t in used) or any(
        isinstance(t, Literal) and t.datatype is not None and str(t.datatype).startswith(namespace) for t in used
    )


def _rule(title: str) -> str:
    return "# " + "=" * 96 + f"\n# {title}\n# " + "=" * 96


def _statement_key(graph: Graph, node: Node) -> tuple[str, str, str]:
    return (str(graph.value(node, RDF.predicate)), str(graph.value(node, RDF.object)), str(node))


def _block(graph: Graph, subject: Node, term, first: tuple) -> list[str]:  # type: ignore[no-untyped-def]
    pairs = sorted(graph.predicate_objects(subject), key=lambda po: (_rank(po[0], first), str(po[0]), _sort(po[1])))
    out = []
    for i, (p, o) in enumerate(pairs):
        head = f"{term(subject)} " if i == 0 else "    "
        verb = "a" if p == RDF.type else term(p)
        end = " ." if i == len(pairs) - 1 else " ;"
        out.append(f"{head}{verb} {term(o)}{end}")
    return out


def _rank(predicate: Node, first: tuple) -> int:
    if predicate in first:
        return first.index(predicate)
    return len(first) + (2 if predicate in _LAST else 1)


def _sort(o: Node) -> tuple[str, str]:
    return (str(o), (o.language or str(o.datatype or "")) if isinstance(o, Literal) else "")
