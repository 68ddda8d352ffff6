"""Kept projections and triples: what the analysis commands read back from beside a persistent store
is the graph they would build, and a second run answers the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import statement
from gbakg.cli import cli
from gbakg.network import saved
from gbakg.network import triples as reading
from gbakg.network.projections import collaboration_graph, full_graph
from gbakg.rdf.load import graph_files
from gbakg.sparql import cache
from gbakg.sparql.engine import open_store
from netdata import NET


def _as_sets(g):  # order-free: a graph read back may list a node's neighbours in another order
    edges = g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True)
    return (
        dict(g.graph),
        dict(g.nodes(data=True)),
        sorted((repr(e[:-1]), repr(e[-1])) for e in edges),
    )


@pytest.fixture(params=["fixture", "curated"])
def store(request, write_ttl):
    files = graph_files(None) if request.param == "curated" else graph_files([str(write_ttl(NET, "net.ttl"))])
    return open_store(files, cache=False)


def test_kept_triples_give_the_same_projection(store, tmp_path):
    read = reading.read(store)
    reading.save(read, tmp_path / "kept.triples")
    back = reading.load_saved(tmp_path / "kept.triples")
    assert back is not None
    assert _as_sets(full_graph(back)) == _as_sets(full_graph(read))
    assert back.term_labels() == read.term_labels()


def test_kept_projections_are_the_projections(store, tmp_path):
    full = full_graph(store)
    for g in (full, collaboration_graph(full=full)):
        saved.save(g, tmp_path / "kept")
        back = saved.load(tmp_path / "kept")
        assert back is not None and type(back) is type(g)
        assert _as_sets(back) == _as_sets(g)
        assert list(back.nodes) == list(g.nodes)  # nodes keep their (sorted) order


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe9\x00\x00\x00"])
def test_a_damaged_file_is_ignored(tmp_path, content):
    (tmp_path / "bad").write_bytes(content)
    assert saved.load(tmp_path / "bad") is None and reading.load_saved(tmp_path / "bad") is None
    assert saved.load(tmp_path / "missing") is None


@pytest.mark.parametrize(
    "args",
    [
        ["centrality", "--projection", "collab", "--format", "csv"],
        ["path", "Alpha University", "Gamma Firm", "--via", "collab"],
        ["neighbors", "Beta Lab"],
        ["communities", "--format", "json"],
        ["brokers", "Alpha City", "Beta City"],
        ["value-chain", "--format", "csv"],
    ],
    ids=lambda a: a[0],
)
def test_a_second_run_reads_what_the_first_kept_and_answers_the_same(write_ttl, tmp_path, monkeypatch, args):
    monkeypatch.setattr(cache, "worth_caching", lambda files, min_bytes=0: True)  # as for a big graph
    monkeypatch.setenv("GBAKG_CACHE", str(tmp_path / "cache"))
    data = write_ttl(NET, "net.ttl")
    first = CliRunner().invoke(cli, [*args, "--graph", str(data)])
    kept = sorted(p.name.split(".", 1)[1].rsplit("-", 1)[0] for p in (tmp_path / "cache").glob("*.*"))
    second = CliRunner().invoke(cli, [*args, "--graph", str(data)])
    assert first.exit_code == 0, first.output
    assert kept == ["collab-en", "full-en", "triples"]
    assert second.output == first.output


def test_a_changed_file_is_not_answered_from_what_was_kept(write_ttl, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "worth_caching", lambda files, min_bytes=0: True)
    monkeypatch.setenv("GBAKG_CACHE", str(tmp_path / "cache"))
    data = write_ttl(NET, "net.ttl")
    before = CliRunner().invoke(cli, ["neighbors", "Beta Lab", "--format", "csv", "--graph", str(data)])
    tie = statement("gbr:lonely", "gba:collaboratesWith", "gbr:lab-b", "Lonely Firm works with Beta Lab.")
    data.write_text(Path(data).read_text() + tie, encoding="utf-8")
    after = CliRunner().invoke(cli, ["neighbors", "Beta Lab", "--format", "csv", "--graph", str(data)])
    assert before.exit_code == after.exit_code == 0
    assert "Lonely Firm" not in before.output and "Lonely Firm" in after.output


def test_kept_files_are_named_by_the_code_that_made_them(monkeypatch, tmp_path):
    """A changed projection module gives a new name, so an upgraded gbakg never reads old projections."""
    here = Path(saved.__file__).parent
    for name in saved._MAKERS:
        (tmp_path / f"{name}.py").write_bytes((here / f"{name}.py").read_bytes())
    monkeypatch.setattr(saved, "__file__", str(tmp_path / "saved.py"))
    same = saved.code_key()
    (tmp_path / "projections.py").write_text("# another version\n", encoding="utf-8")
    assert len(same) == 12 and saved.code_key() != same
