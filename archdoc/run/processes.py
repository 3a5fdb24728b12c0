"""What every process a run starts does to stay within its bounds: a process group of its
own (killing the group kills the dot it runs too), death with the run that started it,
a quiet standard error, and the memory limit. Light to import: the PDF's process is
started before archdoc's heavier modules load."""

from __future__ import annotations

import os
import resource
import signal
from pathlib import Path
from typing import Any

OUT_OF_MEMORY = 75  # a process's exit status when it ran out of memory outside a render


def become_bounded(memory_mib: int) -> None:
    """Called first thing in a worker (or the PDF's process): a group of its own, death with
    its parent, a quiet standard error, and at most ``memory_mib`` MiB of address space
    (inherited by what it runs)."""
    os.setpgrp()  # a group of its own, so that killing it kills its dot too
    _die_with_parent()
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # a pipe whose reader died raises BrokenPipeError, rather than kill
    if not os.environ.get("ARCHDOC_DEBUG"):
        _silence_stderr()
    limit = memory_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this process when the run that started it dies, so a
    killed `archdoc render` leaves no worker behind (elsewhere, a worker ends at its next
    job, when its pipe is closed)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _silence_stderr() -> None:
    """Libraries write to file descriptor 2 themselves (a Rust panic, fontconfig, Pango);
    what goes wrong reaches the user as the spec's result, never as a trace."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def kill_group(process: Any) -> None:
    """Kill a started process (a multiprocessing Process) and whatever it started; safe on
    one already dead."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # gone, or not yet in its own group
        process.kill()
    process.join()


def near_memory_limit(share: float = 0.85) -> bool:
    """Whether this process has a memory limit (a worker's --memory) and uses most of it (Linux only)."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    return pages * os.sysconf("SC_PAGE_SIZE") >= share * limit
