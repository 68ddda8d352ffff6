"""Rendering query results: the W3C formats (SPARQL 1.1 Query Results JSON, XML, CSV, TSV;
Turtle, N-Triples, RDF/XML, JSON-LD for graphs) and an aligned table with labels beside IRIs,
whatever engine answered.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from gbakg.errors import InputError
from gbakg.sparql.text import PREFIXES
from gbakg.vocabulary import curie

SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("table", "ttl", "nt", "json", "xml")
FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")
TABLE_ROWS = 1000
"""The table format shows at most this many rows (or triples); the machine formats stream them all."""


class ResultTooLarge(InputError):
    """More rows (or triples) than the caller allows."""


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
