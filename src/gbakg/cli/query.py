"""Commands that ask SPARQL questions: query, serve, push."""

from __future__ import annotations

import sys
from typing import Any

import click

from gbakg.cli.kit import as_of_date, graph_files, graph_options, label_lang, lang_option

_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")
_BIND_HELP = (
    "Fix a variable before the query runs (repeatable). VALUE is an entity (IRI, CURIE, label or alias) "
    'or a literal written as in Turtle: "text", "text"@en, 42, true.'
)


def _files(graphs: tuple[str, ...], with_curated: bool) -> list:
    """The files to load, as of ``--as-of`` when given (one temporary file of the filtered graph)."""
    return graph_files(graphs, with_curated)


def _emit(chunks) -> None:  # type: ignore[no-untyped-def]
    out = sys.stdout.buffer  # click's test runner gives its stand-in stdout a buffer too
    for chunk in chunks:
        out.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
    out.flush()


@click.command()
@click.argument("query_spec", metavar="QUERY", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the named queries, their descriptions and bindings.")
@click.option("--bind", "binds", multiple=True, metavar="NAME=VALUE", help=_BIND_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="table",
    show_default=True,
    help="table, csv, tsv, json (SPARQL results JSON) or xml for SELECT/ASK; ttl, nt, json (JSON-LD) or xml "
    "(RDF/XML) for CONSTRUCT/DESCRIBE (table shows a graph as Turtle).",
)
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL endpoint instead of the local graph.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for --endpoint.")
@lang_option
@graph_options
def query(
    query_spec: str | None,
    list_only: bool,
    binds: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    timeout: float,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Run a SPARQL query: QUERY is SPARQL text, a .rq file, - (standard input) or a named query.

    The prefixes gba: gbr: gbs: org: prov: skos: rdf: rdfs: owl: xsd: schema: dcterms: foaf: geo:
    are predeclared. A syntax error gives its line and column and exits 2.

    \b
    Examples:
      gbakg query 'SELECT ?city WHERE { ?city a gba:City }'
      gbakg query --list
      gbakg query partners-of --bind org=IDEA
      gbakg query strengths --format csv
      gbakg query my-question.rq --endpoint http://localhost:7878/query
    """
    from gbakg.sparql import query as sparql

    if list_only:
        if query_spec:
            raise click.UsageError("--list takes no QUERY")
        _list_named(fmt)
        return
    if not query_spec:
        raise click.UsageError(
            "give a QUERY (SPARQL text, a .rq file, - or a named query); --list shows the named ones"
        )
    text, named = sparql.read_query(query_spec, stdin=lambda: sys.stdin.read())
    raw = sparql.parse_bind_options(binds)
    sparql.check_bindings(text, raw, named)
    if endpoint:
        from gbakg.sparql import remote

        if graphs or with_curated or as_of_date() is not None:
            raise click.UsageError("--endpoint asks a remote store; --graph, --with-curated and --as-of do not apply")
        terms = sparql.bind_terms(raw, lambda name: remote.resolve(endpoint, name, timeout=timeout))
        result = remote.query(endpoint, text, bindings=terms, timeout=timeout)
        _emit(
            sparql.render(
                result, fmt, labels=lambda iris: remote.labels(endpoint, iris, timeout=timeout, lang=label_lang())
            )
        )
        return
    from gbakg.sparql import engine

    store = engine.open_store(_files(graphs, with_curated))
    terms = sparql.bind_terms(raw, lambda name: engine.resolve(store, name))
    answer: Any = engine.query(store, text, bindings=terms, prefixes=sparql.PREFIXES)
    _emit(sparql.render(answer, fmt, labels=lambda iris: engine.labels(store, iris, lang=label_lang())))


def _list_named(fmt: str) -> None:
    from gbakg.formats import render
    from gbakg.sparql.query import named_queries

    rows = [
        {
            "name": q.name,
            "bindings": " ".join(b.name if b.required else f"[{b.name}]" for b in q.bindings),
            "description": q.description,
        }
        for q in named_queries().values()
    ]
    if fmt not in ("table", "csv", "tsv", "json"):
        raise click.UsageError(f"--list prints table, csv, tsv or json, not {fmt}")
    click.echo(render(rows, fmt, columns=["name", "bindings", "description"]))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every network).")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on (0 picks a free one).")
@click.option(
    "--timeout", type=float, default=10.0, show_default=True, help="Seconds a query may run before it is stopped (504)."
)
@click.option(
    "--max-rows", type=int, default=100_000, show_default=True, help="Largest result served, rows or triples (422)."
)
@click.option(
    "--workers", type=int, default=2, show_default=True, help="Query worker processes, each holding the graph."
)
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@graph_options
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    quiet: bool,
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol at /sparql, with a query page at /.

    GET and POST (form or application/sparql-query); JSON, XML, CSV, TSV, Turtle, N-Triples by the
    Accept header; CORS for browser clients. Updates and SERVICE are refused (403); a query that
    runs past --timeout is stopped (504) while other queries go on.
    """
    from gbakg.sparql.endpoint import make_endpoint
    from gbakg.sparql.endpoint import serve as run

    for name, value in (("--timeout", timeout), ("--max-rows", max_rows), ("--workers", workers)):
        if value <= 0:
            raise click.BadParameter("must be positive", param_hint=name)
    endpoint = make_endpoint(
        _files(graphs, with_curated), host, port, workers=workers, timeout=timeout, max_rows=max_rows, quiet=quiet
    )
    click.echo(f"Serving {endpoint.pool.triples} triples read-only at {endpoint.url}", err=True)
    click.echo(f"Query page: {endpoint.url[: -len('sparql')]} (Ctrl+C stops)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}: other machines can query this graph", err=True)
    run(endpoint)


@click.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph), "
    "http://localhost:3030/ds/data (Fuseki).",
)
@click.option(
    "--graph-iri",
    metavar="IRI",
    help="Named graph to write (default: the default graph). Named --graph-iri because --graph picks the input.",
)
@click.option("--append", is_flag=True, help="Add to the target graph (POST) instead of replacing it (PUT).")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds to wait for the store.")
@graph_options
def push(
    endpoint: str, graph_iri: str | None, append: bool, timeout: float, graphs: tuple[str, ...], with_curated: bool
) -> None:
    """Upload the graph (data + ontology) to a triple store with the SPARQL 1.1 Graph Store Protocol."""
    from gbakg.sparql import remote
    from gbakg.sparql.engine import open_store

    store = open_store(_files(graphs, with_curated))
    status, triples = remote.push(store, endpoint, graph_iri=graph_iri, append=append, timeout=timeout)
    target = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    verb = "added to" if append else "replaced"
    click.echo(f"{triples} triples {verb} {target} at {endpoint} (HTTP {status})")


COMMANDS = [query, serve, push]
