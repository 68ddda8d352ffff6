"""The persistent store: parsed once per unchanged set of files, rebuilt when a file changes."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

pyoxigraph = pytest.importorskip("pyoxigraph")

from gbakg.errors import InputError, ParseError  # noqa: E402
from gbakg.sparql import cache  # noqa: E402

EX = "http://example.org/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(store) -> int:  # type: ignore[no-untyped-def]
    return int(next(iter(store.query(COUNT)))["n"].value)


class CountingLoader:
    """The default loader, counting how often a store is really built."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, store, paths: Sequence[Path]) -> None:  # type: ignore[no-untyped-def]
        self.calls += 1
        cache.load_files(store, paths)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.ttl"
    path.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}b> <{EX}p> <{EX}c> .\n", encoding="utf-8")
    return path


def test_second_open_of_an_unchanged_file_reuses_the_store(data: Path, tmp_path: Path) -> None:
    """The second open neither calls the loader nor touches the store's files."""
    loader = CountingLoader()
    first = cache.cached_store([data], tmp_path / "cache", loader=loader)
    assert _count(first) == 2
    entry = tmp_path / "cache" / cache.fingerprint([data])
    before = {p.name: p.stat().st_mtime_ns for p in entry.iterdir() if p.suffix == ".sst"}
    del first
    second = cache.cached_store([data], tmp_path / "cache", loader=loader)
    assert _count(second) == 2
    assert loader.calls == 1
    assert before and {p.name: p.stat().st_mtime_ns for p in entry.iterdir() if p.suffix == ".sst"} == before


def test_a_changed_file_invalidates_the_store(data: Path, tmp_path: Path) -> None:
    loader = CountingLoader()
    assert _count(cache.cached_store([data], tmp_path / "cache", loader=loader)) == 2
    old_key = cache.fingerprint([data])
    with data.open("a", encoding="utf-8") as f:
        f.write(f"<{EX}c> <{EX}p> <{EX}d> .\n")
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 1_000_000))
    assert cache.fingerprint([data]) != old_key
    assert _count(cache.cached_store([data], tmp_path / "cache", loader=loader)) == 3
    assert loader.calls == 2


def test_another_list_of_files_gets_its_own_store(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.ttl"
    other.write_text(f"<{EX}x> <{EX}p> <{EX}y> .\n", encoding="utf-8")
    assert _count(cache.cached_store([data, other], tmp_path / "cache")) == 3
    assert _count(cache.cached_store([other], tmp_path / "cache")) == 1
    assert cache.is_cached([data, other], tmp_path / "cache")
    assert cache.is_cached([other], tmp_path / "cache")
    assert not cache.is_cached([data], tmp_path / "cache")


def test_only_the_most_recent_stores_are_kept(tmp_path: Path) -> None:
    files = []
    for i in range(4):
        path = tmp_path / f"g{i}.ttl"
        path.write_text(f"<{EX}s{i}> <{EX}p> <{EX}o> .\n", encoding="utf-8")
        files.append(path)
        cache.cached_store([path], tmp_path / "cache", keep=2)
        os.utime(tmp_path / "cache" / cache.fingerprint([path]), (1_000_000 + i, 1_000_000 + i))
    kept = [f.name for f in files if cache.is_cached([f], tmp_path / "cache")]
    assert kept == ["g2.ttl", "g3.ttl"]


def test_relative_iris_resolve_against_the_file(tmp_path: Path) -> None:
    """As with gbakg.rdf.load.load, a relative IRI is resolved against the file's own URI."""
    path = tmp_path / "rel.ttl"
    path.write_text("<#a> <http://example.org/p> <#b> .\n", encoding="utf-8")
    store = cache.cached_store([path], tmp_path / "cache")
    (quad,) = list(store.quads_for_pattern(None, None, None))
    assert quad.subject.value == path.resolve().as_uri() + "#a"


def test_progress_reports_every_byte(data: Path, tmp_path: Path) -> None:
    seen: list[int] = []
    cache.cached_store([data], tmp_path / "cache", progress=seen.append)
    assert sum(seen) == data.stat().st_size


def test_a_syntax_error_names_the_file_and_line_and_leaves_no_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}a> <{EX}p> .\n", encoding="utf-8")
    with pytest.raises(ParseError, match=rf"^{bad}:2: invalid Turtle: "):
        cache.cached_store([bad], tmp_path / "cache")
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.ttl: cannot read"):
        cache.cached_store([tmp_path / "missing.ttl"], tmp_path / "cache")


def test_the_cached_store_is_read_only(data: Path, tmp_path: Path) -> None:
    store = cache.cached_store([data], tmp_path / "cache")
    with pytest.raises(RuntimeError, match="read-write"):
        store.update(f"INSERT DATA {{ <{EX}x> <{EX}p> <{EX}y> }}")


