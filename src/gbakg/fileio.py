"""Writing outputs atomically: a temp file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gbakg.errors import InputError, OutputError


def read_text(
    path: Path,
    *,
    encoding: str = "utf-8",
    error: type[InputError] = InputError,
    decode_error: type[InputError] | None = None,
) -> str:
    """A text file's contents; an unreadable (``error``) or non-UTF-8 (``decode_error``) file is a one-line error."""
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError as e:
        raise (decode_error or error)(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    except OSError as e:
        raise error(f"{path}: cannot read ({e.strerror})") from e


def ensure_dir(folder: str | os.PathLike[str], *, create: bool = True) -> Path:
    """Check (and make) an output folder; its parent must exist, so a typo is not silently created."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder")
    if not path.exists():
        if not path.parent.exists() if str(path.parent) else False:
            raise OutputError(f"{path}: parent folder {path.parent} does not exist")
        if not create:
            raise OutputError(f"{path}: no such folder")
        try:
            path.mkdir()
        except OSError as e:
            raise OutputError(f"{path}: cannot create folder ({e.strerror})") from e
    if not os.access(path, os.W_OK):
        raise OutputError(f"{path}: folder is not writable")
    return path


def atomic_write(target: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``target`` so that readers see the old file or the new one, never half."""
    path = Path(target)
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(f"{path}: cannot write in {folder} ({e.strerror})") from e
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as text:
                text.write(data)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({e.strerror})") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
