"""Progress on a terminal for steps that take more than a moment, without any CLI library.

The library reports progress through plain callbacks (``update(n)``); this module turns them into
a bar on standard error when it is a terminal, and into nothing otherwise (pipes, CI, notebooks).
"""

from __future__ import annotations

import sys
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
