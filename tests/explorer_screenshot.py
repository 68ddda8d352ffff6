"""Take the README's pictures of the explorer with the test suite's browser: the curated graph's
first view exactly as it opens (docs/explorer.png), and the time slider at two years
(docs/explorer-YEAR.png).

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
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
