"""Progress on a terminal for steps that take more than a moment, without any CLI library.

The library reports progress through plain callbacks (``update(n)``); this module turns them into
a bar on standard error when it is a terminal, and into nothing otherwise (pipes, CI, notebooks).
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO


class Bar:
    """``with Bar(total, label) as bar: bar.update(n)`` draws ``label [#####     ]  50%`` on a terminal."""

    WIDTH = 30

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.shown = self.stream.isatty()
        self._last = 0.0

    def update(self, amount: int) -> None:
        """Advance by ``amount`` (bytes, rows, steps: whatever ``total`` counts)."""
        self.done = min(self.total, self.done + amount)
        now = time.monotonic()
        if self.shown and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            self._draw()

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total
        percent = 100 * self.done // self.total
        self.stream.write(f"\r{self.label} [{'#' * filled}{' ' * (self.WIDTH - filled)}] {percent:3d}%")
        self.stream.flush()

    def __enter__(self) -> Bar:
        if self.shown:
            self._draw()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.shown:
            if kind is None:
                self.done = self.total
                self._draw()
            self.stream.write("\n")
            self.stream.flush()


class Stages:
    """``with Stages("Centrality", 3) as s: s.start("reading the graph") …`` shows
    ``Centrality [###   ] 1/3 reading the graph  4.2 s`` on a terminal, the seconds ticking while a
    step runs (so a long native call still shows life); nothing elsewhere. The line is cleared at
    the end, so the command's own output starts on a clean line.
    """

    WIDTH = 10

    def __init__(self, label: str, total: int, stream: TextIO | None = None, tick: float = 0.25) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.shown = self.stream.isatty()
        self.tick = tick
        self.step = 0
        self.text = ""
        self._began = time.monotonic()
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._width = 0

    def start(self, text: str) -> None:
        """Begin the next step."""
        with self._lock:
            self.step = min(self.total, self.step + 1)
            self.text = text
            self._began = time.monotonic()
        self._draw()

    def _draw(self) -> None:
        if not self.shown:
            return
        with self._lock:
            filled = self.WIDTH * (self.step - 1) // self.total if self.step else 0
            seconds = time.monotonic() - self._began
            line = (
                f"{self.label} [{'#' * filled}{' ' * (self.WIDTH - filled)}] {self.step}/{self.total} "
                f"{self.text}  {seconds:.1f} s"
            )
            pad = max(0, self._width - len(line))
            self._width = len(line)
            self.stream.write("\r" + line + " " * pad)
            self.stream.flush()

    def _run(self) -> None:
        assert self._stop is not None
        while not self._stop.wait(self.tick):
            self._draw()

    def __enter__(self) -> Stages:
        if self.shown:
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join()
        if self.shown:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
