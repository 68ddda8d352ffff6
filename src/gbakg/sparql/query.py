"""Preparing SPARQL queries and rendering their results, whatever engine answers them.

A query comes from a string, a ``.rq`` file, ``-`` (stdin) or the name of a shipped query; our
prefixes are predeclared; ``--bind name=value`` fixes variables (entities go through
:func:`gbakg.rdf.resolve.resolve`). Results are rendered in the W3C formats (SPARQL 1.1 Query
Results JSON, XML, CSV, TSV; Turtle, N-Triples, RDF/XML, JSON-LD for graphs) or as an aligned
table with labels beside IRIs.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from gbakg.errors import InputError
from gbakg.vocabulary import GBR, curie
from gbakg.vocabulary import PREFIXES as _NAMESPACES

PREFIXES: dict[str, str] = {prefix: str(ns) for prefix, ns in _NAMESPACES.items()}
QUERY_DIR = Path(__file__).resolve().parent / "queries"
SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("table", "ttl", "nt", "json", "xml")
FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")


class ResultTooLarge(InputError):
    """More rows (or triples) than the caller allows."""


@dataclass(frozen=True)
class Binding:
    name: str
    required: bool
    help: str


@dataclass(frozen=True)
class NamedQuery:
    """A shipped ``.rq`` file: its name, one-line description, declared bindings and text."""

    name: str
    description: str
    bindings: tuple[Binding, ...]
    text: str

    def usage(self) -> str:
        parts = [f"--bind {b.name}=..." if b.required else f"[--bind {b.name}=...]" for b in self.bindings]
        return " ".join([f"gbakg query {self.name}", *parts])


_BIND_LINE = re.compile(r"#\s*bind:\s*(\w+)\s*(\(optional\))?\s*[—:-]*\s*(.*)")


def named_queries() -> dict[str, NamedQuery]:
    """Every shipped query, by name (its file name without ``.rq``)."""
    found = {}
    for path in sorted(QUERY_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        description, bindings = "", []
        for line in text.splitlines():
            if line.startswith("# description:"):
                description = line.split(":", 1)[1].strip()
            elif m := _BIND_LINE.match(line):
                bindings.append(Binding(m.group(1), not m.group(2), m.group(3).strip()))
        found[path.stem] = NamedQuery(path.stem, description, tuple(bindings), text)
    return found


def named_query(name: str) -> NamedQuery:
    """The shipped query called ``name``; an unknown name suggests close ones."""
    queries = named_queries()
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `gbakg query --list` shows them"
    raise InputError(f"unknown named query {name!r}{hint}")


def read_query(spec: str, stdin: Callable[[], str] | None = None) -> tuple[str, NamedQuery | None]:
    """The text ``spec`` stands for: ``-`` (stdin), a named query, a ``.rq`` file, or SPARQL itself."""
    if spec == "-":
        if stdin is None:
            raise InputError("no standard input to read the query from")
        return stdin(), None
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec) and spec in named_queries():
        return named_query(spec).text, named_query(spec)
    path = Path(spec)
    if spec.endswith(".rq") or ("\n" not in spec and "{" not in spec and path.is_file()):
        try:
            return path.read_text(encoding="utf-8"), None
        except OSError as e:
            raise InputError(f"{path}: cannot read query ({e.strerror})") from e
    if re.fullmatch(r"[\w.-]+", spec):  # a single word is a name, not SPARQL
        named_query(spec)
    return spec, None


# -- tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>\#[^\n]*)
    |(?P<string>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)|(?P<var>[?$]\w+)
    |(?P<word>[A-Za-z_][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*)|(?P<other>.)""",
    re.X | re.S,
)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of each significant token; strings, IRIs and comments stay whole."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup not in ("ws", "comment"):
            yield m.lastgroup or "other", m.group(), m.start()


def unescape_codepoints(text: str) -> str:
    r"""Apply SPARQL's ``\uXXXX``/``\UXXXXXXXX`` escapes, which parsers apply before anything else."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def keywords(text: str) -> list[str]:
    """The bare words of a query (keywords, upper-cased), after codepoint escapes."""
    return [t.upper() for kind, t, _ in tokens(unescape_codepoints(text)) if kind == "word" and ":" not in t]


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE; an update's first word (INSERT, LOAD, ...); or None."""
    for word in keywords(text):
        if word in _FORMS or word in _UPDATE_WORDS:
            return word
    return None


