"""The README's promises: two quick-start commands, the second of which is what CI runs."""

from __future__ import annotations

import re

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
