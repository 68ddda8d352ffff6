"""Shared pieces of the command line: options, the error boundary, output helpers.

Only the CLI layer imports this module; library modules never do.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from typing import Any

import click

from gbakg.errors import GbakgError, InputError

_AS_OF = "gbakg.as_of"
_LANG = "gbakg.lang"
LANGUAGES = ("en", "zh")


def _remember_as_of(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Check ``--as-of`` at once and keep it in the context, so commands need no extra argument."""
    if value is not None:
        from gbakg.dates import parse_date

        try:
            ctx.meta[_AS_OF] = parse_date(value)
        except InputError as e:
            raise InputError(f"--as-of: {e}") from e


def as_of_date():  # type: ignore[no-untyped-def]
    """The ``--as-of`` date of the running command (a :class:`gbakg.dates.Period`), or None."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_AS_OF) if ctx is not None else None


def graph_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--graph PATH`` (repeatable), ``--with-curated`` and ``--as-of DATE``, for every command that loads data.

    ``--as-of`` is not passed to the command: :func:`load_graph` applies it (see :func:`as_of_date`).
    """
    func = click.option(
        "--as-of",
        metavar="DATE",
        expose_value=False,
        callback=_remember_as_of,
        help="Only what was true by DATE (YYYY, YYYY-MM or YYYY-MM-DD; a year means its last day).",
    )(func)
    func = click.option(
        "--with-curated",
        is_flag=True,
        help="Add the curated graph to the files given with --graph.",
    )(func)
    func = click.option(
        "--graph",
        "graphs",
        multiple=True,
        type=click.Path(),
        metavar="PATH",
        help="A Turtle file or folder to use instead of the curated graph (repeatable).",
    )(func)
    return func


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--lang en|zh``: the language of printed labels (Chinese falls back to English)."""
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default="en",
        show_default=True,
        expose_value=False,
        callback=lambda ctx, _param, value: ctx.meta.__setitem__(_LANG, value),
        help="Label language: en, or zh (Chinese where an entity has a Chinese name, else English).",
    )(func)


def label_lang() -> str:
    """The ``--lang`` of the running command, ``en`` by default."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_LANG, "en") if ctx is not None else "en"


