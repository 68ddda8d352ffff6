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
import itertools
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
BASE_IRI = str(GBR)
"""Relative IRIs in a query resolve against the entity namespace (``<idea>`` is ``gbr:idea``); a
query's own ``BASE`` overrides it."""
TABLE_ROWS = 1000
"""The table format shows at most this many rows (or triples); the machine formats stream them all."""


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


def read_query(spec: str, stdin: Callable[[], str | bytes] | None = None) -> tuple[str, NamedQuery | None]:
    """The text ``spec`` stands for: ``-`` (stdin), a named query, a ``.rq`` file, or SPARQL itself."""
    if spec == "-":
        if stdin is None:
            raise InputError("no standard input to read the query from")
        return _text(stdin(), "standard input"), None
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec) and spec in named_queries():
        return named_query(spec).text, named_query(spec)
    path = Path(spec)
    looks_like_path = "\n" not in spec and "{" not in spec
    if looks_like_path and path.is_dir():
        raise InputError(f"{path}: is a folder; QUERY is SPARQL text, a .rq file, - or a named query")
    if spec.endswith(".rq") or (looks_like_path and path.is_file()):
        try:
            return _text(path.read_bytes(), str(path)), None
        except OSError as e:
            raise InputError(f"{path}: cannot read query ({e.strerror})") from e
    if re.fullmatch(r"[\w.-]+", spec):  # a single word is a name, not SPARQL
        named_query(spec)
    return check_text(spec, "the query"), None


