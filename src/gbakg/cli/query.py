"""Commands that ask SPARQL questions: query, serve, push."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gbakg.cli.kit import as_of_date, graph_files, graph_options, label_lang, lang_option

_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")
_BIND_HELP = (
    "Fix a variable before the query runs (repeatable). VALUE is an entity (IRI, CURIE, label or alias) "
    'or a literal written as in Turtle: "text", "text"@en, 42, true.'
)


def _files(graphs: tuple[str, ...], with_curated: bool, *, ontology: bool = False) -> list:
    """The files to query: exactly the ``--graph`` files, or the curated graph with its ontology.

    The ontology joins the user's own files only with ``--with-curated`` or when asked
    (``ontology``: the named queries, written against its class tree).
    """
    return graph_files(graphs, with_curated, ontology=ontology)


def _named_graphs(values: tuple[str, ...]) -> dict[str, Path]:
    """``--named-graph IRI=FILE`` values as {IRI: FILE}: an absolute IRI and a readable file, each once."""
    import pyoxigraph as ox

    found: dict[str, Path] = {}
    for value in values:
        iri, sep, file = value.rpartition("=")
        if not sep or not iri or not file:
            raise click.BadParameter(f"{value!r} is not IRI=FILE", param_hint="--named-graph")
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise click.BadParameter(f"{iri!r} is not an IRI ({e})", param_hint="--named-graph") from e
        if ":" not in iri.split("/")[0]:
            raise click.BadParameter(
                f"{iri!r} is not an absolute IRI (it needs a scheme, as in http://…)", param_hint="--named-graph"
            )
        path = Path(file)
        if not path.is_file():
            raise click.BadParameter(f"{file}: no such file", param_hint="--named-graph")
        if iri in found:
            raise click.BadParameter(f"{iri} is named twice", param_hint="--named-graph")
        found[iri] = path
    return found


def _interruptible(work: Callable[[], None]) -> None:
    """Run ``work`` in a thread, so that Ctrl-C stops the command at once (exit 130).

    Oxigraph evaluates a query in native code, where Python never sees the signal; the main
    thread only waits, and so gets KeyboardInterrupt within a tenth of a second. The worker is
    a daemon thread: it dies with the process.
    """
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as e:  # handed to the main thread, which reports it
            failure.append(_detached(e))

    from gbakg.sparql.engine import big_stack_thread

    worker = big_stack_thread(run, "gbakg-query")  # long flat queries recurse deep in Oxigraph
    while worker.is_alive():
        worker.join(0.1)
    if failure:
        raise failure[0]


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
    are predeclared, and relative IRIs resolve against gbr: (<idea> is gbr:idea). --graph files are
    queried exactly as given; the ontology joins with --with-curated (named queries read it too).
    A syntax error gives its line and column and exits 2; updates are not supported. The table shows
    at most 1,000 rows (csv, tsv and json give all).

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
    text, named = sparql.read_query(query_spec, stdin=_read_stdin)
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

    # Named queries are written against the ontology (class tree, stages), so they read it too.
    files, lang = _files(graphs, with_curated, ontology=named is not None), label_lang()  # context: this thread

    def work() -> None:
        store = engine.open_store(files)
        terms = sparql.bind_terms(raw, lambda name: engine.resolve(store, name))
        answer: Any = engine.query(store, text, bindings=terms, prefixes=sparql.PREFIXES)
        _emit(sparql.render(answer, fmt, labels=lambda iris: engine.labels(store, iris, lang=lang)))

    _interruptible(work)


def _detached(error: BaseException) -> BaseException:
    """``error`` without its tracebacks, which hold Oxigraph results that may only be freed in the
    thread that made them; an unexpected error keeps the traceback as text, in a note."""
    from gbakg.errors import GbakgError

    if not isinstance(error, GbakgError | OSError):
        import traceback

        error.add_note("".join(traceback.format_exception(error)).rstrip())
    seen: BaseException | None = error
    while seen is not None:
        seen.__traceback__ = None
        seen = seen.__cause__ or seen.__context__
    return error


def _read_stdin() -> bytes | str:
    """Standard input as bytes where there are bytes, so its encoding is checked, not guessed."""
    stream = getattr(sys.stdin, "buffer", None)
    return stream.read() if stream is not None else sys.stdin.read()


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
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on, 0 to 65535 (0 picks a free one).",
)
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
@click.option(
    "--pages/--no-pages",
    default=True,
    show_default=True,
    help="Resolve the graph's IRIs (/id/SLUG, /source/SLUG, /ontology); the pages are written by a "
    "child process at start-up, which takes memory and minutes for millions of triples.",
)
@click.option(
    "--named-graph",
    "named",
    multiple=True,
    metavar="IRI=FILE",
    callback=lambda ctx, param, values: _named_graphs(values),
    help="Also load FILE as the named graph IRI, for FROM NAMED, GRAPH and the protocol's "
    "named-graph-uri (repeatable; the store is then kept in memory).",
)
@graph_options
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    quiet: bool,
    pages: bool,
    named: dict[str, Path],
    graphs: tuple[str, ...],
    with_curated: bool,
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol at /sparql, with a query page at /,
    and resolve its IRIs: /id/SLUG, /source/SLUG and /ontology answer the site's page to browsers
    and Turtle, N-Triples or JSON-LD to RDF clients (by Accept, or .ttl/.nt/.jsonld).

    GET and POST (form or application/sparql-query); JSON, XML, CSV, TSV, Turtle, N-Triples by the
    Accept header; CORS for browser clients. Updates and SERVICE are refused (403); a query that
    runs past --timeout is stopped (504) while other queries go on.
    """
    from gbakg.site.resources import Resources
    from gbakg.sparql.endpoint import make_endpoint
    from gbakg.sparql.endpoint import serve as run

    for name, value in (("--timeout", timeout), ("--max-rows", max_rows), ("--workers", workers)):
        if value <= 0:
            raise click.BadParameter("must be positive", param_hint=name)
    files = _files(graphs, with_curated)
    endpoint = make_endpoint(
        files,
        host,
        port,
        workers=workers,
        timeout=timeout,
        max_rows=max_rows,
        quiet=quiet,
        named=named,
    )
    resources = Resources(files, lambda text, fmt: endpoint.pool.run(text, None, fmt, (None, None)))
    if pages:
        endpoint.resources = resources.start()
    root = endpoint.url[: -len("sparql")]
    click.echo(f"Serving {endpoint.pool.triples} triples read-only at {endpoint.url}", err=True)
    click.echo(f"Query page: {root} (Ctrl+C stops)", err=True)
    if pages:
        click.echo(f"Pages: {root}index.html; every IRI resolves at {root}id/SLUG (HTML or RDF by Accept)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}: other machines can query this graph", err=True)
    try:
        run(endpoint)
    finally:
        resources.close()


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
    """Upload the graph to a triple store with the SPARQL 1.1 Graph Store Protocol.

    The curated graph goes with its ontology; --graph files go exactly as given (add the curated
    graph and ontology with --with-curated).
    """
    from gbakg.sparql import remote
    from gbakg.sparql.engine import open_store

    store = open_store(_files(graphs, with_curated))
    status, triples = remote.push(store, endpoint, graph_iri=graph_iri, append=append, timeout=timeout)
    target = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    verb = "added to" if append else "replaced"
    click.echo(f"{triples} triples {verb} {target} at {endpoint} (HTTP {status})")


COMMANDS = [query, serve, push]
