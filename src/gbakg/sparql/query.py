"""Preparing SPARQL queries, whatever engine answers them: the public face of gbakg.sparql.

A query comes from a string, a ``.rq`` file, ``-`` (stdin) or the name of a shipped query; our
prefixes are predeclared; ``--bind name=value`` fixes variables (entities go through
:func:`gbakg.rdf.resolve.resolve`). Reading the query text lives in :mod:`gbakg.sparql.text`,
rendering results in :mod:`gbakg.sparql.results`; both are re-exported here, so callers (and
notebooks) keep one import.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from gbakg.errors import InputError
from gbakg.sparql.results import (  # noqa: F401 - re-exported: gbakg.sparql.query is the public face
    FORMATS,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    TABLE_ROWS,
    ResultTooLarge,
    limited,
    render,
    result_kind,
    table,
    write_boolean,
    write_graph,
    write_solutions,
)
from gbakg.sparql.text import (  # noqa: F401
    PREFIXES,
    in_order_of_appearance,
    inject_values,
    is_update,
    keywords,
    prefix_header,
    query_form,
    star_projection,
    syntax_message,
    tokens,
    unescape_codepoints,
    update_refusal,
    uses_service,
    with_values,
)
from gbakg.vocabulary import GBR

QUERY_DIR = Path(__file__).resolve().parent / "queries"
BASE_IRI = str(GBR)
"""Relative IRIs in a query resolve against the entity namespace (``<idea>`` is ``gbr:idea``); a
query's own ``BASE`` overrides it."""


@dataclass(frozen=True)
class Binding:
    name: str
    required: bool
    help: str


@dataclass(frozen=True)
class NamedQuery:
    """A shipped ``.rq`` file: its name, one-line description, declared bindings and text."""

    name: str
    description: str
    bindings: tuple[Binding, ...]
    text: str

    def usage(self) -> str:
        parts = [f"--bind {b.name}=..." if b.required else f"[--bind {b.name}=...]" for b in self.bindings]
        return " ".join([f"gbakg query {self.name}", *parts])


_BIND_LINE = re.compile(r"#\s*bind:\s*(\w+)\s*(\(optional\))?\s*[—:-]*\s*(.*)")


def named_queries() -> dict[str, NamedQuery]:
    """Every shipped query, by name (its file name without ``.rq``)."""
    found = {}
    for path in sorted(QUERY_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        description, bindings = "", []
        for line in text.splitlines():
            if line.startswith("# description:"):
                description = line.split(":", 1)[1].strip()
            elif m := _BIND_LINE.match(line):
                bindings.append(Binding(m.group(1), not m.group(2), m.group(3).strip()))
        found[path.stem] = NamedQuery(path.stem, description, tuple(bindings), text)
    return found


def named_query(name: str) -> NamedQuery:
    """The shipped query called ``name``; an unknown name suggests close ones."""
    queries = named_queries()
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `gbakg query --list` shows them"
    raise InputError(f"unknown named query {name!r}{hint}")


def read_query(spec: str, stdin: Callable[[], str | bytes] | None = None) -> tuple[str, NamedQuery | None]:
    """The text ``spec`` stands for: ``-`` (stdin), a named query, a ``.rq`` file, or SPARQL itself."""
    if spec == "-":
        if stdin is None:
            raise InputError("no standard input to read the query from")
        return _text(stdin(), "standard input"), None
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec) and spec in named_queries():
        return named_query(spec).text, named_query(spec)
    path = Path(spec)
    looks_like_path = "\n" not in spec and "{" not in spec
    if looks_like_path and path.is_dir():
        raise InputError(f"{path}: is a folder; QUERY is SPARQL text, a .rq file, - or a named query")
    if spec.endswith(".rq") or (looks_like_path and path.is_file()):
        try:
            return _text(path.read_bytes(), str(path)), None
        except OSError as e:
            raise InputError(f"{path}: cannot read query ({e.strerror})") from e
    if re.fullmatch(r"[\w.-]+", spec):  # a single word is a name, not SPARQL
        named_query(spec)
    return check_text(spec, "the query"), None


def _text(data: str | bytes, where: str) -> str:
    """Query text read from a file or stdin: UTF-8 (a BOM is dropped), or a one-line error."""
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(f"{where}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    return check_text(data, where)


def check_text(text: str, what: str) -> str:
    """``text`` itself, unless it holds bytes that are not UTF-8 (which Python keeps as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        code = ord(text[e.start])
        bad = f"byte {code - 0xDC00:#04x}" if 0xDC80 <= code <= 0xDCFF else "a lone surrogate"
        raise InputError(f"{what}: not UTF-8 text ({bad} at character {e.start + 1})") from e
    return text


# -- bindings ------------------------------------------------------------------------------------


def parse_bind_options(pairs: Sequence[str]) -> dict[str, str]:
    """``name=value`` pairs into a dict; a malformed pair or a repeated name is an input error."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = check_text(name, "--bind").strip().lstrip("?$")
        check_text(value, f"--bind {name}")
        if not sep or not re.fullmatch(r"\w+", name) or not value:
            raise InputError(f"--bind {pair!r}: expected NAME=VALUE, for example --bind org=IDEA")
        if name in found:
            raise InputError(f"--bind {name} given twice")
        found[name] = value
    return found


def check_bindings(text: str, names: Iterable[str], named: NamedQuery | None) -> None:
    """Every bound variable must exist; a named query's required ones must be given."""
    given = set(names)
    if named is not None:
        declared = {b.name for b in named.bindings}
        for name in sorted(given - declared):
            takes = ", ".join(sorted(declared)) or "no bindings"
            raise InputError(f"named query {named.name} takes {takes}; not {name!r}")
        missing = [b.name for b in named.bindings if b.required and b.name not in given]
        if missing:
            raise InputError(f"named query {named.name} needs --bind {missing[0]}=...; usage: {named.usage()}")
        return
    variables = {t[1:] for kind, t, _ in tokens(text) if kind == "var"}
    for name in sorted(given - variables):
        raise InputError(f"--bind {name}: the query has no variable ?{name}")


def term_from_text(value: str) -> ox.NamedNode | ox.Literal | None:
    """Read a value written as in Turtle: ``<iri>``, ``prefix:name``, ``"text"@en``, ``42``, ``true``.

    Returns None for anything else (a label to resolve).
    """
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    try:
        quads = list(ox.parse(f"{header}<urn:s> <urn:p> {value} .", format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        return None
    if len(quads) != 1 or isinstance(quads[0].object, ox.BlankNode):
        return None
    return quads[0].object  # type: ignore[return-value]


def bind_terms(raw: Mapping[str, str], resolve: Callable[[str], ox.NamedNode]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Turn ``--bind`` values into terms; entity names and ``gbr:`` CURIEs go through ``resolve``."""
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in raw.items():
        term = term_from_text(value.strip())
        if term is None or (isinstance(term, ox.NamedNode) and term.value.startswith(str(GBR))):
            term = resolve(value.strip())
        terms[name] = term
    return terms