def _text(data: str | bytes, where: str) -> str:
    """Query text read from a file or stdin: UTF-8 (a BOM is dropped), or a one-line error."""
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(f"{where}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    return check_text(data, where)


def check_text(text: str, what: str) -> str:
    """``text`` itself, unless it holds bytes that are not UTF-8 (which Python keeps as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        code = ord(text[e.start])
        bad = f"byte {code - 0xDC00:#04x}" if 0xDC80 <= code <= 0xDCFF else "a lone surrogate"
        raise InputError(f"{what}: not UTF-8 text ({bad} at character {e.start + 1})") from e
    return text


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
    """:func:`with_values`, also returning the offset and length of what was inserted.

    The short form ``CONSTRUCT WHERE { T }`` allows only triples in its group, so it is first
    written out as ``CONSTRUCT { T } WHERE { T }`` (the template on one line, without comments).
    """
    if not bindings:
        return text, len(text), 0
    depth, after_where, where_at, template, insert_at = 0, False, 0, False, None
    found = list(tokens(text))
    for i, (kind, tok, offset) in enumerate(found):
        if kind == "word" and tok.upper() == "WHERE" and depth == 0:
            after_where, where_at = True, offset
        elif tok == "{":
            if depth == 0 and (after_where or query_form(text[:offset]) in ("SELECT", "ASK", "DESCRIBE")):
                insert_at = offset + 1
                short = after_where and not template and query_form(text) == "CONSTRUCT"
                if short:
                    body = _group_tokens(found[i + 1 :])
                    copy = "{ " + " ".join(body) + " } "
                    text = text[:where_at] + copy + text[where_at:]
                    return _values_at(text, insert_at + len(copy), bindings, where_at)
                break
            template = template or depth == 0
            depth += 1
        elif tok == "}":
            depth -= 1
    if insert_at is None:
        raise InputError("cannot bind variables: the query has no WHERE group")
    return _values_at(text, insert_at, bindings)


def _group_tokens(rest: Sequence[tuple[str, str, int]]) -> list[str]:
    """The tokens of a group up to its closing brace (``rest`` starts after the opening one)."""
    depth, body = 0, []
    for _, tok, _ in rest:
        if tok == "}" and depth == 0:
            break
        depth += {"{": 1, "}": -1}.get(tok, 0)
        body.append(tok)
    return body


def _values_at(
    text: str, at: int, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode], start: int | None = None
) -> tuple[str, int, int]:
    """Insert the VALUES block at ``at``; the reported insertion begins at ``start`` (default ``at``)."""
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(str(t) for t in bindings.values())
    inserted = f" VALUES ({names}) {{ ({values}) }}"
    begin = at if start is None else start
    return text[:at] + inserted + text[at:], begin, len(inserted) + (at - begin)


def prefix_header(text: str) -> str:
    """PREFIX lines for our prefixes the query does not declare itself, on one line."""
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w.-]*):", text)}
    return " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared)


def star_projection(text: str) -> int | None:
    """The offset of the ``*`` of a top-level ``SELECT *`` (``DISTINCT``/``REDUCED`` allowed), else None."""
    found = list(tokens(text))
    for i, (kind, tok, _) in enumerate(found):
        if tok == "{":
            return None
        if kind == "word" and tok.upper() == "SELECT":
            rest = [t for t in found[i + 1 : i + 3] if not (t[0] == "word" and t[1].upper() in ("DISTINCT", "REDUCED"))]
            return rest[0][2] if rest and rest[0][1] == "*" else None
    return None


def in_order_of_appearance(text: str, variables: Sequence[str]) -> list[str]:
    """``variables`` in the order the query first mentions them (``SELECT *`` columns, as written)."""
    first: dict[str, int] = {}
    for kind, tok, _ in tokens(text):
        if kind == "var":
            first.setdefault(tok[1:], len(first))
    return sorted(variables, key=lambda v: (first.get(v, len(first)), variables.index(v)))


def update_refusal(text: str) -> str | None:
    """Why an update cannot run here (INSERT, DELETE, LOAD, ...), or None for a query."""
    form = query_form(text)
    if form not in _UPDATE_WORDS:
        return None
    return f"SPARQL Update ({form}) is not supported: gbakg reads the graph, it never changes it"


_REASONS = {"Prefix not found": "unknown prefix", "IRI parsing failed": "invalid IRI"}


def syntax_message(message: str, text: str, line: int | None, column: int | None) -> str:
    """A readable version of the parser's "expected one of ..." (which lists character classes and
    mixes in error names such as "Prefix not found")."""
    if query_form(text) is None:
        return "expected SELECT, CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE)"
    expected = message.removeprefix("expected one of ").removeprefix("expected ")
    expected = re.sub(r"\[(?:'[^']*'|[^\]'])*\]", "", expected)  # character classes: noise to a reader
    items = [i.strip() for i in expected.replace("\n", " ").split(", ") if i.strip()]
    items = [i for i in items if not i.startswith(("[", "|", "'"))]
    before = ""
    if line is not None and column is not None:
        lines = text.split("\n")
        before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    for reason, what in _REASONS.items():
        if reason in items:
            if what == "unknown prefix" and (m := re.search(r"([A-Za-z][\w.-]*)?:[\w.:%-]*$", before)):
                declared = " ".join(f"{p}:" for p in PREFIXES)
                return f"unknown prefix {m.group(1) or ''}: (declare it with PREFIX, or use one of {declared})"
            if what == "invalid IRI" and (m := re.search(r"<[^<>]*>?$", before)):
                return f"invalid IRI {m.group()} (IRIs cannot hold spaces, quotes or <>{{}}|^`\\)"
            return what
    if any(i.startswith('"\\') for i in items):
        return "unterminated string (a closing quote is missing)"
    if not items:
        return message.split(",")[0].strip() or "invalid SPARQL"
    shown = ", ".join(items[:10]) + (", …" if len(items) > 10 else "")
    return f"expected {shown}" if len(items) == 1 else f"expected one of {shown}"


# -- bindings ------------------------------------------------------------------------------------


def parse_bind_options(pairs: Sequence[str]) -> dict[str, str]:
    """``name=value`` pairs into a dict; a malformed pair or a repeated name is an input error."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = check_text(name, "--bind").strip().lstrip("?$")
        check_text(value, f"--bind {name}")
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
    note = b""
    if fmt == "table":  # shown, not parsed: at most TABLE_ROWS triples, as for a table of rows
        kept = list(itertools.islice(triples, TABLE_ROWS + 1))
        if len(kept) > TABLE_ROWS:
            kept.pop()
            note = f"# the first {TABLE_ROWS} triples; the result has more: use --format nt for all\n".encode()
        triples = kept
    data = ox.serialize(list(triples), format=writer, prefixes=prefixes) or b""  # no output: the bytes
    return data + (b"" if data.endswith(b"\n") or not data else b"\n") + note


def table(
    variables: Sequence[str],
    solutions: Iterable,
    labels: Callable[[set[str]], dict[str, str]] | None = None,
    max_rows: int = TABLE_ROWS,
) -> str:
    """An aligned table; IRIs as CURIEs with their label beside them.

    A table needs every row before its first line (for the column widths), so it shows at most
    ``max_rows``, and says so: the other formats stream any number of rows.
    """
    from gbakg.formats import render

    rows, more = [], False
    for count, s in enumerate(solutions):
        if count == max_rows:
            more = True
            break
        rows.append([s[j] for j in range(len(variables))])
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
    if more:
        footer = f"\n(the first {max_rows} rows; the result has more: use --format csv, tsv or json for all, or LIMIT)"
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
    elif fmt == "nt":  # one triple a line: written in batches, so any number streams
        triples = limited(result, limit, "triples")
        while batch := list(itertools.islice(triples, 10_000)):
            yield write_graph(batch, fmt)
    else:
        yield write_graph(limited(result, limit, "triples"), fmt)


def result_kind(result: object) -> str:
    """``solutions``, ``boolean`` or ``graph``."""
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(result, ox.QuerySolutions) else "graph"
