"""The endpoint's query page at ``/``: a text area, the named queries as examples, results drawn as text.

It works offline (no CDN, no YASGUI bundle) and under a strict Content-Security-Policy, which needs the
hashes of its own inline script and style; both live here, beside the HTML template
(``endpoint_page.html``), so the page and its policy change together.
"""

from __future__ import annotations

import hashlib
import json
import re
from base64 import b64encode
from pathlib import Path


def page() -> str:
    """The offline query page: a text area, a Run button, results drawn as text (never as HTML)."""
    from gbakg.sparql.engine import NAME_QUERY
    from gbakg.sparql.query import named_queries

    examples = {
        q.name: {
            "text": q.text,
            "description": q.description,
            "bindings": [{"name": b.name, "required": b.required, "help": b.help} for b in q.bindings],
        }
        for q in named_queries().values()
    }
    data = json.dumps(examples).replace("<", "\\u003c")
    lookup = json.dumps(NAME_QUERY).replace("<", "\\u003c")
    template = (Path(__file__).resolve().parent / "endpoint_page.html").read_text(encoding="utf-8")
    return template.replace("/*EXAMPLES*/{}", data).replace('/*NAME_QUERY*/""', lookup)


def csp(html: str) -> str:
    """A strict Content-Security-Policy for the page: only its own inline script and style, fetches to itself."""

    def hashes(tag: str) -> str:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        return " ".join(f"'sha256-{b64encode(hashlib.sha256(t.encode()).digest()).decode()}'" for t in found)

    return (
        f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
        "connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
