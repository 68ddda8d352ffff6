"""Writing outputs atomically: a temp file beside the target, then a rename.

An output path that is a symlink is written through: the temp file goes beside the file the link
points to, which is then replaced, so the link itself stays. Devices, named pipes, sockets and
folders are refused before anything is opened: renaming a regular file over them would replace
them (as root, ``/dev/null`` would become a file).
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
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


def check_dir(folder: str | os.PathLike[str]) -> Path:
    """Check an output folder without creating it: it is a folder, or its parent exists to hold it."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder")
    if not path.exists() and str(path.parent) and not path.parent.is_dir():
        raise OutputError(f"{path}: parent folder {path.parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{path}: folder is not writable")
    return path


def ensure_dir(folder: str | os.PathLike[str], *, create: bool = True) -> Path:
    """Check (and make) an output folder; its parent must exist, so a typo is not silently created."""
    path = check_dir(folder)
    if not path.exists():
        if not create:
            raise OutputError(f"{path}: no such folder")
        try:
            path.mkdir()
        except OSError as e:
            raise OutputError(f"{path}: cannot create folder ({e.strerror})") from e
    return path


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def output_file(target: str | os.PathLike[str]) -> Path:
    """The regular file a write to ``target`` should replace: ``target`` itself, or where its symlinks lead.

    Refuses (with :class:`OutputError`, before opening anything) a target that is a folder, a device,
    a named pipe or a socket, a symlink loop, and a target whose folder does not exist.
    """
    path = Path(target)
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode: int | None = real.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise OutputError(f"{path}: cannot write ({e.strerror})") from e
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise OutputError(f"{path}: is {kind}, not a file; give a file path to write to")
    folder = real.parent if str(real.parent) else Path()
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    return real


def atomic_write(target: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``target`` so that readers see the old file or the new one, never half."""
    return atomic_write_many({target: data})[0]


def atomic_write_many(outputs: Mapping[str | os.PathLike[str], str | bytes]) -> list[Path]:
    """Write several files as one step: every temp file first, then the renames, which Ctrl-C cannot split.

    Returns the paths as given. On any failure (or Ctrl-C) before the renames, no target changes.
    """
    targets = [(Path(t), output_file(t)) for t in outputs]
    temps: list[tuple[Path, Path, Path]] = []  # (temp file, file it replaces, path as given)
    try:
        for (path, real), data in zip(targets, outputs.values(), strict=True):
            temps.append((_write_temp(path, real, data), real, path))
        with _deferred_interrupt():
            while temps:
                tmp, real, path = temps[0]
                try:
                    tmp.replace(real)
                except OSError as e:
                    raise OutputError(f"{path}: cannot write ({e.strerror})") from e
                temps.pop(0)
    finally:
        for tmp, _, _ in temps:
            tmp.unlink(missing_ok=True)
    return [path for path, _ in targets]


def _write_temp(path: Path, real: Path, data: str | bytes) -> Path:
    folder = real.parent if str(real.parent) else Path()
    try:
        fd, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(f"{path}: cannot write in {folder} ({e.strerror})") from e
    tmp = Path(name)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as text:
                text.write(data)
        tmp.chmod(_mode(real))
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({e.strerror})") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _mode(real: Path) -> int:
    """Keep an existing file's permissions; a new file gets 0644."""
    try:
        return stat.S_IMODE(real.stat().st_mode)
    except OSError:
        return 0o644


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C that arrives during the block and raise it after, so the block runs whole."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # set outside Python: leave it alone
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and callable(previous):
        previous(signal.SIGINT, None)
    elif caught and previous == signal.SIG_DFL:
        raise KeyboardInterrupt
