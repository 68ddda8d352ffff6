"""Time the slow path and ours side by side, in one run, on the synthetic graph.

    python benchmarks/run.py [--size 10k|100k|1m] [--json FILE]

Steps: load, every named query (plus two stress queries), projection to NetworkX, centrality,
the HTML explorer, ``gbakg --help`` start-up, and a repeated ``gbakg query`` on an unchanged graph.
Each step runs in its own process (see workers.py); slow paths are capped and reported as
"> N s" when they would blow the time budget. Prints a table of medians, ratios and peak memory,
and writes everything as JSON to ``benchmarks/results/<size>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import generate  # noqa: E402
import report  # noqa: E402

# Per size: repeats of fast steps, caps (seconds) for slow paths, explorer sizes.
PLAN = {
    "10k": {"repeats": 5, "query_cap": 60, "projection_cap": 60, "exact_cap": 120, "pyvis_nodes": 5000},
    "100k": {"repeats": 5, "query_cap": 120, "projection_cap": 120, "exact_cap": 150, "pyvis_nodes": 5000},
    "1m": {"repeats": 3, "query_cap": 120, "projection_cap": 120, "exact_cap": 60, "pyvis_nodes": 5000},
}
EXPLORER_LARGE = 20_000
AGREEMENT_SIZE = "100k"  # exact betweenness must finish: measured on this graph when the run's is too big
STRESS_DIR = HERE / "queries"


def worker(task: str, args: dict[str, Any], timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one task of workers.py in a fresh process; its JSON result, or what went wrong."""
    cmd = [sys.executable, str(HERE / "workers.py"), task, json.dumps(args)]
    env = env or {**os.environ, "GBAKG_CACHE": "off"}  # every worker parses; the cache is timed on its own
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if not line.startswith(" ")]
        return {"error": (lines or ["failed"])[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def queries(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The shipped named queries with bindings on the synthetic graph's anchors, then the stress ones."""
    from gbakg.sparql import query as sparql

    gbr = "https://w3id.org/gbakg/id/"
    anchor = {
        "place": gbr + "shenzhen",
        "city": gbr + "shenzhen",
        "subject": gbr + "shenzhen",
        "stage": gbr + "stage-research",
        "org": gbr + meta["anchors"]["hub"][4:],
        "organization": gbr + meta["anchors"]["hub"][4:],
    }
    found = []
    for name, q in sparql.named_queries().items():
        # required bindings only: the optional ones left open make the whole-graph listings
        bindings = {b.name: anchor[b.name] for b in q.bindings if b.required}
        found.append({"name": name, "text": q.text, "bindings": bindings, "named": True})
    for path in sorted(STRESS_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8").replace("HUB", meta["anchors"]["hub"])
        found.append({"name": path.stem, "text": text, "bindings": {}, "named": False})
    return found


def gbakg_command() -> list[str]:
    """The installed console script beside this Python (not a pyenv shim, which adds its own start-up)."""
    script = Path(sys.executable).parent / "gbakg"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "gbakg"]


def timed(cmd: list[str], **kw: Any) -> tuple[dict[str, Any], subprocess.CompletedProcess]:
    """Wall and CPU seconds (user + system) of a command run to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": wall, "cpu": cpu, "exit": done.returncode}, done


def _median_run(cmd: list[str], repeats: int) -> dict[str, Any]:
    runs = [timed(cmd)[0] for _ in range(repeats)]
    return {k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu")} | {"runs": repeats}


def startup(repeats: int = 5) -> dict[str, Any]:
    """``gbakg --help`` in a new process, median of ``repeats``; bare Python for scale."""
    out = _median_run([*gbakg_command(), "--help"], repeats)
    out["python_floor"] = _median_run([sys.executable, "-c", "pass"], repeats)["seconds"]
    return out


def repeated_query(data: Path, hub: str) -> dict[str, Any]:
    """``gbakg query`` twice on the same unchanged graph, from an empty cache folder."""
    base = gbakg_command()
    cmd = [*base, "query", "partners-of", "--bind", f"org={hub}", "--graph", str(data), "--format", "csv"]
    out: dict[str, Any] = {"command": "gbakg " + " ".join(cmd[len(base) :]).replace(str(data), data.name)}
    with tempfile.TemporaryDirectory(prefix="gbakg-cache-") as cache:
        env = {**os.environ, "GBAKG_CACHE": cache}
        for run in ("first", "second"):
            out[run], done = timed(cmd, env=env, cwd=cache)
            if done.returncode:
                out[run]["error"] = (done.stderr.strip().splitlines() or ["failed"])[-1][:300]
            out[run]["rows"] = max(0, len(done.stdout.splitlines()) - 1)
        out["cache_entries"] = len([p for p in Path(cache).iterdir() if not p.name.startswith(".")])
    return out


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), platform.processor())
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem = next(line.split()[1] for line in meminfo if line.startswith("MemTotal"))
    libs = {name: version(name) for name in ("rdflib", "pyoxigraph", "networkx", "pyvis", "click", "scipy")}
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(int(mem) / 1024**2, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "libraries": libs,
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(PLAN), default="10k")
    parser.add_argument("--json", type=Path, help="where to write the results (default benchmarks/results/SIZE.json)")
    args = parser.parse_args(argv)
    plan = PLAN[args.size]
    started = time.perf_counter()
    result: dict[str, Any] = {"size": args.size, "machine": machine()}
    data = generate.ensure(args.size)
    meta = generate.read_meta(data)
    result["data"] = {"file": data.name, "triples": meta["triples"], "entities": meta["entities"]}
    from gbakg.sparql import engine

    files = [str(f) for f in engine.source_files([data])]
    qs = queries(meta)
    tmp = Path(tempfile.mkdtemp(prefix="gbakg-bench-"))
    steps = [
        ("load (ours)", lambda: _repeat(plan["repeats"], "ox-load", {"files": files, "mode": "engine"})),
        ("load (raw pyoxigraph)", lambda: _repeat(plan["repeats"], "ox-load", {"files": files, "mode": "raw"})),
        (
            "queries (ours, raw)",
            lambda: worker("ox-queries", {"files": files, "queries": qs, **plan, "cache_dir": str(tmp / "store")}, 900),
        ),
        ("rdflib Memory path", None),
        ("centrality", None),
        ("agreement", None),
        ("explorer", None),
        ("start-up", lambda: startup(5)),
        ("repeated gbakg query", lambda: repeated_query(data, meta["anchors"]["hub"])),
    ]
    with click.progressbar(
        steps, label=f"benchmark {args.size}", file=sys.stderr, item_show_func=lambda s: s[0] if s else ""
    ) as bar:
        for name, fn in bar:
            if name == "rdflib Memory path":
                caps = {q["name"]: _query_cap(result["queries (ours, raw)"].get(q["name"]), plan) for q in qs}
                rd_args = {
                    "files": files,
                    "queries": [{**q, "cap": caps[q["name"]]} for q in qs],
                    "projection_cap": plan["projection_cap"],
                    "pickle_dir": str(tmp),
                    "explorer_sizes": [plan["pyvis_nodes"], EXPLORER_LARGE],
                    "hub": "https://w3id.org/gbakg/id/" + meta["anchors"]["hub"][4:],
                }
                result[name] = worker("rdflib", rd_args, 1800)
            elif name == "centrality":
                result[name] = worker(
                    "centrality",
                    {
                        "graph": str(tmp / "collab.pickle"),
                        "cap": plan["exact_cap"],
                        "skip_exact_over": 20 * plan["exact_cap"],
                    },
                    900,
                )
            elif name == "agreement":
                result[name] = _agreement(result.get("centrality", {}), args.size, tmp)
            elif name == "explorer":
                result[name] = _explorer(tmp, plan)
            else:
                result[name] = fn()
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    result["machine"]["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    shutil.rmtree(tmp, ignore_errors=True)
    rows = report.rows(result, qs)
    result["table"] = rows
    text = report.table(rows, result)
    print(text)
    out = args.json or HERE / "results" / f"{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out} ({result['total_seconds']:.0f} s in all)")
    return 0


def _repeat(n: int, task: str, args: dict[str, Any]) -> dict[str, Any]:
    """A load in ``n`` fresh processes: median seconds, max peak."""
    runs = [worker(task, args, 600) for _ in range(n)]
    good = [r for r in runs if "seconds" in r]
    if not good:
        return runs[0]
    return {
        "seconds": statistics.median(r["seconds"] for r in good),
        "cpu": statistics.median(r["cpu"] for r in good),
        "runs": len(good),
        "peak_mib": max(r["peak_mib"] for r in good),
    }


def _query_cap(ours: dict[str, Any] | None, plan: dict[str, Any]) -> float:
    """Long enough to show a 20× gap (or measure it), never more than the plan's cap."""
    seconds = ours["ours"]["seconds"] if ours and "ours" in ours else 1.0
    return float(min(plan["query_cap"], max(30.0, 30 * seconds)))


def _agreement(centrality: dict[str, Any], size: str, tmp: Path) -> dict[str, Any]:
    """Sampled vs exact betweenness, top-20 overlap, on the run's graph if exact finished, else on 100k."""
    if "top_overlap" in centrality:
        return {"size": size, "nodes": centrality["nodes"], "top_overlap": centrality["top_overlap"], "top": 20}
    if size == AGREEMENT_SIZE:
        return {"error": "exact centrality did not finish"}
    data = generate.ensure(AGREEMENT_SIZE)
    from gbakg.sparql import engine

    files = [str(f) for f in engine.source_files([data])]
    sub = tmp / "agreement"
    sub.mkdir(exist_ok=True)
    worker("rdflib", {"files": files, "queries": [], "projection_cap": 1, "pickle_dir": str(sub)}, 600)
    out = worker("centrality", {"graph": str(sub / "collab.pickle"), "cap": 300}, 600)
    out["size"] = AGREEMENT_SIZE
    return out


def _explorer(tmp: Path, plan: dict[str, Any]) -> dict[str, Any]:
    small, large = plan["pyvis_nodes"], EXPLORER_LARGE
    out: dict[str, Any] = {}
    out["small"] = worker(
        "explorer",
        {
            "graph": str(tmp / f"explorer-{small}.pickle"),
            "out": str(tmp / f"explorer-{small}.html"),
            "pyvis_cap": 240,
            "repeats": 3,
        },
        600,
    )
    out["large"] = worker(
        "explorer",
        {"graph": str(tmp / f"explorer-{large}.pickle"), "out": str(tmp / f"explorer-{large}.html"), "repeats": 3},
        600,
    )
    if (tmp / f"explorer-{large}.html").exists():
        out["chromium"] = worker("chromium", {"page": str(tmp / f"explorer-{large}.html"), "timeout": 120}, 300)
    return out


if __name__ == "__main__":
    sys.exit(main())
