"""The text of a SPARQL query, read without parsing it: its tokens and form, whether it is an
update or calls SERVICE, VALUES put in for bindings, the order of SELECT *, and syntax errors
turned into messages that point at the user's own text.

Oxigraph parses the query; this module only reads what must be known before (to refuse an update
or a SERVICE call, to fix variables) or after (to say where an error is).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox

from gbakg.errors import InputError
from gbakg.vocabulary import PREFIXES as _NAMESPACES

PREFIXES: dict[str, str] = {prefix: str(ns) for prefix, ns in _NAMESPACES.items()}
"""Our prefixes as SPARQL sees them: predeclared in every query."""

# -- tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>\#[^\n]*)
    |(?P<string>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)|(?P<var>[?$]\w+)
    |(?P<word>[A-Za-z_][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*)|(?P<other>.)""",
    re.X | re.S,
)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of each significant token; strings, IRIs and comments stay whole."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup not in ("ws", "comment"):
            yield m.lastgroup or "other", m.group(), m.start()


def unescape_codepoints(text: str) -> str:
    r"""Apply SPARQL's ``\uXXXX``/``\UXXXXXXXX`` escapes, which parsers apply before anything else."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def keywords(text: str) -> list[str]:
    """The bare words of a query (keywords, upper-cased), after codepoint escapes."""
    return [t.upper() for kind, t, _ in tokens(unescape_codepoints(text)) if kind == "word" and ":" not in t]


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE; an update's first word (INSERT, LOAD, ...); or None."""
    for word in keywords(text):
        if word in _FORMS or word in _UPDATE_WORDS:
            return word
    return None


def is_update(text: str) -> bool:
    return query_form(text) in _UPDATE_WORDS


def uses_service(text: str) -> bool:
    """True if the query has a SERVICE clause (which would make the engine fetch a URL)."""
    return "SERVICE" in keywords(text)


def with_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    """Bind variables in the query text: a ``VALUES`` block opens the top-level WHERE group.

    This joins the values with the group before anything else, as rdflib's ``initBindings`` do,
    and works on any engine (pyoxigraph's own substitution only accepts projected variables).
    """
    return inject_values(text, bindings)[0]


def inject_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> tuple[str, int, int]:
    """:func:`with_values`, also returning the offset and length of what was inserted.

    The short form ``CONSTRUCT WHERE { T }`` allows only triples in its group, so it is first
    written out as ``CONSTRUCT { T } WHERE { T }`` (the template on one line, without comments).
    """
    if not bindings:
        return text, len(text), 0
    depth, after_where, where_at, template, insert_at = 0, False, 0, False, None
    found = list(tokens(text))
    for i, (kind, tok, offset) in enumerate(found):
        if kind == "word" and tok.upper() == "WHERE" and depth == 0:
            after_where, where_at = True, offset
        elif tok == "{":
            if depth == 0 and (after_where or query_form(text[:offset]) in ("SELECT", "ASK", "DESCRIBE")):
                insert_at = offset + 1
                short = after_where and not template and query_form(text) == "CONSTRUCT"
                if short:
                    body = _group_tokens(found[i + 1 :])
                    copy = "{ " + " ".join(body) + " } "
                    text = text[:where_at] + copy + text[where_at:]
                    return _values_at(text, insert_at + len(copy), bindings, where_at)
                break
            template = template or depth == 0
            depth += 1
        elif tok == "}":
            depth -= 1
    if insert_at is None:
        raise InputError("cannot bind variables: the query has no WHERE group")
    return _values_at(text, insert_at, bindings)


def _group_tokens(rest: Sequence[tuple[str, str, int]]) -> list[str]:
    """The tokens of a group up to its closing brace (``rest`` starts after the opening one)."""
    depth, body = 0, []
    for _, tok, _ in rest:
        if tok == "}" and depth == 0:
            break
        depth += {"{": 1, "}": -1}.get(tok, 0)
        body.append(tok)
    return body


def _values_at(
    text: str, at: int, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode], start: int | None = None
) -> tuple[str, int, int]:
    """Insert the VALUES block at ``at``; the reported insertion begins at ``start`` (default ``at``)."""
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(str(t) for t in bindings.values())
    inserted = f" VALUES ({names}) {{ ({values}) }}"
    begin = at if start is None else start
    return text[:at] + inserted + text[at:], begin, len(inserted) + (at - begin)


def prefix_header(text: str) -> str:
    """PREFIX lines for our prefixes the query does not declare itself, on one line."""
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w.-]*):", text)}
    return " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared)


def star_projection(text: str) -> int | None:
    """The offset of the ``*`` of a top-level ``SELECT *`` (``DISTINCT``/``REDUCED`` allowed), else None."""
    found = list(tokens(text))
    for i, (kind, tok, _) in enumerate(found):
        if tok == "{":
            return None
        if kind == "word" and tok.upper() == "SELECT":
            rest = [t for t in found[i + 1 : i + 3] if not (t[0] == "word" and t[1].upper() in ("DISTINCT", "REDUCED"))]
            return rest[0][2] if rest and rest[0][1] == "*" else None
    return None


def in_order_of_appearance(text: str, variables: Sequence[str]) -> list[str]:
    """``variables`` in the order the query first mentions them (``SELECT *`` columns, as written)."""
    first: dict[str, int] = {}
    for kind, tok, _ in tokens(text):
        if kind == "var":
            first.setdefault(tok[1:], len(first))
    return sorted(variables, key=lambda v: (first.get(v, len(first)), variables.index(v)))


def update_refusal(text: str) -> str | None:
    """Why an update cannot run here (INSERT, DELETE, LOAD, ...), or None for a query."""
    form = query_form(text)
    if form not in _UPDATE_WORDS:
        return None
    return f"SPARQL Update ({form}) is not supported: gbakg reads the graph, it never changes it"


_REASONS = {"Prefix not found": "unknown prefix", "IRI parsing failed": "invalid IRI"}


def syntax_message(message: str, text: str, line: int | None, column: int | None) -> str:
    """A readable version of the parser's "expected one of ..." (which lists character classes and
    mixes in error names such as "Prefix not found")."""
    if query_form(text) is None:
        return "expected SELECT, CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE)"
    expected = message.removeprefix("expected one of ").removeprefix("expected ")
    expected = re.sub(r"\[(?:'[^']*'|[^\]'])*\]", "", expected)  # character classes: noise to a reader
    items = [i.strip() for i in expected.replace("\n", " ").split(", ") if i.strip()]
    items = [i for i in items if not i.startswith(("[", "|", "'"))]
    before = ""
    if line is not None and column is not None:
        lines = text.split("\n")
        before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    for reason, what in _REASONS.items():
        if reason in items:
            if what == "unknown prefix" and (m := re.search(r"([A-Za-z][\w.-]*)?:[\w.:%-]*$", before)):
                declared = " ".join(f"{p}:" for p in PREFIXES)
                return f"unknown prefix {m.group(1) or ''}: (declare it with PREFIX, or use one of {declared})"
            if what == "invalid IRI" and (m := re.search(r"<[^<>]*>?$", before)):
                return f"invalid IRI {m.group()} (IRIs cannot hold spaces, quotes or <>{{}}|^`\\)"
            return what
    if any(i.startswith('"\\') for i in items):
        return "unterminated string (a closing quote is missing)"
    if not items:
        return message.split(",")[0].strip() or "invalid SPARQL"
    shown = ", ".join(items[:10]) + (", …" if len(items) > 10 else "")
    return f"expected {shown}" if len(items) == 1 else f"expected one of {shown}"
