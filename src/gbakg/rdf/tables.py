"""Facts tables: CSV rows of cited facts, checked and turned into triples with their evidence.

Analysts should not write reification by hand. A facts table has one fact a row (subject,
predicate, object, source, quote, and a date where the fact is dated); a sources table describes
new sources. Every row is checked — names resolved, the predicate known, the quote found in its
source text when the corpus holds it, dates well formed, the model rules — and nothing is produced
unless every row passes. ``gbakg add`` writes the result with :mod:`gbakg.rdf.housestyle`.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from gbakg.dates import parse_date, resolve_relative
from gbakg.errors import InputError
from gbakg.fileio import read_text
from gbakg.names import key
from gbakg.rdf.evidence import statement_iri
from gbakg.rdf.quotes import Corpus
from gbakg.rdf.resolve import did_you_mean, name_index
from gbakg.rdf.rules import DATE_PREDICATES, instances, name_key
from gbakg.vocabulary import GBA, GBR, GBS, QUALIFIED_CLASSES, SCHEMA, curie, expand

FACT_COLUMNS = ("subject", "predicate", "object", "lang", "source", "quote", "date", "id")
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url", "language")
REQUIRED_FACT_COLUMNS = ("subject", "predicate", "object", "source", "quote")
MAX_QUOTE = 200

# Standard terms the ontology reuses, with what their object is: an entity, text, a number or a date.
REUSED_PREDICATES: dict[URIRef, str] = {
    ORG.member: "entity",
    ORG.organization: "entity",
    ORG.role: "entity",
    ORG.subOrganizationOf: "entity",
    SCHEMA.parentOrganization: "entity",
    SCHEMA.isPartOf: "entity",
    SCHEMA.value: "number",
    SCHEMA.unitText: "text",
    SCHEMA.startDate: "date",
    SCHEMA.endDate: "date",
    SCHEMA.foundingDate: "date",
    RDFS.label: "name",
    SKOS.altLabel: "name",
    GBA.sharedPost: "boolean",
}
# Standard classes the data uses directly.
REUSED_CLASSES = (ORG.Role, ORG.Membership)
# Where the date column of a qualified node's `a` row goes.
_NODE_DATE = {GBA.Agreement: GBA.signedOn, ORG.Membership: GBA.date, GBA.Milestone: GBA.date, GBA.Figure: GBA.date}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class TableError(InputError):
    """A row that cannot be added: the message starts ``FILE:ROW:``."""


@dataclass
class Added:
    """What a table adds: the new triples, and counts for the summary line."""

    graph: Graph = field(default_factory=Graph)
    sources: int = 0
    entities: int = 0
    statements: int = 0


def slugify(name: str) -> str:
    """The slug a new entity gets from its English name: lowercase ASCII words joined by hyphens.

    >>> slugify("Hong Kong University of Science & Technology (Guangzhou)")
    'hong-kong-university-of-science-technology-guangzhou'
    """
    text = name.replace("’", "").replace("'", "").lower()
    return "-".join(re.findall(r"[a-z0-9]+", text))


def read_table(
    path: str | os.PathLike[str], columns: tuple[str, ...], required: tuple[str, ...]
) -> list[tuple[int, dict]]:
    """Read a CSV with a header row; each row comes with its line number. Unknown columns are errors."""
    path = Path(path)
    text = read_text(path, encoding="utf-8-sig", error=TableError)
    # Rows end where CSV says (\n, \r\n): str.splitlines would also cut at U+2028, U+0085, \x1c… inside a cell.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    if unknown or missing:
        why = f"unknown column(s) {', '.join(unknown)}" if unknown else f"missing column(s) {', '.join(missing)}"
        raise TableError(f"{path}:1: {why}; the columns are {', '.join(columns)}")
    rows = []
    try:
        for row in reader:
            if None in row:
                raise TableError(f"{path}:{reader.line_num}: more values than columns")
            values = {k.strip(): (v or "").strip() for k, v in row.items()}
            if any(values.values()):
                rows.append((reader.line_num, values))
    except csv.Error as e:
        raise TableError(f"{path}:{reader.line_num}: bad CSV ({e})") from e
    return rows


class _Names:
    """Resolves names to entities: the graph's, then those the table defines as it goes."""

    def __init__(self, graph: Graph) -> None:
        self.index = name_index(graph)
        self.slugs = {str(s)[len(str(GBR)) :] for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(GBR)}

    def add(self, entity: URIRef, name: str) -> None:
        self.index.setdefault(key(name), set()).add(entity)
        self.index.setdefault(str(entity)[len(str(GBR)) :], set()).add(entity)
        self.slugs.add(str(entity)[len(str(GBR)) :])

    def find(self, name: str) -> URIRef | None:
        iri = expand(name) or (name[1:-1] if name.startswith("<") and name.endswith(">") else None)
        if iri is not None:
            return URIRef(iri) if iri.startswith(str(GBR)) and iri[len(str(GBR)) :] in self.slugs else None
        found = self.index.get(key(name), set())
        if len(found) > 1:
            raise ValueError(f"{name!r} is ambiguous: it names {', '.join(sorted(curie(str(f)) for f in found))}")
        return next(iter(found)) if found else None

    def hint(self, name: str, labels: Graph) -> str:
        return did_you_mean(labels, self.index, name)