@pytest.mark.parametrize(("size", "expected"), [(10, False), (cache.MIN_BYTES, True)])
def test_worth_caching_only_big_inputs(tmp_path: Path, size: int, expected: bool) -> None:
    path = tmp_path / "g.ttl"
    path.write_bytes(b"#" * size)
    assert cache.worth_caching([path]) is expected


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GBAKG_CACHE", str(tmp_path / "c"))
    assert cache.default_cache_dir() == tmp_path / "c"
    assert cache.enabled()
    monkeypatch.delenv("GBAKG_CACHE")
    assert cache.default_cache_dir() == Path("build") / ".store"
    assert cache.enabled()


@pytest.mark.parametrize("value", ["off", "OFF", "0", "no", "false"])
def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GBAKG_CACHE", value)
    assert not cache.enabled()
    assert cache.default_cache_dir() == Path("build") / ".store"


def test_the_engine_opens_big_inputs_from_the_cache(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """engine.open_store parses once; the second open of unchanged files reuses the store."""
    from gbakg.sparql import engine

    monkeypatch.setenv("GBAKG_CACHE", str(tmp_path / "cache"))
    calls: list[int] = []
    real = engine._load
    monkeypatch.setattr(engine, "_load", lambda store, files, **kw: (calls.append(1), real(store, files, **kw)))
    monkeypatch.setattr(cache, "worth_caching", lambda files, min_bytes=0: True)
    assert _count(engine.open_store([data])) == 2
    assert _count(engine.open_store([data])) == 2
    assert calls == [1]
    assert cache.is_cached([data], tmp_path / "cache")


@pytest.mark.parametrize("setting", ["small", "off", "forced-off"])
def test_the_engine_parses_into_memory_otherwise(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """Small inputs, GBAKG_CACHE=off and cache=False all parse into a writable in-memory store."""
    from gbakg.sparql import engine

    monkeypatch.setenv("GBAKG_CACHE", "off" if setting == "off" else str(tmp_path / "cache"))
    if setting != "small":
        monkeypatch.setattr(cache, "worth_caching", lambda files, min_bytes=0: True)
    store = engine.open_store([data], cache=False if setting == "forced-off" else None)
    store.update(f"INSERT DATA {{ <{EX}x> <{EX}p> <{EX}y> }}")
    assert _count(store) == 3
    assert not (tmp_path / "cache").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("custom_loader", [False, True])
def test_a_build_on_a_terminal_shows_a_progress_bar(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, custom_loader: bool
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    loader = CountingLoader() if custom_loader else None
    assert _count(cache.cached_store([data], tmp_path / "cache", loader=loader)) == 2
    shown = terminal.getvalue()
    assert "Building the persistent store for 0 MB of RDF (once; GBAKG_CACHE=off skips it)" in shown
    assert "100%" in shown
    terminal.truncate(0)
    cache.cached_store([data], tmp_path / "cache", loader=loader)
    assert terminal.getvalue() == ""  # opening an existing store shows nothing


@pytest.fixture(scope="module")
def huge_literal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Turtle literal of 17 MiB, past Oxigraph's 16 MiB token buffer."""
    path = tmp_path_factory.mktemp("huge") / "huge.ttl"
    path.write_text(f'<{EX}a> <{EX}p> "{"x" * (17 * 1024 * 1024)}" .\n', encoding="utf-8")
    return path


def _too_big(path: Path) -> str:
    return (
        f"{path}: a literal or IRI is over 16 MiB, more than the SPARQL engine (Oxigraph) can read; split or shorten it"
    )


@pytest.mark.parametrize("persistent", [False, True])
def test_a_literal_over_16_mib_is_a_one_line_input_error(
    huge_literal: Path, tmp_path: Path, persistent: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In memory and into the persistent store alike; the failed store leaves nothing in the cache."""
    from gbakg.sparql.engine import open_store

    monkeypatch.setenv("GBAKG_CACHE", str(tmp_path / "cache"))
    with pytest.raises(InputError, match="over 16 MiB") as caught:
        open_store([huge_literal], cache=persistent)
    assert str(caught.value) == _too_big(huge_literal)
    assert not (tmp_path / "cache").exists() or [p.name for p in (tmp_path / "cache").iterdir()] == []


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["push", "--endpoint", "http://127.0.0.1:9/store"]])
def test_query_and_push_report_a_huge_literal_in_one_line(run, huge_literal: Path, command: list[str]) -> None:
    result = run(command[0], "--graph", str(huge_literal), *command[1:])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {_too_big(huge_literal)}\n"


def test_serve_reports_a_huge_literal_in_one_line(huge_literal: Path) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "gbakg", "serve", "--port", "0", "--graph", str(huge_literal)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith(f"Error: {_too_big(huge_literal)}\n"), done.stderr
    assert "Traceback" not in done.stderr


def test_rdflib_reads_a_huge_literal(huge_literal: Path) -> None:
    """rdflib has no such limit: validate, build and the analyses still read the file."""
    from gbakg.rdf.load import parse_files

    graph = parse_files([huge_literal])
    assert len(next(iter(graph))[2]) == 17 * 1024 * 1024
