"""Helpers for the W3C SPARQL 1.1 test suites: manifests, result parsers and comparison, `gbakg serve`.

The suites live beside the checkout, in ``../shared/w3c-sparql11`` (a copy of ``sparql/sparql11`` of
w3c/rdf-tests). Results are read back from each format with parsers of our own (``json``,
``xml.etree``, ``csv``; TSV terms through the Turtle parser, which reads the same term syntax) and
reduced to a comparable form:

* a term is ``("iri", value)``, ``("bnode", label)``, ``("literal", lexical, language or datatype)``
  or, for a numeric literal, ``("number", value)``: pyoxigraph rewrites numbers on load (``1.0`` to
  ``1``, ``3.0E4`` to ``30000``, ``xsd:negativeInteger`` to ``xsd:integer``; see ../shared/NOTES.md),
  so numbers compare by value;
* CSV loses the kind of term, so a CSV cell and the expected term are both reduced to text (a number
  to its value, a blank node to ``_:label``, an empty cell to "unbound");
* blank nodes compare up to renaming: one consistent bijection between the labels of both sides.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Namespace
from rdflib.collection import Collection

from conftest import ROOT

SUITE = ROOT.parent / "shared" / "w3c-sparql11"
# An empty Turtle file of the suite's, for the tests that query the empty graph (no qt:data).
EMPTY = SUITE / "aggregates" / "empty.ttl"
QUERY_FOLDERS = ("aggregates", "bind", "negation", "property-path", "subquery", "functions")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = (
    "integer",
    "decimal",
    "double",
    "float",
    "int",
    "long",
    "short",
    "byte",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
    "negativeInteger",
    "positiveInteger",
    "nonNegativeInteger",
    "nonPositiveInteger",
)
NUMERIC = {XSD + t for t in _NUMBERS}
SRX = "http://www.w3.org/2005/sparql-results#"

# The media types asked for, by format name.
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
FORMATS = tuple(MEDIA)

Term = tuple
Row = tuple[tuple[str, Term], ...]


@dataclass(frozen=True)
class Case:
    """One test of a manifest: its id (``folder/name``), type, query, data (None: the empty graph)
    and expected result."""

    id: str
    kind: str
    query: Path
    data: Path | None
    result: Path

    def data_file(self) -> Path:
        """The file to give ``--graph``: the test's data, or an empty Turtle file of the suite's."""
        return self.data or EMPTY


def _path(uri: object) -> Path:
    return Path(str(uri).removeprefix("file://"))


def cases(folders: Sequence[str], results: Sequence[str] = (".srx", ".srj")) -> list[Case]:
    """The tests of ``folders`` with a query, one Turtle or N-Triples data file or none, no named
    graphs and a result whose suffix is one of ``results``."""
    found = []
    for folder in folders:
        manifest = SUITE / folder / "manifest.ttl"
        if not manifest.exists():
            continue
        g = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for test in Collection(g, next(g.objects(None, MF.entries))):
            kinds = [str(t).rsplit("#", 1)[-1] for t in g.objects(test, None) if str(t).startswith(str(MF))]
            kind = next((k for k in kinds if k.endswith("Test")), "")
            if kind not in ("QueryEvaluationTest", "CSVResultFormatTest"):
                continue
            action = g.value(test, MF.action)
            query, data, result = g.value(action, QT.query), g.value(action, QT.data), g.value(test, MF.result)
            if g.value(action, QT.graphData) is not None or query is None or result is None:
                continue
            data_path = None if data is None else _path(data)
            if data_path is not None and not data_path.exists() and data_path.stem == "empty":
                data_path = None  # functions/empty.nt, named by the uuid tests, is not in the suite
            if (data_path and data_path.suffix not in (".ttl", ".nt")) or _path(result).suffix not in results:
                continue
            name = f"{folder}/{str(test).rsplit('#', 1)[-1]}"
            found.append(Case(name, kind, _path(query), data_path, _path(result)))
    return found


# -- terms -----------------------------------------------------------------------------------------


def _number(text: str) -> Term | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return ("number", "NaN" if math.isnan(value) else round(value, 9))


def literal(value: str, language: str | None, datatype: str | None) -> Term:
    if language:
        return ("literal", value, language.lower())
    datatype = datatype or XSD + "string"
    if datatype in NUMERIC and (number := _number(value)) is not None:
        return number
    return ("literal", value, datatype)


def from_ox(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    assert isinstance(term, ox.Literal), term
    return literal(term.value, term.language, term.datatype.value)


def csv_text(term: Term) -> Term:
    """What a CSV cell keeps of ``term``: its text (numbers by value, blank nodes by label)."""
    return term if term[0] in ("bnode", "number") else csv_cell(term[1])


def csv_cell(text: str) -> Term:
    if text.startswith("_:"):
        return ("bnode", text[2:])
    return _number(text) or ("text", text)


# -- results ---------------------------------------------------------------------------------------


@dataclass
class Results:
    """Variables and rows (each the bound (variable, term) pairs, sorted), or a boolean."""

    variables: list[str]
    rows: list[Row]
    boolean: bool | None = None

    def as_csv(self) -> Results:
        """What CSV can say of these results."""
        rows = []
        for row in self.rows:
            cells = tuple((v, csv_text(t)) for v, t in row)
            rows.append(tuple(c for c in cells if c[1] != ("text", "")))
        return Results(self.variables, rows, self.boolean)


def _row(pairs: dict[str, Term]) -> Row:
    return tuple(sorted(pairs.items()))


def from_ox_results(result: Any) -> Results:
    if isinstance(result, ox.QueryBoolean):
        return Results([], [], bool(result))
    names = [v.value for v in result.variables]
    return Results(names, [_row({n: from_ox(s[n]) for n in names if s[n] is not None}) for s in result])


def expected(path: Path) -> Results:
    """The expected results of a test (``.srx`` or ``.srj``), read by pyoxigraph."""
    fmt = ox.QueryResultsFormat.XML if path.suffix == ".srx" else ox.QueryResultsFormat.JSON
    return from_ox_results(ox.parse_query_results(path=str(path), format=fmt))


def parse_json(body: bytes) -> Results:
    document = json.loads(body)
    if "boolean" in document:
        assert isinstance(document["boolean"], bool), document
        return Results([], [], document["boolean"])
    rows = []
    for binding in document["results"]["bindings"]:
        pairs = {}
        for name, cell in binding.items():
            kind = cell["type"]
            if kind == "uri":
                pairs[name] = ("iri", cell["value"])
            elif kind == "bnode":
                pairs[name] = ("bnode", cell["value"])
            else:
                assert kind in ("literal", "typed-literal"), cell
                pairs[name] = literal(cell["value"], cell.get("xml:lang"), cell.get("datatype"))
        rows.append(_row(pairs))
    return Results(list(document["head"]["vars"]), rows)


def parse_xml(body: bytes) -> Results:
    root = ET.fromstring(body)
    assert root.tag == f"{{{SRX}}}sparql", root.tag
    head = root.find(f"{{{SRX}}}head")
    assert head is not None
    variables = [v.attrib["name"] for v in head.findall(f"{{{SRX}}}variable")]
    boolean = root.find(f"{{{SRX}}}boolean")
    if boolean is not None:
        assert boolean.text in ("true", "false"), boolean.text
        return Results(variables, [], boolean.text == "true")
    rows = []
    results = root.find(f"{{{SRX}}}results")
    assert results is not None
    for result in results.findall(f"{{{SRX}}}result"):
        pairs = {}
        for binding in result.findall(f"{{{SRX}}}binding"):
            (term,) = list(binding)
            kind, text = term.tag.removeprefix(f"{{{SRX}}}"), term.text or ""
            if kind == "uri":
                pairs[binding.attrib["name"]] = ("iri", text)
            elif kind == "bnode":
                pairs[binding.attrib["name"]] = ("bnode", text)
            else:
                assert kind == "literal", kind
                language = term.attrib.get("{http://www.w3.org/XML/1998/namespace}lang")
                pairs[binding.attrib["name"]] = literal(text, language, term.attrib.get("datatype"))
        rows.append(_row(pairs))
    return Results(variables, rows)


def parse_csv(body: bytes) -> Results:
    """SPARQL 1.1 CSV: a header of names, then one line a row; an empty cell is unbound. (An ASK
    result, which the format does not define, is read as gbakg writes it: ``_askResult``, ``true``.)"""
    text = body.decode("utf-8")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header, rows = lines[0], lines[1:]
    if header == ["_askResult"]:
        return Results([], [], rows[0] == ["true"])
    found = []
    for cells in rows:
        cells = cells if header else []  # no variables: each row is an empty line
        assert len(cells) == len(header), (header, cells)
        found.append(_row({n: csv_cell(c) for n, c in zip(header, cells, strict=True) if c != ""}))
    return Results(header, found)


def parse_tsv(body: bytes) -> Results:
    """SPARQL 1.1 TSV: a header of ``?names``, then one line a row of terms in Turtle syntax (read by
    the Turtle parser, one document, so a blank node label means one node throughout)."""
    text = body.decode("utf-8")
    assert "\r" not in text.replace("\r\n", "\n"), "a stray CR"
    lines = text.split("\n")
    assert lines[-1] == "", "the last line ends with a newline"
    header, rows = (lines[0].split("\t") if lines[0] else []), lines[1:-1]
    if header == ["_askResult"]:
        return Results([], [], rows[0] == "true")
    assert all(h[:1] in "?$" and len(h) > 1 for h in header), header
    names = [h[1:] for h in header]
    turtle = []
    for i, line in enumerate(rows):
        cells = line.split("\t") if names else []
        assert len(cells) == len(names) and (names or not line), (names, line)
        turtle += [f"<urn:row:{i}> <urn:var:{j}> {c} ." for j, c in enumerate(cells) if c != ""]
    cells_of: dict[int, dict[str, Term]] = {i: {} for i in range(len(rows))}
    for triple in ox.parse("\n".join(turtle).encode(), format=ox.RdfFormat.TURTLE):
        row = int(triple.subject.value.rsplit(":", 1)[1])
        cells_of[row][names[int(triple.predicate.value.rsplit(":", 1)[1])]] = from_ox(triple.object)
    return Results(names, [_row(cells_of[i]) for i in range(len(rows))])


PARSERS = {"json": parse_json, "xml": parse_xml, "csv": parse_csv, "tsv": parse_tsv}


# -- comparison ------------------------------------------------------------------------------------


def _erased(row: Row) -> Row:
    return tuple((v, ("bnode",) if t[0] == "bnode" else t) for v, t in row)


def _extend(mapping: dict[str, str], used: set[str], mine: Row, theirs: Row) -> dict[str, str] | None:
    new = dict(mapping)
    taken = set(used)
    for (_, a), (_, b) in zip(mine, theirs, strict=True):
        if a[0] != "bnode":
            continue
        if a[1] in new:
            if new[a[1]] != b[1]:
                return None
        elif b[1] in taken:
            return None
        else:
            new[a[1]] = b[1]
            taken.add(b[1])
    return new


def _match(mine: list[Row], theirs: list[Row], mapping: dict[str, str]) -> bool:
    """True if ``theirs`` is ``mine`` with blank nodes renamed by one bijection (backtracking)."""
    if not mine:
        return True
    first, rest = mine[0], mine[1:]
    for i, candidate in enumerate(theirs):
        if _erased(candidate) != _erased(first):
            continue
        extended = _extend(mapping, set(mapping.values()), first, candidate)
        if extended is not None and _match(rest, theirs[:i] + theirs[i + 1 :], extended):
            return True
    return False


def same(got: Results, want: Results) -> bool:
    """Equal as answers: the same boolean, or the same variables and the same multiset of rows,
    blank nodes up to renaming (row order is not compared)."""
    if want.boolean is not None or got.boolean is not None:
        return got.boolean == want.boolean
    if set(got.variables) != set(want.variables):
        return False
    if sorted(map(_erased, got.rows), key=repr) != sorted(map(_erased, want.rows), key=repr):
        return False
    if not any(t[0] == "bnode" for row in want.rows for _, t in row):
        return True
    return _match(sorted(want.rows, key=repr), sorted(got.rows, key=repr), {})


def explain(got: Results, want: Results) -> str:
    if want.boolean is not None or got.boolean is not None:
        return f"boolean {got.boolean!r}, expected {want.boolean!r}"
    return (
        f"variables {got.variables} (expected {want.variables}); {len(got.rows)} rows (expected {len(want.rows)})\n"
        f"got:      {sorted(got.rows, key=repr)[:8]}\nexpected: {sorted(want.rows, key=repr)[:8]}"
    )


def engine_alone(query: Path, data: Path | None) -> Results:
    """pyoxigraph's own answer (the engine without gbakg), as the W3C harness would ask it."""
    store = ox.Store()
    if data is not None:
        store.load(path=str(data), format=ox.RdfFormat.TURTLE, base_iri=data.as_uri())
    return from_ox_results(store.query(query.read_text(encoding="utf-8"), base_iri=query.as_uri()))


