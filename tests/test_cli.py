"""The command line, end to end: build, validate, stats, and their errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF

from conftest import CORPUS, ROOT, TINY_GRAPH, statement
from gbakg.cli import cli
from gbakg.vocabulary import GBA, GBR


def test_build_curated(run, tmp_path):
    """`gbakg build` writes the merged graph and the explorer and prints a summary."""
    out = tmp_path / "build"
    result = run("build", "--out", str(out), "--corpus", str(CORPUS))
    assert result.exit_code == 0, result.output
    assert "entities" in result.output and "Valid:" in result.output
    built = Graph().parse(out / "gbakg.ttl")
    assert (GBR["hong-kong"], RDF.type, GBA.City) in built
    assert (GBA.City, None, None) in built  # the ontology is merged in
    page = (out / "explorer.html").read_text()
    assert "vis.DataSet" in page and "Hong Kong" in page
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) is None  # nothing remote


def test_build_tiny_graph(run, tmp_path, tiny_file, tiny_corpus):
    out = tmp_path / "out"
    result = run("build", "--graph", str(tiny_file), "--corpus", str(tiny_corpus), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("4 entities and 2 qualified nodes")
    assert (out / "gbakg.ttl").exists() and (out / "explorer.html").exists()


def test_build_refuses_invalid_graph_and_writes_nothing(run, tmp_path, write_ttl, tiny_corpus):
    """An invalid graph exits 1 and leaves an earlier build untouched."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "gbakg.ttl").write_text("earlier build")
    bad = write_ttl(TINY_GRAPH + 'gbr:ghost rdfs:label "Ghost"@en .')
    result = run("build", "--graph", str(bad), "--corpus", str(tiny_corpus), "--out", str(out))
    assert result.exit_code == 1
    assert "[shape] gbr:ghost rdf:type: has a label but no type" in result.output
    assert (out / "gbakg.ttl").read_text() == "earlier build"
    assert not (out / "explorer.html").exists()
    assert [p.name for p in out.iterdir()] == ["gbakg.ttl"]


def test_build_out_parent_missing(run, tmp_path, tiny_file, tiny_corpus):
    out = tmp_path / "no" / "such" / "dir"
    result = run("build", "--graph", str(tiny_file), "--corpus", str(tiny_corpus), "--out", str(out))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {out}: parent folder {out.parent} does not exist"


def test_build_out_cannot_be_created(run, tiny_file, tiny_corpus):
    """A folder the system refuses to create (even to root) is a clear error."""
    out = "/proc/gbakg-build"
    result = run("build", "--graph", str(tiny_file), "--corpus", str(tiny_corpus), "--out", out)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {out}: cannot create folder (")


def test_build_out_is_a_file(run, tmp_path, tiny_file, tiny_corpus):
    target = tmp_path / "file"
    target.write_text("x")
    result = run("build", "--graph", str(tiny_file), "--corpus", str(tiny_corpus), "--out", str(target))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {target}: exists and is not a folder"


def test_validate_curated(run):
    result = run("validate", "--corpus", str(CORPUS))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Valid: ")


def test_validate_violation_exits_1(run, write_ttl, tiny_corpus):
    bad = write_ttl(TINY_GRAPH.replace("gba:party gbr:alpha-university , gbr:beta-lab", "gba:party gbr:beta-lab"))
    result = run("validate", "--graph", str(bad), "--corpus", str(tiny_corpus))
    assert result.exit_code == 1
    assert "Invalid: 1 violation(s)." in result.output
    assert "[shape] gbr:agreement-alpha-beta gba:party: an agreement needs at least two parties" in result.output


def test_validate_altered_quote(run, write_ttl, tiny_corpus):
    bad = write_ttl(TINY_GRAPH.replace("good at research.", "excellent at research."))
    result = run("validate", "--graph", str(bad), "--corpus", str(tiny_corpus))
    assert result.exit_code == 1
    assert "quote not found in tiny.txt: 'Alpha City is excellent at research.'" in result.output


def test_malformed_turtle_is_one_line_exit_2(run, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:d ex:e .\n")
    for command in ("validate", "stats", "build"):
        result = run(command, "--graph", str(bad), *(["--out", str(tmp_path / "o")] if command == "build" else []))
        assert result.exit_code == 2, command
        assert result.output.startswith(f"Error: {bad}:3: invalid Turtle: ")
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "o" / "gbakg.ttl").exists()


def test_missing_graph_path(run, tmp_path):
    result = run("stats", "--graph", str(tmp_path / "missing.ttl"))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path / 'missing.ttl'}: no such file or folder"


