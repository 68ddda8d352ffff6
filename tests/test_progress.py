"""The progress bar: drawn on a terminal, silent anywhere else."""

from __future__ import annotations

import io

from gbakg.progress import Bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_ends_at_100_percent():
    out = Terminal()
    with Bar(200, "Loading", stream=out) as bar:
        bar.update(100)
        bar.update(100)
    shown = out.getvalue()
    assert shown.startswith("\rLoading [") and shown.rstrip().endswith("100%") and shown.endswith("\n")


def test_a_bar_elsewhere_writes_nothing():
    out = io.StringIO()
    with Bar(10, "Loading", stream=out) as bar:
        bar.update(10)
    assert out.getvalue() == ""