def is_update(text: str) -> bool:
    return query_form(text) in _UPDATE_WORDS


def uses_service(text: str) -> bool:
    """True if the query has a SERVICE clause (which would make the engine fetch a URL)."""
    return "SERVICE" in keywords(text)


def with_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    """Bind variables in the query text: a ``VALUES`` block opens the top-level WHERE group.

    This joins the values with the group before anything else, as rdflib's ``initBindings`` do,
    and works on any engine (pyoxigraph's own substitution only accepts projected variables).
    """
    return inject_values(text, bindings)[0]


def inject_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> tuple[str, int, int]:
    """:func:`with_values`, also returning the offset and length of what was inserted."""
    if not bindings:
        return text, len(text), 0
    depth, after_where, insert_at = 0, False, None
    for kind, tok, offset in tokens(text):
        if kind == "word" and tok.upper() == "WHERE" and depth == 0:
            after_where = True
        elif tok == "{":
            if depth == 0 and (after_where or query_form(text[:offset]) in ("SELECT", "ASK", "DESCRIBE")):
                insert_at = offset + 1
                break
            depth += 1
        elif tok == "}":
            depth -= 1
    if insert_at is None:
        raise InputError("cannot bind variables: the query has no WHERE group")
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(str(t) for t in bindings.values())
    inserted = f" VALUES ({names}) {{ ({values}) }}"
    return text[:insert_at] + inserted + text[insert_at:], insert_at, len(inserted)


def prefix_header(text: str) -> str:
    """PREFIX lines for our prefixes the query does not declare itself, on one line."""
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w.-]*):", text)}
    return " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared)


# -- bindings ------------------------------------------------------------------------------------


def parse_bind_options(pairs: Sequence[str]) -> dict[str, str]:
    """``name=value`` pairs into a dict; a malformed pair or a repeated name is an input error."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"\w+", name) or not value:
            raise InputError(f"--bind {pair!r}: expected NAME=VALUE, for example --bind org=IDEA")
        if name in found:
            raise InputError(f"--bind {name} given twice")
        found[name] = value
    return found


def check_bindings(text: str, names: Iterable[str], named: NamedQuery | None) -> None:
    """Every bound variable must exist; a named query's required ones must be given."""
    given = set(names)
    if named is not None:
        declared = {b.name for b in named.bindings}
        for name in sorted(given - declared):
            takes = ", ".join(sorted(declared)) or "no bindings"
            raise InputError(f"named query {named.name} takes {takes}; not {name!r}")
        missing = [b.name for b in named.bindings if b.required and b.name not in given]
        if missing:
            raise InputError(f"named query {named.name} needs --bind {missing[0]}=...; usage: {named.usage()}")
        return
    variables = {t[1:] for kind, t, _ in tokens(text) if kind == "var"}
    for name in sorted(given - variables):
        raise InputError(f"--bind {name}: the query has no variable ?{name}")


