"""The triples the projections read, as plain Python values, from an rdflib Graph or an Oxigraph store.

Projections used to walk an rdflib Graph; at a million triples parsing into rdflib alone took most of
a minute. Reading an Oxigraph store (the persistent one ``gbakg query`` keeps) is one pass over its
quads, and both inputs become the same plain values here, so there is one projection code path and
the two cannot drift apart: IRIs are ``str``, blank nodes :class:`Blank`, literals :class:`Lit`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from gbakg.rdf.evidence import EvidenceIndex
from gbakg.vocabulary import GBA, GBR, GBS, curie

Term = Any  # str (an IRI) | Blank | Lit


class Blank(str):
    """A blank node's identifier (kept apart from IRIs, which are plain ``str``)."""


class Lit(NamedTuple):
    """A literal: its lexical form, language tag and datatype IRI (None where there is none)."""

    value: str
    language: str | None
    datatype: str | None

    def python(self) -> int | float | bool | str:
        """The value as rdflib's ``toPython`` gives it for numbers and booleans, a decimal in its
        canonical form (Oxigraph's, whatever the input wrote), else the lexical form."""
        if self.datatype is None or self.datatype not in _NUMERIC:
            return self.value  # dates, years and text keep their lexical form
        if self.datatype == _XSD_DECIMAL:  # as Oxigraph keeps it: 1.50 -> 1.5, 130.0 -> 130
            try:
                return format(Decimal(self.value).normalize(), "f")
            except InvalidOperation:
                return self.value
        value = Literal(self.value, datatype=URIRef(self.datatype)).toPython()
        return value if type(value) in (int, float, bool) else self.value


TYPE, SUBCLASS, LABEL, TITLE = str(RDF.type), str(RDFS.subClassOf), str(RDFS.label), str(DCTERMS.title)
_EVIDENCE = {str(p): p for p in (GBA.quote, PROV.wasDerivedFrom, RDF.subject, RDF.predicate, RDF.object)}
_QUOTE_KEY = GBA.quote
_ENTITY, _SOURCE = str(GBR), str(GBS)


