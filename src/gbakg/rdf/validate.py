"""Judging the data: SHACL shapes, the provenance rule, and every quote against its source.

A validation result is a returned value, not an exception: callers decide what a violation means.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from gbakg import paths
from gbakg.errors import DataNotFoundError
from gbakg.rdf import rules
from gbakg.rdf.evidence import EvidenceIndex
from gbakg.rdf.load import parse_files
from gbakg.rdf.quotes import Corpus
from gbakg.vocabulary import (
    ANNOTATION_PREDICATES,
    GBA,
    GBR,
    NAMING_PREDICATES,
    QUALIFIED_CLASSES,
    SH,
    VOCABULARY_CLASSES,
    curie,
)

# Ontology-defined resources that live in the gbr: namespace: they are vocabulary, not facts.
_VOCABULARY_CLASSES = VOCABULARY_CLASSES


@dataclass(frozen=True, order=True)
class Finding:
    """One violation: which rule, on which node, along which property, and why."""

    kind: str  # "shape", "provenance", "model" or "quote"
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        return f"[{self.kind}] {where}: {self.message}"


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: findings, plus what was checked."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for review, not violations: possible overreads
    quotes_checked: int = 0
    quotes_unverifiable: int = 0
    quotes_unchecked: str = ""  # why the quotes were not checked (no corpus), else empty
    statements: int = 0
    qualified_nodes: int = 0

    @property
    def conforms(self) -> bool:
        return not self.findings

    def text(self) -> str:
        """A readable report: a verdict line, then one line per finding and warning."""
        lines = []
        if self.conforms:
            checked = "" if self.quotes_unchecked else f", {self.quotes_checked} quotes found in their sources"
            lines.append(
                f"Valid: {self.statements} cited statements, {self.qualified_nodes} qualified nodes{checked}"
                + (
                    f", {self.quotes_unverifiable} quotes from web pages"
                    " (check them online with `gbakg sources check`)."
                    if self.quotes_unverifiable
                    else "."
                )
            )
        else:
            lines.append(f"Invalid: {len(self.findings)} violation(s).")
            lines.extend(f"  {f}" for f in sorted(self.findings))
        lines.extend(f"  warning: {w}" for w in self.warnings)
        if self.quotes_unchecked:
            lines.append(f"  note: {self.quotes_unchecked}")
        if self.notes:
            lines.append(
                f"  review: {len(self.notes)} quote(s) name neither the subject nor the object "
                "(gbakg validate --review lists them)"
            )
        return "\n".join(lines)

    def review_text(self) -> str:
        """The notes for review, one per line."""
        return "\n".join(self.notes) if self.notes else "Nothing to review: every quote names what it backs."


def validate(
    graph: Graph,
    *,
    corpus: str | os.PathLike[str] | None = None,
    shapes: Graph | None = None,
    quotes: bool = True,
) -> ValidationReport:
    """Check ``graph`` (data merged with the ontology, as :func:`gbakg.load` returns it).

    ``quotes=False`` skips the quote check, for callers that judge only the model.
    """
    report = ValidationReport()
    report.findings.extend(_shape_findings(graph, shapes))
    report.findings.extend(_provenance_findings(graph, report))
    report.findings.extend(_model_findings(graph))
    unplaced = rules.unplaced_actors(graph)
    if unplaced:
        shown = ", ".join(curie(str(a)) for a in unplaced[:5]) + (" …" if len(unplaced) > 5 else "")
        report.warnings.append(
            f"{len(unplaced)} organisation(s) or facilities have no place (gba:locatedIn), so the place graph "
            f"cannot count them: {shown}"
        )
    report.notes.extend(rules.overreads(graph))
    if not quotes:
        return report
    folder = paths.corpus_dir(corpus)
    if folder is None:
        report.quotes_unchecked = (
            "quotes not checked against their source texts (no corpus: give --corpus DIR or set GBAKG_CORPUS)"
        )
    else:
        report.findings.extend(_quote_findings(graph, Corpus(folder), report))
    return report


def _shape_findings(graph: Graph, shapes: Graph | None) -> list[Finding]:
    import pyshacl

    shapes = shapes if shapes is not None else parse_files([paths.shapes_file()])
    _conforms, results, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True, abort_on_first=False
    )
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        text = str(message) if message is not None else "violates a shape"
        if value is not None and value != focus:
            text += f" (value: {_show(value)})"
        findings.append(Finding("shape", _show(focus, graph), _show(path) if path is not None else "", text))
    return findings


def _provenance_findings(graph: Graph, report: ValidationReport) -> list[Finding]:
    """Every triple about an entity is backed by a statement, and every statement by a triple."""
    backed: dict[tuple, list] = defaultdict(list)
    for st, triple in EvidenceIndex(graph).statements.items():
        backed[triple].append(st)
    report.statements = sum(len(v) for v in backed.values())

    qualified = {n for cls in QUALIFIED_CLASSES for n in graph.subjects(RDF.type, cls)}
    report.qualified_nodes = len(qualified)
    vocabulary = {n for cls in _VOCABULARY_CLASSES for n in graph.subjects(RDF.type, cls)}
    exempt_predicates = set(NAMING_PREDICATES) | set(ANNOTATION_PREDICATES)

    findings = []
    for s, p, o in graph:
        if not isinstance(s, URIRef) or not s.startswith(str(GBR)):
            continue
        if s in vocabulary:
            continue
        if s in qualified or p in exempt_predicates:
            continue
        if (s, p, o) not in backed:
            findings.append(
                Finding(
                    "provenance",
                    _show(s),
                    _show(p),
                    f"no evidence for the value {_show(o, graph)} (add an rdf:Statement with source and quote)",
                )
            )
    for (s, p, o), statements in backed.items():
        if (s, p, o) not in graph:
            for st in statements:
                findings.append(
                    Finding(
                        "provenance",
                        _show(s),
                        _show(p),
                        f"a statement cites {_show(o, graph)}, but that triple is not in the graph "
                        f"(statement {_show(st)})",
                    )
                )
    return findings


def _model_findings(graph: Graph) -> list[Finding]:
    """The data-model rules SHACL cannot express (see :mod:`gbakg.rdf.rules`)."""
    findings = [Finding("model", *f) for f in rules.described(graph)]
    findings += [Finding("model", *f) for f in rules.shared_names(graph)]
    findings += [Finding("model", *f) for f in rules.duplicate_milestones(graph)]
    findings += [Finding("model", *f) for f in rules.post_periods(graph)]
    findings += [Finding("model", *f) for f in rules.relative_dates(graph)]
    findings += [
        Finding("model", curie(str(s)), curie(str(p)), f"decimal {str(o)!r} is not in canonical form (write {o}.0)")
        for s, p, o in graph
        if isinstance(o, Literal) and o.datatype == XSD.decimal and "." not in str(o)
    ]
    return findings


def _quote_findings(graph: Graph, corpus: Corpus, report: ValidationReport) -> list[Finding]:
    """Each quote against its source text; a text the corpus lacks is one finding, not one per quote.

    A corpus that holds none of the texts the graph cites is the wrong folder: an input error.
    """
    findings = []
    missing: dict[str, list] = defaultdict(list)  # file name -> [source, quotes]
    present = False
    for node, quote in graph.subject_objects(GBA.quote):
        source = graph.value(node, PROV.wasDerivedFrom)
        if source is None:
            continue  # the shapes report the missing source
        file_name = graph.value(source, GBA.corpusFile)
        if file_name is None:
            report.quotes_unverifiable += 1
            continue
        found = corpus.contains(str(file_name), str(quote))
        if found is None:
            missing[str(file_name)].append(source)
            continue
        present = True
        focus = _evidence_focus(graph, node)
        if not found:
            findings.append(
                Finding("quote", focus, "gba:quote", f"quote not found in {file_name}: {_clip(str(quote))!r}")
            )
        else:
            report.quotes_checked += 1
    if missing and not present:
        first, others = sorted(missing)[0], len(missing) - 1
        more = f" (nor {others} other source text(s) the graph cites: is it the corpus folder?)" if others else ""
        raise DataNotFoundError(f"source text {first} not found in {corpus.folder}{more}")
    for text, sources in sorted(missing.items()):
        findings.append(
            Finding(
                "quote",
                _show(sources[0]),
                "gba:corpusFile",
                f"source text {text} not found in {corpus.folder} ({len(sources)} quote(s) not checked)",
            )
        )
    return findings


def _evidence_focus(graph: Graph, node) -> str:  # type: ignore[no-untyped-def]
    """Name a statement by the triple it backs, which says more than its hash."""
    if (graph.value(node, RDF.subject)) is not None:
        s, p = graph.value(node, RDF.subject), graph.value(node, RDF.predicate)
        return f"{_show(s)} {_show(p)} (statement)"
    return _show(node, graph)


def _show(term, graph: Graph | None = None) -> str:  # type: ignore[no-untyped-def]
    if isinstance(term, URIRef) and graph is not None and graph.value(term, RDF.subject) is not None:
        return f"statement about {_show(graph.value(term, RDF.subject))} ({curie(str(term))})"
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, Literal):
        return repr(_clip(str(term))) if term.datatype is None else f"{_clip(str(term))!r}^^{curie(str(term.datatype))}"
    if isinstance(term, BNode) and graph is not None and graph.value(term, RDF.subject) is not None:
        return f"statement about {_show(graph.value(term, RDF.subject))}"
    return "a blank node"


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