def term_from_text(value: str) -> ox.NamedNode | ox.Literal | None:
    """Read a value written as in Turtle: ``<iri>``, ``prefix:name``, ``"text"@en``, ``42``, ``true``.

    Returns None for anything else (a label to resolve).
    """
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    try:
        quads = list(ox.parse(f"{header}<urn:s> <urn:p> {value} .", format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        return None
    if len(quads) != 1 or isinstance(quads[0].object, ox.BlankNode):
        return None
    return quads[0].object  # type: ignore[return-value]


def bind_terms(raw: Mapping[str, str], resolve: Callable[[str], ox.NamedNode]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Turn ``--bind`` values into terms; entity names and ``gbr:`` CURIEs go through ``resolve``."""
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in raw.items():
        term = term_from_text(value.strip())
        if term is None or (isinstance(term, ox.NamedNode) and term.value.startswith(str(GBR))):
            term = resolve(value.strip())
        terms[name] = term
    return terms


# -- rendering -----------------------------------------------------------------------------------


def limited(items: Iterable, limit: int | None, what: str = "rows") -> Iterator:
    """Yield items, raising ResultTooLarge past ``limit``."""
    for count, item in enumerate(items, 1):
        if limit is not None and count > limit:
            raise ResultTooLarge(f"the result has more than {limit} {what}; add LIMIT or narrow the query")
        yield item


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """SPARQL 1.1 CSV: IRIs and literals by their text, blank nodes as ``_:label``, unbound as empty."""
    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def write_solutions(variables: Sequence[str], solutions: Iterable, fmt: str) -> Iterator[str]:
    """SELECT results in a W3C format (json, xml, csv, tsv), chunk by chunk."""
    if fmt == "json":
        yield json.dumps({"head": {"vars": list(variables)}})[:-1] + ', "results": {"bindings": ['
        for i, s in enumerate(solutions):
            row = {v: _json_term(s[j]) for j, v in enumerate(variables) if s[j] is not None}
            yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]}}\n"
    elif fmt == "xml":
        yield '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
        yield "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>\n<results>\n"
        for s in solutions:
            cells = (
                f"<binding name={quoteattr(v)}>{_xml_term(s[j])}</binding>"
                for j, v in enumerate(variables)
                if s[j] is not None  # an unbound variable has no binding element
            )
            yield "<result>" + "".join(cells) + "</result>\n"
        yield "</results>\n</sparql>\n"
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for s in solutions:
            writer.writerow([_csv_term(s[j]) for j in range(len(variables))])
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0), buffer.truncate()
        yield buffer.getvalue()
    elif fmt == "tsv":
        yield "\t".join(f"?{v}" for v in variables) + "\n"
        for s in solutions:
            yield "\t".join("" if s[j] is None else str(s[j]) for j in range(len(variables))) + "\n"
    else:
        raise InputError(f"--format {fmt} is for graphs; a SELECT result takes {', '.join(SOLUTION_FORMATS)}")


def write_boolean(value: bool, fmt: str) -> str:
    """An ASK result in json, xml, csv or tsv (the last two as Jena writes them)."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "xml":
        return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head/>\n<boolean>{word}</boolean>\n</sparql>\n'
    if fmt in ("csv", "tsv"):
        end = "\r\n" if fmt == "csv" else "\n"
        return f"_askResult{end}{word}{end}"
    if fmt == "table":
        return word + "\n"
    raise InputError(f"--format {fmt} is for graphs; an ASK result takes {', '.join(SOLUTION_FORMATS)}")


_GRAPH_WRITERS = {
    "ttl": ox.RdfFormat.TURTLE,
    "table": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "json": ox.RdfFormat.JSON_LD,
}


def write_graph(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """CONSTRUCT/DESCRIBE results as Turtle (our prefixes), N-Triples, RDF/XML or JSON-LD."""
    if fmt not in _GRAPH_WRITERS:
        raise InputError(f"--format {fmt} is for SELECT results; a graph takes {', '.join(GRAPH_FORMATS)}")
    writer = _GRAPH_WRITERS[fmt]
    prefixes = PREFIXES if writer in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    data = ox.serialize(list(triples), format=writer, prefixes=prefixes)
    return data if data is not None else b""  # without an output, serialize returns the bytes


def table(
    variables: Sequence[str], solutions: Iterable, labels: Callable[[set[str]], dict[str, str]] | None = None
) -> str:
    """An aligned table; IRIs as CURIEs with their label beside them."""
    from gbakg.formats import render

    rows = [[s[j] for j in range(len(variables))] for s in solutions]
    iris = {t.value for row in rows for t in row if isinstance(t, ox.NamedNode)}
    names = labels(iris) if labels and iris else {}

    def cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            short = curie(term.value)
            return f"{short} ({names[term.value]})" if term.value in names else short
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return term.value

    cells = [dict(zip(variables, map(cell, row), strict=True)) for row in rows]
    footer = f"\n({len(rows)} row{'' if len(rows) == 1 else 's'})"
    return render(cells, "table", columns=list(variables)) + footer + "\n"


def render(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list,
    fmt: str,
    *,
    labels: Callable[[set[str]], dict[str, str]] | None = None,
    limit: int | None = None,
) -> Iterator[str | bytes]:
    """Render any query result in ``fmt`` (see FORMATS), chunk by chunk, at most ``limit`` rows."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if isinstance(result, ox.QueryBoolean):
        yield write_boolean(bool(result), fmt)
    elif isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        solutions = limited(result, limit)
        if fmt == "table":
            yield table(variables, solutions, labels)
        else:
            yield from write_solutions(variables, solutions, fmt)
    else:
        yield write_graph(limited(result, limit, "triples"), fmt)


def result_kind(result: object) -> str:
    """``solutions``, ``boolean`` or ``graph``."""
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(result, ox.QuerySolutions) else "graph"
