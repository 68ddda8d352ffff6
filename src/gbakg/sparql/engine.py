"""The embedded SPARQL engine: an in-memory Oxigraph store behind a few plain functions.

Measured on the named queries, pyoxigraph answers identically to rdflib's Memory store and is
much faster (see the README's SPARQL section), so every query command runs here. Results stay
pyoxigraph terms and are produced lazily; callers that want rdflib terms ask for them
(``as_rdflib=True``, :func:`to_rdflib`, :func:`to_rdflib_graph`), since converting big results is
what costs most. :func:`open_store` is the single way to get a store from files, so a persistent
cache can later live behind it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from gbakg.errors import InputError
from gbakg.rdf.load import graph_files
from gbakg.vocabulary import GBR, PREFIXES

PathLike = str | os.PathLike[str]
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class QuerySyntaxError(InputError):
    """The query is not valid SPARQL; the message gives the line and column."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def source_files(sources: Sequence[PathLike] | None = None, *, with_curated: bool = False) -> list[Path]:
    """The Turtle files ``gbakg.load`` would read for the same arguments, ontology included."""
    return graph_files(sources, with_curated=with_curated)


def open_store(
    files: list[Path],
    *,
    cache: bool | None = None,
    named: Mapping[str, PathLike] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ox.Store:
    """Load Turtle files into a store; a syntax error names the file and line.

    Parsing is lenient about IRIs (as rdflib is), so drafts that rdflib reads load here too.
    Big inputs (:func:`gbakg.sparql.cache.worth_caching`) are kept as a persistent, read-only store in
    ``$GBAKG_CACHE`` (default ``build/.store``): a second command on unchanged files opens it in
    milliseconds instead of parsing again. ``cache`` forces it on or off; ``GBAKG_CACHE=off`` too.
    ``named`` maps graph IRIs to files loaded as those named graphs (for a dataset's FROM NAMED and
    the protocol's ``named-graph-uri``); with it the store is kept in memory. ``progress`` replaces
    the progress bar a build of the persistent store shows on a terminal.
    """
    from gbakg.sparql import cache as stores

    if named:
        store = ox.Store()
        _load(store, files)
        for iri, file in named.items():
            _load(store, [file], graph=iri)
        return store
    if cache is None:
        cache = stores.enabled() and stores.worth_caching(files)
    if cache:
        return stores.cached_store(files, loader=lambda store, paths: _load(store, paths, bulk=True), progress=progress)
    store = ox.Store()
    _load(store, files)
    return store


def _load(store: ox.Store, files: Sequence[PathLike], *, bulk: bool = False, graph: str | None = None) -> None:
    """Parse files into ``store`` (into the named ``graph`` if given): ``load`` in memory (at 1M
    triples a third less memory than ``bulk_load`` and no slower), ``bulk_load`` into a store on
    disk (twice as fast there)."""
    from gbakg.sparql.cache import parse_errors

    target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
    for file in files:
        path = Path(file)
        load = store.bulk_load if bulk else store.load
        with parse_errors(path):
            load(
                path=path,
                format=ox.RdfFormat.TURTLE,
                base_iri=path.resolve().as_uri(),
                lenient=True,
                to_graph=target,
            )


def store_from_graph(graph: Any) -> ox.Store:
    """Copy an rdflib graph (what notebooks hold) into a store, to query it fast."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph)  # type: ignore[arg-type]
    return store


def query(
    store: ox.Store,
    text: str,
    *,
    bindings: Mapping[str, Term] | None = None,
    prefixes: Mapping[str, str] | None = None,
    default_graph: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
) -> Result:
    """Run a SPARQL query; ``bindings`` fix variables first (as ``VALUES``), ``prefixes`` are predeclared.

    Returns pyoxigraph's lazy result: solutions, a boolean, or triples. Relative IRIs resolve
    against :data:`gbakg.sparql.query.BASE_IRI`; ``SELECT *`` gives its columns in the order the
    query first mentions them. An update raises :class:`InputError`; a syntax error raises
    :class:`QuerySyntaxError` with the position in ``text`` as the user wrote it.
    """
    from gbakg.sparql.query import (
        BASE_IRI,
        in_order_of_appearance,
        inject_values,
        star_projection,
        syntax_message,
        update_refusal,
        uses_service,
    )

    if refusal := update_refusal(text):
        raise InputError(refusal)
    _check_nesting(text)
    prepared, at, length = inject_values(text, bindings or {})
    options: dict[str, Any] = {"prefixes": dict(prefixes) if prefixes else None, "base_iri": BASE_IRI}
    if default_graph is not None or named_graphs is not None:
        # A dataset given with the query (the protocol's) replaces the query's own FROM / FROM NAMED.
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph or []]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs or []]
    try:
        star = star_projection(prepared)
        if star is not None and not uses_service(text):
            # The columns of SELECT * come from the query alone: ask an empty store (instant), then
            # spell them out in the order the query mentions them.
            found = [v.value for v in ox.Store().query(prepared, **options).variables]  # type: ignore[union-attr]
            ordered = in_order_of_appearance(text, found)
            if ordered != found:
                prepared = prepared[:star] + " ".join(f"?{v}" for v in ordered) + prepared[star + 1 :]
        return store.query(prepared, **options)
    except SyntaxError as e:
        error = syntax_error(e, text, at, length)
        raw = str(e).partition(": ")[2] if str(e).startswith("error at ") else str(e)
        where = f" at line {error.line}, column {error.column}" if error.line is not None else ""
        message = syntax_message(raw, text, error.line, error.column)
        raise QuerySyntaxError(f"query syntax error{where}: {message}", error.line, error.column) from e
    except ValueError as e:  # e.g. an invalid IRI in default_graph
        raise InputError(str(e)) from e


# Oxigraph parses and evaluates a query recursively on the native stack. Long flat chains recurse
# too: a FILTER of 10,000 terms (1+1+…, 20 KB) or a 20,000-step property path overflows the 8 MB
# stack of a main thread and the process dies. The threads that run queries (gbakg query, the
# endpoint's workers) get this much stack instead (virtual memory: only what a query touches is
# used); 10,000 terms then take 2 s, 20,000 take 7 s (Oxigraph's parser is slow on such chains),
# and the endpoint's --timeout stops longer ones. Library callers on a main thread keep its stack.
BIG_STACK = 512 * 1024 * 1024


def big_stack_thread(target: Callable[[], None], name: str, *, daemon: bool = True) -> threading.Thread:
    """A started thread running ``target`` with :data:`BIG_STACK` bytes of stack (see above)."""
    previous = threading.stack_size(BIG_STACK)
    try:
        thread = threading.Thread(target=target, name=name, daemon=daemon)
        thread.start()
    finally:
        threading.stack_size(previous)
    return thread


# Oxigraph parses and evaluates a query recursively on the native stack: about 1,000 nested groups
# (``FILTER EXISTS { FILTER EXISTS { …``) or 300 nested quoted triples overflow it, and the process
# dies (a segmentation fault). Real queries nest a few levels.
MAX_NESTING = 100


def _check_nesting(text: str) -> None:
    """Refuse a query whose brackets, braces, parentheses and ``<< >>`` nest deeper than :data:`MAX_NESTING`."""
    from gbakg.sparql.text import tokens, unescape_codepoints

    depth = deepest = 0
    last = (-2, "")
    for kind, token, at in tokens(unescape_codepoints(text)):
        if kind == "other":
            pair = token in "<>" and last == (at - 1, token)  # "<<" or ">>": a quoted triple, which costs more
            if token in "({[" or (pair and token == "<"):
                depth += 2 if pair else 1
                deepest = max(deepest, depth)
            elif token in ")}]" or (pair and token == ">"):
                depth -= 2 if pair else 1
            last = (-2, "") if pair else (at, token)
    if deepest > MAX_NESTING:
        raise InputError(f"the query nests {deepest} levels deep; at most {MAX_NESTING} are supported")


def syntax_error(error: SyntaxError, text: str = "", at: int = 0, length: int = 0) -> QuerySyntaxError:
    """Turn pyoxigraph's "error at L:C: ..." into a short message with the position.

    ``at``/``length`` describe text inserted into the user's query (bound values), which the
    reported column is corrected for.
    """
    message = str(error)
    line = column = None
    if message.startswith("error at "):
        position, _, message = message[len("error at ") :].partition(": ")
        line_text, _, column_text = position.partition(":")
        if line_text.isdigit() and column_text.isdigit():
            line, column = int(line_text), int(column_text)
    if line is not None and column is not None and length:
        at_line = text.count("\n", 0, at) + 1
        at_column = at - (text.rfind("\n", 0, at) + 1) + 1
        if line == at_line and column > at_column:
            column = max(at_column, column - length)
    message = _first_line(message).split(", [")[0]
    where = f" at line {line}, column {column}" if line is not None else ""
    return QuerySyntaxError(f"query syntax error{where}: {message}", line, column)


def rows(result: ox.QuerySolutions, *, as_rdflib: bool = False) -> Iterator[dict[str, Any]]:
    """The solutions as dicts of bound variables, lazily; terms stay pyoxigraph unless asked."""
    names = [v.value for v in result.variables]
    for solution in result:
        row = {}
        for i, name in enumerate(names):
            term = solution[i]
            if term is not None:
                row[name] = to_rdflib(term) if as_rdflib else term
        yield row


def select(
    store: ox.Store, text: str, bindings: Mapping[str, Term] | None = None, *, as_rdflib: bool = False, **kw: Any
) -> Iterator[dict[str, Any]]:
    """Run a SELECT query and yield its rows (see :func:`rows`)."""
    result = query(store, text, bindings=bindings, **kw)
    if not isinstance(result, ox.QuerySolutions):
        raise InputError("select() needs a SELECT query")
    return rows(result, as_rdflib=as_rdflib)


def to_rdflib(term: Any) -> Any:
    """Convert one pyoxigraph term to its rdflib equal (xsd:string literals become plain)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise InputError(f"cannot convert {term!r} to rdflib")


def from_rdflib(term: Any) -> Term:
    """Convert one rdflib term to pyoxigraph."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"cannot convert {term!r} to pyoxigraph")


def to_rdflib_graph(triples: Iterable[ox.Triple]) -> Any:
    """Collect CONSTRUCT/DESCRIBE triples into an rdflib Graph with our prefixes bound."""
    from rdflib import Graph

    from gbakg.vocabulary import bind_prefixes

    graph = Graph()
    bind_prefixes(graph)
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


_GBR = str(GBR)
_PREFIXES = {p: str(PREFIXES[p]) for p in ("gbr", "rdf", "rdfs", "skos")}  # what the name lookups need
_NAME_PREDICATES = [
    ox.NamedNode(_PREFIXES["rdfs"] + "label"),
    ox.NamedNode(_PREFIXES["skos"] + "prefLabel"),
    ox.NamedNode(_PREFIXES["skos"] + "altLabel"),
]
# Bound with VALUES ?key (a lower-cased name): ?key is computed inside each branch, so the join does the match.
NAME_QUERY = """SELECT DISTINCT ?s WHERE {
  { ?s rdfs:label|skos:prefLabel|skos:altLabel ?name . BIND(LCASE(STR(?name)) AS ?key) }
  UNION { ?s a ?type . BIND(LCASE(STRAFTER(STR(?s), STR(gbr:))) AS ?key) }
  FILTER(ISIRI(?s) && STRSTARTS(STR(?s), STR(gbr:)))
}"""
NAMES_QUERY = """CONSTRUCT { ?s ?p ?o } WHERE {
  ?s ?p ?o . FILTER(?p IN (rdf:type, rdfs:label, skos:prefLabel, skos:altLabel) && STRSTARTS(STR(?s), STR(gbr:)))
}"""


def resolve(store: ox.Store, name: str) -> ox.NamedNode:
    """The entity ``name`` means (IRI, CURIE, label, alias or slug, any case), as :func:`gbakg.rdf.resolve.resolve`.

    Index lookups settle the usual cases (an IRI, a slug, a label typed exactly); then one query
    compares names case-insensitively; anything else goes to ``gbakg.rdf.resolve`` for its
    "ambiguous" and "did you mean" messages.
    """
    from gbakg.vocabulary import expand

    text = name.strip()
    iri = expand(text) or (text[1:-1] if text.startswith("<") and text.endswith(">") else text)
    if "://" in iri and _has_subject(store, iri):
        return ox.NamedNode(iri)
    found = {_GBR + text.lower()} if _has_subject(store, _GBR + text.lower(), typed=True) else set()
    if _is_text(text):  # else no literal can hold it: the rdflib resolver below calls it unknown
        for predicate in _NAME_PREDICATES:
            for literal in (ox.Literal(text), ox.Literal(text, language="en")):
                found.update(
                    q.subject.value
                    for q in store.quads_for_pattern(None, predicate, literal)
                    if not isinstance(q.subject, ox.Triple)
                )
        found = {iri for iri in found if iri.startswith(_GBR)}
        if not found:
            rows = select(store, NAME_QUERY, {"key": ox.Literal(text.lower())}, prefixes=_PREFIXES)
            found = {row["s"].value for row in rows}
    if len(found) == 1:
        return ox.NamedNode(found.pop())
    from gbakg.rdf.resolve import resolve as resolve_in_graph

    names = to_rdflib_graph(query(store, NAMES_QUERY, prefixes=_PREFIXES))  # type: ignore[arg-type]
    return ox.NamedNode(str(resolve_in_graph(names, name)))


def _is_text(text: str) -> bool:
    """False for a string Oxigraph cannot hold: one with a lone surrogate (bytes that were not UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _has_subject(store: ox.Store, iri: str, *, typed: bool = False) -> bool:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    predicate = ox.NamedNode(_PREFIXES["rdf"] + "type") if typed else None
    return next(store.quads_for_pattern(node, predicate, None), None) is not None


def labels(store: ox.Store, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
    """The ``rdfs:label`` of each IRI that has one, in ``lang`` where there is one (English, else Chinese)."""
    from gbakg.names import label_rank

    values = " ".join(f"<{iri}>" for iri in iris)
    found: dict[str, tuple[int, str]] = {}
    text = f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label ?l }}"
    for row in select(store, text, prefixes=_PREFIXES):
        rank = label_rank(row["l"].language, lang)
        if row["s"].value not in found or rank < found[row["s"].value][0]:
            found[row["s"].value] = (rank, row["l"].value)
    return {iri: label for iri, (_, label) in found.items()}


def _first_line(text: str) -> str:
    return str(text).strip().splitlines()[0] if str(text).strip() else str(text)
