"""Time the explorer: building and drawing the page, redrawing it while the view moves, and pyvis.

    python benchmarks/explorer.py draw [SIZE ...]     # write the HTML and draw it in Chromium (1000 5000 20000)
    python benchmarks/explorer.py redraw [SIZE ...]   # a still redraw; frames while panning, zooming (20000)
    python benchmarks/explorer.py pyvis [SIZE ...]    # gbakg.viz.to_pyvis against pyvis's add_node/add_edge (1000 5000)
    python benchmarks/explorer.py all                 # the three, results in benchmarks/results/explorer.json

Uses the synthetic graph of tests/test_viz.py (a ternary ``partOf`` tree plus one scattered link
per node, one quote per node) and the browser settings of tests/test_explorer_browser.py.

Redraw, the method: ``network.redraw()`` is synchronous, so one still redraw is timed around the call
(median of 7) at the first view. While moving, each frame's drawing is timed from vis-network's
``beforeDrawing`` to its ``afterDrawing`` event during a real mouse drag (30 steps) and a real wheel
zoom (12 notches) driven by Playwright: median and worst frame. The baseline is the same page with
drawing-less-while-moving turned off (``movingNodes: 0``: edges hidden while moving, every node drawn),
which is how the page drew before.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from gbakg.explorer.page import explorer_data, explorer_html, explorer_page  # noqa: E402
from gbakg.fileio import atomic_write  # noqa: E402
from test_explorer_browser import CHROMIUM, CHROMIUM_ARGS, open_explorer  # noqa: E402
from test_viz import synthetic_graph  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "explorer.json"
FRAME_LOG = """() => { window.__frames = []; if (window.__logging) return; window.__logging = true; let t0 = 0;
  network.on('beforeDrawing', () => { t0 = performance.now(); });
  network.on('afterDrawing', () => { window.__frames.push(performance.now() - t0); }); }"""


def draw(sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
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
            rows.append({"nodes": n, "links": g.number_of_edges(), "write_s": written, "mb": size, "draw_s": drawn})
        browser.close()
    return rows


def _frames(page: Page, action: str) -> list[float]:
    box = page.locator("#graph canvas").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.wait_for_timeout(400)  # a hover redraw is not a frame of the move
    page.evaluate(FRAME_LOG)
    if action == "pan":
        page.mouse.down()
        for k in range(30):
            page.mouse.move(cx + 8 * (k + 1), cy + 5 * (k + 1))
            page.wait_for_timeout(20)
        frames = page.evaluate("window.__frames.slice()")
        page.mouse.up()
    else:
        for k in range(12):
            page.mouse.wheel(0, -120 if k < 6 else 120)
            page.wait_for_timeout(40)
        frames = page.evaluate("window.__frames.slice()")
    page.wait_for_timeout(600)  # the still redraw after the move is not a frame of the move
    return frames


def redraw(sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
    print(f"{'nodes':>7} {'mode':>10} {'still ms':>9} {'pan med':>8} {'pan max':>8} {'zoom med':>9} {'zoom max':>9}")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for n in sizes:
            data = explorer_data(synthetic_graph(n))
            for mode, moving in (("before", 0), ("now", None)):
                if moving is not None:
                    data["options"]["movingNodes"] = moving
                else:
                    data["options"].pop("movingNodes", None)
                path = Path(folder) / f"redraw-{n}-{mode}.html"
                path.write_text(explorer_page(data), encoding="utf-8")
                opened = open_explorer(browser, path, timeout=600_000)
                page = opened.page
                still = page.evaluate(
                    """() => { const t = []; for (let k = 0; k < 7; k++) { const s = performance.now();
                       network.redraw(); t.push(performance.now() - s); } t.sort((a, b) => a - b); return t[3]; }"""
                )
                pan, zoom = _frames(page, "pan"), _frames(page, "zoom")
                row = {
                    "nodes": n,
                    "mode": mode,
                    "still_ms": still,
                    "pan_median_ms": statistics.median(pan),
                    "pan_max_ms": max(pan),
                    "pan_frames": len(pan),
                    "zoom_median_ms": statistics.median(zoom),
                    "zoom_max_ms": max(zoom),
                    "zoom_frames": len(zoom),
                }
                print(
                    f"{n:>7} {mode:>10} {still:>9.1f} {row['pan_median_ms']:>8.1f} {row['pan_max_ms']:>8.1f}"
                    f" {row['zoom_median_ms']:>9.1f} {row['zoom_max_ms']:>9.1f}"
                )
                rows.append(row)
                opened.page.context.close()
        browser.close()
    return rows


def pyvis(sizes: list[int]) -> list[dict[str, Any]]:
    from pyvis.network import Network

    from gbakg.viz import to_pyvis

    rows = []
    print(f"{'nodes':>7} {'links':>7} {'to_pyvis s':>11} {'add_* s':>8} {'ratio':>7}")
    for n in sizes:
        g = synthetic_graph(n)
        start = time.perf_counter()
        net = to_pyvis(g)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        slow = Network(directed=True)  # the way pyvis users fill a Network: one call per node and edge
        for node, item in zip(g.nodes, net.nodes, strict=True):
            slow.add_node(str(node), label=item["label"], color=item["color"], size=item["size"], title=item["title"])
        for u, v in g.edges():
            slow.add_edge(str(u), str(v))
        theirs = time.perf_counter() - start
        print(f"{n:>7} {g.number_of_edges():>7} {ours:>11.2f} {theirs:>8.2f} {theirs / ours:>6.1f}×")
        rows.append({"nodes": n, "links": g.number_of_edges(), "to_pyvis_s": ours, "add_calls_s": theirs})
    return rows


def main(argv: list[str]) -> None:
    what = argv[0] if argv else "all"
    sizes = [int(a) for a in argv[1:]]
    if what == "draw":
        draw(sizes or [1000, 5000, 20000])
    elif what == "redraw":
        redraw(sizes or [20000])
    elif what == "pyvis":
        pyvis(sizes or [1000, 5000, 20000])
    elif what == "all":
        results = {"draw": draw([1000, 5000, 20000]), "redraw": redraw([20000]), "pyvis": pyvis([1000, 5000, 20000])}
        RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    else:
        raise SystemExit(f"unknown step {what!r}: use draw, redraw, pyvis or all")


if __name__ == "__main__":
    main(sys.argv[1:])
