"""How well the graph maps the region: the landscape figures ``gbakg stats`` prints.

Counts alone ("600 entities") say little about whether an analyst's first questions get answers:
which cities are tied and through whom, what each city is strong at, which names are there in
Chinese. These figures measure exactly that, each from the same projections the analysis uses.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from gbakg.rdf.rules import entities, instances, unplaced_actors
from gbakg.vocabulary import GBA, GBR, QUALIFIED_CLASSES, curie

GBA_REGION = GBR["greater-bay-area"]
# Classes whose every member should carry a Chinese name.
NAMED_IN_CHINESE = (GBA.City, GBA.Region, GBA.University, GBA.InnovationZone, GBA.GovernmentBody)


def gba_cities(graph: Graph) -> list[URIRef]:
    """The cities of the Greater Bay Area: those the graph places in it."""
    cities = instances(graph, GBA.City)
    return sorted(c for c in cities if isinstance(c, URIRef) and (c, GBA.partOf, GBA_REGION) in graph)


def has_chinese(graph: Graph, node: URIRef) -> bool:
    return any(
        isinstance(o, Literal) and (o.language or "").lower().startswith("zh") for o in graph.objects(node, RDFS.label)
    )


def unnamed(graph: Graph) -> list[URIRef]:
    """Cities, regions, universities, zones and government bodies with no Chinese label, sorted."""
    must_name = {e for cls in NAMED_IN_CHINESE for e in instances(graph, cls) if isinstance(e, URIRef)}
    return sorted(e for e in must_name if not has_chinese(graph, e))


def landscape(graph: Graph) -> dict[str, Any]:
    """The collaboration-landscape figures: place graph, value chain, Chinese names, companies."""
    from gbakg.network.projections import collaboration_graph, full_graph, place_graph

    full = full_graph(graph)
    places = place_graph(collaboration_graph(graph, full))
    cities = gba_cities(graph)
    city_keys = {str(c) for c in cities}
    in_graph = [c for c in city_keys if c in places]
    city_links = [(a, b) for a, b in places.edges() if a in city_keys and b in city_keys]

    strengths: dict[str, list] = defaultdict(list)
    stages: dict[str, set[str]] = defaultdict(set)
    for node in graph.subjects(RDF.type, GBA.Strength):
        holder, stage = graph.value(node, GBA.holder), graph.value(node, GBA.stage)
        if holder is None or stage is None:
            continue
        strengths[curie(str(holder))].append(graph.value(node, PROV.wasDerivedFrom))
        stages[curie(str(stage))].add(curie(str(holder)))
    all_stages = sorted(curie(str(s)) for s in graph.subjects(RDF.type, GBA.ValueChainStage))

    qualified = {n for cls in QUALIFIED_CLASSES for n in graph.subjects(RDF.type, cls)}
    everything = [e for e in entities(graph) if e not in qualified]
    return {
        "companies": len(instances(graph, GBA.Company)),
        "gba_cities_in_place_graph": f"{len(in_graph)} of {len(cities)}",
        "city_to_city_links": len(city_links),
        "strengths_by_city": {
            curie(
                str(c)
            ): f"{len(strengths[curie(str(c))])} from {len(set(strengths[curie(str(c))]) - {None})} source(s)"
            for c in cities
        },
        "places_by_stage": {s: len(stages.get(s, ())) for s in all_stages},
        "chinese_labels": f"{sum(has_chinese(graph, e) for e in everything)} of {len(everything)}",
        "chinese_labels_missing_on_key_classes": [curie(str(e)) for e in unnamed(graph)],
    }


def _strength_count(sources: list) -> str:
    return f"{len(sources)} from {len(set(sources) - {None})} source(s)"


def gaps(graph: Graph) -> list[dict[str, str]]:
    """The entities behind the two coverage gaps ``stats`` counts, so a curator knows what to look up.

    One row per entity: ``no place`` for an organisation or facility without ``gba:locatedIn``
    (the place graph cannot count it), ``no Chinese name`` for a city, region, university,
    innovation zone or government body without a Chinese ``rdfs:label``.
    """
    from gbakg.names import label

    def row(gap: str, node: URIRef) -> dict[str, str]:
        kinds = sorted(curie(str(t)) for t in graph.objects(node, RDF.type) if str(t).startswith(str(GBA)))
        return {"gap": gap, "entity": curie(str(node)), "class": ", ".join(kinds), "label": label(graph, node) or ""}

    return [row("no place", a) for a in unplaced_actors(graph)] + [row("no Chinese name", e) for e in unnamed(graph)]
