"""The explorer in a real browser (Debian chromium via Playwright), opened from file:// offline.

Every request other than the page itself is blocked and recorded; the tests read what
vis-network really drew, search and click like a user, and try to make malicious data run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from gbakg.explorer.page import explorer_html
from test_viz import BREAKOUT, GBR, MALICIOUS, malicious_graph, synthetic_graph

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FADED = "rgba(205,205,205,0.45)"

PAINTED_PIXELS = """() => {
  const c = document.querySelector('#graph canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""
VISIBLE_NODES = "() => network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id).sort((a, b) => a - b)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Opened:
    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def node(self, slug: str) -> int:
        """The vis-network id of the node with this gbr: slug."""
        return self.page.evaluate(
            "iri => JSON.parse(document.getElementById('gbakg-data').textContent).nodes.findIndex(n => n.k === iri)",
            GBR + slug,
        )

    def click_node(self, node_id: int) -> None:
        box = self.page.locator("#graph canvas").bounding_box()
        point = self.page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def panel(self) -> str:
        return self.page.locator("#panel").inner_text()


def open_explorer(browser: Browser, path: Path, *, bypass_csp: bool = True, timeout: float = 60_000) -> Opened:
    """Open ``path`` with every other request blocked; wait until the graph has been drawn.

    Playwright's waiting helpers evaluate strings, which the page's own Content-Security-Policy
    forbids; tests bypass it (so escaping alone must keep the data inert) except where noted.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
    url = path.resolve().as_uri()
    opened = Opened(page=context.new_page(), url=url)

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if r.request.url == url:
            r.continue_()
        else:
            opened.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = opened.page
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("body[data-ready]", state="attached", timeout=timeout)
    return opened


def write_page(tmp_path: Path, g: nx.Graph, name: str = "explorer.html", **options) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(explorer_html(g, **options), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tiny_file: Path) -> nx.MultiDiGraph:
    from gbakg.network.projections import full_graph
    from gbakg.rdf.load import load

    return full_graph(load([tiny_file]))


@pytest.fixture
def tiny_page(browser: Browser, tiny: nx.MultiDiGraph, tmp_path: Path) -> Iterator[Opened]:
    opened = open_explorer(browser, write_page(tmp_path, tiny))
    yield opened
    opened.page.context.close()


def assert_drawn(opened: Opened, g: nx.Graph) -> None:
    page = opened.page
    assert page.evaluate("network.body.data.nodes.length") == g.number_of_nodes()
    assert page.evaluate("network.body.data.edges.length") == g.number_of_edges()
    assert page.evaluate(PAINTED_PIXELS) > 500  # the canvas is not blank
    assert opened.requests == [opened.url]  # nothing but the file itself was asked for
    assert opened.blocked == [] and opened.errors == [] and opened.dialogs == []


def test_tiny_graph_is_drawn_offline(tiny_page, tiny):
    assert_drawn(tiny_page, tiny)
    assert tiny_page.page.locator("#status").inner_text() == "14 nodes · 7 links"


def test_curated_graph_is_drawn_offline(browser, curated, tmp_path):
    from gbakg.build import term_labels
    from gbakg.network.projections import full_graph

    g = full_graph(curated)
    opened = open_explorer(browser, write_page(tmp_path, g, term_labels=term_labels(curated)))
    assert_drawn(opened, g)
    opened.page.context.close()


def test_page_draws_under_its_own_content_security_policy(browser, tiny, tmp_path):
    opened = open_explorer(browser, write_page(tmp_path, tiny), bypass_csp=False)
    assert opened.page.locator("#status").inner_text() == "14 nodes · 7 links"
    assert opened.errors == [] and opened.requests == [opened.url]
    opened.page.context.close()


@pytest.mark.parametrize(
    ("typed", "slug", "label"),
    [
        ("bl", "beta-lab", "Beta Lab"),
        ("alpha UNIVERSITY", "alpha-university", "Alpha University"),
        ("alpha", "alpha-city", "Alpha City"),
    ],
)
def test_search_selects_and_shows_the_node(tiny_page, typed, slug, label):
    """An alias or a label in any case; a partial name picks the shortest match first."""
    page = tiny_page.page
    page.locator("#search").fill(typed)
    page.locator("#search").press("Enter")
    assert page.evaluate("network.getSelectedNodes()") == [tiny_page.node(slug)]
    assert page.locator("#panel h2").inner_text() == label


def test_search_lists_matches_by_alias(tiny_page):
    page = tiny_page.page
    page.locator("#search").fill("BL")
    assert page.locator("#search-results li").all_inner_texts() == ["Beta LabResearch institute"]


def test_clicking_a_node_shows_its_evidence(tiny_page):
    page = tiny_page.page
    page.locator("#physics").uncheck()  # nodes hold still while we aim
    assert page.evaluate("network.physics.options.enabled") is False
    tiny_page.click_node(tiny_page.node("agreement-alpha-beta"))
    text = tiny_page.panel()
    assert text.startswith("Alpha-Beta agreement\n")
    assert "Alpha University and Beta Lab signed an agreement in 2020." in text
    assert "— Tiny source (gbs:tiny)" in text
    assert "signed on\n2020" in text


def test_clicking_a_node_highlights_its_neighbourhood(tiny_page):
    page = tiny_page.page
    page.locator("#physics").uncheck()
    tiny_page.click_node(tiny_page.node("beta-lab"))
    assert "Beta Lab is in Beta City" in tiny_page.panel()  # the evidence of its link
    faded = page.evaluate(f"network.body.data.nodes.get({{filter: n => n.color === '{FADED}'}}).map(n => n.id)")
    kept = {tiny_page.node(s) for s in ("beta-lab", "beta-city", "agreement-alpha-beta")}
    assert set(range(14)) - set(faded) == kept


@pytest.mark.parametrize(
    ("control", "choice", "visible"),
    [
        ("#filter-place", "beta-city", {"beta-city", "beta-lab", "agreement-alpha-beta"}),
        ("#filter-stage", "stage-research", {"stage-research", "strength-alpha-research", "alpha-city"}),
    ],
)
def test_place_and_stage_filters(tiny_page, control, choice, visible):
    page = tiny_page.page
    page.select_option(control, value=str(tiny_page.node(choice)))
    assert page.evaluate(VISIBLE_NODES) == sorted(tiny_page.node(s) for s in visible)
    assert page.locator("#status").inner_text() == f"showing {len(visible)} of 14 nodes"
    page.locator("#reset").click()
    assert len(page.evaluate(VISIBLE_NODES)) == 14


def test_class_filter_hides_a_class(tiny_page):
    page = tiny_page.page
    page.locator("#legend-classes label", has_text="City").locator("input").uncheck()
    visible = page.evaluate(VISIBLE_NODES)
    assert tiny_page.node("alpha-city") not in visible and tiny_page.node("beta-city") not in visible
    assert len(visible) == 12


def test_malicious_data_runs_nothing_and_shows_as_text(browser, tmp_path):
    opened = open_explorer(browser, write_page(tmp_path, malicious_graph(), title=MALICIOUS))
    page = opened.page
    page.locator("#search").fill("<img")
    assert page.locator("#search-results li").first.inner_text().startswith(MALICIOUS)
    page.locator("#search").press("Enter")
    page.wait_for_selector("body:not([data-moving])", state="attached")
    assert page.locator("#panel h2").inner_text() == MALICIOUS
    assert BREAKOUT in opened.panel()
    assert "<b>bold</b>" in opened.panel()
    bad = page.evaluate("network.getSelectedNodes()[0]")
    box = page.locator("#graph canvas").bounding_box()
    point = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", bad)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=3)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text().startswith(MALICIOUS)
    assert page.evaluate("document.title") == MALICIOUS
    assert page.evaluate("document.querySelectorAll('img, b, iframe').length") == 0
    assert (
        page.evaluate("document.querySelectorAll('div.vis-tooltip *:not(br)').length") == 0
    )  # innerText's line breaks
    assert page.evaluate("document.scripts.length") == 3
    assert opened.dialogs == [] and opened.errors == []
    assert opened.requests == [opened.url]  # an injected <img src=x> would have asked for x
    page.context.close()


def test_twenty_thousand_nodes_draw(browser, tmp_path):
    g = synthetic_graph(20_000)
    opened = open_explorer(browser, write_page(tmp_path, g), timeout=300_000)
    assert_drawn(opened, g)
    assert opened.page.evaluate("network.physics.options.enabled") is False
    opened.page.context.close()


def test_notebook_widget_draws_inside_its_iframe(browser, tiny, tmp_path):
    from gbakg.explorer.page import explorer_widget

    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{explorer_widget(tiny)._repr_html_()}</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(host.resolve().as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready]").wait_for(state="attached")
    assert frame.locator("#status").inner_text() == "14 nodes · 7 links"
    assert requests == [host.resolve().as_uri()]
    context.close()
