"""``gbakg site``: a static linked-data site of the graph, one page per entity and per source.

The folder opens from ``file://`` or any static host: relative links only, the site's own script
and styles, vis-network shipped beside them, no request to anywhere else. It is written into a
fresh folder beside OUT and moved into place at the end, so an interrupted run leaves the old
site whole; OUT is replaced only if it is empty or an earlier gbakg site, never through a symlink.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from gbakg.errors import InputError

MARKER = ".gbakg-site"  # names a folder this command wrote, so a later run may replace it
EGO_LIMIT = 60  # neighbours drawn on a profile page (the list below it names them all)


def build_site(graph: Any, out: str | os.PathLike[str]) -> dict[str, int]:
    """Write the site of ``graph`` (an rdflib Graph with the ontology) into ``out``; page counts."""
    from gbakg import __version__
    from gbakg.explorer.page import _CLASS_COLORS, _vis_script
    from gbakg.names import fold_table, key
    from gbakg.network.projections import collaboration_graph, full_graph
    from gbakg.network.triples import read
    from gbakg.rdf.dataset import describe
    from gbakg.site import model, render

    target = _check_target(Path(out))
    full = full_graph(graph)
    collab = collaboration_graph(graph, full)
    terms = read(graph).term_labels()
    names = model.names_of(full)
    profiles = model.profiles(full, collab, terms)
    sources = model.sources(graph, full, names)
    links = render.Links(profiles, sources, names)
    kinds = {k: v[:1].upper() + v[1:] for k, v in terms.items()}

    files: dict[str, str] = {}
    for iri, p in profiles.items():
        ego = _ego(full, iri, p.neighbours, profiles, names, _CLASS_COLORS)
        files[f"id/{p.slug}.html"] = render.profile_page(p, links, kinds, ego)
    for s in sources.values():
        files[f"source/{s.slug}.html"] = render.source_page(s, links)

    by_class = Counter(p.kind for p in profiles.values())
    class_rows = []
    for kind, count in sorted(by_class.items(), key=lambda kv: kinds.get(kv[0], kv[0])):
        slug = model.slug_of(kind.replace(":", "-"))
        members = sorted((p for p in profiles.values() if p.kind == kind), key=lambda p: p.label.lower())
        rows = [f"<li>{links.entity(p.iri, '../')}{_zh(p)}</li>" for p in members]
        title = escape(kinds.get(kind, kind))
        counted = f'{title} <span class="count">{count}</span>'
        files[f"class/{slug}.html"] = render.page(
            kinds.get(kind, kind), f'<h1>{counted}</h1><ul class="list">{"".join(rows)}</ul>', depth=1
        )
        class_rows.append(f'<li><a href="class/{escape(slug)}.html">{counted.replace(" <span", "</a> <span", 1)}</li>')
    place_count = Counter(p.home for p in profiles.values() if p.home and p.home != p.iri)
    place_rows = [
        f'<li>{links.entity(place, "")} <span class="count">{n}</span></li>'
        for place, n in sorted(place_count.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
    ]
    source_rows = [
        f'<li>{links.source(k, "", s.title)} <span class="sub">{escape(s.publisher)} · {escape(s.date)}</span>'
        f' <span class="count">{len(s.facts)}</span></li>'
        for k, s in sorted(sources.items(), key=lambda kv: (kv[1].date, kv[1].title), reverse=True)
    ]
    files["sources.html"] = render.listing(
        "Sources", f"{len(sources)} sources, newest first, each with the number of facts it supports.", source_rows
    )
    index = [
        {
            "u": f"id/{p.slug}.html",
            "l": p.label,
            "z": p.label_zh,
            "c": kinds.get(p.kind, p.kind),
            "k": sorted({key(n) for n in (p.label, p.label_zh, *p.aliases) if n}),
        }
        for p in sorted(profiles.values(), key=lambda p: p.label.lower())
    ]
    files["index.html"] = _index(len(profiles), len(sources), class_rows, place_rows)
    files["assets/search-index.js"] = "window.GBAKG_INDEX = " + render.script_json(index) + ";\n"
    files["assets/fold.js"] = (
        "window.GBAKG_FOLD = " + render.script_json(fold_table(k for row in index for k in row["k"])) + ";\n"
    )
    files["ontology.html"] = _ontology(graph, terms)
    description = describe(graph, version=__version__)
    files["dataset.html"] = _dataset(description, len(profiles), len(sources))
    files["void.ttl"] = description.serialize(format="turtle")
    files["assets/vis-network.min.js"] = _vis_script()
    for asset in ("site.css", "site.js"):
        files[f"assets/{asset}"] = resources.files("gbakg.site").joinpath("assets", asset).read_text(encoding="utf-8")
    files[MARKER] = "written by gbakg site; the next run replaces this folder\n"
    _write_all(target, files)
    return {"entities": len(profiles), "sources": len(sources), "files": len(files)}


def _zh(p: Any) -> str:
    return f' <span lang="zh" class="zh">{escape(p.label_zh)}</span>' if p.label_zh else ""


def _ego(full: Any, iri: str, neighbours: list[str], profiles: Any, names: Any, colors: Any) -> dict[str, Any]:
    """The entity and its neighbours (up to EGO_LIMIT, best connected first) for the small drawing."""
    shown = sorted(neighbours, key=lambda n: (-full.degree(n), names.get(n, n)))[:EGO_LIMIT]
    keep = [iri, *shown]
    index = {n: i for i, n in enumerate(keep)}
    nodes = [
        {"l": names.get(n, n), "u": f"{profiles[n].slug}.html", "c": colors.get(full.nodes[n].get("type"), "#999")}
        for n in keep
    ]
    edges = sorted({(0, index[n]) for n in shown})
    return {"nodes": nodes, "edges": edges}


def _index(entities: int, sources: int, classes: list[str], places: list[str]) -> str:
    from gbakg.site.render import page

    body = (
        "<h1>The Greater Bay Area Knowledge Graph</h1>"
        f"<p>{entities} entities and {sources} sources: every fact with its source and a quote. "
        "Search in English or Chinese (traditional or simplified), or browse.</p>"
        '<div id="search"><input id="q" type="search" placeholder="Name or alias… 名稱" autocomplete="off" '
        'aria-label="Search by English or Chinese name"><ol id="results"></ol></div>'
        f'<div class="columns"><section><h2>By class</h2><ul class="list">{"".join(classes)}</ul></section>'
        f'<section><h2>By place</h2><ul class="list">{"".join(places)}</ul></section>'
        '<section><h2>By source</h2><p><a href="sources.html">All sources</a>, newest first.</p>'
        '<h2>About</h2><p><a href="ontology.html">The ontology</a> · <a href="dataset.html">The dataset</a> '
        '(<a href="void.ttl">VoID</a>)</p></section></div>'
    )
    return page("Greater Bay Area Knowledge Graph", body, depth=0, scripts=("fold.js", "search-index.js", "site.js"))


def _ontology(graph: Any, terms: dict[str, str]) -> str:
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    from gbakg.site.render import page
    from gbakg.vocabulary import GBA, curie

    def text(node: Any, p: Any) -> str:
        found = [str(o) for o in graph.objects(node, p) if getattr(o, "language", None) in (None, "en")]
        return found[0] if found else ""

    def refs(node: Any, p: Any) -> str:
        return ", ".join(
            f"<code>{escape(curie(str(o)))}</code>" for o in sorted(graph.objects(node, p)) if isinstance(o, URIRef)
        )

    sections = []
    for title, kinds in (
        ("Classes", (OWL.Class,)),
        ("Properties", (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)),
    ):
        rows = []
        seen: set = set()
        for kind in kinds:
            for term in sorted(graph.subjects(RDF.type, kind)):
                if not isinstance(term, URIRef) or not str(term).startswith(str(GBA)) or term in seen:
                    continue
                seen.add(term)
                extra = []
                for label, p in (
                    ("sub-class of", RDFS.subClassOf),
                    ("sub-property of", RDFS.subPropertyOf),
                    ("equivalent to", OWL.equivalentClass),
                    ("equivalent to", OWL.equivalentProperty),
                    ("domain", RDFS.domain),
                    ("range", RDFS.range),
                ):
                    found = refs(term, p)
                    if found:
                        extra.append(f"{label} {found}")
                rows.append(
                    f'<li id="{escape(curie(str(term)).split(":")[-1])}"><code>{escape(curie(str(term)))}</code> '
                    f"<b>{escape(text(term, RDFS.label))}</b> — {escape(text(term, RDFS.comment))}"
                    + (f'<div class="sub">{"; ".join(extra)}</div>' if extra else "")
                    + "</li>"
                )
        sections.append(
            f'<section><h2>{title} <span class="count">{len(rows)}</span></h2>'
            + f'<ul class="lines">{"".join(rows)}</ul></section>'
        )
    return page(
        "Ontology",
        "<h1>The ontology</h1><p>Namespace <code>" + escape(str(GBA)) + "</code>.</p>" + "".join(sections),
        depth=0,
    )


def _dataset(description: Any, entities: int, sources: int) -> str:
    from rdflib.namespace import DCTERMS, OWL

    from gbakg.rdf.dataset import DATASET, VOID
    from gbakg.site.render import page
    from gbakg.vocabulary import curie

    def one(p: Any) -> str:
        found = list(description.objects(DATASET, p))
        return str(found[0]) if found else ""

    rows = "".join(
        f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>"
        for k, v in (
            ("Title", one(DCTERMS.title)),
            ("Licence", one(DCTERMS.license)),
            ("Version", one(OWL.versionInfo)),
            ("Built", one(DCTERMS.issued)),
            ("Triples", one(VOID.triples)),
            ("Entities with a page", str(entities)),
            ("Sources", str(sources)),
        )
    )
    parts = []
    for part in description.objects(DATASET, VOID.classPartition):
        cls = description.value(part, VOID["class"])
        parts.append((curie(str(cls)), int(description.value(part, VOID.entities))))
    table = "".join(
        f"<tr><td><code>{escape(c)}</code></td><td>{n}</td></tr>" for c, n in sorted(parts, key=lambda x: -x[1])
    )
    body = (
        f"<h1>The dataset</h1><p>{escape(one(DCTERMS.description))}</p><dl>{rows}</dl>"
        '<p>The machine-readable description: <a href="void.ttl">void.ttl</a> (VoID and DCAT).</p>'
        f"<h2>Instances per class</h2><table><tr><th>class</th><th>instances</th></tr>{table}</table>"
    )
    return page("Dataset", body, depth=0)


def _check_target(out: Path) -> Path:
    if out.is_symlink():
        raise InputError(f"{out}: is a symbolic link; give the real folder")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"{out}: is not empty and not an earlier gbakg site; choose an empty or new folder")
    return out


def _write_all(out: Path, files: dict[str, str]) -> None:
    """Write into a new folder beside ``out``, then swap it in: ``out`` is never half-written."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=parent))
    try:
        for name, text in files.items():
            path = fresh / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=parent))
            old.rmdir()
            out.rename(old)
        fresh.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