def test_missing_corpus_folder(run, tiny_file, tmp_path):
    result = run("validate", "--graph", str(tiny_file), "--corpus", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "corpus folder not found" in result.output


def test_with_curated_needs_graph(run):
    result = CliRunner().invoke(cli, ["stats", "--with-curated"])
    assert result.exit_code == 2
    assert "--with-curated needs at least one --graph" in result.output


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_stats_formats(run, tiny_file, fmt):
    result = run("stats", "--graph", str(tiny_file), "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = json.loads(result.output)
        assert data["by_class"] == {
            "gba:Agreement": 1,
            "gba:City": 2,
            "gba:ResearchInstitute": 1,
            "gba:Strength": 1,
            "gba:University": 1,
        }
        assert data["entities"] == 4
        assert data["sources"] == 1
    else:
        sep = {"table": None, "csv": ",", "tsv": "\t"}[fmt]
        rows = [line.split(sep) for line in result.output.splitlines()]
        assert ["class", "gba:City", "2"] in [[c.strip() for c in r] for r in rows]


def test_stats_by_source(run, tiny_file):
    result = run("stats", "--graph", str(tiny_file), "--sources", "--format", "csv")
    assert result.output.splitlines() == ["source,facts", "gbs:tiny,9"]


# The tiny graph plus an unplaced firm and a Chinese name for Alpha City: the gaps are the firm's
# place and the Chinese names of Alpha University and Beta City.
GAPS_GRAPH = (
    TINY_GRAPH
    + 'gbr:alpha-city rdfs:label "阿爾法市"@zh-Hant .\ngbr:gamma-firm rdfs:label "Gamma Firm"@en .\n'
    + statement("gbr:gamma-firm", "rdf:type", "gba:Company", "Gamma Firm")
)
EXPECTED_GAPS = [
    {"gap": "no place", "entity": "gbr:gamma-firm", "class": "gba:Company", "label": "Gamma Firm"},
    {
        "gap": "no Chinese name",
        "entity": "gbr:alpha-university",
        "class": "gba:University",
        "label": "Alpha University",
    },
    {"gap": "no Chinese name", "entity": "gbr:beta-city", "class": "gba:City", "label": "Beta City"},
]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_stats_gaps_lists_what_the_coverage_counts_miss(run, write_ttl, fmt):
    result = run("stats", "--graph", str(write_ttl(GAPS_GRAPH)), "--gaps", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output) == EXPECTED_GAPS
    else:
        lines = result.output.splitlines()
        assert lines[0] == "gap,entity,class,label"
        assert lines[1:] == [",".join(row.values()) for row in EXPECTED_GAPS]


def test_stats_gaps_and_sources_exclude_each_other(run, tiny_file):
    result = run("stats", "--graph", str(tiny_file), "--gaps", "--sources")
    assert result.exit_code == 2
    assert "give --sources or --gaps, not both" in result.output


@pytest.mark.parametrize("command", ["build", "validate", "stats"])
def test_every_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "--graph PATH" in result.output


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert f"gbakg {name}" in readme, name


def test_python_m_gbakg(tmp_path):
    """`python -m gbakg` works from any folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "gbakg", "--version"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.startswith("gbakg, version ")


def _commands():
    from gbakg.cli import cli

    return sorted(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_and_is_documented(run, name):
    """`gbakg NAME --help` explains the command, and the README's command table lists it."""
    from gbakg.cli import cli

    result = run(name, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {name}") or result.output.startswith(f"Usage: gbakg {name}")
    assert (cli.commands[name].help or "").strip(), f"{name} has no help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `gbakg {name}" in readme, f"the README's command table does not list {name}"


@pytest.mark.parametrize(("old", "command"), [("--on", "centrality"), ("--via", "path"), ("--via", "neighbors")])
def test_old_option_names_are_hidden_aliases_of_projection(run, old, command):
    """One name per concept in help (--projection); the older spellings still work."""
    shown = run(command, "--help").output
    assert "--projection" in shown and old not in shown
