"""Reading a spec's bytes: a regular file or standard input, never more than the limit.

A spec may come from a stranger (a pull request, a course submission): archdoc reads
only regular files (a FIFO would hang, /dev/zero never ends, a device is not a spec), and
at most the limit plus one byte, so a huge or endless file costs nothing. ``-`` stands
for standard input, read once and kept for the run.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from archdoc.errors import InputProblem, SpecError

STDIN = "-"  # the path that stands for standard input, as linters and D2 spell it
STDIN_NAME = "<stdin>"  # how messages name it
STDIN_FOLDER = "stdin"  # the output folder a spec from standard input is rendered into

_stdin_cache: dict[int, bytes] = {}


def is_stdin(path: Path | str) -> bool:
    return str(path) == STDIN


def display_name(path: Path | str) -> str:
    """How messages name a spec: its path as given, '<stdin>' for standard input."""
    return STDIN_NAME if is_stdin(path) else str(path)


def _problem(name: str, message: str) -> SpecError:
    return SpecError([InputProblem(name, 1, 1, "", message)])


def _too_large(name: str, size: str, max_bytes: int) -> SpecError:
    return _problem(name, f"the file is {size} bytes, more than the {max_bytes:,} a spec may be "
                          f"(--max-bytes raises the limit)")


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, left = [], limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_stdin(max_bytes: int) -> bytes:
    """Standard input, read once per run (``check - -`` names it twice, but it has one content)."""
    if max_bytes not in _stdin_cache:
        _stdin_cache[max_bytes] = sys.stdin.buffer.read(max_bytes + 1)  # never more than the limit and a byte
    return _stdin_cache[max_bytes]


def read_spec_bytes(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of a spec, at most ``max_bytes`` of them; raises SpecError.

    A path names a regular file (a symbolic link is followed only to one); ``-`` is
    standard input. Nothing past ``max_bytes + 1`` bytes is ever read.
    """
    name = display_name(path)
    if is_stdin(path):
        data = read_stdin(max_bytes)
        if len(data) > max_bytes:
            raise _too_large(name, f"more than {max_bytes:,}", max_bytes)
        return data
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _problem(name, f"cannot read the file: {error.strerror}") from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            what = "a folder" if stat.S_ISDIR(status.st_mode) else "not a regular file (a FIFO, a device or a socket)"
            raise _problem(name, f"cannot read the file: it is {what}")
        if status.st_size > max_bytes:
            raise _too_large(name, f"{status.st_size:,}", max_bytes)
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as error:
        raise _problem(name, f"cannot read the file: {error.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # it grew while being read
        raise _too_large(name, f"more than {max_bytes:,}", max_bytes)
    return data
