"""The README's example outputs, regenerated from the real commands so they cannot rot.

Each ```text block of README.md whose first line is ``$ gbakg ...`` holds that command's output on
the curated graph (a trailing ``| head -N`` keeps the first N lines). ``python tests/readme_examples.py``
rewrites them; ``tests/test_readme.py``
checks that they are current.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"```text\n(\$ gbakg [^\n]*)\n(.*?)```", re.S)


def run(command: str) -> str:
    """Run one ``$ gbakg ...`` line in-process, in a scratch folder (for commands that write)."""
    from click.testing import CliRunner

    from gbakg.cli import cli

    command, _, head = command.partition(" | head -")
    args = shlex.split(command[len("$ gbakg ") :])
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        try:
            result = CliRunner().invoke(cli, args, catch_exceptions=False)
        finally:
            os.chdir(here)
    if head:
        return "".join(result.output.splitlines(keepends=True)[: int(head)])
    return result.output


def blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(text)]


def update() -> int:
    text = README.read_text()
    changed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        output = run(match.group(1))
        if output != match.group(2):
            changed += 1
        return f"```text\n{match.group(1)}\n{output}```"

    README.write_text(BLOCK.sub(replace, text))
    return changed


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    print(f"{update()} example(s) updated in {README}")
