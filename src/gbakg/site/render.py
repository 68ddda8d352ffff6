"""The site's HTML: every text from the data goes through :func:`html.escape`, every link is relative.

Pages carry a Content-Security-Policy that allows the site's own scripts and styles and nothing
else (no inline script, no connections), so they open from ``file://`` or any static host and ask
nothing of the internet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from gbakg.explorer.page import to_script_json as script_json
from gbakg.site.model import Line, Profile, Source

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


def page(title: str, body: str, *, depth: int, lang: str = "en", scripts: Iterable[str] = ()) -> str:
    """A whole page; ``depth`` is how many folders below the site's root it lies (for relative links)."""
    up = "../" * depth
    tags = "".join(f'<script src="{up}assets/{escape(s)}"></script>' for s in scripts)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{escape(title)} · gbakg</title>\n"
        f'<link rel="stylesheet" href="{up}assets/site.css">\n</head>\n<body>\n'
        f'<header class="bar"><a href="{up}index.html">gbakg</a> · the Greater Bay Area Knowledge Graph'
        f' <nav><a href="{up}index.html#search">Search</a> <a href="{up}sources.html">Sources</a>'
        f' <a href="{up}ontology.html">Ontology</a> <a href="{up}dataset.html">Dataset</a></nav></header>\n'
        f"<main>\n{body}\n</main>\n{tags}\n</body>\n</html>\n"
    )


class Links:
    """Relative addresses of entity and source pages, from a page ``depth`` folders down."""

    def __init__(self, profiles: Mapping[str, Profile], sources: Mapping[str, Source], names: Mapping[str, str]):
        self.profiles, self.sources, self.names = profiles, sources, names

    def entity(self, iri: str, up: str, text: str | None = None) -> str:
        label = escape(text if text is not None else self.names.get(iri, iri))
        if iri in self.profiles:
            return f'<a href="{up}id/{escape(self.profiles[iri].slug)}.html">{label}</a>'
        return label

    def source(self, key: str, up: str, title: str) -> str:
        if key in self.sources:
            return f'<a href="{up}source/{escape(self.sources[key].slug)}.html">{escape(title or key)}</a>'
        return escape(title or key)


def evidence(items: Iterable[Mapping[str, str]], links: Links, up: str) -> str:
    return "".join(
        f"<blockquote>{escape(ev.get('quote', ''))}"
        f"<cite>— {links.source(ev.get('source', ''), up, ev.get('title', ''))}</cite></blockquote>"
        for ev in items
    )


def lines(title: str, anchor: str, found: list[Line], links: Links, up: str, limit: int = 400) -> str:
    if not found:
        return ""
    items = []
    for line in found[:limit]:
        see = ", ".join(links.entity(iri, up) for iri in dict.fromkeys(line.links) if iri in links.profiles)
        when = f" <time>{escape(line.when)}</time>" if line.when else ""
        items.append(
            f'<li><span class="what">{escape(line.text)}</span>{when}'
            + (f' <span class="see">({see})</span>' if see else "")
            + evidence(line.evidence, links, up)
            + "</li>"
        )
    more = f'<p class="hint">and {len(found) - limit} more</p>' if len(found) > limit else ""
    heading = f'<h2>{escape(title)} <span class="count">{len(found)}</span></h2>'
    return f'<section id="{anchor}">{heading}<ul class="lines">{"".join(items)}</ul>{more}</section>'


def profile_page(p: Profile, links: Links, kinds: Mapping[str, str], ego: Mapping[str, Any]) -> str:
    up = "../"
    head = f"<h1>{escape(p.label)}"
    if p.label_zh:
        head += f' <span lang="zh" class="zh">{escape(p.label_zh)}</span>'
    head += "</h1>"
    where = ""
    if p.place:
        where += f" · in {links.entity(p.place, up)}"
    if p.home and p.home not in (p.place, p.iri):
        where += f" · {links.entity(p.home, up)}"
    meta = [f'<p class="kind">{escape(kinds.get(p.kind, p.kind))}{where}</p>', "<dl>"]
    meta.append(f"<dt>IRI</dt><dd><code>{escape(p.iri)}</code></dd>")
    if p.aliases:
        meta.append(f"<dt>Also known as</dt><dd>{escape(', '.join(p.aliases))}</dd>")
    for key, value in p.properties:
        meta.append(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>")
    meta.append("</dl>")
    own = f'<section id="evidence"><h2>Evidence</h2>{evidence(p.own, links, up)}</section>' if p.own else ""
    network = (
        '<section id="network"><h2>Network</h2><div id="ego" role="img" aria-label="Its neighbours"></div>'
        f'<script type="application/json" id="ego-data">{script_json(ego)}</script></section>'
        if ego.get("nodes") and len(ego["nodes"]) > 1
        else ""
    )
    near = ""
    if p.neighbours:
        near = (
            f'<section id="neighbours"><h2>Neighbours <span class="count">{len(p.neighbours)}</span></h2>'
            + '<p class="near">'
            + " · ".join(links.entity(n, up) for n in p.neighbours)
            + "</p></section>"
        )
    body = "".join(
        [
            head,
            "".join(meta),
            own,
            network,
            lines("Posts", "posts", p.posts, links, up),
            lines("Partners and the ties behind them", "partners", p.partners, links, up),
            lines("Agreements", "agreements", p.agreements, links, up),
            lines("Timeline", "timeline", p.timeline, links, up),
            lines("Other facts", "facts", p.facts, links, up),
            near,
        ]
    )
    return page(p.label, body, depth=1, scripts=("vis-network.min.js", "site.js") if network else ())


def source_page(s: Source, links: Links) -> str:
    up = "../"
    body = [f"<h1>{escape(s.title or s.slug)}</h1><dl>"]
    for key, value in (("Publisher", s.publisher), ("Date", s.date), ("Language", s.language)):
        if value:
            body.append(f"<dt>{key}</dt><dd>{escape(value)}</dd>")
    if s.url:
        body.append(f'<dt>Address</dt><dd><a href="{escape(s.url)}" rel="noreferrer">{escape(s.url)}</a></dd>')
    body.append(f"<dt>IRI</dt><dd><code>{escape(s.iri)}</code></dd></dl>")
    body.append(lines("Facts it supports", "facts", s.facts, links, up, limit=2000))
    return page(s.title or s.slug, "".join(body), depth=1)


def listing(title: str, intro: str, rows: Iterable[str], *, depth: int = 0) -> str:
    return page(title, f'<h1>{escape(title)}</h1><p>{intro}</p><ul class="list">{"".join(rows)}</ul>', depth=depth)
