"""`gbakg serve` resolves the graph's IRIs: pages to browsers, RDF to RDF clients, by Accept."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from gbakg.rdf.load import graph_files
from gbakg.site.resources import Resources
from gbakg.sparql.endpoint import make_endpoint

GBR = "https://w3id.org/gbakg/id/"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    files = graph_files(None)
    endpoint = make_endpoint(files, "127.0.0.1", 0, workers=1, quiet=True)
    resources = Resources(files, lambda text, fmt: endpoint.pool.run(text, None, fmt, (None, None)))
    endpoint.resources = resources.start()
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    assert resources.ready.wait(120) and resources.error is None
    yield endpoint.url[: -len("/sparql")]
    endpoint.close()
    resources.close()


@pytest.fixture(scope="module")
def client(server) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html", None),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "text/turtle", "turtle"),
    ],
)
def test_an_entity_iri_answers_by_accept(client, curated, accept, media, fmt):
    answer = client.get("/id/hkust", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media
    assert "Accept" in answer.headers["vary"]
    assert answer.headers["content-location"].startswith("/id/hkust.")
    if fmt is None:
        assert "<h1>Hong Kong University of Science and Technology" in answer.text
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        return
    got = Graph().parse(data=answer.content, format=fmt)
    hkust = URIRef(GBR + "hkust")
    assert set(got.triples((hkust, None, None))) == set(curated.triples((hkust, None, None)))
    cited = set(got.subjects(RDF.subject, hkust))
    assert cited and cited == set(curated.subjects(RDF.subject, hkust))  # the evidence comes along


def test_every_entity_resolves(client, curated):
    from gbakg.vocabulary import entities

    iris = sorted(str(e) for e in entities(curated) if str(e).startswith(GBR))
    assert len(iris) > 1000
    missing = []
    for iri in iris:
        answer = client.get(f"/id/{iri[len(GBR) :]}.ttl")
        if answer.status_code != 200:
            missing.append((iri, answer.status_code))
    assert missing == []


@pytest.mark.parametrize(
    ("path", "media"),
    [("/id/hkust.ttl", "text/turtle"), ("/id/hkust.jsonld", "application/ld+json"), ("/id/hkust.html", "text/html")],
)
def test_an_extension_names_the_representation(client, path, media):
    answer = client.get(path, headers={"Accept": "image/png"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)


def test_sources_and_the_ontology_resolve(client):
    source = client.get("/source/xinhua-hkust-guangzhou-campus-2018-12-21", headers={"Accept": "text/turtle"})
    assert source.status_code == 200
    assert (
        URIRef("https://w3id.org/gbakg/source/xinhua-hkust-guangzhou-campus-2018-12-21"),
        None,
        None,
    ) in Graph().parse(data=source.text, format="turtle")
    page = client.get("/source/xinhua-hkust-guangzhou-campus-2018-12-21", headers={"Accept": "text/html"})
    assert "Xinhua" in page.text
    onto = client.get("/ontology", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=onto.text, format="turtle")
    assert (URIRef("https://w3id.org/gbakg/ontology#University"), None, None) in g
    assert "gba:University" in client.get("/ontology", headers={"Accept": "text/html"}).text


def test_pages_link_to_pages_the_server_has(client):
    page = client.get("/id/hkust", headers={"Accept": "text/html"}).text
    assert client.get("/assets/site.css").status_code == 200
    assert (
        client.get("/assets/site.js").headers["content-type"].startswith(("text/javascript", "application/javascript"))
    )
    assert client.get("/id/hku.html").status_code == 200
    assert 'href="../id/' in page and client.get("/index.html").status_code == 200


def test_an_unknown_slug_is_a_404_that_suggests(client):
    answer = client.get("/id/hkst", headers={"Accept": "text/plain"})
    assert answer.status_code == 404 and "/id/hkust" in answer.text
    assert "hkust" in json.loads(answer.headers["x-did-you-mean"])
    html = client.get("/id/hkst", headers={"Accept": "text/html"})
    assert html.status_code == 404 and 'href="/id/hkust"' in html.text
    assert client.get("/id/hkust.exe").status_code == 404
    assert client.get("/id/../../etc/passwd").status_code in (400, 404)


def test_pages_wait_for_the_site_with_a_503(tmp_path):
    """Before the child process has written the pages, the IRIs answer 503 with Retry-After."""
    resources = Resources([], lambda text, fmt: (200, "text/turtle", b""))
    answer = resources("/id/hkust", "text/html")
    assert answer is not None and answer[0] == 503 and answer[3]["Retry-After"] == "2"
    assert resources("/sparql-other", None) is None  # not a path of the graph's
    resources.close()


def test_refused_types_get_406(client):
    answer = client.get("/id/hkust", headers={"Accept": "image/png"})
    assert answer.status_code == 406 and "text/turtle" in answer.text


def test_the_sparql_endpoint_still_answers(client):
    answer = client.get(
        "/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_no_pages_leaves_the_iris_alone(tiny_file):
    """`gbakg serve --no-pages` starts no child for the pages and answers /id/... with the endpoint's 404."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "gbakg", "serve", "--port", "0", "--quiet", "--workers", "1", "--no-pages"]
    process = subprocess.Popen([*command, "--graph", str(tiny_file)], stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = process.stderr.readline().rsplit(" ", 1)[1].strip()
        assert process.stderr.readline().startswith("Query page:")
        answer = httpx.get(url.replace("/sparql", "/id/beta-lab"), timeout=10)
        assert answer.status_code == 404 and "the SPARQL endpoint is /sparql" in answer.text
    finally:
        process.terminate()
        process.wait(30)
