"""`gbakg sources check` against fixture pages served on loopback: nothing leaves the machine."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from gbakg.cli.kit import GbakgGroup
from gbakg.cli.sources import sources
from gbakg.sources.check import COLUMNS, WebSource, judge
from gbakg.sources.extract import extract
from gbakg.sources.fetch import Cache, Fetcher, HostPacer, Page, Redirect, _interleave_hosts

QUOTE_SPLIT = 'Alpha University signed a "strategic" agreement with Beta Lab in 2020'
QUOTE_GONE_FROM_PAGE = "Gamma Institute opened its Shenzhen campus in 2019"
QUOTE_MOVED = "Delta Centre is in Nansha"
QUOTE_PDF = "Epsilon Park hosts 120 start-ups"
SLOW_SECONDS = 1.5  # the slow page's delay; the tests' timeout is well below it
TIMEOUT = "0.4"


def _page(body: str) -> bytes:
    filler = "<p>The Greater Bay Area brings together nine cities of Guangdong with Hong Kong and Macao.</p>"
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Fixture</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
        f"<article><h1>News</h1>{filler}{body}{filler}</article><footer>© Fixture Press</footer></body></html>"
    ).encode()


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# path -> (status, content type, body, extra headers); pages with an ETag answer 304 to a matching If-None-Match.
PAGES: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
    "/split.html": (
        200,
        "text/html; charset=utf-8",
        _page(
            "<p>On Monday the <b>Alpha</b>&nbsp;University signed\n a \u201cstrategic\u201d agreement with "
            "<a href='/beta'>Beta&nbsp;Lab</a> in <span>2020</span>, officials said.</p>"
        ),
        {"ETag": '"split-v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"},
    ),
    "/changed.html": (
        200,
        "text/html; charset=utf-8",
        _page("<p>Gamma Institute has closed its office, according to a notice published this week.</p>"),
        {},
    ),
    "/gone.html": (404, "text/html", b"<html><body>Not found</body></html>", {}),
    "/old.html": (301, "text/html", b"", {"Location": "/new.html"}),
    "/new.html": (
        200,
        "text/html; charset=utf-8",
        _page(f"<p>{QUOTE_MOVED}, the district said in its annual report on innovation.</p>"),
        {"ETag": '"new-v1"'},
    ),
    "/report.pdf": (200, "application/pdf", tiny_pdf(QUOTE_PDF + " and 12 laboratories."), {"ETag": '"pdf-v1"'}),
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.log.append({"path": path, **{k.lower(): v for k, v in self.headers.items()}})
        if path == "/slow.html":
            time.sleep(SLOW_SECONDS)
            with contextlib.suppress(ConnectionError):  # the client gave up long ago
                self._answer(200, "text/html", _page(f"<p>{QUOTE_MOVED}</p>"), {})
            return
        if path == "/flaky.html":
            self.server.flaky += 1
            if self.server.flaky == 1:
                self._answer(503, "text/plain", b"busy", {"Retry-After": "0"})
                return
            path = "/new.html"
        status, kind, body, headers = PAGES.get(path, (404, "text/plain", b"no such page", {}))
        etag = headers.get("ETag")
        if etag is not None and self.headers.get("If-None-Match") == etag:
            self._answer(304, kind, b"", {"ETag": etag})
            return
        self._answer(status, kind, body, headers)

    def _answer(self, status: int, kind: str, body: bytes, headers: dict[str, str]) -> None:
        self.server.answers.append((self.path, status))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    log: list[dict[str, str]]
    answers: list[tuple[str, int]]
    flaky: int


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.log, httpd.answers, httpd.flaky = [], [], 0
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def base(server: _Server) -> str:
    server.log.clear()
    server.answers.clear()
    server.flaky = 0
    return f"http://127.0.0.1:{server.server_address[1]}"


def _source(name: str, url: str, *quotes: str) -> str:
    cites = "".join(
        f"gbr:{name}-{i} gba:locatedIn gbr:somewhere .\n"
        f"[] a rdf:Statement ; rdf:subject gbr:{name}-{i} ; rdf:predicate gba:locatedIn ; rdf:object gbr:somewhere ;\n"
        f'   prov:wasDerivedFrom gbs:{name} ; gba:quote "{quote.replace(chr(34), chr(92) + chr(34))}" .\n'
        for i, quote in enumerate(quotes)
    )
    return (
        f'gbs:{name} a gba:Source ; rdfs:label "{name}"@en ; dcterms:title "{name}"@en ;\n'
        f'    dcterms:date "2024"^^xsd:gYear ; schema:url <{url}> .\n{cites}'
    )


@pytest.fixture
def graph_file(base: str, write_ttl: Callable[..., Path]) -> Path:
    body = "".join(
        [
            _source("split", f"{base}/split.html", QUOTE_SPLIT, "officials said"),
            _source("changed", f"{base}/changed.html", QUOTE_GONE_FROM_PAGE, "Gamma Institute"),
            _source("gone", f"{base}/gone.html", "anything at all"),
            _source("moved", f"{base}/old.html", QUOTE_MOVED),
            _source("slow", f"{base}/slow.html", QUOTE_MOVED),
            _source("pdf", f"{base}/report.pdf", QUOTE_PDF),
        ]
    )
    return write_ttl(body, "web.ttl", source=False)


@pytest.fixture
def check(graph_file: Path, tmp_path: Path) -> Callable[..., Any]:
    """Run ``gbakg sources check`` in-process on the fixture graph, with a private cache and fast timeouts."""
    cli = GbakgGroup(name="gbakg", commands={"sources": sources})

    def invoke(*args: str) -> Any:
        fixed = ["--graph", str(graph_file), "--cache", str(tmp_path / "cache"), "--delay", "0", "--retries", "0"]
        return CliRunner().invoke(
            cli, ["sources", "check", *fixed, "--timeout", TIMEOUT, *args], catch_exceptions=False
        )

    return invoke


EXPECTED = {
    "gbs:changed": "quote missing",
    "gbs:gone": "gone",
    "gbs:moved": "moved",
    "gbs:pdf": "ok",
    "gbs:slow": "unreachable",
    "gbs:split": "ok",
}


def test_json_report_gives_each_source_its_verdict(check, base):
    """Every fixture gets its status; a missing quote names itself; a moved page names its new address."""
    result = check("--format", "json")
    assert result.exit_code == 1
    rows = {row["source"]: row for row in json.loads(result.stdout)}
    assert {name: row["status"] for name, row in rows.items()} == EXPECTED
    assert rows["gbs:changed"]["missing"] == [QUOTE_GONE_FROM_PAGE]
    assert rows["gbs:split"]["missing"] == [] and rows["gbs:split"]["quotes"] == 2
    assert rows["gbs:moved"]["moved_to"] == f"{base}/new.html"
    assert rows["gbs:gone"]["http"] == 404
    assert rows["gbs:slow"]["error"].startswith("timed out after 0.4 s")
    assert "6 source(s): 2 ok, 1 moved, 1 quote missing, 1 gone, 1 unreachable" in result.stderr
    assert rows["gbs:moved"]["redirects"] == [f"301 {base}/new.html"]
    assert f"+    schema:url <{base}/new.html>" in result.stderr


def test_csv_report(check):
    result = check("--format", "csv")
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(COLUMNS)
    assert {row["source"]: row["status"] for row in rows} == EXPECTED
    assert next(r for r in rows if r["source"] == "gbs:changed")["missing"] == QUOTE_GONE_FROM_PAGE


def test_table_report_prints_the_turtle_change_for_the_moved_page(check, base, graph_file):
    result = check()
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == list(COLUMNS)
    assert any(line.startswith("gbs:changed") and "quote missing" in line for line in lines)
    assert "Turtle changes to review (nothing was edited):" in result.stdout
    assert f"# gbs:moved moved (301): review, then in {graph_file}, replace its address" in result.stdout
    assert f"-    schema:url <{base}/old.html>\n+    schema:url <{base}/new.html>" in result.stdout
    assert f"<{base}/old.html>" in graph_file.read_text(encoding="utf-8")  # printed, never applied


@pytest.mark.parametrize(("source", "code"), [("gbs:split", 0), ("moved", 0), ("gbs:pdf", 0), ("gbs:gone", 1)])
def test_source_checks_one_and_sets_the_exit_code(check, server, source, code):
    result = check("--source", source, "--format", "json")
    assert result.exit_code == code
    (row,) = json.loads(result.stdout)
    assert row["source"] == (source if ":" in source else f"gbs:{source}")
    assert "/slow.html" not in [entry["path"] for entry in server.log]


def test_unknown_source_is_an_input_error(check):
    result = check("--source", "gbs:splt")
    assert result.exit_code == 2
    assert "Error: --source gbs:splt: no web source (gba:Source with schema:url) by that name" in result.output
    assert "did you mean gbs:split" in result.output


def test_second_run_revalidates_from_the_cache(check, server):
    """The second run sends the stored ETag and Last-Modified; the server's 304 is answered from the cache."""
    first = check("--source", "gbs:split", "--format", "json")
    second = check("--source", "gbs:split", "--format", "json")
    (before,), (after,) = json.loads(first.stdout), json.loads(second.stdout)
    assert (before["status"], before["http"], before["cache"]) == ("ok", 200, "fetched")
    assert (after["status"], after["http"], after["cache"]) == ("ok", 304, "revalidated")
    requests = [entry for entry in server.log if entry["path"] == "/split.html"]
    assert len(requests) == 2
    assert "if-none-match" not in requests[0]
    assert requests[1]["if-none-match"] == '"split-v1"'
    assert requests[1]["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert [status for path, status in server.answers if path == "/split.html"] == [200, 304]


def test_requests_name_gbakg_and_its_version(check, server):
    from gbakg import __version__

    check("--source", "gbs:pdf")
    assert server.log[-1]["user-agent"].startswith(f"gbakg/{__version__} ")


def test_save_writes_the_extracted_text(check, tmp_path):
    archive = tmp_path / "archive"
    result = check("--source", "gbs:split", "--save", str(archive))
    assert result.exit_code == 0
    assert "saved 1 text(s) in" in result.stderr
    text = (archive / "split.txt").read_text(encoding="utf-8")
    assert "Alpha\u00a0University" in text or "Alpha University" in text
    assert "Home | News" not in text  # the main text, not the menu


def test_save_refuses_the_repository(check):
    repository = Path(__file__).resolve().parents[1]
    result = check("--source", "gbs:split", "--save", str(repository / "archive"))
    assert result.exit_code == 2
    assert "keep saved page texts outside the graph's data folders" in result.output
    assert not (repository / "archive").exists()


def test_retries_a_busy_server_with_backoff(server, base, tmp_path):
    """A 503 is retried after the backoff (here Retry-After: 0), and the second answer counts."""
    with Fetcher(retries=2, backoff=0.01, delay=0, cache=Cache(tmp_path / "cache")) as fetcher:
        page = fetcher.fetch(f"{base}/flaky.html")
    assert (page.status, page.error) == (200, None)
    assert [status for path, status in server.answers if path == "/flaky.html"] == [503, 200]


def test_temporary_redirects_are_reported_but_not_a_move():
    page = Page(
        "http://a/x",
        final_url="http://a/z",
        status=200,
        redirects=[Redirect(301, "http://a/x", "https://a/x"), Redirect(302, "https://a/x", "http://a/z")],
    )
    assert page.moved_to == "https://a/x"
    assert Page("http://a/x", redirects=[Redirect(307, "http://a/x", "http://a/y")]).moved_to is None


def test_pdf_and_html_text_fold_like_the_corpus():
    source = WebSource(URIRef("x:pdf"), "http://a/r.pdf", (QUOTE_PDF,))
    page = Page("http://a/r.pdf", status=200, body=tiny_pdf(QUOTE_PDF), content_type="application/octet-stream")
    assert judge(source, page).status == "ok"
    text = extract(_page("<p>A\u00a0<i>\u2018quoted\u2019</i> word</p>"), "text/html")
    assert "quoted" in text.main and text.kind == "html"


def test_a_quote_outside_the_main_text_is_found_in_the_whole_page():
    """trafilatura's main text leaves the footer out; the whole page's text still holds the quote."""
    source = WebSource(URIRef("x:footer"), "http://a/f.html", ("Fixture Press",))
    page = Page("http://a/f.html", status=200, body=_page("<p>Some words.</p>"), content_type="text/html")
    assert "Fixture Press" not in extract(page.body or b"", "text/html").main
    result = judge(source, page)
    assert (result.status, result.missing) == ("ok", [])
    assert "Fixture Press" in (result.text or "")


def test_pacer_spaces_requests_to_one_host_only():
    pacer = HostPacer(0.2)
    start = time.monotonic()
    pacer.wait("http://a.example/1")
    pacer.wait("http://b.example/1")
    assert time.monotonic() - start < 0.1
    pacer.wait("http://a.example/2")
    assert time.monotonic() - start >= 0.19


def test_hosts_are_interleaved():
    urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1", "http://b/2"]
    assert _interleave_hosts(urls) == [
        "http://a/1",
        "http://b/1",
        "http://c/1",
        "http://a/2",
        "http://b/2",
        "http://a/3",
    ]
