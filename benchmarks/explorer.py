"""Time the explorer: building and writing the HTML, and drawing it in Chromium, at growing sizes.

    python benchmarks/explorer.py [SIZE ...]        # default: 1000 5000 20000 nodes

Uses the synthetic graph of tests/test_viz.py (a ternary ``partOf`` tree plus one scattered link
per node, one quote per node) and the browser settings of tests/test_explorer_browser.py.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from gbakg.explorer.page import explorer_html  # noqa: E402
from gbakg.fileio import atomic_write  # noqa: E402
from test_explorer_browser import CHROMIUM, CHROMIUM_ARGS, open_explorer  # noqa: E402
from test_viz import synthetic_graph  # noqa: E402


def main(sizes: list[int]) -> None:
    print(f"{'nodes':>7} {'links':>7} {'write s':>8} {'MB':>6} {'draw s':>7}")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for n in sizes:
            g = synthetic_graph(n)
            path = Path(folder) / f"explorer-{n}.html"
            start = time.perf_counter()
            atomic_write(path, explorer_html(g))
            written = time.perf_counter() - start
            start = time.perf_counter()
            opened = open_explorer(browser, path, timeout=600_000)
            drawn = time.perf_counter() - start
            opened.page.context.close()
            size = path.stat().st_size / 1e6
            print(f"{n:>7} {g.number_of_edges():>7} {written:>8.2f} {size:>6.2f} {drawn:>7.2f}")
        browser.close()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
