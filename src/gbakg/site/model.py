"""What a profile page says about one entity, gathered once from the graph's projections.

The pages show what the explorer shows, arranged by question (who leads it, whom does it work
with, what did it sign, what happened when) and each line with its evidence. Everything here is
plain data: :mod:`gbakg.site.render` turns it into HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from gbakg.vocabulary import GBA, GBR, GBS, SCHEMA, curie

Evidence = Mapping[str, str]

POST = "org:Membership"
AGREEMENT = "gba:Agreement"
MILESTONE = "gba:Milestone"
STRENGTH = "gba:Strength"
FIGURE = "gba:Figure"
_ROLE_EDGES = {"org:member": "member", "org:organization": "organization", "org:role": "role"}
_VOCABULARY = {"org:Role", "gba:ValueChainStage"}


@dataclass
class Line:
    """One statement on a page: words, the entities it names (by IRI), a date, its evidence."""

    text: str
    links: list[str] = field(default_factory=list)
    when: str = ""
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Profile:
    """One entity's page."""

    iri: str
    slug: str
    label: str
    label_zh: str
    kind: str  # class CURIE
    aliases: list[str]
    place: str | None
    home: str | None
    own: list[Evidence]
    properties: list[tuple[str, str]]
    posts: list[Line] = field(default_factory=list)
    partners: list[Line] = field(default_factory=list)
    agreements: list[Line] = field(default_factory=list)
    timeline: list[Line] = field(default_factory=list)
    facts: list[Line] = field(default_factory=list)
    neighbours: list[str] = field(default_factory=list)


@dataclass
class Source:
    iri: str
    slug: str
    title: str
    publisher: str
    date: str
    url: str
    language: str
    facts: list[Line] = field(default_factory=list)


def slug_of(iri: str) -> str:
    """The file name part of an entity or source IRI (``gbr:hkust`` -> ``hkust``); others are made safe."""
    for base in (str(GBR), str(GBS)):
        if iri.startswith(base):
            return iri[len(base) :]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", iri).strip("-") or "x"


def profiles(full: nx.MultiDiGraph, collab: nx.Graph, terms: Mapping[str, str]) -> dict[str, Profile]:
    """A profile for every entity of ``full``: posts, events and figures too (theirs are short)."""

    def name(node: str) -> str:
        return str(full.nodes[node].get("label", node)) if node in full else terms.get(node, node)

    def term(key: str) -> str:
        return terms.get(key) or key.split(":")[-1]

    qualified = {POST, AGREEMENT, MILESTONE, STRENGTH, FIGURE}
    out: dict[str, Profile] = {}
    for node, attrs in full.nodes(data=True):
        props = [
            (term(k), "; ".join(terms.get(str(v), str(v)) for v in (v if isinstance(v, list) else [v])))
            for k, v in sorted(attrs.items())
            if ":" in k and not isinstance(v, dict)
        ]
        out[node] = Profile(
            iri=str(attrs.get("iri", node)),
            slug=slug_of(str(attrs.get("iri", node))),
            label=str(attrs.get("label_en") or attrs.get("label", node)),
            label_zh=str(attrs.get("label_zh") or ""),
            kind=str(attrs.get("type") or ""),
            aliases=[str(a) for a in attrs.get("aliases", [])],
            place=attrs.get("place"),
            home=attrs.get("home"),
            own=list(attrs.get("evidence", [])),
            properties=props,
        )

    for node, attrs in full.nodes(data=True):
        kind = attrs.get("type")
        if kind == POST:
            ends = {_ROLE_EDGES[k]: v for _, v, k in full.out_edges(node, keys=True) if k in _ROLE_EDGES}
            member, org, role = ends.get("member"), ends.get("organization"), ends.get("role")
            period = _period(attrs)
            ev = list(attrs.get("evidence", []))
            if member in out and org:
                out[member].posts.append(Line(f"{_role(role, name)} of {name(org)}", [org], period, ev))
            if org in out and member:
                out[org].posts.append(Line(f"{name(member)}: {_role(role, name)}", [member], period, ev))
        elif kind == MILESTONE:
            event = str(attrs.get("gba:event", "event"))
            status = terms.get(str(attrs.get("gba:status", "")), "")
            ev = list(attrs.get("evidence", []))
            for _, target, key in full.out_edges(node, keys=True):
                if key == "gba:milestoneOf" and target in out:
                    text = event + (f" ({status.lower()})" if status and status.lower() != "achieved" else "")
                    out[target].timeline.append(Line(text, [], str(attrs.get("gba:date", "")), ev))
        elif kind == AGREEMENT and node in out:
            parties = [v for _, v, k in full.out_edges(node, keys=True) if k == "gba:party"]
            for party in parties:
                if party in out:
                    others = [p for p in parties if p != party]
                    text = name(node) + (" — with " + ", ".join(name(p) for p in others) if others else "")
                    out[party].agreements.append(
                        Line(text, [node, *others], str(attrs.get("gba:signedOn", "")), list(attrs.get("evidence", [])))
                    )

    for node, profile in out.items():
        own_kind = full.nodes[node].get("type")
        for _, other, key, data in full.out_edges(node, keys=True, data=True):
            if full.nodes[other].get("type") in qualified - {AGREEMENT, STRENGTH} and own_kind not in qualified:
                continue
            profile.facts.append(Line(f"{term(key)} {name(other)}", [other], "", list(data.get("evidence", []))))
        for other, _, key, data in full.in_edges(node, keys=True, data=True):
            kind = full.nodes[other].get("type")
            if kind in (POST, MILESTONE, FIGURE) or (kind == AGREEMENT and key == "gba:party"):
                continue
            profile.facts.append(Line(f"{name(other)} — {term(key)}", [other], "", list(data.get("evidence", []))))
        if node in collab:
            for partner in sorted(collab[node], key=name):
                for tie in collab.edges[node, partner]["ties"]:
                    via = tie.get("via")
                    text = f"{name(partner)} ({tie['kind']}" + (f", through {tie['via_label']}" if via else "") + ")"
                    links = [partner, *([via] if via in out else [])]
                    profile.partners.append(Line(text, links, "", list(tie.get("evidence", []))))
        neighbours = {n for n in nx.all_neighbors(full, node) if n in out}
        for n in list(nx.all_neighbors(full, node)):
            if full.nodes[n].get("type") in (POST, MILESTONE, FIGURE):
                neighbours |= {m for m in nx.all_neighbors(full, n) if m in out and m != node}
        vocabulary = {n for n in neighbours if full.nodes[n].get("type") in _VOCABULARY}  # a role links no one
        profile.neighbours = sorted(neighbours - vocabulary - {node}, key=name)
        profile.timeline.sort(key=lambda line: line.when)
        profile.posts.sort(key=lambda line: (line.when, line.text))
        profile.agreements.sort(key=lambda line: (line.when, line.text))
    return out


