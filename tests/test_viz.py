"""The explorer's HTML, checked without a browser: data, escaping, self-containment, the CLI."""

from __future__ import annotations

import html
import json
import re
from itertools import pairwise
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from conftest import ROOT
from gbakg.cli import cli
from gbakg.errors import AnalysisError, InputError, UnknownEntityError
from gbakg.explorer.page import (
    PHYSICS_LIMIT,
    SEED_LIMIT,
    explorer_data,
    explorer_html,
    explorer_widget,
    to_script_json,
)

GBR = "https://w3id.org/gbakg/id/"
MALICIOUS = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script><!--"


def synthetic_graph(n: int) -> nx.MultiDiGraph:
    """``n`` typed nodes, each with a quote, ``partOf`` a ternary tree plus one scattered link each."""
    types = ["gba:City", "gba:University", "gba:Company", "gba:Agreement", "gba:Strength", "gba:Person"]
    g = nx.MultiDiGraph()
    for i in range(n):
        ev = [{"source": "gbs:syn", "title": "Synthetic", "quote": f"Synthetic quote {i}."}]
        g.add_node(f"n{i}", iri=f"{GBR}syn-{i}", label=f"Synthetic {i}", type=types[i % len(types)], evidence=ev)
    for i in range(1, n):
        g.add_edge(f"n{i}", f"n{(i - 1) // 3}", key="gba:partOf", relation="gba:partOf", evidence=[])
        j = (i * 7919 + 13) % n
        if j != i:
            g.add_edge(f"n{i}", f"n{j}", key="gba:collaboratesWith", relation="gba:collaboratesWith", evidence=[])
    return g


def malicious_graph() -> nx.MultiDiGraph:
    """Two nodes whose every text tries to break out of the page."""
    g = nx.MultiDiGraph()
    ev = [{"source": "gbs:x", "title": "<b>bold</b>", "quote": BREAKOUT}]
    g.add_node("bad", iri=f"{GBR}bad", label=MALICIOUS, type="gba:Company", aliases=[BREAKOUT], evidence=ev)
    g.add_node("ok", iri=f"{GBR}ok", label="Plain \u2028 name & co", type="gba:City", evidence=[])
    g.add_edge("bad", "ok", key="gba:locatedIn", relation="gba:locatedIn", evidence=ev)
    return g