class _Builder:
    def __init__(self, graph: Graph, corpus: Corpus | None) -> None:
        self.base = graph
        self.corpus = corpus
        self.out = Added()
        self.names = _Names(graph)
        self.classes = set(graph.subjects(RDF.type, OWL.Class))
        self.object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
        self.data_properties = set(graph.subjects(RDF.type, OWL.DatatypeProperty))
        self.qualified = {n for cls in QUALIFIED_CLASSES for n in graph.subjects(RDF.type, cls)}
        self.own_evidence: dict[Node, tuple[Node | None, str]] = {
            n: (graph.value(n, PROV.wasDerivedFrom), str(graph.value(n, GBA.quote))) for n in self.qualified
        }
        self.defined_at: dict[Node, str] = {}
        self.named_at: dict[tuple[Node, str], str] = {}  # (entity, name key) -> the row that gave the name

    # -- sources

    def source(self, where: str, row: dict) -> None:
        slug = row.get("id", "")
        if not _SLUG.fullmatch(slug):
            raise TableError(f"{where}: source id {slug!r} must be a lowercase hyphenated slug")
        node = GBS[slug]
        if (node, None, None) in self.base or (node, None, None) in self.out.graph:
            raise TableError(f"{where}: source gbs:{slug} exists already")
        title = row.get("title", "")
        if not title:
            raise TableError(f"{where}: a source needs a title")
        date = _date(where, row.get("date", ""), "source date")
        url = row.get("url", "")
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
            raise TableError(f"{where}: url {url!r} is not an http(s) address")
        for known in (self.base, self.out.graph):
            for other in known.subjects(SCHEMA.url, URIRef(url)):
                raise TableError(f"{where}: {url} is already the source {curie(str(other))}; cite that id")
        lang = _language(where, row.get("language") or "en", "language")
        g = self.out.graph
        g.add((node, RDF.type, GBA.Source))
        g.add((node, RDFS.label, Literal(title, lang=lang)))
        g.add((node, DCTERMS.title, Literal(title, lang=lang)))
        if row.get("publisher"):
            g.add((node, DCTERMS.publisher, Literal(row["publisher"])))
        g.add((node, DCTERMS.date, date))
        g.add((node, SCHEMA.url, URIRef(url)))
        self.out.sources += 1

    # -- facts

    def fact(self, where: str, row: dict) -> None:
        source = self._source(where, row["source"])
        quote = row["quote"]
        if not quote:
            raise TableError(f"{where}: every fact needs a quote")
        if len(quote) > MAX_QUOTE:
            raise TableError(f"{where}: quote is {len(quote)} characters; at most {MAX_QUOTE}")
        self._check_quote(where, source, quote)
        predicate = self._predicate(where, row["predicate"])
        if predicate == RDF.type:
            self._type_row(where, row, source, quote)
            return
        if row.get("date"):
            raise TableError(
                f"{where}: the date column belongs on the `a` row of an agreement, post, milestone or figure"
            )
        subject = self._entity(where, row["subject"])
        obj, as_written = self._object(where, predicate, row, source)
        if predicate in (RDFS.label, SKOS.altLabel):
            self.named_at.setdefault((subject, name_key(str(obj))), where)
        self._assert(subject, predicate, obj, source, quote, as_written)

    def _type_row(self, where: str, row: dict, source: URIRef, quote: str) -> None:
        cls = self._class(where, row["object"])
        name = row["subject"]
        try:
            entity = self.names.find(name)
        except ValueError as e:
            raise TableError(f"{where}: {e}") from e
        g = self.out.graph
        if entity is None:
            slug = row.get("id") or slugify(name)
            if not _SLUG.fullmatch(slug):
                raise TableError(f"{where}: id {slug!r} must be a lowercase hyphenated slug")
            if slug in self.names.slugs:
                raise TableError(f"{where}: gbr:{slug} exists already under another name; use that name or give an id")
            if expand(name):
                raise TableError(f"{where}: unknown entity {name!r}: a new entity's subject is its English name")
            entity = GBR[slug]
            self.names.add(entity, name)
            g.add((entity, RDFS.label, Literal(name, lang="en")))
            self.defined_at[entity] = where
            self.named_at[(entity, name_key(name))] = where
            self.out.entities += 1
        else:
            existing = set(self.base.objects(entity, RDF.type)) | set(g.objects(entity, RDF.type))
            if existing and cls not in existing:
                shown = ", ".join(sorted(curie(str(c)) for c in existing))
                raise TableError(f"{where}: {name!r} is already a {shown}, not {curie(str(cls))}")
        date = row.get("date", "")
        if cls in QUALIFIED_CLASSES and entity not in self.own_evidence:
            self.qualified.add(entity)
            self.own_evidence[entity] = (source, quote)
            g.add((entity, RDF.type, cls))
            g.add((entity, PROV.wasDerivedFrom, source))
            g.add((entity, GBA.quote, Literal(quote)))
            if date:
                value, as_written = self._date_value(where, date, source)
                g.add((entity, _NODE_DATE.get(cls, GBA.date), value))
                if as_written:
                    g.add((entity, GBA.dateAsWritten, Literal(as_written)))
            return
        if date:
            raise TableError(
                f"{where}: the date column belongs on the `a` row of an agreement, post, milestone or figure"
            )
        self._assert(entity, RDF.type, cls, source, quote, None)

    def _assert(self, s: Node, p: Node, o: Node, source: URIRef, quote: str, as_written: str | None) -> None:
        g = self.out.graph
        g.add((s, p, o))
        own = self.own_evidence.get(s)
        if own is not None and own == (source, quote) and as_written is None:
            return  # the qualified node's own evidence backs it
        if own is not None and (s, p, o) in self.base and own[0] is not None:
            # From now on statements back this triple: the node's own source gets one too (graph/README.md).
            self._statement(s, p, o, own[0], own[1], None)  # type: ignore[arg-type]
        self._statement(s, p, o, source, quote, as_written)

    def _statement(self, s: Node, p: Node, o: Node, source: URIRef, quote: str, as_written: str | None) -> None:
        g = self.out.graph
        st = statement_iri(s, p, o, source, quote)
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, source))
        g.add((st, GBA.quote, Literal(quote)))
        if as_written:
            g.add((st, GBA.dateAsWritten, Literal(as_written)))
        self.out.statements += 1

    # -- terms

    def _source(self, where: str, name: str) -> URIRef:
        iri = expand(name) or str(GBS) + name
        node = URIRef(iri)
        if (node, RDF.type, GBA.Source) not in self.base and (node, RDF.type, GBA.Source) not in self.out.graph:
            raise TableError(f"{where}: unknown source {name!r} (add it to the sources table)")
        return node

    def _check_quote(self, where: str, source: URIRef, quote: str) -> None:
        file_name = self.base.value(source, GBA.corpusFile)
        if file_name is None or self.corpus is None:
            return
        found = self.corpus.contains(str(file_name), quote)
        if found is False:
            raise TableError(f"{where}: quote not found in {file_name}: {quote[:60]!r}")

    def _predicate(self, where: str, text: str) -> URIRef:
        if text.strip() in ("a", "rdf:type"):
            return RDF.type
        iri = expand(text.strip())
        if iri is None:
            raise TableError(f"{where}: predicate {text!r} is not a CURIE (such as gba:locatedIn)")
        p = URIRef(iri)
        if p in self.object_properties or p in self.data_properties or p in REUSED_PREDICATES:
            return p
        known = sorted(curie(str(x)) for x in self.object_properties | self.data_properties | REUSED_PREDICATES.keys())
        close = difflib.get_close_matches(text.strip(), known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise TableError(f"{where}: predicate {text!r} is not in the ontology{hint}")

    def _class(self, where: str, text: str) -> URIRef:
        iri = expand(text.strip())
        if iri is not None and (URIRef(iri) in self.classes or URIRef(iri) in REUSED_CLASSES):
            return URIRef(iri)
        for cls in self.classes:
            if any(str(label).lower() == text.strip().lower() for label in self.base.objects(cls, RDFS.label)):
                return cls  # type: ignore[return-value]
        raise TableError(f"{where}: {text!r} is not a class of the ontology (such as gba:University)")

    def _entity(self, where: str, name: str) -> URIRef:
        try:
            entity = self.names.find(name)
        except ValueError as e:
            raise TableError(f"{where}: {e}") from e
        if entity is None:
            raise TableError(f"{where}: unknown entity {name!r}{self.names.hint(name, self.base + self.out.graph)}")
        return entity

    def _object(self, where: str, p: URIRef, row: dict, source: URIRef) -> tuple[Node, str | None]:
        text, lang = row["object"], row.get("lang") or None
        kind = REUSED_PREDICATES.get(p) or ("entity" if p in self.object_properties else "text")
        if p in DATE_PREDICATES:
            kind = "date"
        if not text:
            raise TableError(f"{where}: the object is empty")
        if kind == "name":
            return Literal(
                text, lang=_language(where, lang, "lang") if lang else "en" if p == RDFS.label else None
            ), None
        if lang:
            raise TableError(f"{where}: lang goes with rdfs:label and skos:altLabel only")
        if kind == "date":
            return self._date_value(where, text, source)
        if kind == "number":
            if not _NUMBER.fullmatch(text):
                raise TableError(f"{where}: {text!r} is not a number (write digits, with a '.' for decimals)")
            return Literal(text, datatype=XSD.decimal if "." in text else XSD.integer), None
        if kind == "boolean":
            if text not in ("true", "false"):
                raise TableError(f"{where}: {text!r} is not true or false")
            return Literal(text == "true"), None
        if kind == "text":
            return Literal(text), None
        iri = expand(text)
        if iri is not None and not iri.startswith(str(GBR)):
            return URIRef(iri), None  # vocabulary such as gba:Achieved
        return self._entity(where, text), None

    def _date_value(self, where: str, text: str, source: URIRef) -> tuple[Literal, str | None]:
        try:
            return _date(where, text, "date"), None
        except TableError:
            pass
        source_date = self.base.value(source, DCTERMS.date) or self.out.graph.value(source, DCTERMS.date)
        from gbakg.dates import literal_period

        period = literal_period(str(source_date), source_date.datatype) if isinstance(source_date, Literal) else None
        resolved = resolve_relative(text, period) if period is not None else None
        if resolved is None:
            raise TableError(
                f"{where}: date {text!r} is neither YYYY, YYYY-MM, YYYY-MM-DD nor a relative date the rule resolves "
                f"against the source's date ({source_date})"
            )
        return Literal(resolved[0], datatype=URIRef(resolved[1])), text

    # -- model rules a row can break

    def check_model(self) -> Iterator[str]:
        g = self.out.graph
        merged = self.base + g
        actors = instances(merged, GBA.Organization) | instances(merged, GBA.Person)
        for s, o in g.subject_objects(GBA.party):
            if o not in actors:
                yield (
                    f"{self._at(s)}: party {curie(str(o))} is not an actor (organisation, government body, person): "
                    "use gba:appliesTo for a place"
                )
        for node in self.defined_at:
            types = set(merged.objects(node, RDF.type))
            if ORG.Membership in types and not ({SCHEMA.startDate, GBA.date} & set(merged.predicates(node, None))):
                yield f"{self._at(node)}: a post needs a time: a date on its `a` row, or schema:startDate"
            if GBA.Agreement in types and len(set(merged.objects(node, GBA.party))) < 2:
                yield f"{self._at(node)}: an agreement needs at least two parties (gba:party)"
        owners: dict[str, set[Node]] = {}
        for s, p, o in merged:
            if p in (RDFS.label, SKOS.altLabel) and isinstance(s, URIRef) and s.startswith(str(GBR)):
                owners.setdefault(name_key(str(o)), set()).add(s)
        for (node, name), where in self.named_at.items():
            others = sorted(curie(str(x)) for x in owners.get(name, set()) - {node})
            if others:
                yield f"{where}: the name {name!r} is taken by {', '.join(others)}"

    def _at(self, node: Node) -> str:
        return self.defined_at.get(node) or curie(str(node))


def _language(where: str, tag: str, column: str) -> str:
    """``tag`` if it is a language tag rdflib accepts (``en``, ``zh-Hant``), else a TableError naming the row."""
    try:
        Literal("", lang=tag)
    except ValueError as e:
        raise TableError(f"{where}: {column} {tag!r} is not a language tag (such as en or zh-Hant)") from e
    return tag


def _date(where: str, text: str, what: str) -> Literal:
    try:
        period = parse_date(text)
    except InputError as e:
        raise TableError(f"{where}: {what} {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD") from e
    kind = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(period.text)]
    return Literal(period.text, datatype=kind)


def build_facts(
    graph: Graph,
    facts: str | os.PathLike[str],
    sources: str | os.PathLike[str] | None = None,
    corpus: Corpus | None = None,
) -> Added:
    """Check a facts table (and a sources table) against ``graph`` and return what they add.

    ``graph`` is what the names resolve against (the curated graph and the ontology, usually).
    The first bad row raises :class:`TableError` naming its file and line; every row is checked
    before anything is returned, so a caller writes all or nothing.
    """
    builder = _Builder(graph, corpus)
    if sources is not None:
        for line, row in read_table(sources, SOURCE_COLUMNS, ("id", "title", "date", "url")):
            builder.source(f"{sources}:{line}", row)
    for line, row in read_table(facts, FACT_COLUMNS, REQUIRED_FACT_COLUMNS):
        builder.fact(f"{facts}:{line}", row)
    problems = list(builder.check_model())
    if problems:
        raise TableError(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return builder.out
