"""The layers of ARCHITECTURE.md: each module imports only from its own layer and those below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "gbakg"

# Layer of each top-level name under gbakg; a package's modules share its layer.
LAYERS = {
    "base": 0,
    "rdf": 1,
    "sparql": 2,
    "network": 2,
    "sources": 2,
    "explorer": 3,
    "site": 3,
    "app": 4,
    "cli": 5,
}
APP = {"build", "export", "viz", "__init__"}
# Layers that may not import each other although neither is below the other.
SIBLINGS = {(a, b) for a in ("sparql", "network", "sources") for b in ("sparql", "network", "sources") if a != b}


def layer_of(module: str) -> str:
    """``gbakg.rdf.load`` -> "rdf"; ``gbakg.dates`` -> "base"; ``gbakg.build`` -> "app"."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top == "__main__":
        return "cli"  # the entry point runs the CLI
    if top in ("rdf", "sparql", "network", "sources", "explorer", "site", "cli"):
        return top
    return "app" if top in APP else "base"


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(p for p in rel.parts if p != "__init__") if rel.name == "__init__" else ".".join(rel.parts)
        found.append((name, path))
    return found


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gbakg"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if node.module in ("gbakg", "gbakg.sparql"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("gbakg"))
    return found


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_imports_follow_the_layers(module, path):
    mine = layer_of(module)
    bad = []
    for target in imports(path):
        theirs = layer_of(target)
        if target in ("gbakg", "gbakg.sparql") or theirs == mine:
            continue
        if LAYERS[theirs] > LAYERS[mine] or (mine, theirs) in SIBLINGS:
            bad.append(f"{target} ({theirs})")
    assert not bad, f"{module} ({mine}) imports from a higher or sibling layer: {', '.join(sorted(bad))}"


def test_nothing_imports_the_cli():
    users = [m for m, p in modules() if layer_of(m) != "cli" and any(layer_of(t) == "cli" for t in imports(p))]
    assert users == []
