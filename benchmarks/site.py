"""Time ``gbakg site``: the curated graph (target < 10 s) and the 100k-triple synthetic graph (< 60 s).

    python benchmarks/site.py            # results in benchmarks/results/site.json

Each run is a whole new process (`gbakg site --out …`), timed from start to exit, with its peak
memory; the synthetic graph is made by benchmarks/generate.py if it is missing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GBAKG = str(Path(sys.executable).with_name("gbakg"))
RESULTS = ROOT / "benchmarks" / "results" / "site.json"
TARGETS = {"curated": 10.0, "synthetic-100k": 60.0}


def run(name: str, graph_args: list[str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        done = subprocess.run(
            [GBAKG, "site", *graph_args, "--out", str(out)], capture_output=True, text=True, check=True
        )
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        files = sum(1 for p in out.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    row = {
        "graph": name,
        "seconds": round(seconds, 2),
        "target_s": TARGETS[name],
        "met": seconds < TARGETS[name],
        "files": files,
        "mb": round(size / 1e6, 1),
        "peak_mib_at_least": round(max(peak, before) / 1024),
        "output": done.stdout.strip(),
    }
    print(f"{name:>15} {seconds:>7.2f} s (target < {TARGETS[name]:.0f} s) {files:>6} files {size / 1e6:>6.1f} MB")
    return row


def main() -> None:
    synthetic = ROOT / "benchmarks" / "data" / "synthetic-100k.ttl"
    if not synthetic.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--size", "100k"], check=True)
    rows = [run("curated", []), run("synthetic-100k", ["--graph", str(synthetic)])]
    RESULTS.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