class AliasedOption(click.Option):
    """An option whose first name is shown in help; its other names are older spellings kept working."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        names = self.opts
        self.opts = names[:1]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = names


def projection_option(alias: str | None, default: str, choices: tuple[str, ...], help: str) -> Callable[..., Any]:
    """``--projection`` (one name for one concept; ``alias`` is an older name, still accepted)."""
    return click.option(
        "--projection",
        *([alias] if alias else []),
        "projection",
        cls=AliasedOption,
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help,
    )


def format_option(*choices: str, default: str = "table") -> Callable[..., Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def load_graph(graphs: tuple[str, ...], with_curated: bool):  # type: ignore[no-untyped-def]
    """Load what the user asked for, as of ``--as-of`` if given; imported lazily so ``--help`` stays fast."""
    from gbakg.rdf.load import load

    if with_curated and not graphs:
        raise click.UsageError("--with-curated needs at least one --graph")
    graph = load(list(graphs) or None, with_curated=with_curated)
    cutoff = as_of_date()
    if cutoff is not None:
        from gbakg.rdf.asof import as_of

        graph = as_of(graph, cutoff)
    return graph


def open_data(graphs: tuple[str, ...], with_curated: bool):  # type: ignore[no-untyped-def]
    """(the Oxigraph store, the triples the projections read) of what the user asked for, as of
    ``--as-of``: the analysis commands' input.

    The store is the one ``gbakg query`` uses: persistent and reused while the files are unchanged
    (see :mod:`gbakg.sparql.cache`). A store on disk scans slowly, so the projections' triples are
    read from a parse in memory (while the store is built, the first time) and kept beside the store
    (:func:`gbakg.network.triples.save`): a second analysis of a large graph neither parses nor scans.
    """
    return _read_files(graph_files(graphs, with_curated))


def _read_files(files: list):  # type: ignore[no-untyped-def]
    """:func:`open_data` for files already chosen (``--as-of`` applied: it is not applied twice)."""
    from gbakg.network import triples as reading
    from gbakg.sparql import cache
    from gbakg.sparql.engine import open_store

    persistent = cache.enabled() and cache.worth_caching(files)
    if not persistent:
        store = open_store(files, cache=False)
        return store, reading.read(store)
    from gbakg.network import saved

    kept = cache.side_file(files, f"triples-{saved.code_key()}")
    triples = reading.load_saved(kept)
    if triples is not None:
        return open_store(files, cache=True), triples
    # Reading everything is several times faster from memory than from the store on disk, so the
    # files are parsed into memory for it while the persistent store is built beside (in Rust,
    # on the other core): the store serves name lookups now and later commands.
    built: dict[str, Any] = {}

    def build() -> None:
        try:
            built["store"] = open_store(files, cache=True, progress=lambda _: None)
        except BaseException as e:  # handed back below
            built["error"] = e

    builder = threading.Thread(target=build, name="gbakg-store", daemon=True)
    builder.start()
    triples = reading.read(open_store(files, cache=False))
    builder.join()
    if "error" in built:
        raise built["error"]
    with contextlib.suppress(OSError):  # a read-only cache still works, it just keeps nothing
        reading.save(triples, kept)
    return built["store"], triples


def open_projections(  # type: ignore[no-untyped-def]
    graphs: tuple[str, ...], with_curated: bool, lang: str = "en", *, need: tuple[str, ...] = ("full", "collab")
):
    """(the Oxigraph store, {"full": …, "collab": …}) for what the user asked for: the projections
    in ``need`` (the collaboration graph is made from the full one, which it may then skip).

    For a graph big enough for the persistent store, each projection is kept beside it (one file
    per projection and label language, :mod:`gbakg.network.saved`), so the next analysis of the
    unchanged files reads only what it needs.
    """
    from gbakg.network import saved
    from gbakg.network.projections import collaboration_graph, full_graph
    from gbakg.sparql import cache
    from gbakg.sparql.engine import open_store

    files = graph_files(graphs, with_curated)
    if cache.enabled() and cache.worth_caching(files):
        code = saved.code_key()
        kept = {name: cache.side_file(files, f"{name}-{lang}-{code}") for name in ("full", "collab")}
        found = {name: saved.load(kept[name]) for name in need}
        if all(g is not None for g in found.values()):
            return open_store(files, cache=True), found
    else:
        kept = {}
    store, triples = _read_files(files)
    made = {"full": full_graph(triples, lang=lang)}
    made["collab"] = collaboration_graph(full=made["full"])
    for name, path in kept.items():
        with contextlib.suppress(OSError):
            saved.save(made[name], path)
    return store, {name: made[name] for name in need}


def graph_files(graphs: tuple[str, ...], with_curated: bool, *, ontology: bool = True) -> list:
    """The Turtle files an engine that reads files (Oxigraph) should load, honouring ``--as-of``.

    Without ``--as-of``: the files themselves; the ontology joins unless ``ontology`` is false for
    the user's own files (``--graph`` without ``--with-curated``: standard SPARQL sees that data
    alone). With ``--as-of``: one Turtle file of the filtered graph, kept in the cache per (inputs,
    date) so the next run reuses it and its store (:func:`gbakg.sparql.cache.as_of_file`); with
    ``GBAKG_CACHE=off``, a temporary file.
    """
    from gbakg.rdf.load import graph_files as files_of
    from gbakg.sparql import cache

    if with_curated and not graphs:
        raise click.UsageError("--with-curated needs at least one --graph")
    own_only = bool(graphs) and not with_curated and not ontology
    files = files_of(list(graphs) or None, with_curated=with_curated, ontology=not own_only)
    cutoff = as_of_date()
    if cutoff is None:
        return files

    def write(path: Any) -> None:
        from gbakg.rdf.asof import as_of
        from gbakg.rdf.load import load

        graph = load(list(graphs) or None, with_curated=with_curated, ontology=not own_only)
        as_of(graph, cutoff).serialize(destination=path, format="turtle", encoding="utf-8")

    if cache.enabled():
        return [cache.as_of_file(files, cutoff.text, write)]
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="gbakg-as-of-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    write(folder / "as-of.ttl")
    return [folder / "as-of.ttl"]


class GbakgGroup(click.Group):
    """A group that turns every GbakgError into a one-line message and its exit code, and Ctrl-C into 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GbakgError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
