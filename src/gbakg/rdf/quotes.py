"""Checking quotes against the corpus texts they claim to come from."""

from __future__ import annotations

from pathlib import Path

from gbakg.fileio import read_text
from gbakg.text import fold


class Corpus:
    """The folder of source texts, each read and folded once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._texts: dict[str, str | None] = {}

    def text(self, file_name: str) -> str | None:
        """The folded text of ``file_name``; None when the corpus does not hold it."""
        if file_name not in self._texts:
            path = self.folder / file_name
            if Path(file_name).name != file_name or not path.is_file():
                self._texts[file_name] = None
            else:
                self._texts[file_name] = fold(read_text(path))
        return self._texts[file_name]

    def contains(self, file_name: str, quote: str) -> bool | None:
        """Whether the quote occurs in the text; None when the text is missing."""
        text = self.text(file_name)
        if text is None:
            return None
        return fold(quote) in text