def page_data(page: str) -> dict:
    """The JSON document embedded in a page, parsed as the browser parses it."""
    match = re.search(r'<script type="application/json" id="gbakg-data">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


@pytest.fixture
def tiny(tiny_file: Path) -> nx.MultiDiGraph:
    from gbakg.network.projections import full_graph
    from gbakg.rdf.load import load

    return full_graph(load([tiny_file]))


def by_iri(data: dict, slug: str) -> dict:
    return next(n for n in data["nodes"] if n["k"] == GBR + slug)


def number(data: dict, slug: str) -> int:
    return next(i for i, n in enumerate(data["nodes"]) if n["k"] == GBR + slug)


# ---------------------------------------------------------------- data


def test_every_node_and_edge_is_drawn(tiny):
    data = explorer_data(tiny)
    assert len(data["nodes"]) == tiny.number_of_nodes()
    assert len(data["edges"]) == tiny.number_of_edges()


def test_evidence_travels_with_nodes_and_edges(tiny):
    data = explorer_data(tiny)
    quotes = [q for _, q in data["quotes"]]
    agreement = by_iri(data, "agreement-alpha-beta")
    assert [quotes[q] for q in agreement["q"]] == ["Alpha University and Beta Lab signed an agreement in 2020."]
    assert agreement["d"] == [["signed on", "2020"]]
    lab, city = number(data, "beta-lab"), number(data, "beta-city")
    (edge,) = [e for e in data["edges"] if e[:2] == [lab, city]]
    assert data["relations"][edge[2]]["id"] == "gba:locatedIn"
    assert [quotes[q] for q in edge[3]] == ["Beta Lab is in Beta City"]
    assert data["sources"] == [["gbs:tiny", "Tiny source"]]


def test_legend_uses_the_ontology_labels_given(tiny):
    data = explorer_data(tiny, term_labels={"gba:City": "City (ontology)", "gba:locatedIn": "is located in"})
    classes = {c["id"]: c for c in data["classes"]}
    assert classes["gba:City"]["label"] == "City (ontology)"
    assert classes["gba:City"]["n"] == 2
    assert classes["gba:ResearchInstitute"]["label"] == "Research institute"  # fallback: the local name
    assert {r["id"]: r["label"] for r in data["relations"]}["gba:locatedIn"] == "is located in"


def test_place_filter_follows_location_and_parties(tiny):
    """Beta Lab is in Beta City; the agreement has no place, so it takes its parties' cities."""
    data = explorer_data(tiny)
    alpha, beta = number(data, "alpha-city"), number(data, "beta-city")
    assert set(data["places"]) == {alpha, beta}
    assert by_iri(data, "beta-lab")["pl"] == [beta]
    assert by_iri(data, "alpha-university")["pl"] == [alpha]
    assert set(by_iri(data, "agreement-alpha-beta")["pl"]) == {alpha, beta}
    assert "pl" not in by_iri(data, "stage-research")


def test_stage_filter_ties_a_strength_and_its_holder(tiny):
    data = explorer_data(tiny)
    research = number(data, "stage-research")
    assert data["stages"][0] == research  # stages come in value-chain order (gba:order 1)
    tied = {data["nodes"][i]["k"][len(GBR) :] for i, n in enumerate(data["nodes"]) if research in n.get("st", [])}
    assert tied == {"stage-research", "strength-alpha-research", "alpha-city"}


def test_degree_sizes_count_distinct_neighbours(tiny):
    data = explorer_data(tiny)
    assert by_iri(data, "alpha-city")["v"] == 2  # its university and its strength (linked both ways)
    assert by_iri(data, "beta-city")["v"] == 1
    assert by_iri(data, "alpha-city")["s"] > by_iri(data, "beta-city")["s"]


def test_size_by_a_mapping_and_unknown_measure(tiny):
    data = explorer_data(tiny, size_by={f"{GBR}beta-city": 5.0, f"{GBR}alpha-city": float("nan")})
    assert by_iri(data, "beta-city")["v"] == 5.0
    assert "v" not in by_iri(data, "alpha-city")
    with pytest.raises(InputError, match="unknown measure 'fame'"):
        explorer_data(tiny, size_by="fame")


def test_focus_keeps_the_ego_network(tiny):
    data = explorer_data(tiny, focus=f"{GBR}beta-lab", depth=1)
    assert {n["k"][len(GBR) :] for n in data["nodes"]} == {"beta-lab", "beta-city", "agreement-alpha-beta"}
    assert len(data["edges"]) == 2
    assert data["highlight"] == {"kind": "focus", "nodes": [number(data, "beta-lab")], "edges": []}


def test_focus_on_unknown_node(tiny):
    with pytest.raises(UnknownEntityError, match="nowhere is not a node of the graph"):
        explorer_data(tiny, focus="nowhere")


def test_path_is_highlighted_hop_by_hop(tiny):
    data = explorer_data(tiny, path=(f"{GBR}beta-city", f"{GBR}alpha-university"))
    hops = ["beta-city", "beta-lab", "agreement-alpha-beta", "alpha-university"]
    assert data["highlight"]["nodes"] == [number(data, s) for s in hops]
    marked = [data["edges"][i][:2] for i in data["highlight"]["edges"]]
    assert len(marked) == 3
    assert {frozenset(e) for e in marked} == {frozenset(p) for p in pairwise(data["highlight"]["nodes"])}


def test_no_path_is_an_analysis_finding():
    g = nx.MultiDiGraph()
    g.add_nodes_from(["a", "b"])
    with pytest.raises(AnalysisError, match="no path between a and b"):
        explorer_data(g, path=("a", "b"))


def test_communities_colour_every_node():
    g = nx.MultiDiGraph()
    nx.add_path(g, ["a1", "a2", "a3", "a1"])
    nx.add_path(g, ["b1", "b2", "b3", "b1"])
    data = explorer_data(g, communities=[{"a1", "a2", "a3"}, {"b1", "b2", "b3"}])
    assert data["options"]["colorBy"] == "community"
    assert [n["m"] for n in data["nodes"]] == [0, 0, 0, 1, 1, 1]
    assert [c["n"] for c in data["communities"]] == [3, 3]


@pytest.mark.parametrize(
    ("n", "layout", "physics", "placed"),
    [
        (SEED_LIMIT, "auto", True, False),  # small: vis-network lays it out
        (SEED_LIMIT + 1, "auto", True, True),  # physics starts from computed positions
        (PHYSICS_LIMIT + 1, "auto", False, True),
        (20, "precomputed", False, True),
        (PHYSICS_LIMIT + 1, "physics", True, True),
    ],
)
def test_big_graphs_get_positions_and_no_physics(n, layout, physics, placed):
    data = explorer_data(synthetic_graph(n), layout=layout)
    assert data["options"]["physics"] is physics
    positions = [(node.get("x"), node.get("y")) for node in data["nodes"]]
    if placed:
        assert len(set(positions)) == n and (None, None) not in positions  # all placed, none on another
    else:
        assert positions == [(None, None)] * n


def test_unknown_layout():
    with pytest.raises(InputError, match="unknown layout 'spiral'"):
        explorer_data(synthetic_graph(3), layout="spiral")


# ---------------------------------------------------------------- escaping and self-containment


@pytest.mark.parametrize("text", [MALICIOUS, BREAKOUT, "a & b", "line\u2028sep\u2029para", "<!-- x -->"])
def test_script_json_has_no_markup_and_round_trips(text):
    encoded = to_script_json({"t": text})
    assert not set(encoded) & set("<>&\u2028\u2029")
    assert json.loads(encoded) == {"t": text}


def test_malicious_text_stays_inside_the_data_block():
    page = explorer_html(malicious_graph(), title=MALICIOUS)
    assert page.count("</script") == 3  # data, vis-network, the explorer's own script: nothing closed early
    assert MALICIOUS not in page and "<b>bold" not in page
    assert f"<title>{html.escape(MALICIOUS)}</title>" in page
    data = page_data(page)
    assert data["nodes"][0]["l"] == MALICIOUS
    assert data["quotes"][0][1] == BREAKOUT
    assert data["nodes"][1]["l"] == "Plain \u2028 name & co"


def test_page_references_nothing_outside_itself(tiny):
    page = explorer_html(tiny)
    data_start = page.index('<script type="application/json"')
    vis = re.search(r"<script>(/\*\*\s*\* vis-network.*?)</script>", page, re.S)
    assert vis is not None
    own = page[:data_start] + page[vis.end() :]
    outside = r"https?:|//[a-z]|\bsrc=|\bhref=|(?<!object)(?<!todata)url\(|@import|<link|<iframe|<img"
    assert not re.search(outside, own, re.I)  # createObjectURL( and toDataURL( are the page's own exports
    # vis-network itself names URLs only in its licence comment and the SVG namespace
    urls = set(re.findall(r"https?://[^\s\"')]+", vis.group(1)))
    assert all(
        "licen" in u.lower()
        or "w3.org/2000/svg" in u
        or u.endswith(("almende.com", "visjs", "vis-network/", "core-js", "getrandomvalues-not-supported"))
        for u in urls
    ), urls
    assert "fetch(" not in vis.group(1) and "XMLHttpRequest" not in vis.group(1)


def test_content_security_policy_forbids_connections(tiny):
    page = explorer_html(tiny)
    assert "default-src 'none'" in page


def test_widget_is_an_escaped_iframe_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = explorer_widget(malicious_graph(), height=500)._repr_html_()
    assert shown.startswith('<iframe srcdoc="') and shown.endswith("</iframe>")
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', shown).group(1)
    assert "<" not in srcdoc and '"' not in srcdoc
    assert html.unescape(srcdoc) == explorer_html(malicious_graph())
    assert 'sandbox="allow-scripts"' in shown and "height:500px" in shown
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- command line


def run(*args: str):
    return CliRunner().invoke(cli, ["viz", *args])


def test_cli_writes_the_page(tiny_file, tmp_path):
    out = tmp_path / "x.html"
    result = run("--graph", str(tiny_file), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (14 nodes, 7 links)\n"
    data = page_data(out.read_text(encoding="utf-8"))
    assert {c["id"]: c["label"] for c in data["classes"]}["gba:ValueChainStage"] == "Value-chain stage"


def test_cli_dates_the_page_for_the_slider_unless_the_input_is_huge(dated_file, tmp_path, monkeypatch):
    import gbakg.cli.viz as viz_command

    out = tmp_path / "d.html"
    assert run("--graph", str(dated_file), "--out", str(out)).exit_code == 0
    years = page_data(out.read_text(encoding="utf-8"))["edgeYears"]
    assert any(years)  # the dated links carry their year
    monkeypatch.setattr(viz_command, "SLIDER_MAX_BYTES", 0)
    result = run("--graph", str(dated_file), "--out", str(out))
    assert result.exit_code == 0 and "no time slider" in result.output
    assert page_data(out.read_text(encoding="utf-8"))["edgeYears"] == []


@pytest.mark.parametrize(
    ("args", "summary"),
    [
        (["--focus", "BL", "--depth", "1"], "3 nodes, 2 links"),
        (["--focus", "gbr:beta-lab", "--depth", "0"], "1 nodes, 0 links"),
        (["--path", "beta city", "Alpha University"], "14 nodes, 7 links"),
        (["--communities", "--size-by", "none"], "14 nodes, 7 links"),
    ],
)
def test_cli_views(tiny_file, tmp_path, args, summary):
    out = tmp_path / "v.html"
    result = run("--graph", str(tiny_file), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} ({summary})\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--focus", "Beta Labs"], 2, "Error: unknown entity 'Beta Labs'; did you mean 'Beta Lab'?\n"),
        (["--focus", "BL", "--path", "BL", "Beta City"], 2, "Error: use --focus or --path, not both\n"),
        (["--size-by", "fame"], 2, "'fame' is not one of 'degree', 'betweenness'"),
        (["--path", "Beta Lab", "stage-marketing"], 1, "Error: no path between Beta Lab and Marketing in the graph\n"),
    ],
)
def test_cli_errors(tiny_file, tmp_path, args, code, message):
    out = tmp_path / "e.html"
    result = run("--graph", str(tiny_file), "--out", str(out), *args)
    assert result.exit_code == code
    assert message in result.output
    assert not out.exists()


