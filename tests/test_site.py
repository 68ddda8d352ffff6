"""The static site: written from the curated graph, opened from file:// in Chromium with every
other request blocked; every internal link resolves; data stays text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser

from gbakg.site.write import MARKER, build_site
from test_explorer_browser import browser  # noqa: F401 (the module's browser fixture)

# ruff: noqa: F811
PROFILES = [
    "hong-kong", "hkust", "guangzhou", "hku", "nancy-ip", "tencent", "qianhai", "macao",
    "agreement-hkust-guangzhou-campus-2018", "state-key-laboratory-of-synthetic-chemistry",
]  # fmt: skip


@pytest.fixture(scope="module")
def site(curated, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(curated, out)
    return out


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def test_every_internal_link_resolves_to_a_file_of_the_site(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1000
    broken = []
    for page in pages:
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme in ("http", "https"):
                continue  # a source's own address: a link the reader may follow, never fetched
            assert not parts.scheme, (page, ref)
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append((str(page.relative_to(site)), ref))
    assert broken == []


def test_only_sources_link_outside_and_nothing_is_fetched(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<(?:script|link|img|iframe)[^>]*(?:src|href)="(?:https?:)?//', text), page
    assert (site / MARKER).exists()


def open_page(browser: Browser, path: Path, *, bypass_csp: bool = False):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    asked, errors, console = [], [], []
    root = path.resolve().parents[1] if path.parent.name in ("id", "source", "class") else path.resolve().parent

    def route(r) -> None:  # type: ignore[no-untyped-def]
        url = r.request.url
        if url.startswith("file://") and Path(unquote(urlsplit(url).path)).resolve().is_relative_to(root):
            r.continue_()
        else:
            asked.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready]", state="attached")
    return page, asked, errors, console


@pytest.mark.parametrize("slug", PROFILES)
def test_profile_pages_show_the_entity_its_evidence_and_its_network(browser, site, curated_names, slug):
    path = site / "id" / f"{slug}.html"
    page, asked, errors, console = open_page(browser, path)
    text = page.locator("main").inner_text()
    label, quotes, chinese = curated_names[slug]
    assert page.locator("h1").inner_text().startswith(label)
    if chinese:
        assert chinese in page.locator("h1").inner_text()
    for quote in quotes:
        assert " ".join(quote.split()) in " ".join(text.split())  # its own evidence, verbatim
    if page.locator("#ego-data").count():
        page.wait_for_selector("body[data-drawn]", state="attached")
        drawn = page.evaluate("gbakgEgo.body.data.nodes.length")
        assert drawn == len(page.evaluate("JSON.parse(document.getElementById('ego-data').textContent).nodes"))
    for href in page.evaluate("[...document.querySelectorAll('main a[href]')].map(a => a.href)"):
        if href.startswith("file://"):
            assert Path(unquote(urlsplit(href).path)).is_file(), href
    assert asked == [] and errors == [] and not [c for c in console if "Content Security Policy" in c]
    page.context.close()


@pytest.fixture(scope="module")
def curated_names(curated):  # type: ignore[no-untyped-def]
    from gbakg.network.projections import full_graph

    full = full_graph(curated)
    out = {}
    for slug in PROFILES:
        attrs = full.nodes["https://w3id.org/gbakg/id/" + slug]
        out[slug] = (
            attrs.get("label_en") or attrs["label"],
            [ev["quote"] for ev in attrs.get("evidence", [])],
            attrs.get("label_zh", ""),
        )
    return out


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("香港科技大學", "hkust"), ("香港科技大学", "hkust"), ("HKUST", "hkust"), ("guangzhou", "guangzhou")],
)
def test_the_index_finds_entities_by_english_or_chinese_name(browser, site, typed, slug):
    page, asked, errors, _ = open_page(browser, site / "index.html")
    page.fill("#q", typed)
    first = page.locator("#results li a").first
    assert first.get_attribute("href") == f"id/{slug}.html"
    first.click()
    page.wait_for_selector("body[data-ready]", state="attached")
    assert page.url.endswith(f"/id/{slug}.html")
    assert asked == [] and errors == []
    page.context.close()


def test_source_pages_list_the_facts_they_support(site, curated):
    from rdflib import URIRef
    from rdflib.namespace import PROV

    source = URIRef("https://w3id.org/gbakg/source/xinhua-hkust-guangzhou-campus-2018-12-21")
    citing = set(curated.subjects(PROV.wasDerivedFrom, source))
    text = (site / "source" / "xinhua-hkust-guangzhou-campus-2018-12-21.html").read_text(encoding="utf-8")
    assert "Xinhua" in text and "2018-12-21" in text
    assert text.count("<blockquote>") >= len(citing) > 0


def test_ontology_and_dataset_pages(site, curated):
    onto = (site / "ontology.html").read_text(encoding="utf-8")
    assert "gba:University" in onto and "sub-class of" in onto
    dataset = (site / "dataset.html").read_text(encoding="utf-8")
    assert f"<dd>{len(curated)}</dd>" in dataset and "creativecommons.org/licenses/by/4.0" in dataset


def test_data_is_shown_as_text_never_run(browser, tmp_path, write_ttl):
    bad = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    ttl = write_ttl(
        f'''gbr:bad a gba:Company ; rdfs:label "{bad}"@en ; gba:locatedIn gbr:city .
gbr:city a gba:City ; rdfs:label "City & Co"@en .''',
        "bad.ttl",
    )
    from gbakg.rdf.load import load

    out = tmp_path / "site"
    build_site(load([ttl]), out)
    page, asked, errors, _ = open_page(browser, out / "id" / "bad.html")
    assert page.locator("h1").inner_text() == bad
    assert (
        page.evaluate(
            "document.querySelectorAll('main img, main script:not(#ego-data), body > script:not([src])').length"
        )
        == 0
    )
    assert asked == [] and errors == []
    page.context.close()


def test_cli_writes_replaces_and_refuses(run, tmp_path, tiny_file):
    out = tmp_path / "s"
    result = run("site", "--graph", str(tiny_file), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and "entity pages" in result.output
    (out / "stale.html").write_text("old", encoding="utf-8")
    again = run("site", "--graph", str(tiny_file), "--out", str(out))
    assert again.exit_code == 0 and not (out / "stale.html").exists()  # an earlier site is replaced whole
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = run("site", "--graph", str(tiny_file), "--out", str(mine))
    assert refused.exit_code == 2 and "not empty" in refused.output and "Traceback" not in refused.output
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    link = tmp_path / "link"
    link.symlink_to(out)
    assert run("site", "--graph", str(tiny_file), "--out", str(link)).exit_code == 2
