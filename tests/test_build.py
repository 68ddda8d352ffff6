"""``gbakg build``: all or nothing, Ctrl-C included, and never into its own inputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, TINY_GRAPH
from gbakg import paths


def _gbakg(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """The real command in a process of its own, Ctrl-C delivered as a terminal would (SIGINT, default handling)."""
    return subprocess.Popen(
        [sys.executable, "-m", "gbakg", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _busy(process: subprocess.Popen[str], cpu_seconds: float = 1.0) -> None:
    """Wait until the process has worked ``cpu_seconds`` (past start-up, into loading), at most 30 s."""
    deadline = time.monotonic() + 30
    ticks = os.sysconf("SC_CLK_TCK")
    while time.monotonic() < deadline and process.poll() is None:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / ticks >= cpu_seconds:
            return
        time.sleep(0.05)


@pytest.fixture(scope="module")
def big_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic valid graph that takes a few seconds to build."""
    path = tmp_path_factory.mktemp("big") / "synthetic.ttl"
    generator = ROOT / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, str(generator), "--triples", "20000", "--out", str(path)], check=True, timeout=120)
    return path


def test_ctrl_c_exits_130_and_leaves_the_output_folder_as_it_was(big_graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "gbakg.ttl").write_text("earlier build\n", encoding="utf-8")
    (out / "explorer.html").write_text("<p>earlier</p>\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    process = _gbakg("build", "--graph", str(big_graph), "--out", str(out), cwd=tmp_path)
    _busy(process)
    assert process.poll() is None, "the build finished before it could be interrupted"
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert time.monotonic() - started < 5
    assert stderr == f"Interrupted: nothing written to {out}.\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_ctrl_c_leaves_no_new_output_folder(big_graph: Path, tmp_path: Path) -> None:
    process = _gbakg("build", "--graph", str(big_graph), "--out", "fresh", cwd=tmp_path)
    _busy(process)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode == 130
    assert not (tmp_path / "fresh").exists()


def test_an_invalid_graph_leaves_no_output_folder(run, write_ttl, tiny_corpus: Path, tmp_path: Path) -> None:
    data = write_ttl(TINY_GRAPH + "gbr:beta-lab gba:locatedIn gbr:alpha-city .")
    out = tmp_path / "never"
    result = run("build", "--graph", str(data), "--corpus", str(tiny_corpus), "--out", str(out))
    assert result.exit_code == 1
    assert "Nothing written" in result.stderr
    assert not out.exists()


def test_a_valid_graph_creates_the_output_folder(run, tiny_file: Path, tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "new"
    result = run("build", "--graph", str(tiny_file), "--corpus", str(tiny_corpus), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["explorer.html", "gbakg.ttl", "void.ttl"]


def test_output_inside_a_graph_folder_is_refused(run, tiny_file: Path, tiny_corpus: Path) -> None:
    """``--graph DIR --out DIR/out``: the next build of DIR would read the output back as data."""
    folder = tiny_file.parent
    for out in (folder, folder / "out"):
        result = run("build", "--graph", str(folder), "--corpus", str(tiny_corpus), "--out", str(out))
        assert result.exit_code == 2
        assert result.stderr == (
            f"Error: {out}: inside the input folder {folder}; keep the build apart from the data it reads "
            "(choose an --out outside it)\n"
        )
    assert not (folder / "out").exists()


def test_output_inside_the_curated_graph_is_refused(run, tmp_path: Path) -> None:
    out = paths.graph_dir() / "out"
    result = run("build", "--out", str(out))
    assert result.exit_code == 2
    assert "inside the input folder" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not out.exists()


def test_output_over_an_input_file_is_refused(run, write_ttl, tiny_corpus: Path) -> None:
    data = write_ttl(TINY_GRAPH, "gbakg.ttl")
    result = run("build", "--graph", str(data), "--corpus", str(tiny_corpus), "--out", str(data.parent))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {data}: is an input file; choose another --out\n"


def test_a_wrong_corpus_folder_is_one_line(run, tiny_file: Path, tmp_path: Path) -> None:
    """A folder without the cited text: one line naming the text and the folder, exit 2, nothing written."""
    empty = tmp_path / "not-the-corpus"
    empty.mkdir()
    result = run("build", "--graph", str(tiny_file), "--corpus", str(empty), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: source text tiny.txt not found in {empty}\n"
    assert not (tmp_path / "out").exists()


def test_a_corpus_folder_that_does_not_exist_is_an_error(
    run, tiny_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "missing"
    result = run("build", "--graph", str(tiny_file), "--corpus", str(missing), "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (2, f"Error: corpus folder not found: {missing}\n")
    monkeypatch.setenv("GBAKG_CORPUS", str(missing))
    result = run("build", "--graph", str(tiny_file), "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (2, f"Error: corpus folder not found: {missing}\n")


def test_no_corpus_is_a_calm_note(run, tiny_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without any corpus the build still succeeds, with one note and no warning."""
    monkeypatch.delenv("GBAKG_CORPUS", raising=False)
    home = tmp_path / "home"  # a checkout with no ../shared/corpus beside it
    home.mkdir()
    for name in ("graph", "ontology"):
        (home / name).symlink_to(ROOT / name)
    monkeypatch.setattr(paths, "_roots", lambda: [home, tmp_path / "wheel"])
    monkeypatch.chdir(tmp_path)
    assert paths.corpus_dir() is None
    result = run("build", "--graph", str(tiny_file), "--out", "out")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if "quotes not checked" in line]
    assert notes == [
        "  note: quotes not checked against their source texts (no corpus: give --corpus DIR or set GBAKG_CORPUS)"
    ]
    assert "warning" not in result.stdout and "0 quotes found" not in result.stdout
    assert (tmp_path / "out" / "gbakg.ttl").is_file()


def test_gbakg_build_is_callable_after_its_module_is_imported(tmp_path):
    """Importing gbakg.build binds the package attribute to the module; the API call still builds."""
    import importlib

    import gbakg

    importlib.import_module("gbakg.build")
    assert callable(gbakg.build)
    gbakg.build(str(tmp_path / "out"))
    assert (tmp_path / "out").is_dir() and any((tmp_path / "out").iterdir())
