"""The explorer's views in a real browser: the first view, the year slider, both languages, the
address, the path box, focus and export (file://, every outside request blocked)."""

# ruff: noqa: F811  (the browser fixtures are imported from test_explorer_browser and used as arguments)

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import Browser

from gbakg.explorer.page import explorer_html
from test_explorer_browser import FADED, Opened, browser, open_explorer, tiny, tiny_page, write_page  # noqa: F401

YEAR_STATUS = re.compile(r"^(?:showing (\d+) of )?(\d+) nodes(?: · (\d+) links)? · as of (\d+)$")


@pytest.fixture(scope="module")
def curated_full(curated):  # type: ignore[no-untyped-def]
    from gbakg.network.projections import full_graph

    return full_graph(curated)


@pytest.fixture(scope="module")
def curated_file(curated, curated_full, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    from gbakg.build import term_labels
    from gbakg.rdf.asof import since

    path = tmp_path_factory.mktemp("explorer") / "curated.html"
    path.write_text(
        explorer_html(curated_full, term_labels=term_labels(curated), since=since(curated)), encoding="utf-8"
    )
    return path


@pytest.fixture
def curated_page(browser: Browser, curated_file: Path) -> Iterator[Opened]:
    opened = open_explorer(browser, curated_file)
    yield opened
    opened.page.context.close()


def data(opened: Opened) -> dict:
    return opened.page.evaluate("JSON.parse(document.getElementById('gbakg-data').textContent)")


def node_index(opened: Opened, slug: str) -> int:
    return opened.page.evaluate(
        "iri => JSON.parse(document.getElementById('gbakg-data').textContent).nodes.findIndex(n => n.k === iri)",
        "https://w3id.org/gbakg/id/" + slug,
    )


# ---------------------------------------------------------------------------------- the first view


def test_the_first_view_names_the_biggest_hubs_and_only_what_fits(curated_page, curated_full):
    page = curated_page.page
    assert page.evaluate("JSON.parse(document.getElementById('gbakg-data').textContent).options.layout") == "anchored"
    simple = nx.Graph(curated_full.to_undirected())
    simple.remove_edges_from(nx.selfloop_edges(simple))
    hubs = sorted(simple, key=lambda n: (-simple.degree(n), n))[:3]
    labelled = page.evaluate(
        """() => network.body.nodeIndices.filter(id => {
             const n = network.body.nodes[id];
             return n.options.hidden !== true && n.labelModule.visible();
           }).map(id => JSON.parse(document.getElementById('gbakg-data').textContent).nodes[id].k)"""
    )
    assert set(hubs) <= set(labelled)  # the three best-connected entities are named at once
    assert 3 <= len(labelled) <= curated_full.number_of_nodes() / 20  # the rest wait for hover or zoom
    page.mouse.move(700, 450)
    page.mouse.wheel(0, -1200)  # zooming in names more
    page.wait_for_timeout(400)
    more = page.evaluate(
        "() => network.body.nodeIndices.filter(id => network.body.nodes[id].labelModule.visible()).length"
    )
    assert more > len(labelled)


def test_each_city_gathers_its_own_actors(curated_full, curated_page):
    """Every actor sits in its city's disc, and no two discs overlap: the first view reads by place."""
    nodes = data(curated_page)["nodes"]
    at = {n["k"]: (n["x"], n["y"]) for n in nodes}
    homes = {n: h for n, h in curated_full.nodes(data="home") if h and n != h}
    reach: dict[str, float] = {}
    for node, home in homes.items():
        (x, y), (hx, hy) = at[node], at[home]
        reach[home] = max(reach.get(home, 0.0), ((x - hx) ** 2 + (y - hy) ** 2) ** 0.5)
    discs = sorted(reach)
    assert len(discs) >= 11  # every GBA city, and the regions beyond
    for i, a in enumerate(discs):
        for b in discs[i + 1 :]:
            apart = ((at[a][0] - at[b][0]) ** 2 + (at[a][1] - at[b][1]) ** 2) ** 0.5
            assert apart > reach[a] + reach[b], (a, b)


# ---------------------------------------------------------------------------------- the year


def year_counts(run, year: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    result = run("viz", "--as-of", str(year), "--out", f"viz-{year}.html")
    assert result.exit_code == 0, result.output
    match = re.search(r"\((\d+) nodes, (\d+) links\)", result.output)
    assert match
    return int(match.group(1)), int(match.group(2))


def test_the_slider_shows_the_graph_as_viz_as_of_does(curated_page, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = curated_page.page
    years = page.evaluate(
        """() => { const D = JSON.parse(document.getElementById('gbakg-data').textContent);
                   const s = new Set(D.nodes.map(n => n.t).filter(Boolean).concat(D.edgeYears.filter(Boolean)));
                   return [...s].sort((a, b) => a - b); }"""
    )
    assert len(years) > 10 and page.locator("#year").get_attribute("max") == str(len(years))
    for k in (years.index(2000) if 2000 in years else 3, len(years) // 2, len(years) - 2):
        page.locator("#year").fill(str(k))  # the slider, as a user drags it
        status = page.locator("#status").inner_text()
        match = YEAR_STATUS.match(status)
        assert match, status
        assert int(match.group(4)) == years[k]
        shown = page.evaluate("() => gbakgYear(" + str(years[k]) + ")")
        assert (shown["nodes"], shown["links"]) == year_counts(run, years[k])
        assert int(match.group(2)) == shown["nodes"]
        assert page.locator("#year-label").inner_text() == f"as of {years[k]}"
    page.locator("#year").fill(str(len(years)))
    assert "as of" not in page.locator("#status").inner_text()


def test_play_steps_through_the_years(curated_page):
    page = curated_page.page
    page.locator("#play").click()
    first = page.locator("#year-label").inner_text()
    page.wait_for_timeout(2000)
    later = page.locator("#year-label").inner_text()
    assert first.startswith("as of ") and later.startswith("as of ")
    assert int(later.split()[-1]) > int(first.split()[-1])
    page.locator("#play").click()  # pause


# ---------------------------------------------------------------------------------- both languages


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("香港", "hong-kong"), ("廣州", "guangzhou"), ("广州", "guangzhou"), ("hong kong", "hong-kong")],
)
def test_search_finds_english_and_chinese_names_in_either_script(curated_page, typed, slug):
    page = curated_page.page
    page.locator("#search").fill(typed)
    page.locator("#search").press("Enter")
    assert page.evaluate("network.getSelectedNodes()") == [node_index(curated_page, slug)]


def test_the_language_toggle_relabels_nodes_panel_and_filters(curated_page, curated_full):
    page = curated_page.page
    gz = node_index(curated_page, "guangzhou")
    chinese = curated_full.nodes["https://w3id.org/gbakg/id/guangzhou"]["label_zh"]
    page.locator("#search").fill("Guangzhou")
    page.locator("#search").press("Enter")
    page.locator("#lang").select_option("zh")
    assert page.evaluate(f"network.body.data.nodes.get({gz}).label") == chinese
    assert page.locator("#panel h2").inner_text() == chinese
    assert chinese in page.locator("#filter-place").inner_text()
    page.locator("#lang").select_option("en")
    assert page.evaluate(f"network.body.data.nodes.get({gz}).label") == "Guangzhou"


# ---------------------------------------------------------------------------------- the address


def test_a_copied_address_opens_the_same_view(browser, curated_page, curated_file):
    page = curated_page.page
    page.locator("#search").fill("Guangzhou")
    page.locator("#search").press("Enter")
    page.locator("#lang").select_option("zh")
    page.locator("#legend-classes input[data-class='gba:Person']").uncheck()
    page.locator("#year").fill("20")
    status = page.locator("#status").inner_text()
    address = page.evaluate("location.href")
    assert "#" in address and "sel=guangzhou" in address and "lang=zh" in address and "year=" in address

    again = open_explorer(browser, curated_file)
    again.page.goto(address)
    again.page.reload()  # a fresh load of the copied address
    again.page.wait_for_selector("body[data-ready]", state="attached")
    p = again.page
    assert p.evaluate("network.getSelectedNodes()") == [node_index(again, "guangzhou")]
    assert p.locator("#status").inner_text() == status
    assert p.locator("#legend-classes input[data-class='gba:Person']").is_checked() is False
    assert p.locator("#lang").input_value() == "zh"
    assert p.locator("#panel h2").inner_text() == page.locator("#panel h2").inner_text()
    again.page.context.close()


def test_a_path_in_the_address_is_found_and_shown(browser, curated_file):
    url = curated_file.resolve().as_uri() + "#path=hong-kong,zhuhai"
    opened = open_explorer(browser, curated_file)
    opened.page.goto(url)
    opened.page.reload()
    opened.page.wait_for_selector("body[data-ready]", state="attached")
    assert opened.page.locator("#panel h2").inner_text() == "Path: Hong Kong → Zhuhai"
    opened.page.context.close()


# ---------------------------------------------------------------------------------- path and focus


def test_the_path_box_finds_a_shortest_path_and_fades_the_rest(tiny_page, tiny):
    page = tiny_page.page
    page.locator("#path-from").fill("Alpha City")
    page.locator("#path-from").press("Enter")
    page.locator("#path-to").fill("Beta Lab")
    page.locator("#path-to").press("Enter")
    page.locator("#path-go").click()
    assert page.locator("#panel h2").inner_text() == "Path: Alpha City → Beta Lab"
    steps = nx.shortest_path_length(
        tiny.to_undirected(), "https://w3id.org/gbakg/id/alpha-city", "https://w3id.org/gbakg/id/beta-lab"
    )
    assert page.locator("#panel .hop").count() == steps
    faded = page.evaluate(f"network.body.data.nodes.get({{filter: n => n.color === '{FADED}'}}).map(n => n.id)")
    assert len(faded) == tiny.number_of_nodes() - (steps + 1)
    assert "path=alpha-city,beta-lab" in page.evaluate("location.hash")
    page.locator("#path-clear").click()
    assert page.evaluate(f"network.body.data.nodes.get({{filter: n => n.color === '{FADED}'}}).length") == 0


def test_no_path_says_so(tiny_page):
    page = tiny_page.page
    page.locator("#path-from").fill("Alpha City")
    page.locator("#path-to").fill("no such thing at all")
    page.locator("#path-go").click()
    assert page.locator("#path-message").inner_text() == "Pick both ends by name."


def test_focus_fades_all_but_the_neighbourhood(tiny_page, tiny):
    page = tiny_page.page
    page.locator("#search").fill("Beta Lab")
    page.locator("#search").press("Enter")
    page.locator("#focus-here").click()
    center = "https://w3id.org/gbakg/id/beta-lab"
    near = set(nx.ego_graph(tiny.to_undirected(), center, radius=1))
    faded = page.evaluate(f"network.body.data.nodes.get({{filter: n => n.color === '{FADED}'}}).length")
    assert faded == tiny.number_of_nodes() - len(near)
    assert "focus=beta-lab" in page.evaluate("location.hash")


# ---------------------------------------------------------------------------------- export


def test_export_writes_the_visible_entities_and_links_as_csv(tiny_page, tiny):
    page = tiny_page.page
    page.locator("#legend-classes label", has_text="City").locator("input").uncheck()
    with page.expect_download() as entities:
        page.locator("#export-entities").click()
    with page.expect_download() as links:
        page.locator("#export-links").click()
    ents = list(csv.DictReader(io.StringIO(Path(entities.value.path()).read_text(encoding="utf-8"))))
    rels = list(csv.DictReader(io.StringIO(Path(links.value.path()).read_text(encoding="utf-8"))))
    cities = {n for n, t in tiny.nodes(data="type") if t == "gba:City"}
    assert {r["iri"] for r in ents} == set(tiny) - cities
    assert len(rels) == sum(1 for u, v in tiny.edges() if u not in cities and v not in cities)
    assert all(r["quote"] for r in rels)  # each link with the quote behind it
    assert entities.value.suggested_filename == "gbakg-entities.csv"


def test_export_png_is_the_drawn_view(tiny_page):
    page = tiny_page.page
    with page.expect_download() as png:
        page.locator("#export-png").click()
    body = Path(png.value.path()).read_bytes()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
    assert (width, height) == tuple(
        page.evaluate("[document.querySelector('#graph canvas').width, document.querySelector('#graph canvas').height]")
    )
    assert len(body) > 2000  # something was drawn


def test_csv_cells_cannot_run_as_formulas(browser, tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("x:a", label='=HYPERLINK("http://evil")', type="gba:Company", iri="x:a")
    opened = open_explorer(browser, write_page(tmp_path, g))
    with opened.page.expect_download() as got:
        opened.page.locator("#export-entities").click()
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    opened.page.context.close()


# ---------------------------------------------------------------------------------- moving at size


def test_a_big_page_draws_less_while_moving_and_everything_when_still(browser, tmp_path):
    from test_viz import synthetic_graph

    g = synthetic_graph(6000)
    opened = open_explorer(browser, write_page(tmp_path, g), timeout=300_000)
    page = opened.page
    box = page.locator("#graph canvas").bounding_box()
    page.mouse.move(box["x"] + 300, box["y"] + 300)
    page.mouse.down()
    page.mouse.move(box["x"] + 340, box["y"] + 330, steps=4)
    assert page.evaluate("gbakgMoving()") is True
    assert page.evaluate("network.body.nodeIndices.length") <= 3000
    page.mouse.up()
    page.wait_for_function("() => !gbakgMoving()")
    assert page.evaluate("network.body.nodeIndices.length") == g.number_of_nodes()
    opened.page.context.close()


# ---------------------------------------------------------------------------------- pyvis


def test_the_pyvis_network_draws_offline(browser, tiny, tmp_path):
    from gbakg.viz import to_pyvis

    net = to_pyvis(tiny)
    path = tmp_path / "pyvis.html"
    path.write_text(net.generate_html(), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    url, asked = path.resolve().as_uri(), []
    context.route("**/*", lambda r: r.continue_() if r.request.url == url else (asked.append(r.request.url), r.abort()))
    page.goto(url)
    page.wait_for_function("() => typeof network !== 'undefined' && network.body.data.nodes.length > 0")
    assert page.evaluate("network.body.data.nodes.length") == tiny.number_of_nodes()
    assert page.evaluate("network.body.data.edges.length") == tiny.number_of_edges()
    assert asked == []  # nothing fetched: vis-network in line, no Bootstrap from a CDN
    context.close()


def test_the_views_work_under_the_pages_own_policy(browser, curated_file):
    """Everything above, once more with the page's Content-Security-Policy enforced."""
    opened = open_explorer(browser, curated_file, bypass_csp=False)
    page, violations = opened.page, []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.locator("#search").fill("廣州")
    page.locator("#search").press("Enter")
    page.locator("#lang").select_option("zh")
    page.locator("#year").fill("10")
    with page.expect_download() as got:
        page.locator("#export-links").click()
    with page.expect_download() as png:
        page.locator("#export-png").click()
    assert Path(got.value.path()).read_text(encoding="utf-8").startswith("from,from_label,relation")
    assert Path(png.value.path()).read_bytes()[:4] == b"\x89PNG"
    assert "sel=guangzhou" in page.evaluate("location.hash")
    assert violations == [] and opened.errors == [] and opened.requests == [opened.url]
    opened.page.context.close()