# -- gbakg serve -----------------------------------------------------------------------------------


class Server:
    """`gbakg serve --graph FILE... [--named-graph IRI=FILE...]` in a subprocess on a free port of 127.0.0.1."""

    def __init__(self, *files: Path, timeout: float = 10.0, named: dict[str, Path] | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "gbakg", "serve", "--port", "0", "--quiet", "--workers", "1"]
        command += ["--timeout", str(timeout)]
        for file in files:
            command += ["--graph", str(file)]
        for iri, file in (named or {}).items():
            command += ["--named-graph", f"{iri}={file}"]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
        assert self.process.stderr is not None
        first = self.process.stderr.readline()
        if " read-only at http://127.0.0.1:" not in first:
            self.close()
            raise RuntimeError(f"gbakg serve did not start: {first}")
        self.url = first.rsplit(" ", 1)[1].strip()
        self.process.stderr.readline()  # the query page

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl+C, which stops the workers too
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stderr is not None:
            self.process.stderr.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def http(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> tuple[int, Any, bytes]:
    """(status, headers, body) of one request, errors included; 30 s at most."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read()


def grouped(items: Sequence[Case]) -> Iterator[tuple[Path, list[Case]]]:
    """The cases by data file (the empty file for those without data), in a stable order."""
    by_data: dict[Path, list[Case]] = {}
    for case in items:
        by_data.setdefault(case.data_file(), []).append(case)
    yield from sorted(by_data.items())
