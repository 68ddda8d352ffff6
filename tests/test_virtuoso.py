"""A second real store: `gbakg push` and `gbakg query --endpoint` against Virtuoso (Debian's
virtuoso-opensource, the store behind DBpedia), including its Graph Store endpoint that needs a user
and password. The server runs on loopback from a private virtuoso.ini and is killed afterwards."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from conftest import free_port, serving
from gbakg.cli import cli
from gbakg.sparql import engine, remote
from gbakg.sparql import query as sparql
from test_named_queries import BROAD, CASES, run_oxigraph

GRAPH_IRI = "https://w3id.org/gbakg/graph/curated"
SECRET = "dba"  # Virtuoso's initial dba password, on a private throw-away database
INI = """[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:{sql}
DisableUnixSocket  = 1
DirsAllowed        = ., {d}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
[HTTPServer]
ServerPort         = 127.0.0.1:{http}
ServerRoot         = {d}
ServerThreads      = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows   = 100000
MaxQueryExecutionTime = 120
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """Base URL of a fresh Virtuoso on loopback."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail("virtuoso-t is missing: apt-get install virtuoso-opensource (the README's test command does)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http, sql = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=sql, http=http), encoding="utf-8")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http}"
    log = folder / "virtuoso.log"

    def why_not() -> str:
        return f"virtuoso did not start: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}"

    with serving(process, lambda: remote.query(f"{base}/sparql", "ASK { ?s ?p ?o }", timeout=5), 90, why_not):
        yield base


@pytest.fixture
def login(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(remote.USER_VARIABLE, "dba")
    monkeypatch.setenv(remote.PASSWORD_VARIABLE, SECRET)


@pytest.fixture(scope="module")
def pushed(virtuoso) -> str:
    """The curated graph pushed into a named graph through the authenticated Graph Store endpoint."""
    env = {remote.USER_VARIABLE: "dba", remote.PASSWORD_VARIABLE: SECRET}
    result = CliRunner(env=env).invoke(
        cli, ["push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph-iri", GRAPH_IRI]
    )
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output.replace("dba", "")  # nothing of the credentials is echoed
    return result.output


@pytest.fixture(scope="module")
def store():
    return engine.open_store(engine.source_files())


def test_push_sends_every_triple(pushed, virtuoso, store):
    assert f"{len(store)} triples replaced graph <{GRAPH_IRI}>" in pushed
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_IRI}> {{ ?s ?p ?o }} }}"
    assert int(next(iter(remote.query(f"{virtuoso}/sparql", text)))["n"].value) == len(store)


@pytest.mark.parametrize(("name", "raw", "expected"), CASES + BROAD)
def test_named_queries_on_virtuoso(pushed, virtuoso, store, name, raw, expected):
    """Every named query gives the same rows, in the same order, as the embedded engine."""
    variables, local_rows = run_oxigraph(store, name, raw)
    named = sparql.named_query(name)
    terms = sparql.bind_terms(raw, lambda n: remote.resolve(f"{virtuoso}/sparql", n))
    result = remote.query(f"{virtuoso}/sparql", named.text, bindings=terms)
    assert [tuple(s[v] for v in variables) for s in result] == local_rows


def test_query_command_with_virtuoso_matches_local(pushed, virtuoso):
    args = ["query", "strengths", "--bind", "place=Hong Kong", "--format", "csv"]
    local = CliRunner().invoke(cli, args)
    there = CliRunner().invoke(cli, [*args, "--endpoint", f"{virtuoso}/sparql"])
    assert there.exit_code == 0 and there.output == local.output


def test_no_credentials_is_one_clear_line(virtuoso, monkeypatch, tmp_path):
    monkeypatch.delenv(remote.USER_VARIABLE, raising=False)
    monkeypatch.delenv(remote.PASSWORD_VARIABLE, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    result = CliRunner().invoke(
        cli, ["push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph-iri", "urn:x"]
    )
    assert result.exit_code == 2
    assert "HTTP 401: credentials are needed" in result.output and "~/.netrc" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_wrong_password_is_refused_and_never_shown(virtuoso, monkeypatch, tmp_path):
    marker = "not-the-password-7f3a9"
    monkeypatch.setenv(remote.USER_VARIABLE, "dba")
    monkeypatch.setenv(remote.PASSWORD_VARIABLE, marker)
    result = CliRunner().invoke(
        cli, ["push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph-iri", "urn:x"]
    )
    assert (
        result.exit_code == 2 and "credentials" in result.output and "refused" in result.output
    )  # a 401, or a hang-up
    assert marker not in result.output


def test_credentials_from_netrc(virtuoso, monkeypatch, tmp_path, tiny_file):
    monkeypatch.delenv(remote.USER_VARIABLE, raising=False)
    monkeypatch.delenv(remote.PASSWORD_VARIABLE, raising=False)
    rc = tmp_path / "netrc"
    rc.write_text(f"machine 127.0.0.1 login dba password {SECRET}\n", encoding="utf-8")
    rc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(rc))
    result = CliRunner().invoke(
        cli,
        [
            "push",
            "--graph",
            str(tiny_file),
            "--endpoint",
            f"{virtuoso}/sparql-graph-crud-auth",
            "--graph-iri",
            "urn:gbakg:tiny",
        ],
    )
    assert result.exit_code == 0, result.output
    text = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:gbakg:tiny> { ?s ?p ?o } }"
    assert int(next(iter(remote.query(f"{virtuoso}/sparql", text)))["n"].value) > 0
