"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query).

A client (YASGUI, a crawler, a federated engine) reads it to learn what the endpoint offers: the query
language, the result formats, the dataset's size and this server's limits and refusals. Written here as
Turtle text from the same settings the server runs with, so it cannot drift from them, and converted
to the other RDF formats an ``Accept`` header may ask for.
"""

from __future__ import annotations

import json

from gbakg.sparql.negotiation import TEXT, negotiate, offered

_SD_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
_SD_GRAPH_FORMATS = ("Turtle", "N-Triples", "RDF_XML", "JSON-LD")


def service_description(url: str, triples: int, timeout: float, max_rows: int) -> str:
    """The SPARQL 1.1 Service Description of the endpoint at ``url``, in Turtle."""
    from gbakg.sparql.query import PREFIXES

    formats = ", ".join(f"format:{f}" for f in (*_SD_FORMATS, *_SD_GRAPH_FORMATS))
    prefixes = ", ".join(f"{p}:" for p in PREFIXES)
    features = {
        "read-only": "Read-only: SPARQL Update (and LOAD) is refused with 403.",
        "no-service": "SERVICE is refused with 403: the endpoint never sends requests to other servers.",
        "predeclared-prefixes": f"These prefixes need no PREFIX line: {prefixes}.",
        "limits": f"A query stops after {timeout:g} s (504); results are capped at {max_rows} rows or triples (422).",
    }
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix format: <http://www.w3.org/ns/formats/> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        f"<{url}#service> a sd:Service ;",
        f"    sd:endpoint <{url}> ;",
        "    sd:supportedLanguage sd:SPARQL11Query ;",
        f"    sd:resultFormat {formats} ;",
        "    sd:feature " + ", ".join(f"<{url}#{name}>" for name in features) + " ;",
        "    sd:defaultDataset [ a sd:Dataset ;",
        f"        sd:defaultGraph [ a sd:Graph ; void:triples {int(triples)} ] ] ;",
        '    rdfs:label "gbakg SPARQL endpoint (Greater Bay Area Knowledge Graph)" .',
    ]
    for name, comment in features.items():
        lines += ["", f"<{url}#{name}> a sd:Feature ;", f"    rdfs:comment {json.dumps(comment)} ."]
    return "\n".join(lines) + "\n"


def describe(url: str, accept: str | None, triples: int, timeout: float, max_rows: int) -> tuple[int, str, bytes]:
    """(status, content type, body) of the service description in the RDF format ``accept`` prefers."""
    import pyoxigraph as ox

    chosen = negotiate(accept, "graph")
    if chosen is None:
        return 406, TEXT, f"Not acceptable: the service description is RDF; available: {offered('graph')}\n".encode()
    text = service_description(url, triples, timeout, max_rows)
    if chosen[1] != "ttl":
        rdf = {"nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML, "json": ox.RdfFormat.JSON_LD}[chosen[1]]
        data = ox.serialize(ox.parse(text, format=ox.RdfFormat.TURTLE), format=rdf)
        return 200, chosen[0], data or b""
    return 200, chosen[0], text.encode("utf-8")
