"""Writing files whole or not at all, and swapping complete folders into place.

Every file archdoc writes goes through here, so that a failure or a kill never leaves a
half-written file where the user looks for one. archdoc deletes only what it made: a
temporary folder holds a mark file from the moment it exists, a temporary file has
``.archdoc-tmp-`` in its name, and an output folder is replaced only when the caller
recognises it as its own.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMPORARY_MARK = ".archdoc-temporary"  # inside every temporary folder archdoc makes
TEMPORARY_INFIX = ".archdoc-tmp-"  # in the name of every temporary file archdoc makes


class FolderNotOurs(Exception):
    """A folder archdoc would replace exists and was not made by archdoc."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(f"{folder} exists and was not made by archdoc; archdoc never replaces or deletes it "
                         f"(move it away, or choose another output folder)")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _current_umask()


def ordinary_permissions(path: Path) -> None:
    """Temporary files and folders are private (0600/0700); outputs are not."""
    path.chmod((0o777 if path.is_dir() else 0o666) & ~UMASK)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write a file whole or not at all (text as UTF-8): a temporary file beside it,
    renamed over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TEMPORARY_INFIX}")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        ordinary_permissions(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def temporary_folder(parent: Path, prefix: str) -> Path:
    """A new private folder in ``parent``, marked as archdoc's so that a later sweep may remove it."""
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    (folder / TEMPORARY_MARK).touch()
    return folder


def replace_folder(staged: Path, final: Path, ours: Callable[[Path], bool]) -> None:
    """Put a complete temporary folder in place of the old one, never leaving a mix of the
    two; raises FolderNotOurs, deleting nothing, when ``final`` exists and ``ours`` says it
    is not archdoc's."""
    if final.is_symlink() or final.exists():
        if final.is_symlink() or not ours(final):
            raise FolderNotOurs(final)
        retired = temporary_folder(final.parent, f".{final.name}.old-")
        final.rename(retired / final.name)
        staged.rename(final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staged.rename(final)
    (final / TEMPORARY_MARK).unlink(missing_ok=True)


def sweep_temporaries(parent: Path, folder_patterns: tuple[str, ...], file_pattern: str | None = None) -> None:
    """Remove what a killed run left in ``parent``: folders matching the patterns that hold
    archdoc's mark, and files matching ``file_pattern`` with archdoc's temporary infix.
    Anything else, whatever its name, stays."""
    for pattern in folder_patterns:
        for leftover in parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink() and (leftover / TEMPORARY_MARK).is_file():
                shutil.rmtree(leftover, ignore_errors=True)
    if file_pattern:
        for leftover in parent.glob(file_pattern):
            if TEMPORARY_INFIX in leftover.name and leftover.is_file() and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)


class FolderLocked(Exception):
    """Another run holds the folder's lock."""


LOCK_FILE = ".archdoc.lock"


@contextmanager
def locked_folder(folder: Path) -> Iterator[Path]:
    """Make ``folder`` if needed and hold its lock while the block runs: one run at a time
    writes into an output folder. Raises FolderLocked when another run holds it, OSError
    when the folder cannot be made or written. The lock goes with the process, even a
    killed one."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666 & ~UMASK)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderLocked(f"another archdoc run is writing into {folder} (it holds {folder / LOCK_FILE}); "
                               f"wait for it to end, or choose another output folder") from None
        yield folder
    finally:
        os.close(handle)
