"""Writing outputs: through symlinks to their targets, never over a device, a pipe or a folder."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TINY_TEXT
from gbakg.errors import OutputError
from gbakg.fileio import atomic_write, output_file

# Every command that writes a file, with OUT where the output path goes.
WRITERS = {
    "export": ["export", "--format", "turtle", "-o", "OUT"],
    "viz": ["viz", "--out", "OUT"],
    "rdf-out": ["centrality", "--rdf-out", "OUT"],
    "build": ["build", "--out", "OUT"],
    "add": ["add", "FACTS", "--out", "OUT"],
}


def _args(name: str, out: Path, tiny_file: Path, tmp_path: Path) -> list[str]:
    """The writer's arguments on the tiny graph; ``build`` writes OUT/gbakg.ttl, so OUT is its folder."""
    facts = tmp_path / "facts.csv"
    facts.write_text("subject,predicate,object,lang,source,quote,date,id\n", encoding="utf-8")
    if name == "build":
        out = out.parent
    if name in ("build", "add"):
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        (corpus / "tiny.txt").write_text(TINY_TEXT, encoding="utf-8")
        extra = ["--corpus", str(corpus)]
    else:
        extra = []
    args = [str(out) if a == "OUT" else str(facts) if a == "FACTS" else a for a in WRITERS[name]]
    return [*args, *extra, "--graph", str(tiny_file)]


def _output(tmp_path: Path, name: str) -> Path:
    """The path a writer is pointed at: ``build`` always writes gbakg.ttl, in a folder of its own."""
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    return folder / ("gbakg.ttl" if name == "build" else "out.ttl")


def _leftovers(*folders: Path) -> list[str]:
    return [p.name for folder in folders for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    """The link stays a link; the file it points to (in another folder) gets the new content."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "real.ttl").write_text("old\n", encoding="utf-8")
    (elsewhere / "real.ttl").chmod(0o600)
    link = tmp_path / "link.ttl"
    link.symlink_to(elsewhere / "real.ttl")
    assert atomic_write(link, "new\n") == link
    assert link.is_symlink()
    assert (elsewhere / "real.ttl").read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE((elsewhere / "real.ttl").stat().st_mode) == 0o600  # permissions kept
    assert _leftovers(tmp_path, elsewhere) == []


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.ttl"
    link.symlink_to(tmp_path / "new.ttl")
    atomic_write(link, "x\n")
    assert link.is_symlink()
    assert (tmp_path / "new.ttl").read_text(encoding="utf-8") == "x\n"


@pytest.mark.parametrize("kind", ["fifo", "folder", "device", "loop"])
def test_special_outputs_are_refused_before_opening(tmp_path: Path, kind: str) -> None:
    """A named pipe would block the open; the refusal comes first, so this returns at once."""
    target = tmp_path / "out.ttl"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "loop":
        target.symlink_to(target)
    else:
        target = Path("/dev/null")
    with pytest.raises(OutputError, match=f"^{target}: "):
        output_file(target)
    with pytest.raises(OutputError):
        atomic_write(target, "x")
    if kind == "device":
        assert stat.S_ISCHR(target.stat().st_mode)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_writer_writes_through_a_symlink(run, tiny_file: Path, tmp_path: Path, name: str) -> None:
    target = _output(tmp_path, name)
    real = tmp_path / "elsewhere" / "real.ttl"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    target.symlink_to(real)
    args = _args(name, target, tiny_file, tmp_path)
    if name == "add":
        args.append("--append")  # the link exists: add adds to what it points to
        real.write_text("", encoding="utf-8")
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert target.is_symlink()
    assert real.read_text(encoding="utf-8") not in ("old\n", "")
    assert _leftovers(target.parent, real.parent) == []


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
@pytest.mark.parametrize("name", list(WRITERS))
def test_every_writer_refuses_special_outputs(run, tiny_file: Path, tmp_path: Path, name: str, kind: str) -> None:
    """Exit 2 and one error line naming the path; the pipe, folder or device is left as it was."""
    target = _output(tmp_path, name)
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif name == "build":
        target.symlink_to("/dev/null")
    else:
        target = Path("/dev/null")
    with pytest.raises(OutputError):  # the guard that keeps the CLI run below from opening it
        output_file(target)
    result = run(*_args(name, target, tiny_file, tmp_path))
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]  # click adds usage for -o DIR
    assert len(errors) == 1 and str(target) in errors[0], result.stderr
    assert "Traceback" not in result.output
    mode = target.stat().st_mode
    assert {"fifo": stat.S_ISFIFO, "folder": stat.S_ISDIR, "device": stat.S_ISCHR}[kind](mode)
    assert _leftovers(target.parent) == []


def test_export_to_a_named_pipe_in_a_real_process(tiny_file: Path, tmp_path: Path) -> None:
    """The installed command refuses a pipe at once (it would otherwise wait for a reader)."""
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "gbakg", "export", "--graph", str(tiny_file), "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"Error: {fifo}: is a named pipe, not a file; give a file path to write to\n"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_ctrl_c_between_two_renames_waits_until_both_are_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build's two files change together: a SIGINT during the renames is raised after the last one."""
    import signal

    from gbakg.fileio import atomic_write_many

    first, second = tmp_path / "gbakg.ttl", tmp_path / "explorer.html"
    first.write_text("old\n", encoding="utf-8")
    second.write_text("old\n", encoding="utf-8")
    replace = Path.replace

    def interrupted(self: Path, target: Path) -> Path:
        os.kill(os.getpid(), signal.SIGINT)  # a real signal, delivered mid-write
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_many({first: "new\n", second: "new\n"})
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") == "new\n"
    assert _leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_before_the_renames_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted while writing the second temp file: the first temp is removed, no target changes."""
    from gbakg import fileio

    target = tmp_path / "gbakg.ttl"
    target.write_text("old\n", encoding="utf-8")
    write_temp = fileio._write_temp

    def interrupted(path: Path, real: Path, data: str | bytes) -> Path:
        if real == target:
            raise KeyboardInterrupt
        return write_temp(path, real, data)

    monkeypatch.setattr(fileio, "_write_temp", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fileio.atomic_write_many({tmp_path / "a.txt": "a", target: "new\n"})
    assert target.read_text(encoding="utf-8") == "old\n"
    assert not (tmp_path / "a.txt").exists()
    assert _leftovers(tmp_path) == []
