"""What ``archdoc serve`` shows, kept up to date: the specs rendered again by the render
run's own machinery (worker processes, each spec bounded by the time limit, unchanged
specs skipped), into a folder archdoc made; after each run the pages' contents are read
once, so that a request never reads a folder while a worker replaces it.

The run happens in the command's main thread; the HTTP server's threads only read the
snapshot kept here, under its condition, which also wakes the event streams.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from archdoc.check.text import count_phrase
from archdoc.errors import BatchError
from archdoc.run import Settings, plan, render_plan
from archdoc.run.index import index_html
from archdoc.run.job import INPUT_ERROR, RENDERED, UNCHANGED, RenderResult, folder_names
from archdoc.serve.page import DesignView, design_page, live_index, read_drawn, waiting_page

BUSY_AFTER = 1.0  # seconds: a render still running then is said on the pages ("rendering…")
PROGRESS_EVERY = 1.0  # seconds between two publications of a folder's first run


def _same(a: RenderResult | None, b: RenderResult | None) -> bool:
    """Whether two results of a spec say the same: how long each took aside, and a spec
    found unchanged is as it was rendered."""
    if a is None or b is None:
        return a is b

    def gist(result: RenderResult) -> RenderResult:
        return dataclasses.replace(result, seconds=0, status=RENDERED if result.status == UNCHANGED else result.status)

    return gist(a) == gist(b)


class LiveRun:
    """The designs under one path (a spec, or a folder of specs) and their pages."""

    def __init__(self, target: Path, settings: Settings, tell: Callable[[str], None]) -> None:
        self.target = target
        self.settings = settings
        self.tell = tell
        self.is_folder = target.is_dir()
        # A single spec keeps its folder even while its file is missing (an editor's save in between)
        self.spec_folder = None if self.is_folder else folder_names([target])[0]
        self.changed = threading.Condition()
        self.version = 0
        self.closing = False
        self.views: dict[str, DesignView] = {}
        if self.spec_folder:
            self.views[self.spec_folder] = DesignView(str(target), self.spec_folder)
        self.index: str | None = None
        self.rendering = False
        self.busy = False  # a render has run past BUSY_AFTER: said on the pages, which are not redrawn for it

    # --- the main thread: rendering --------------------------------------------------------
    def render(self) -> None:
        """Render what changed, then publish the new pages (and wake the pages watching).
        A folder's first run publishes what it has every PROGRESS_EVERY seconds, so that a
        hundred specs are not all waited for."""
        with self.changed:
            self.rendering = True
        timer = threading.Timer(BUSY_AFTER, self._say_busy)
        timer.daemon = True
        timer.start()
        first_run = self.is_folder and self.index is None
        planned = plan([str(self.target)], self.settings.max_bytes)
        started, shown = time.perf_counter(), -math.inf
        done: list[RenderResult] = []
        views: dict[str, DesignView] = {}

        def progress(result: RenderResult, current: str) -> None:
            nonlocal shown
            done.append(result)
            views.update(self._views([result], say=False))
            if first_run and time.monotonic() - shown >= PROGRESS_EVERY:
                shown = time.monotonic()  # the first result at once, then at most once a PROGRESS_EVERY
                index = index_html(done, self.settings.out_root, time.perf_counter() - started, page="")
                self._publish(dict(views), index, None, final=False)

        try:
            run = render_plan(planned, self.settings, workers=(os.cpu_count() or 1) if self.is_folder else 1,
                              progress=progress)
        except BatchError as error:
            self._publish(dict(self.views), self.index, str(error))
            return
        finally:
            timer.cancel()
        views = self._views(run.results, say=True)  # again, to say each result in the specs' order
        index = index_html(run.results, self.settings.out_root, run.seconds, page="") if self.is_folder else None
        self._publish(views, index, None)

    def _views(self, results: list[RenderResult], say: bool) -> dict[str, DesignView]:
        """The designs' views after these results (a view whose result says what it said is kept)."""
        when = time.strftime("%H:%M:%S")
        views: dict[str, DesignView] = {}
        for result in results:
            folder = self.spec_folder or result.folder
            if not folder:  # a folder's path that names no spec: the index lists it
                continue
            before = self.views.get(folder)
            if before and before.run_error is None and result.status != RENDERED and _same(before.result, result):
                views[folder] = before
                continue
            drawn = read_drawn(self.settings.out_root / folder) if result.status in (RENDERED, UNCHANGED) else None
            views[folder] = DesignView(result.name, folder, result, drawn or (before.drawn if before else None),
                                       when, index=self.is_folder)
            if say:
                self._say(result)
        return views

    def _say_busy(self) -> None:
        with self.changed:
            if self.rendering:
                self.busy = True
                self.changed.notify_all()

    def _say(self, result: RenderResult) -> None:
        """A line for the terminal, as archdoc render would print it."""
        if result.status == INPUT_ERROR:
            for problem in result.problems:
                self.tell(str(problem))
        elif result.status in (RENDERED, UNCHANGED):
            self.tell(f"{result.name}: rendered: {count_phrase(result.counts)}")
        else:
            self.tell(f"{result.name}: {result.status}: {result.error}")

    def _publish(self, views: dict[str, DesignView], index: str | None, run_error: str | None,
                 final: bool = True) -> None:
        """The new pages (``final``: the run has ended)."""
        if run_error is not None:
            self.tell(f"archdoc: {run_error}")
            views = {folder: dataclasses.replace(view, run_error=run_error) for folder, view in views.items()}
        with self.changed:
            if final:
                self.rendering = self.busy = False
                self.changed.notify_all()  # a page told "rendering…" hears the render is over
            if views == self.views and index == self.index:
                return  # saved without a change: the pages stay as they are
            self.views, self.index = views, index
            self.version += 1
            self.changed.notify_all()

    # --- the server's threads: reading -----------------------------------------------------
    def page(self, folder: str | None) -> str | None:
        """The page at ``/`` (folder None) or at ``/FOLDER/``; None when there is none."""
        with self.changed:
            version, views, index, busy = self.version, self.views, self.index, self.busy
        if folder is None and self.spec_folder:
            folder = self.spec_folder
        if folder is None:
            return live_index(index, version) if index is not None else waiting_page(version)
        view = views.get(folder)
        return design_page(view, version, busy) if view else None

    def file_path(self, folder: str, name: str) -> Path | None:
        """Where a rendered file of a design is, if that design is served (never a path built from the request)."""
        with self.changed:
            known = folder in self.views
        return self.settings.out_root / folder / name if known else None

    def wait_for_update(self, since: int, seconds: float, busy: bool = False) -> tuple[int, bool] | None:
        """The version and whether a render is running past BUSY_AFTER, once the version is
        past ``since`` or the latter is no longer ``busy`` (at most ``seconds`` from now);
        None when the server is closing."""
        with self.changed:
            self.changed.wait_for(lambda: self.version > since or self.busy != busy or self.closing, timeout=seconds)
            return None if self.closing else (self.version, self.busy)

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()
