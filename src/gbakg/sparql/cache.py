"""A persistent Oxigraph store beside the build output, so an unchanged graph is parsed once.

Parsing a million triples of Turtle takes seconds; opening an Oxigraph store already on disk takes
milliseconds. Each set of input files gets its own store under the cache folder, named by a
fingerprint of the files (resolved path, size, modification time), the pyoxigraph version and this
module's format version. Any change to a file, or a different list of files, gives a new
fingerprint and so a fresh store; the few most recently used stores are kept, older ones removed.

A store is built in a private temporary folder and renamed into place when complete, so a crash
or a concurrent command never sees half a store. Finished stores are never written again and are
opened read-only, which lets several commands (or a server and a query) share one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gbakg.errors import InputError, ParseError
from gbakg.progress import Bar

if TYPE_CHECKING:
    import pyoxigraph

PathLike = str | os.PathLike[str]
Loader = Callable[["pyoxigraph.Store", Sequence[Path]], None]
Progress = Callable[[int], Any]

FORMAT_VERSION = "1"
KEEP = 4  # stores kept per cache folder, most recently used first
# Below this much input, parsing into memory takes well under a second: not worth a store on disk.
MIN_BYTES = 4_000_000
_STALE_TMP_SECONDS = 3600


_OFF = ("off", "0", "no", "false")


def enabled() -> bool:
    """False when ``GBAKG_CACHE`` is ``off`` (or 0, no, false): then every command parses its files."""
    return os.environ.get("GBAKG_CACHE", "").strip().lower() not in _OFF


def default_cache_dir() -> Path:
    """``$GBAKG_CACHE`` if set, else ``build/.store`` in the current folder (beside ``gbakg build``'s output)."""
    chosen = os.environ.get("GBAKG_CACHE", "").strip()
    return Path(chosen) if chosen and chosen.lower() not in _OFF else Path("build") / ".store"


def worth_caching(files: Iterable[PathLike], min_bytes: int = MIN_BYTES) -> bool:
    """Whether the files are big enough that a persistent store beats parsing them again.

    A store on disk opens in milliseconds but answers scans several times slower than one in
    memory (measured in benchmarks/README.md), so it pays for big inputs and selective queries.
    """
    total = 0
    for file in files:
        try:
            total += Path(file).stat().st_size
        except OSError:
            return False  # let the loader report the missing file
    return total >= min_bytes


def fingerprint(files: Iterable[PathLike]) -> str:
    """A key that changes when any file changes (path, size, mtime) or the list of files does."""
    import pyoxigraph

    digest = hashlib.sha256(f"gbakg-store {FORMAT_VERSION} pyoxigraph {pyoxigraph.__version__}\n".encode())
    for file in files:
        path = Path(file).resolve()
        try:
            st = path.stat()
        except OSError as e:
            raise InputError(f"{file}: cannot read ({e.strerror})") from e
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def cached_store(
    files: Sequence[PathLike],
    cache_dir: PathLike | None = None,
    *,
    loader: Loader | None = None,
    progress: Progress | None = None,
    keep: int = KEEP,
) -> pyoxigraph.Store:
    """Open the store for ``files`` from ``cache_dir``, building it on the first call.

    ``loader(store, paths)`` fills a new store (default: :func:`load_files`, which resolves
    relative IRIs against each file's URI, as :func:`gbakg.rdf.load.load` does); ``progress(n)`` is
    called with the number of bytes read as the default loader parses; without it, a build on a
    terminal shows a progress bar on stderr. The returned store is read-only: copy what you need
    into another store before changing it.
    """
    import pyoxigraph

    paths = [Path(f) for f in files]
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = fingerprint(paths)
    target = folder / key
    if not target.is_dir():
        if progress is None and sys.stderr.isatty():
            with _progressbar(paths) as bar:
                _build(target, paths, _per_file(loader, bar.update), bar.update)
        else:
            _build(target, paths, loader, progress)
    _touch(target)
    _prune(folder, keep, current=target)
    return pyoxigraph.Store.read_only(str(target))


def side_file(files: Sequence[PathLike], suffix: str, cache_dir: PathLike | None = None) -> Path:
    """Where something derived from exactly these files (unchanged) is kept beside their store:
    ``<cache>/<fingerprint>.<suffix>``, removed with the store when it is pruned."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{fingerprint(files)}.{suffix}"


def is_cached(files: Sequence[PathLike], cache_dir: PathLike | None = None) -> bool:
    """Whether a store for exactly these files (unchanged) is already in the cache."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return (folder / fingerprint(files)).is_dir()


def _progressbar(paths: Sequence[Path]) -> Bar:
    total = sum(p.stat().st_size for p in paths)
    label = f"Building the persistent store for {total / 1e6:.0f} MB of RDF (once; GBAKG_CACHE=off skips it)"
    return Bar(total, label)


def _per_file(loader: Loader | None, advance: Progress) -> Loader | None:
    """A custom loader reports no bytes, so the bar advances by each file once it is loaded."""
    if loader is None:
        return None

    def load(store: pyoxigraph.Store, paths: Sequence[Path]) -> None:
        for path in paths:
            loader(store, [path])
            advance(path.stat().st_size)

    return load


def _build(target: Path, paths: Sequence[Path], loader: Loader | None, progress: Progress | None) -> None:
    import pyoxigraph

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{target.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = pyoxigraph.Store(str(tmp))
        try:
            if loader is None:
                load_files(store, paths, progress=progress)
            else:
                loader(store, paths)
        except BaseException as e:
            # The loaders' frames in the traceback hold the store, whose lock would then outlive
            # this call: a second attempt in the same process (a notebook, a test) could not open it.
            traceback.clear_frames(e.__traceback__)
            del store
            raise
        store.flush()
        del store  # closes the database before it is moved
        try:
            tmp.rename(target)
        except OSError:
            if not target.is_dir():  # not a concurrent build that finished first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_files(store: pyoxigraph.Store, paths: Sequence[Path], *, progress: Progress | None = None) -> None:
    """Bulk-load RDF files into ``store``; a syntax error names the file, line and column."""
    import pyoxigraph

    for path in paths:
        fmt = pyoxigraph.RdfFormat.from_extension(path.suffix.lstrip(".")) or pyoxigraph.RdfFormat.TURTLE
        with parse_errors(path, fmt.name), path.open("rb") as raw:
            source: Any = _Reading(raw, progress) if progress is not None else raw  # a file-like for Oxigraph
            store.bulk_load(input=source, format=fmt, base_iri=path.resolve().as_uri())


@contextlib.contextmanager
def parse_errors(path: Path, format_name: str = "Turtle") -> Iterator[None]:
    """Oxigraph's parse failures as one-line errors naming the file (and line): every loader uses this."""
    try:
        yield
    except SyntaxError as e:
        where = f"{path}:{e.lineno}" if e.lineno else str(path)
        first = str(e.msg).strip().splitlines()[0] if str(e.msg).strip() else str(e.msg)
        raise ParseError(f"{where}: invalid {format_name}: {first}") from e
    except MemoryError as e:
        raise too_big(path, e) from e
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from e


def too_big(path: PathLike, error: MemoryError) -> InputError | MemoryError:
    """Oxigraph's parser holds one token (a literal, an IRI) in a buffer of at most 16 MiB: past it,
    a MemoryError that is the input's fault, so a one-line error naming the file. Any other
    MemoryError is returned as it was."""
    if "buffer maximal size" not in str(error):
        return error
    return InputError(
        f"{path}: a literal or IRI is over 16 MiB, more than the SPARQL engine (Oxigraph) can read; split or shorten it"
    )


class _Reading:
    """A binary file that reports each chunk read, so a long parse can show its progress."""

    def __init__(self, raw: Any, progress: Progress) -> None:
        self._raw = raw
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._progress(len(chunk))
        return chunk


def _touch(target: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache still works; it just ages by creation time
        os.utime(target)


def as_of_file(
    files: Sequence[PathLike], date: str, write: Callable[[Path], Any], cache_dir: PathLike | None = None
) -> Path:
    """The graph of ``files`` as it stood on ``date``, as one Turtle file written once and reused.

    ``write(path)`` writes the filtered graph. The file is named by the inputs' fingerprint and the
    date, and never rewritten: a second ``--as-of`` on unchanged inputs finds it, and since its
    path, size and time stay the same, the persistent store built from it is found too.
    """
    folder = (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / "as-of"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{fingerprint(files)}-{date}.ttl"
    if not target.exists():
        tmp = folder / f".tmp-{os.getpid()}-{target.name}"
        try:
            write(tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    kept = sorted((f for f in folder.glob("*.ttl") if f != target), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in kept[2 * KEEP :]:
        old.unlink(missing_ok=True)
    return target


def _prune(folder: Path, keep: int, *, current: Path) -> None:
    """Remove all but the ``keep`` most recently used stores, and temporary folders left by crashes."""
    now = time.time()
    entries = []
    for entry in folder.iterdir():
        if entry.name.startswith(".tmp-"):
            if now - entry.stat().st_mtime > _STALE_TMP_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_dir() and len(entry.name) == 24 and all(c in "0123456789abcdef" for c in entry.name):
            entries.append(entry)
    entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
    kept = {entry.name for entry in entries[:keep]} | {current.name}
    for side in folder.glob("*.*"):  # side files (see side_file) go with their store
        if side.is_file() and len(side.name.split(".")[0]) == 24 and side.name.split(".")[0] not in kept:
            side.unlink(missing_ok=True)
