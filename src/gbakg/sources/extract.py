"""A page's text, from HTML (trafilatura) or PDF (pypdf): what its quotes are looked for in.

trafilatura finds the main text of an HTML page (the article, not the menus); a quote from a
caption, a side box or a footer the main text leaves out is looked for in the whole page's text
as well (the lxml tree without scripts and styles, read by trafilatura's ``html2txt``). Both come
from a real HTML parser (lxml), never from regular expressions over markup, so a quote split by
tags, entities or no-break spaces reads as one run of words. The texts are returned as extracted;
:func:`gbakg.text.fold` folds them for the search, as ``validate`` folds the corpus.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from gbakg.errors import GbakgError

_PDF_MAGIC = b"%PDF-"


class ExtractError(GbakgError):
    """A page's body holds no text we can read (an image, a broken or encrypted PDF)."""


@dataclass(frozen=True)
class Text:
    """A page's text: ``main`` (the article) and ``full`` (everything the page shows); ``kind`` html, pdf or text."""

    main: str
    full: str
    kind: str


def extract(body: bytes, content_type: str = "", url: str | None = None) -> Text:
    """The text of a page whose body is ``body``, by its content type (or its first bytes)."""
    mime, charset = _media_type(content_type)
    if mime == "application/pdf" or body.lstrip()[:5] == _PDF_MAGIC:
        text = pdf_text(body)
        return Text(text, text, "pdf")
    if mime in ("text/plain", "text/markdown"):
        text = body.decode(charset or "utf-8", errors="replace")
        return Text(text, text, "text")
    if mime and mime not in ("text/html", "application/xhtml+xml", "application/xml", "text/xml"):
        raise ExtractError(f"no text to read in a {mime} answer")
    return html_text(body, charset, url)


def html_text(body: bytes, charset: str | None = None, url: str | None = None) -> Text:
    """Main and whole text of an HTML page, decoded by the server's ``charset`` or else as trafilatura detects."""
    import trafilatura

    markup: str | bytes = body
    if charset:
        try:
            markup = body.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name: let trafilatura detect the encoding
            markup = body
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it finds thin
    full = _whole_text(markup)
    main = trafilatura.extract(
        markup,
        url=url,
        output_format="txt",
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    if not full and not main:
        raise ExtractError("no text found in the HTML page")
    return Text(main or full, full or main or "", "html")


_NOT_SHOWN = ("script", "style", "noscript", "template", "svg")


def _whole_text(markup: str | bytes) -> str:
    """Every piece of text the page shows, footers and side boxes included (scripts and styles are not shown)."""
    from lxml import etree
    from trafilatura import html2txt
    from trafilatura.utils import load_html

    tree = load_html(markup)
    if tree is None:
        return ""
    etree.strip_elements(tree, *_NOT_SHOWN, with_tail=False)
    return html2txt(tree, clean=False) or ""


def pdf_text(body: bytes) -> str:
    """The text of every page of a PDF, in order."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            reader.decrypt("")  # many public PDFs are "encrypted" with an empty password
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise ExtractError(f"cannot read the PDF ({e})") from e
    if not text.strip():
        raise ExtractError("the PDF holds no text (a scan?)")
    return text


def _media_type(content_type: str) -> tuple[str, str | None]:
    """``text/html; charset=GBK`` -> ("text/html", "GBK")."""
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip().strip('"')
    return mime.strip().lower(), charset
