"""Take docs/explorer.png with the test suite's browser: the curated explorer, one entity selected.

    python tests/explorer_screenshot.py [OUT.png]

Run it after changing the explorer's look; the README shows the picture.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from test_explorer_browser import CHROMIUM, CHROMIUM_ARGS, open_explorer

ROOT = Path(__file__).resolve().parents[1]
ENTITY = "International Digital Economy Academy"


def main(out: Path) -> None:
    from gbakg.build import term_labels
    from gbakg.explorer.page import explorer_html
    from gbakg.network.projections import full_graph
    from gbakg.rdf.load import load

    graph = load()
    page_html = explorer_html(
        full_graph(graph), title="Greater Bay Area Knowledge Graph", term_labels=term_labels(graph)
    )
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        path = Path(folder) / "explorer.html"
        path.write_text(page_html, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        opened = open_explorer(browser, path)
        page = opened.page
        page.locator("#search").fill(ENTITY)
        page.locator("#search").press("Enter")
        page.wait_for_selector("body:not([data-moving])", state="attached")
        page.evaluate(
            """() => {
              const id = network.getSelectedNodes()[0];
              network.fit({nodes: [id, ...network.getConnectedNodes(id)], animation: false});
              network.moveTo({scale: network.getScale() * 0.7, animation: false});
            }"""
        )
        page.wait_for_timeout(300)  # let the last frame paint
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "explorer.png")
