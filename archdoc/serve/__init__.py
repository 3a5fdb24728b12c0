"""``archdoc serve SPEC|FOLDER``: a live preview in the browser.

The specs are rendered, as ``archdoc render`` renders them, into a temporary folder
archdoc makes (and removes when it stops), never into an output folder of the user's; a
page shows each design's diagram, findings and report, and is redrawn when its spec is
saved: watchfiles reports the save, the command's main thread renders again, and the
pages hear of it through server-sent events. The HTTP server answers on 127.0.0.1 only.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from archdoc.errors import BatchError
from archdoc.files import temporary_folder
from archdoc.run import Settings
from archdoc.serve.live import LiveRun
from archdoc.serve.page import SERVED_FORMATS
from archdoc.serve.server import PreviewServer
from archdoc.specfile import SPEC_SUFFIXES
from archdoc.specfile.reading import is_stdin

TEMPORARY_PREFIX = "archdoc-serve-"
WATCH_START_SECONDS = 1.0  # the watcher's first word, once watching: a save made while it started is rendered


def serve(path: str, port: int, direction: str, timeout: float, max_bytes: int,
          announce: Callable[[str], None], tell: Callable[[str], None]) -> None:
    """Serve the designs at ``path`` until Ctrl-C (or SIGTERM). ``announce`` hears the
    address once it listens; ``tell`` hears each render's outcome and the end.

    Raises BatchError when the path or the port cannot be used.
    """
    target = Path(path)
    if is_stdin(path):
        raise BatchError("archdoc serve redraws a spec when its file is saved: name a file or a folder, not '-'")
    if not target.exists():
        raise BatchError(f"{path}: no such file or folder")
    root = temporary_folder(Path(tempfile.gettempdir()), TEMPORARY_PREFIX)
    try:
        live = LiveRun(target, Settings(root, SERVED_FORMATS, direction, timeout, max_bytes), tell)
        try:
            server = PreviewServer(port, live)
        except OSError as error:
            raise BatchError(f"cannot listen on 127.0.0.1:{port}: {error.strerror or error} "
                             f"(--port 0 picks a free port)") from None
        try:
            with server, _interrupted_by_signals():
                announce(f"archdoc: serving {server.url} (Ctrl-C stops)")
                _render_on_every_save(live, server, target, tell)
        except KeyboardInterrupt:
            tell("archdoc: stopped")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _render_on_every_save(live: LiveRun, server: PreviewServer, target: Path, tell: Callable[[str], None]) -> None:
    """Serve in a thread and watch in another; render here, in the main thread, until interrupted."""
    saved, stop = threading.Event(), threading.Event()
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True),
               threading.Thread(target=_watch, args=(target, saved, stop, tell), daemon=True)]
    for thread in threads:
        thread.start()
    try:
        live.render()
        while True:
            if saved.wait(0.5):
                saved.clear()
                live.render()
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while stopping changes nothing
        stop.set()
        live.close()
        server.shutdown()
        for thread in threads:
            thread.join(timeout=2)


def _watch(target: Path, saved: threading.Event, stop: threading.Event, tell: Callable[[str], None]) -> None:
    """Set ``saved`` when a spec is saved. A single spec is watched through its folder (not
    below it), as editors save by writing a new file and renaming it over the old one."""
    import watchfiles

    folder = target if target.is_dir() else target.parent
    folders = {folder}
    spec_names = None if target.is_dir() else {target.name}
    if spec_names is not None and target.is_symlink():  # a link to a spec: its target is what gets saved
        real = target.resolve()
        folders.add(real.parent)
        spec_names.add(real.name)
    ordinary = watchfiles.DefaultFilter()  # no .git, no editors' swap files

    def is_spec(change: watchfiles.Change, path: str) -> bool:
        if spec_names is not None:
            return Path(path).name in spec_names
        return Path(path).suffix in SPEC_SUFFIXES and ordinary(change, path)

    first = True
    while not stop.is_set():
        watched = _identity(folders)
        if None in watched:  # a folder removed (and perhaps about to be made again): wait for it
            stop.wait(WATCH_START_SECONDS)
            continue
        try:
            for changes in watchfiles.watch(*sorted(folders), watch_filter=is_spec, stop_event=stop,
                                            recursive=spec_names is None,
                                            yield_on_timeout=True, rust_timeout=int(WATCH_START_SECONDS * 1000),
                                            raise_interrupt=False):
                if changes or first:
                    saved.set()
                first = False
                if _identity(folders) != watched:  # removed or made anew: the old watch sees nothing more
                    saved.set()
                    first = True  # and what was saved before the new watch began is rendered then
                    break
        except Exception as error:  # the system's limit on watches: the pages stay as they are
            tell(f"archdoc: cannot watch {folder} any longer ({error}); the pages are no longer redrawn")
            return


def _identity(folders: set[Path]) -> tuple[tuple[int, int] | None, ...]:
    """Which folders these paths name now (device and inode), None for one that is gone."""
    found: list[tuple[int, int] | None] = []
    for folder in sorted(folders):
        try:
            status = folder.stat()
            found.append((status.st_dev, status.st_ino))
        except OSError:
            found.append(None)
    return tuple(found)


@contextmanager
def _interrupted_by_signals() -> Iterator[None]:
    """SIGTERM, and SIGHUP (the terminal closed, the SSH connection dropped), end the
    preview as Ctrl-C does: the temporary folder is removed either way."""
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, interrupt) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
