"""Take the README's pictures with the test suite's browser: the curated graph's explorer exactly as
it opens (docs/explorer.png), the time slider at two years (docs/explorer-YEAR.png), and a profile
page of the static site (docs/site-profile.png).

    python tests/explorer_screenshot.py [OUT_DIR]

Run it after changing the explorer's look or the data; the README shows the pictures.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from test_explorer_browser import CHROMIUM, CHROMIUM_ARGS, open_explorer

ROOT = Path(__file__).resolve().parents[1]
ENTITY = "International Digital Economy Academy"


YEARS = (2010, 2020)
PROFILE = "hkust"


def main(out: Path) -> None:
    from gbakg.build import term_labels
    from gbakg.explorer.page import explorer_html
    from gbakg.network.projections import full_graph
    from gbakg.rdf.asof import since
    from gbakg.rdf.load import load

    graph = load()
    page_html = explorer_html(
        full_graph(graph), title="Greater Bay Area Knowledge Graph", term_labels=term_labels(graph), since=since(graph)
    )
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        path = Path(folder) / "explorer.html"
        path.write_text(page_html, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        opened = open_explorer(browser, path)
        page = opened.page
        page.wait_for_timeout(300)  # let the last frame paint
        page.screenshot(path=str(out / "explorer.png"))  # the first view, untouched
        for year in YEARS:
            page.evaluate(f"gbakgYear({year})")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / f"explorer-{year}.png"))
        site_profile(browser, graph, Path(folder), out)
        browser.close()


def site_profile(browser, graph, folder: Path, out: Path) -> None:  # type: ignore[no-untyped-def]
    from gbakg.site.write import build_site

    build_site(graph, folder / "site")
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto((folder / "site" / "id" / f"{PROFILE}.html").as_uri())
    page.wait_for_selector("body[data-drawn]", state="attached")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "site-profile.png"))
    page.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
