"""The progress bar: drawn on a terminal, silent anywhere else."""

from __future__ import annotations

import io
import time

from gbakg.progress import Bar, Stages


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


def test_stages_show_each_step_and_clear_the_line():
    out = Terminal()
    with Stages("Centrality", 3, stream=out, tick=0.01) as stages:
        stages.start("reading the graph")
        time.sleep(0.3)  # the ticker (every 10 ms) redraws the running step
        stages.start("projecting")
        stages.start("measuring")
    shown = out.getvalue()
    assert "Centrality [" in shown and "1/3 reading the graph" in shown and "3/3 measuring" in shown
    assert shown.count("1/3 reading the graph") >= 2  # redrawn while it ran
    assert shown.endswith("\r") and shown.rstrip("\r ").endswith("s")  # the line is blanked at the end


def test_stages_elsewhere_write_nothing():
    out = io.StringIO()
    with Stages("Centrality", 2, stream=out) as stages:
        stages.start("reading the graph")
        stages.start("measuring")
    assert out.getvalue() == ""
