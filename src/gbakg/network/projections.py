"""Projections from RDF to NetworkX, and analysis results back to RDF.

The one module that knows both rdflib and networkx. Projections are built with dictionary lookups
in a few linear passes over the triples, so the cost grows with the graph's size, not with nodes
times edges. Three projections:

* ``full_graph``: every entity a node, every entity-to-entity triple an edge with its evidence;
* ``collaboration_graph``: actors linked by shared agreements, memberships, programmes and
  asserted ``gba:collaboratesWith``, each link keeping its ties and their evidence;
* ``place_graph``: the collaboration graph aggregated to cities and regions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from gbakg.names import label_rank
from gbakg.network.graphs import home_places
from gbakg.network.triples import LABEL, TITLE, TYPE, Blank, Lit, Term, Triples, read
from gbakg.rdf.evidence import Citation
from gbakg.vocabulary import (
    GBA,
    GBR,
    GBS,
    HOME_CLASSES,
    NAMING_PREDICATES,
    ORG,
    ORGANISATION_CLASSES,
    PLACE_CLASSES,
    bind_prefixes,
    curie,
)

# Plain-string forms of the terms the projections look for (see gbakg.network.triples).
_NOT_NODES = {str(SKOS.ConceptScheme), str(RDF.Statement)}
_SKIP_PREDICATES = {str(p) for p in (RDF.type, PROV.wasDerivedFrom, GBA.quote, SKOS.inScheme, SKOS.topConceptOf)}
_NAMING = {str(p) for p in NAMING_PREDICATES}
_ALT_LABEL, _STAGE = str(SKOS.altLabel), str(GBA.ValueChainStage)
_ENTITY, _SOURCE, _ONTOLOGY = str(GBR), str(GBS), str(GBA)
_KIND = {str: "URIRef", Blank: "BNode", Lit: "Literal"}  # sort order of objects, as rdflib's term types

# Used when the ontology is not loaded; with it, subclasses declared there are added.
_PLACE_CLASSES = set(PLACE_CLASSES)
_HOME_CLASSES = set(HOME_CLASSES)
_ORG_CLASSES = set(ORGANISATION_CLASSES)

# Programme participation: runners (programme gba:runBy X) and participants (X gba:participatesIn
# programme) of one programme are tied to each other.
PROGRAMME_RUNNER = "gba:runBy"
PROGRAMME_PARTICIPANT = "gba:participatesIn"
FOUNDER = "gba:founder"

# The analysis vocabulary for results written back as RDF (kept out of the curated ontology).
GBX = Namespace("https://w3id.org/gbakg/analysis#")
_COMMUNITY = "https://w3id.org/gbakg/analysis/community/"

Evidence = dict[str, str]


def evidence_index(data: Graph | Any) -> dict[tuple, list[Evidence]]:
    """Map each backed triple (s, p, o), as plain values (see :mod:`gbakg.network.triples`), to its
    evidence: source CURIE, source title and quote.

    A qualified node's own evidence is filed under ``(node, None, None)``. Read through
    :class:`gbakg.rdf.evidence.EvidenceIndex`, the one reader of evidence.
    """
    return _evidence(read(data))


# curie, remembered: predicates, classes and sources repeat hundreds of thousands of times
short = lru_cache(maxsize=4096)(curie)


def _evidence(triples: Triples) -> dict[tuple, list[Evidence]]:
    titles: dict[str, str] = {}
    for s, pairs in triples.out.items():
        if s.startswith(_SOURCE):
            names = [o.value for p, o in pairs if p == LABEL and isinstance(o, Lit)]
            if names:
                titles[s] = names[0]

    def record(c: Citation) -> Evidence:
        source = c.source
        return {
            "source": short(str(source)) if source is not None else "",
            "title": titles.get(str(source), "") if source is not None else "",
            "quote": c.quote,
        }

    citations = triples.evidence
    index: dict[tuple, list[Evidence]] = defaultdict(list)
    for triple, found in citations.backed_triples().items():
        index[triple] = [record(c) for c in found]
    for node, found in citations.qualified().items():
        index[(node, None, None)] = [record(c) for c in found]
    return index


def _class_closure(triples: Triples, roots: Iterable[URIRef], defaults: set[URIRef]) -> set[str]:
    """CURIEs of ``roots`` and every class the loaded ontology declares beneath them."""
    found = {str(c) for c in defaults}
    for root in roots:
        found.update(triples.subclasses(str(root)))
    return {curie(c) for c in found}


def place_classes(data: Graph | Any) -> tuple[set[str], set[str]]:
    """(every place class, the classes actors are aggregated to: cities and regions), as CURIEs."""
    triples = read(data)
    return (
        _class_closure(triples, [GBA.Place], _PLACE_CLASSES),
        _class_closure(triples, _HOME_CLASSES, _HOME_CLASSES),
    )


def full_graph(
    data: Graph | Any, *, include_vocabulary: bool = True, include_sources: bool = False, lang: str = "en"
) -> nx.MultiDiGraph:
    """Every entity as a node, every entity-to-entity triple as an edge keyed by its predicate.

    ``data`` is an rdflib Graph or a pyoxigraph Store (its default graph; the persistent store of
    ``gbakg query`` skips parsing altogether); both give the same graph.
    Nodes carry ``iri``, ``label``, ``type`` (CURIE of the most specific asserted class),
    ``aliases``, ``evidence`` (a qualified node's own, else the evidence for its type), ``place``
    (where it is located), ``home`` (the city or region it aggregates to, see
    ``analysis.home_places``) and their literal properties under CURIE keys; links to ontology
    terms (``gba:status gba:Planned``) are kept as CURIE-valued attributes. Edges carry
    ``relation`` (= key) and ``evidence`` (dicts with ``source``, ``title``, ``quote``).
    Value-chain stages are nodes unless ``include_vocabulary`` is false; sources become nodes,
    linked by ``prov:wasDerivedFrom`` from what they attest, only with ``include_sources``.
    ``lang="zh"`` labels nodes with their Chinese name where they have one (English otherwise); the
    name in the other language, where there is one, is ``label_zh`` or ``label_en`` (the explorer's toggle).
    The graph attribute ``classes`` keeps the place, home and actor classes it was built with.
    """
    triples = read(data)
    depth: dict[str, int] = {}

    def rank(cls: str) -> tuple[bool, int, str]:
        # the most specific class: a gba: class over an imported one, then the deepest, then by IRI
        if cls not in depth:
            depth[cls] = len(triples.superclasses(cls))
        return (cls.startswith(_ONTOLOGY), depth[cls], cls)

    types: dict[str, str] = {}
    for s, classes in triples.types.items():
        if not s.startswith(_ENTITY) or isinstance(s, Blank):
            continue
        for cls in classes:
            if isinstance(cls, (Lit, Blank)) or cls in _NOT_NODES:
                continue
            if cls == _STAGE and not include_vocabulary:
                continue
            if s not in types or rank(cls) > rank(types[s]):
                types[s] = cls

    # Input order changes from one process (and store) to the next: everything is sorted here, so the
    # same data always gives the same graph (and the same seeded communities and samples).
    evidence = _evidence(triples)
    g = nx.MultiDiGraph()
    for node in sorted(types):
        own = evidence.get((node, None, None)) or evidence.get((node, TYPE, types[node]), [])
        g.add_node(node, iri=node, label=_slug(node), type=short(types[node]), evidence=_sorted(own))

    labels: dict[str, list[tuple[int, str]]] = defaultdict(list)
    names: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # for label_en / label_zh
    edges = []

    def ordered(node: str) -> list[tuple[str, Term]]:
        pairs = triples.out.get(node, [])
        return sorted(pairs, key=lambda po: (po[0], _KIND[type(po[1])], _text(po[1]))) if len(pairs) > 1 else pairs

    for s, p, o in ((node, p, o) for node in sorted(types) for p, o in ordered(node)):
        if p in _SKIP_PREDICATES:
            continue
        attrs = g.nodes[s]
        if p in _NAMING:
            if isinstance(o, Lit) and p == LABEL:
                labels[s].append((label_rank(o.language, lang), o.value))
                names[s].append((label_rank(o.language, "en"), label_rank(o.language, "zh"), o.value))
            elif isinstance(o, Lit) and p == _ALT_LABEL:
                attrs.setdefault("aliases", []).append(o.value)
            continue
        key = short(p)
        if isinstance(o, Lit):
            value = o.python()
            attrs[key] = value if key not in attrs else [*_as_list(attrs[key]), value]
        elif o in types:
            ev = evidence.get((s, p, o)) or evidence.get((s, None, None), [])
            edges.append((s, o, key, ev))
        elif not isinstance(o, Blank) and not o.startswith(_ENTITY):
            value = short(o)  # an ontology term such as gba:Planned
            attrs[key] = value if key not in attrs else [*_as_list(attrs[key]), value]
        # BNodes and gbr: resources without a type are not entities: nothing to link to
    edges.sort(key=lambda e: e[:3])
    g.add_edges_from(
        (tail, head, relation, {"relation": relation, "evidence": _sorted(ev)}) for tail, head, relation, ev in edges
    )
    for tail, head, relation, _ in edges:
        if relation == "gba:locatedIn" and "place" not in g.nodes[tail]:
            g.nodes[tail]["place"] = head  # the first in IRI order when there are several
    for node, ranked in labels.items():
        attrs = g.nodes[node]
        attrs["label"] = min(ranked)[1]
        english = min((en, text) for en, _, text in names[node])
        chinese = min((zh, text) for _, zh, text in names[node])
        if english[0] < 2 and english[1] != attrs["label"]:
            attrs["label_en"] = english[1]
        if chinese[0] == 0 and chinese[1] != attrs["label"]:
            attrs["label_zh"] = chinese[1]
    for _, attrs in g.nodes(data=True):
        for key, value in attrs.items():
            if isinstance(value, list) and key != "evidence":
                value.sort(key=lambda v: (type(v).__name__, str(v)))

    places, homes = place_classes(triples)
    actors = places | _class_closure(triples, [GBA.Organization, ORG.Organization], _ORG_CLASSES)
    g.graph["classes"] = {"places": places, "homes": homes, "actors": actors}
    for node_id, home in home_places(g, places, homes).items():
        g.nodes[node_id]["home"] = home
    if include_sources:
        _add_sources(triples, g)
    return g


def _text(term: Term) -> str:
    return term.value if isinstance(term, Lit) else str(term)


def _add_sources(triples: Triples, g: nx.MultiDiGraph) -> None:
    """Source nodes, and a ``prov:wasDerivedFrom`` edge from every node whose own evidence cites one."""
    by_curie: dict[str, str] = {}
    for source in sorted(triples.instances(str(GBA.Source))):
        if isinstance(source, Blank):
            continue
        by_curie[curie(source)] = source
        pairs = triples.out.get(source, [])
        title = next((o.value for p, o in pairs if p == LABEL and isinstance(o, Lit)), None) or next(
            (o.value for p, o in pairs if p == TITLE and isinstance(o, Lit)), None
        )
        g.add_node(source, iri=source, label=title or curie(source), type="gba:Source")
        g.nodes[source]["evidence"] = []
    for node, attrs in list(g.nodes(data=True)):
        for ev in attrs.get("evidence", []):
            cited = by_curie.get(ev["source"])
            if cited is not None:
                key = "prov:wasDerivedFrom"
                if g.has_edge(node, cited, key=key):
                    g.edges[node, cited, key]["evidence"].append(ev)
                else:
                    g.add_edge(node, cited, key=key, relation=key, evidence=[ev])


def collaboration_graph(data: Graph | Any = None, full: nx.MultiDiGraph | None = None) -> nx.Graph:
    """Actors (organisations, places, and whoever is tied) linked wherever they work together.

    Ties: two parties of one agreement (``agreement``); a member and the organisation of a
    ``org:Membership`` (``membership``) and two members of one organisation (``co-membership``);
    runners and participants of one programme (``programme``); an organisation and whoever runs
    or founded it (``runs``: ``gba:runBy``, ``gba:founder``) and two such hosts of one joint
    institution (``co-running``); an asserted ``gba:collaboratesWith`` (``collaboratesWith``).
    Each edge keeps ``ties`` (dicts with ``kind``, ``via`` and ``via_label`` of the
    agreement/organisation/programme, ``evidence``) and ``weight`` = the number of ties.
    Every organisation and place is a node, linked or not.
    """
    full = full if full is not None else full_graph(data)
    actor_types = full.graph["classes"]["actors"]
    collab = nx.Graph(classes=full.graph["classes"])
    for node, attrs in full.nodes(data=True):
        if attrs.get("type") in actor_types:
            collab.add_node(node, **_actor_attrs(attrs))

    def tie(a: str, b: str, kind: str, via: str | None, ev: Sequence[Evidence]) -> None:
        if a == b:
            return
        for end in (a, b):
            if end not in collab:
                collab.add_node(end, **_actor_attrs(full.nodes[end]))
        record = {"kind": kind, "via": via, "via_label": full.nodes[via]["label"] if via else None}
        record["evidence"] = list(ev)
        if collab.has_edge(a, b):
            collab.edges[a, b]["ties"].append(record)
        else:
            collab.add_edge(a, b, ties=[record])

    out: dict[str, dict[str, list[tuple[str, list[Evidence]]]]] = defaultdict(lambda: defaultdict(list))
    participants: dict[str, list[tuple[str, list[Evidence]]]] = defaultdict(list)
    for s, o, key, data in full.edges(keys=True, data=True):
        out[s][key].append((o, data["evidence"]))
        if key == PROGRAMME_PARTICIPANT:
            participants[o].append((s, data["evidence"]))
    members_of: dict[str, list[tuple[str, str, list[Evidence]]]] = defaultdict(list)
    for node in sorted(out):
        kind = full.nodes[node].get("type")
        rels = out[node]
        if kind == "gba:Agreement":
            for (a, ea), (b, eb) in combinations(sorted(rels.get("gba:party", []), key=lambda t: t[0]), 2):
                tie(a, b, "agreement", node, _merge(ea, eb))
        elif kind == "org:Membership":
            for person, ep in rels.get("org:member", []):
                for organisation, eo in rels.get("org:organization", []):
                    tie(person, organisation, "membership", node, _merge(ep, eo))
                    members_of[organisation].append((person, node, _merge(ep, eo)))
        elif kind == "gba:Programme":
            people = sorted([*rels.get(PROGRAMME_RUNNER, []), *participants.get(node, [])], key=lambda t: t[0])
            for (a, ea), (b, eb) in combinations(people, 2):
                tie(a, b, "programme", node, _merge(ea, eb))
        elif kind in actor_types:
            hosts = sorted([*rels.get(PROGRAMME_RUNNER, []), *rels.get(FOUNDER, [])], key=lambda t: t[0])
            for host, ev in hosts:
                tie(node, host, "runs", None, ev)
            for (a, ea), (b, eb) in combinations(hosts, 2):
                tie(a, b, "co-running", node, _merge(ea, eb))
        for other, ev in rels.get("gba:collaboratesWith", []):
            tie(node, other, "collaboratesWith", None, ev)
    for organisation, members in members_of.items():
        for (a, _, ea), (b, _, eb) in combinations(sorted(members, key=lambda m: m[:2]), 2):
            tie(a, b, "co-membership", organisation, _merge(ea, eb))
    for _, _, data in collab.edges(data=True):
        data["weight"] = len(data["ties"])
    return collab


def place_graph(collab: nx.Graph) -> nx.Graph:
    """The collaboration graph aggregated to each actor's ``home`` city or region.

    Nodes are places, with ``members`` (the actors aggregated to them) and ``internal_ties``
    (ties between two of their own actors); an edge keeps every underlying tie, each with the two
    actors it joins (``between``), and ``weight`` = their number. Actors without a home are left
    out and listed in the graph attribute ``unplaced``.
    """
    places = nx.Graph(unplaced=sorted(n for n, d in collab.nodes(data=True) if not d.get("home")))
    home = {n: d["home"] for n, d in collab.nodes(data=True) if d.get("home")}
    for node, place in sorted(home.items()):
        if place not in places:
            attrs = collab.nodes[place] if place in collab else {"label": place, "iri": place, "type": ""}
            places.add_node(place, **_actor_attrs(attrs), members=[], internal_ties=0)
        places.nodes[place]["members"].append(node)
    for a, b, data in collab.edges(data=True):
        if a not in home or b not in home:
            continue
        ties = [{**t, "between": sorted((a, b))} for t in data["ties"]]
        pa, pb = home[a], home[b]
        if pa == pb:
            places.nodes[pa]["internal_ties"] += len(ties)
        elif places.has_edge(pa, pb):
            places.edges[pa, pb]["ties"].extend(ties)
        else:
            places.add_edge(pa, pb, ties=ties)
    for _, _, data in places.edges(data=True):
        data["weight"] = len(data["ties"])
    return places


def analysis_to_rdf(
    scores: Sequence[Mapping[str, Any]] | None = None,
    communities: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    projection: str = "collaboration",
    method: str = "",
) -> Graph:
    """Centrality rows and community results as RDF, to keep in their own file or named graph.

    ``scores`` are rows of ``analysis.centrality`` (``iri`` plus one float per measure), written
    as ``gbr:x gbx:betweenness 0.25``; ``communities`` is ``analysis.communities``'s result,
    written as ``gbx:Community`` nodes with ``gbx:member``, ``gbx:method`` and ``gbx:modularity``.
    A ``prov:Activity`` records the projection and method, so SPARQL can tell runs apart.
    """
    out = Graph()
    bind_prefixes(out)
    out.bind("gbx", GBX)
    run = URIRef(str(GBX) + "run")
    out.add((run, RDF.type, PROV.Activity))
    out.add((run, RDFS.label, Literal(f"gbakg network analysis of the {projection} graph")))
    out.add((run, GBX.projection, Literal(projection)))
    if method:
        out.add((run, GBX.method, Literal(method)))
    for row in scores or []:
        node = URIRef(row["iri"])
        for measure, value in row.items():
            if isinstance(value, float) and value == value:  # NaN is "undefined": no triple
                out.add((node, GBX[_camel(measure)], Literal(value, datatype=XSD.double)))
    for algorithm, result in (communities or {}).items():
        for number, members in enumerate(result["communities"], start=1):
            community = URIRef(f"{_COMMUNITY}{algorithm}-{number}")
            out.add((community, RDF.type, GBX.Community))
            out.add((community, RDFS.label, Literal(f"{algorithm} community {number}")))
            out.add((community, GBX.method, Literal(algorithm)))
            out.add((community, GBX.modularity, Literal(float(result["modularity"]), datatype=XSD.double)))
            out.add((community, PROV.wasGeneratedBy, run))
            for member in members:
                out.add((community, GBX.member, URIRef(member)))
    return out


def _sorted(evidence: Sequence[Evidence]) -> list[Evidence]:
    if len(evidence) < 2:  # the usual case: one citation
        return list(evidence)
    return sorted(evidence, key=lambda ev: (ev["source"], ev["quote"]))


def _actor_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("iri", "label", "label_en", "label_zh", "type", "place", "home", "aliases")
    return {k: attrs[k] for k in keep if k in attrs}


def _merge(*lists: Sequence[Evidence]) -> list[Evidence]:
    """Evidence of several triples, each piece once, in order."""
    if len(lists) == 2 and lists[0] is lists[1]:  # two triples of one qualified node: its own evidence
        lists = lists[:1]
    seen: dict[tuple[str, str], Evidence] = {}
    for evs in lists:
        for ev in evs:
            seen.setdefault((ev["source"], ev["quote"]), ev)
    return list(seen.values())


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _slug(iri: str) -> str:
    return str(iri)[len(str(GBR)) :] if str(iri).startswith(str(GBR)) else str(iri)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