def test_cli_missing_folder(tiny_file, tmp_path):
    result = run("--graph", str(tiny_file), "--out", str(tmp_path / "no" / "x.html"))
    assert result.exit_code == 2
    assert f"folder {tmp_path / 'no'} does not exist" in result.output


# ---------------------------------------------------------------- documentation


def test_readme_shows_the_explorer():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The explorer", 1)[1].split("\n## ", 1)[0]
    assert "docs/explorer.png" in section and "gbakg viz" in section
    assert (ROOT / "docs" / "explorer.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------------- pyvis


def test_to_pyvis_draws_as_the_explorer_does(tiny):
    from gbakg.viz import to_pyvis

    data = explorer_data(tiny)
    net = to_pyvis(tiny)
    assert net.get_nodes() == [n["k"] for n in data["nodes"]]
    assert len(net.edges) == tiny.number_of_edges()
    for node, item in zip(data["nodes"], net.nodes, strict=True):
        assert item["color"] == data["classes"][node["c"]]["color"]
        assert item["size"] == node["s"] and item["label"] == node["l"]
        if node.get("q"):
            assert data["quotes"][node["q"][0]][1] in item["title"]  # the evidence travels in the tooltip
    quoted = [e for e in net.edges if "“" in e["title"]]
    assert quoted and all(e["from"] in net.node_map and e["to"] in net.node_map for e in net.edges)


def test_to_pyvis_fills_in_one_pass_and_stays_a_working_network(monkeypatch):
    from pyvis.network import Network

    from gbakg.viz import to_pyvis

    def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("filled through pyvis's quadratic add_node/add_edge")

    g = synthetic_graph(3000)
    with monkeypatch.context() as m:
        m.setattr(Network, "add_node", refuse)
        m.setattr(Network, "add_edge", refuse)
        net = to_pyvis(g)
    assert len(net.nodes) == 3000 and len(net.edges) == g.number_of_edges()
    net.add_node("extra", label="Extra")  # the user's own tweaks still work on what was filled
    net.add_edge("extra", net.node_ids[0])
    assert net.get_nodes()[-1] == "extra" and len(net.edges) == g.number_of_edges() + 1
    assert net.options.physics.enabled is False  # 3,000 nodes: laid out here, as the explorer does


def test_to_pyvis_page_is_offline(tiny, tmp_path):
    from gbakg.viz import to_pyvis

    page = to_pyvis(tiny).generate_html()
    assert "vis.Network" in page and "cdnjs" not in page.split("<center>")[0].split("{%")[0]
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=", page)
