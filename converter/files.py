"""The one way pfocr2gpml writes a file: whole or not at all, never outside the folder it is given.

A file is written under a temporary name beside its target, every byte checked written, then renamed over
the target: a reader sees the old file or the new one, never a part. A killed process leaves only a
temporary file, whose name (``.<name>.pfocr2gpml-<pid>-<n>.tmp``) no user file has: :func:`remove_leftovers`
removes those and nothing else. A full disk or any other write error removes the temporary file and raises
:class:`~converter.errors.OutputError` naming the file.

Example: ``write_atomic(Path("out/PMC1__f1.gpml"), data)``.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
from collections.abc import Iterator

from .errors import OutputError

__all__ = [
    "TEMPORARY_MARK",
    "AtomicFile",
    "commit",
    "discard",
    "open_atomic",
    "remove_leftovers",
    "stage",
    "write_atomic",
]

#: What every temporary name carries, and only temporary names do.
TEMPORARY_MARK = ".pfocr2gpml-"
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


_SERIAL = itertools.count()  # two files staged for one name by one process get different temporary names


def _temporary(path: str) -> str:
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}{TEMPORARY_MARK}{os.getpid()}-{next(_SERIAL)}.tmp")


def _open_temporary(path: str) -> tuple[int, str]:
    tmp = _temporary(path)
    try:
        return os.open(tmp, _FLAGS, 0o644), tmp
    except FileExistsError:  # left by a killed process that had our pid and serial
        os.unlink(tmp)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return os.open(tmp, _FLAGS, 0o644), tmp


def _open_for(target: str) -> tuple[int, str]:
    """A new temporary file for ``target``: its descriptor and name; OutputError naming ``target``."""
    try:
        return _open_temporary(target)
    except OSError as exc:
        raise _failed(target, exc) from exc


def _write_all(fd: int, data: bytes | bytearray) -> None:
    """Write every byte: an unbuffered write may write fewer than asked."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written == 0:  # no progress and no error: treat as a full device
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _close(fd: int, path: str) -> None:
    try:
        os.close(fd)  # some file systems report a full disk only here
    except OSError as exc:
        raise _failed(path, exc) from exc


def _failed(path: str, exc: OSError) -> OutputError:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    reason = "the disk is full" if exc.errno != errno.EFBIG else "the file size limit is reached"
    return OutputError(f"{path}: cannot write: {reason if full else exc.strerror or exc}")


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that it appears whole or not at all; OutputError if it cannot."""
    commit(stage(path, data), path)


def stage(path: str | os.PathLike[str], data: bytes) -> str:
    """Write ``data`` whole under ``path``'s temporary name and return that name: :func:`commit` puts it
    in place, :func:`discard` drops it. OutputError (nothing left behind) if it cannot be written."""
    target = os.fspath(path)
    fd, tmp = _open_for(target)
    try:
        try:
            _write_all(fd, data)  # straight from ``data``: no buffer in between
        finally:
            _close(fd, target)
    except OSError as exc:
        discard(tmp)
        raise _failed(target, exc) from exc
    except BaseException:
        discard(tmp)
        raise
    return tmp


def commit(staged: str, path: str | os.PathLike[str]) -> None:
    """Put a staged file in place under ``path`` (a rename in one folder: atomic)."""
    try:
        os.replace(staged, path)
    except OSError as exc:
        discard(staged)
        raise _failed(os.fspath(path), exc) from exc


def discard(staged: str) -> None:
    """Remove a staged file that will not be used."""
    with contextlib.suppress(OSError):
        os.unlink(staged)


class AtomicFile:
    """The file :func:`open_atomic` gives: ``write`` buffers, and every byte reaches the file or
    OutputError is raised (an unbuffered write may write fewer bytes than asked)."""

    _BUFFER = 1 << 16

    def __init__(self, fd: int, path: str) -> None:
        self._fd, self._path = fd, path
        self._pending = bytearray()

    def write(self, data: bytes) -> int:
        if len(data) >= self._BUFFER:
            self.flush()
            self._write(data)
        else:
            self._pending += data
            if len(self._pending) >= self._BUFFER:
                self.flush()
        return len(data)

    def flush(self) -> None:
        if self._pending:
            self._write(self._pending)
            self._pending.clear()

    def _write(self, data: bytes | bytearray) -> None:
        try:
            _write_all(self._fd, data)
        except OSError as exc:
            raise _failed(self._path, exc) from exc


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str]) -> Iterator[AtomicFile]:
    """A file to write that appears under ``path`` whole when the block ends, or not at all.

    OutputError (naming ``path``) when the folder cannot be made or a write fails, the disk being full
    among them; the temporary file is removed then, and whenever the block raises.
    """
    with _temporary_file(os.fspath(path)) as (handle, tmp):
        yield handle
    commit(tmp, path)


@contextlib.contextmanager
def _temporary_file(target: str) -> Iterator[tuple[AtomicFile, str]]:
    """A temporary file beside ``target``, written whole (flushed and closed) when the block ends, removed
    when the block or a write fails."""
    fd, tmp = _open_for(target)
    try:
        try:
            handle = AtomicFile(fd, target)
            yield handle, tmp
            handle.flush()
        finally:
            _close(fd, target)
    except BaseException:
        discard(tmp)
        raise


def remove_leftovers(folder: str | os.PathLike[str]) -> int:
    """Remove the temporary files a killed run left in ``folder`` (only this tool's); returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for entry in entries:
        name = entry.name
        if name.startswith(".") and TEMPORARY_MARK in name and name.endswith(".tmp") and entry.is_file():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed += 1
    return removed
