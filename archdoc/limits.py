"""A wall-clock limit on work done in this process (check, fix, diff, grade, whatif, handin).

Rendering has its own limit, enforced by killing a worker; the commands that work in the
command's own process use an alarm instead, which interrupts pure-Python work and
libyaml's event stream between two events.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from archdoc.errors import TimeLimitExceeded


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block once ``seconds`` have passed. Only the main
    thread can take an alarm; elsewhere (or without SIGALRM) the block runs unbounded."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        # An exception raised where Python cannot pass it on (a garbage-collector callback, a
        # __del__) is dropped: ring again soon, until one lands in the work itself.
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise TimeLimitExceeded(f"{what} took longer than {seconds:g} s and was stopped (--timeout raises the limit)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """Python's cycle collector off in the block. Loading and analysing a large design makes
    hundreds of thousands of objects that stay alive, and the collector walks them again and
    again to find no cycle: a sixth of `check`'s time at 50,000 components. What a block
    leaves as cyclic garbage is collected after it, by the collector switched on again.
    With ``keep`` (a command whose results live to its end), what the block made is left
    out of every later collection (``gc.freeze``): the one after the block, or at the
    process's exit, would walk all of it again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        gc.enable()
