"""Existing triple stores: query any SPARQL endpoint, upload the graph with the Graph Store Protocol.

This is the path for users who outgrow one process: push the graph into Oxigraph, Fuseki,
GraphDB or Virtuoso and keep using the same named queries against it. Plain ``urllib``; results
are parsed into pyoxigraph terms so they render exactly like local ones. A store that asks for a
user and password (Virtuoso's ``/sparql-graph-crud-auth``) gets them from :func:`credentials`.
"""

from __future__ import annotations

import errno
import ipaddress
import netrc
import os
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox

from gbakg import __version__
from gbakg.errors import InputError, UnknownEntityError

ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/n-triples;q=0.8, text/turtle;q=0.7, application/rdf+xml;q=0.5"
)
_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


USER_VARIABLE, PASSWORD_VARIABLE = "GBAKG_STORE_USER", "GBAKG_STORE_PASSWORD"


def credentials(url: str) -> tuple[str, str] | None:
    """(user, password) for a store that asks for them: the environment's ``GBAKG_STORE_USER`` and
    ``GBAKG_STORE_PASSWORD``, else the URL's host in ``~/.netrc`` (``$NETRC`` if set). They are sent
    only when the store asks (HTTP digest or basic authentication) and never printed or logged."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user and password is not None:
        return user, password
    host = urlsplit(url).hostname or ""
    path = os.environ.get("NETRC") or str(Path.home() / ".netrc")
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if entry is None:
        return None
    login, _, secret = entry
    return (login or "", secret or "") if login else None


def _needed(url: str, what: str) -> str:
    return (
        f"{url}: HTTP 401: credentials {what}; set {USER_VARIABLE} and {PASSWORD_VARIABLE}, "
        f"or add a `machine {urlsplit(url).hostname}` line to ~/.netrc"
    )


def _authorize_first(req: urllib.request.Request, found: tuple[str, str] | None, timeout: float) -> None:
    """Answer the store's challenge before the body goes out.

    urllib sends a request's body first and learns that the store wants credentials from the 401; a
    store that closes the connection at once (Virtuoso) breaks the pipe of a large upload. A HEAD
    without a body fetches the challenge, and the upload carries its answer.
    """
    import base64

    probe = urllib.request.Request(req.full_url, method="HEAD", headers={"User-Agent": f"gbakg/{__version__}"})
    direct = [urllib.request.ProxyHandler({})] if _is_loopback(req.full_url) else []
    try:
        with urllib.request.build_opener(*direct).open(probe, timeout=timeout):
            return  # no challenge: nothing to answer
    except urllib.error.HTTPError as e:
        challenge = e.headers.get("WWW-Authenticate", "") if e.code == 401 else ""
    except (urllib.error.URLError, OSError):
        return  # the upload itself will say what is wrong
    scheme, _, rest = challenge.partition(" ")
    if scheme and found is None:
        raise InputError(_needed(req.full_url, "are needed"))
    if found is None:
        return
    if scheme.lower() == "digest":
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, req.full_url, *found)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(req, fields)
        if answer:
            req.add_unredirected_header("Authorization", f"Digest {answer}")
    elif scheme.lower() == "basic":
        token = base64.b64encode(f"{found[0]}:{found[1]}".encode()).decode("ascii")
        req.add_unredirected_header("Authorization", f"Basic {token}")


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def request(
    url: str,
    *,
    data: bytes | None = None,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    timeout: float,
) -> tuple[int, str, bytes]:
    """One HTTP request: (status, content type, body); failures become one-line input errors."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise InputError(f"{url}: not an http(s) URL")
    req = urllib.request.Request(url, data=data, method=method, headers={"User-Agent": f"gbakg/{__version__}"})
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    handlers: list[urllib.request.BaseHandler] = []
    if _is_loopback(url):
        handlers.append(urllib.request.ProxyHandler({}))
    found = credentials(url)
    if found is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, *found)
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    opener = urllib.request.build_opener(*handlers)
    if data is not None:
        _authorize_first(req, found, timeout)
    try:
        with opener.open(req, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as e:
        if e.code == 401:  # never the credentials themselves
            raise InputError(_needed(url, "were refused" if found else "are needed")) from None
        detail = e.read().decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{url}: HTTP {e.code} {e.reason}" + (f": {detail[0][:300]}" if detail else "")) from e
    except urllib.error.URLError as e:
        if getattr(e.reason, "errno", None) in (errno.EPIPE, errno.ECONNRESET):
            hint = "were the credentials refused?" if found else "does it want credentials?"
            raise InputError(f"{url}: the store closed the connection while the data went out: {hint}") from None
        raise InputError(f"{url}: cannot reach the endpoint ({e.reason})") from e
    except TimeoutError as e:
        raise InputError(f"{url}: no answer within {timeout:g} s") from e


def query(
    endpoint: str, text: str, *, bindings: Mapping[str, Any] | None = None, timeout: float = 60.0
) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
    """Run a query on a SPARQL endpoint (POSTed as a form); our base IRI, prefixes and ``bindings`` are
    added to the text, so it means what it means locally. Updates are refused before anything is sent."""
    from gbakg.sparql.query import BASE_IRI, prefix_header, update_refusal, with_values

    if refusal := update_refusal(text):
        raise InputError(refusal)
    prepared = f"BASE <{BASE_IRI}> " + prefix_header(text) + "\n" + with_values(text, bindings or {})
    body = urlencode({"query": prepared}).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
    _, content_type, data = request(endpoint, data=body, method="POST", headers=headers, timeout=timeout)
    media = content_type.split(";")[0].strip().lower()
    try:
        if media in _RESULTS:
            return ox.parse_query_results(data, format=_RESULTS[media])
        if media in _GRAPHS:
            return [q.triple for q in ox.parse(data, format=_GRAPHS[media])]
    except SyntaxError as e:
        raise InputError(f"{endpoint}: unreadable {media} answer ({e})") from e
    raise InputError(f"{endpoint}: unexpected answer of type {content_type or '(none)'}")


def resolve(endpoint: str, name: str, *, timeout: float = 60.0) -> ox.NamedNode:
    """The entity ``name`` means on the endpoint: an IRI, a ``gbr:`` CURIE, or an exact label or alias."""
    from gbakg.names import spellings
    from gbakg.sparql.engine import NAME_QUERY
    from gbakg.vocabulary import expand

    text = name.strip()
    iri = expand(text) or (text[1:-1] if text.startswith("<") and text.endswith(">") else "")
    if iri:
        return ox.NamedNode(iri)
    found_set: set[str] = set()
    for spelling in spellings(text):  # either Chinese script, as the data may write it
        result = query(endpoint, NAME_QUERY, bindings={"key": ox.Literal(spelling.lower())}, timeout=timeout)
        if isinstance(result, ox.QuerySolutions):
            found_set.update(s["s"].value for s in result)
        if found_set:
            break
    found = sorted(found_set)
    if len(found) == 1:
        return ox.NamedNode(found[0])
    if found:
        raise UnknownEntityError(f"{name!r} is ambiguous at {endpoint}: it names {', '.join(found)}; use one of these")
    # Nothing by exact name: the endpoint's names go through the one resolver, for its "did you mean".
    from gbakg.rdf.resolve import did_you_mean, name_index
    from gbakg.sparql.engine import NAMES_QUERY, to_rdflib_graph

    names = query(endpoint, NAMES_QUERY, timeout=timeout)
    graph = to_rdflib_graph(names) if isinstance(names, list) else None
    hint = did_you_mean(graph, name_index(graph), name) if graph is not None else ""
    raise UnknownEntityError(f"unknown entity {name!r} at {endpoint}{hint}")


def labels(endpoint: str, iris: Iterable[str], *, timeout: float = 60.0, lang: str = "en") -> dict[str, str]:
    """Labels for a table, in ``lang`` where there is one; an endpoint that cannot answer simply gives none."""
    from gbakg.names import label_rank

    values = " ".join(f"<{iri}>" for iri in iris)
    text = f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label ?l }}"
    try:
        result = query(endpoint, text, timeout=timeout)
    except InputError:
        return {}
    found: dict[str, tuple[int, str]] = {}
    for s in result if isinstance(result, ox.QuerySolutions) else []:
        rank = label_rank(s["l"].language, lang)
        if s["s"].value not in found or rank < found[s["s"].value][0]:
            found[s["s"].value] = (rank, s["l"].value)
    return {iri: label for iri, (_, label) in found.items()}


def graph_store_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store Protocol URL: ``?default``, or ``?graph=IRI`` for a named graph."""
    target = "default" if graph_iri is None else "graph=" + quote(graph_iri, safe="")
    return endpoint + ("&" if "?" in endpoint else "?") + target


def push(
    store: ox.Store, endpoint: str, *, graph_iri: str | None = None, append: bool = False, timeout: float = 300.0
) -> tuple[int, int]:
    """Upload the store's default graph as Turtle: PUT replaces the target graph, POST (``append``) adds.

    Returns (HTTP status, triples sent).
    """
    from gbakg.sparql.query import PREFIXES

    if graph_iri is not None:
        try:
            ox.NamedNode(graph_iri)
        except ValueError as e:
            raise InputError(f"--graph-iri {graph_iri!r}: not an IRI ({e})") from e
    data = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    status, _, _ = request(
        graph_store_url(endpoint, graph_iri),
        data=data,
        method="POST" if append else "PUT",
        headers={"Content-Type": "text/turtle; charset=utf-8"},
        timeout=timeout,
    )
    return status, len(store)
