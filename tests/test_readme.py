"""The README's promises: two quick-start commands, the second of which is what CI runs."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from conftest import ROOT


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_quick_start_is_two_commands():
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "gbakg build" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _quick_start_commands()[1] in ci.splitlines()


def test_readme_examples_are_current():
    """Every `$ gbakg ...` example in the README prints what the README shows (regenerate with
    `python tests/readme_examples.py`)."""
    from readme_examples import README, blocks, run

    examples = blocks(README.read_text())
    assert len(examples) >= 8
    for command, shown in examples:
        assert run(command) == shown, command


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("number", range(len(_python_blocks())))
def test_the_python_examples_run(number, tmp_path, monkeypatch):
    """Each Python example of the README runs as written (one went stale when a module was split);
    a client of `gbakg serve` is only compiled, as it needs a running server."""
    block = _python_blocks()[number]
    code = compile(block, f"README.md python example {number + 1}", "exec")
    if "SPARQLWrapper(" in block:
        return
    monkeypatch.chdir(tmp_path)  # the build example writes ./build
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    assert out.getvalue().strip() or (tmp_path / "build").is_dir()