@dataclass
class Triples:
    """What the projections need: types, the class hierarchy, the evidence, and ``out``: each
    entity's own triples (less ``rdf:type`` and evidence) and each source's label and title."""

    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    out: dict[str, list[tuple[str, Term]]] = field(default_factory=lambda: defaultdict(list))
    subclass: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    evidence: EvidenceIndex = field(default_factory=lambda: EvidenceIndex.from_parts({}))
    named: dict[str, list[Lit]] = field(default_factory=lambda: defaultdict(list))  # other IRIs' labels

    def term_labels(self) -> dict[str, str]:
        """English labels of the ontology's terms (classes, properties, values) by CURIE, so the
        explorer's legend and link labels read as the ontology names things."""
        labels: dict[str, str] = {}
        for term in sorted(self.named):
            short = curie(term)
            if short == term or short.startswith(("gbr:", "gbs:")):
                continue
            for label in self.named[term]:
                if label.language == "en" or (label.language is None and short not in labels):
                    labels[short] = label.value
        return labels

    def superclasses(self, cls: str) -> set[str]:
        """``cls`` and every class above it (``rdfs:subClassOf*``)."""
        return _closure(cls, self.subclass)

    def subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class beneath it."""
        below: dict[str, list[str]] = defaultdict(list)
        for sub, supers in self.subclass.items():
            for sup in supers:
                below[sup].append(sub)
        return _closure(cls, below)

    def instances(self, cls: str) -> set[str]:
        """Subjects typed ``cls`` (as asserted; no inference)."""
        return {s for s, classes in self.types.items() if cls in classes}


def _closure(start: str, step: dict[str, list[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in step.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def read(data: Graph | Any) -> Triples:
    """The triples of an rdflib Graph or a pyoxigraph Store (its default graph), as plain values."""
    if isinstance(data, Triples):
        return data
    if isinstance(data, Graph):
        return _collect(_from_rdflib(data))
    return _read_oxigraph(data)


def _collect(triples: Iterable[tuple[str, str, Term]]) -> Triples:
    found = Triples()
    parts: dict[Term, dict[URIRef, Any]] = {}
    for s, p, o in triples:
        if p in _EVIDENCE:
            key = _EVIDENCE[p]
            parts.setdefault(s, {})[key] = o.value if key == _QUOTE_KEY and isinstance(o, Lit) else o
        if p == TYPE:
            found.types[s].append(o)
        elif p == SUBCLASS:
            found.subclass[s].append(o)
        elif p in _EVIDENCE:
            continue
        elif s.startswith(_ENTITY) or (s.startswith(_SOURCE) and p in (LABEL, TITLE)):
            found.out[s].append((p, o))
        elif p == LABEL and isinstance(o, Lit) and _is_term(s):
            found.named[s].append(o)
    found.evidence = EvidenceIndex.from_parts(parts)
    return found


def _from_rdflib(graph: Graph) -> Iterator[tuple[str, str, Term]]:
    def term(t: Any) -> Term:
        if isinstance(t, Literal):
            datatype = str(t.datatype) if t.datatype is not None and t.language is None else None
            return Lit(str(t), t.language, None if datatype == _XSD_STRING else datatype)
        return Blank(t) if isinstance(t, BNode) else str(t)

    for s, p, o in graph:
        yield term(s), str(p), term(o)


def _is_term(subject: Term) -> bool:
    """An IRI outside the entity namespace: an ontology or vocabulary term, whose label names it."""
    return isinstance(subject, str) and not isinstance(subject, Blank) and not subject.startswith(_ENTITY)


def _read_oxigraph(store: Any) -> Triples:
    """Read by predicate and by query, so the work stays in Oxigraph: evidence from the five
    evidence predicates, types from ``rdf:type``, then entities' and sources' own triples."""
    import pyoxigraph as ox

    cache: dict[Any, Term] = {}  # IRIs repeat (predicates, classes, objects): convert each once
    default = ox.DefaultGraph()

    def term(t: Any) -> Term:
        if isinstance(t, ox.Literal):
            datatype = t.datatype.value
            plain = t.language is not None or datatype == _XSD_STRING
            return Lit(t.value, t.language, None if plain else datatype)
        found = cache.get(t)
        if found is None:
            # a quoted RDF-star triple is never an entity: a blank stands in for it
            found = cache[t] = t.value if isinstance(t, ox.NamedNode) else Blank(str(t))
        return found

    def select(text: str) -> Iterator[Any]:
        return iter(store.query(text, default_graph=default))

    found = Triples()

    def node(t: Any) -> Term:  # as term(), without filling the cache: evidence nodes come once each
        return t.value if isinstance(t, ox.NamedNode) else Blank(str(t))

    parts: dict[Any, dict[URIRef, Any]] = {}
    for predicate, key in _EVIDENCE.items():
        quads = store.quads_for_pattern(None, ox.NamedNode(predicate), None, default)
        if key == _QUOTE_KEY:
            for quad in quads:
                parts.setdefault(node(quad.subject), {})[key] = quad.object.value
        else:
            for quad in quads:
                parts.setdefault(node(quad.subject), {})[key] = term(quad.object)
    found.evidence = EvidenceIndex.from_parts(parts)
    statement = f"<{RDF.Statement}>"
    for s, o in select(f"SELECT ?s ?o WHERE {{ ?s <{TYPE}> ?o FILTER(?o != {statement}) }}"):
        found.types[term(s)].append(term(o))
    for s, o in select(f"SELECT ?s ?o WHERE {{ ?s <{SUBCLASS}> ?o }}"):
        found.subclass[term(s)].append(term(o))
    for predicate in (LABEL, TITLE):
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, default):
            subject, label = term(quad.subject), term(quad.object)
            if subject.startswith(_SOURCE):
                found.out[subject].append((predicate, label))
            elif predicate == LABEL and isinstance(label, Lit) and _is_term(subject):
                found.named[subject].append(label)
    skipped = ", ".join(f"<{p}>" for p in (TYPE, *_EVIDENCE))
    own = f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{_ENTITY}") && ?p NOT IN ({skipped})) }}'
    out = found.out
    for s, p, o in select(own):
        out[term(s)].append((term(p), term(o)))
    return found


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
# Datatypes whose value rdflib's toPython gives as an int, float or bool (or a decimal, kept canonical).
_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in [
        "decimal",
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "boolean",
    ]
}


# ------------------------------------------------------------------ keeping what was read

# A big graph's persistent store answers scans several times slower than memory (each term is a
# lookup on disk), so what the projections read from it is kept beside it: the next analysis of
# unchanged files loads this instead of scanning the store again. marshal holds only plain values
# and runs no code on load (unlike pickle); a file that fails to load is ignored and rewritten.
_SAVED_FORMAT = 1


def _plain(term: Term) -> Any:
    if isinstance(term, Lit):
        return ("L", term.value, term.language, term.datatype)
    if isinstance(term, Blank):
        return ("B", str(term))
    return term


def _term(plain: Any) -> Term:
    if isinstance(plain, str):
        return plain
    return Lit(*plain[1:]) if plain[0] == "L" else Blank(plain[1])


def save(triples: Triples, path: Any) -> None:
    """Keep ``triples`` in ``path`` (written atomically) for :func:`load_saved`."""
    import marshal

    from gbakg.fileio import atomic_write

    parts = {
        _plain(node): {str(k): _plain(v) if str(k) != str(GBA.quote) else v for k, v in found.items()}
        for node, found in triples.evidence.parts.items()
    }
    data = (
        _SAVED_FORMAT,
        dict(triples.types),
        dict(triples.subclass),
        {s: [(p, _plain(o)) for p, o in pairs] for s, pairs in triples.out.items()},
        {s: [_plain(o) for o in labels] for s, labels in triples.named.items()},
        parts,
    )
    atomic_write(path, marshal.dumps(data))


def load_saved(path: Any) -> Triples | None:
    """What :func:`save` kept, or None when there is nothing usable at ``path``."""
    import marshal

    try:
        data = marshal.loads(Path(path).read_bytes())
        version, types, subclass, out, named, parts = data
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if version != _SAVED_FORMAT:
        return None
    found = Triples()
    found.types.update(types)
    found.subclass.update(subclass)
    for s, pairs in out.items():
        found.out[s] = [(p, o if isinstance(o, str) else _term(o)) for p, o in pairs]
    for s, labels in named.items():
        found.named[s] = [_term(o) for o in labels]
    keys = {str(k): k for k in _EVIDENCE.values()}
    found.evidence = EvidenceIndex.from_parts(
        {
            _term(node): {keys[k]: v if keys[k] == _QUOTE_KEY else _term(v) for k, v in got.items()}
            for node, got in parts.items()
        }
    )
    return found