def _role(role: str | None, name: Any) -> str:
    """A post's role by name ("post" when the graph gives none)."""
    return name(role) if role else "post"


def _period(attrs: Mapping[str, Any]) -> str:
    start, end, seen = attrs.get("schema:startDate"), attrs.get("schema:endDate"), attrs.get("gba:date")
    if start or end:
        return f"{start or '…'} – {end or ''}".strip()
    return f"as of {seen}" if seen else ""


def sources(graph: Graph, full: nx.MultiDiGraph, names: Mapping[str, str]) -> dict[str, Source]:
    """Every source with its record and the facts (node and link evidence) that cite it."""
    out: dict[str, Source] = {}
    for s in graph.subjects(RDF.type, GBA.Source):
        if not isinstance(s, URIRef):
            continue
        iri = str(s)
        out[curie(iri)] = Source(
            iri=iri,
            slug=slug_of(iri),
            title=_text(graph, s, (DCTERMS.title, RDFS.label)),
            publisher=_text(graph, s, (DCTERMS.publisher,)),
            date=_text(graph, s, (DCTERMS.date,)),
            url=_text(graph, s, (SCHEMA.url,)),
            language=_text(graph, s, (DCTERMS.language,)),
        )
    for node, attrs in full.nodes(data=True):
        for ev in attrs.get("evidence", []):
            if ev.get("source") in out:
                what = names.get(node, str(attrs.get("label", node)))
                out[ev["source"]].facts.append(Line(what, [node], "", [ev]))
    for u, v, key, data in full.edges(keys=True, data=True):
        for ev in data.get("evidence", []):
            if ev.get("source") in out:
                text = f"{names.get(u, u)} — {key} — {names.get(v, v)}"
                out[ev["source"]].facts.append(Line(text, [u, v], "", [ev]))
    return out


def _text(graph: Graph, node: URIRef, predicates: Iterable[Any]) -> str:
    for p in predicates:
        for o in graph.objects(node, p):
            if isinstance(o, (Literal, URIRef)):
                return str(o)
    return ""


def names_of(full: nx.MultiDiGraph) -> dict[str, str]:
    return {n: str(d.get("label_en") or d.get("label", n)) for n, d in full.nodes(data=True)}
