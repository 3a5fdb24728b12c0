"""Render many specs at once: skip the unchanged ones, render the others in worker
processes (or on a Dask cluster), and keep going whatever one spec does.

Local workers each import the heavy libraries once and render many specs. Every worker
has a pipe of its own and a process group of its own: when a spec overruns its time
limit, the worker is killed with its ``dot``, what it was writing is swept away, and a
fresh worker takes its place; no other spec notices. Workers are also replaced after a
number of specs, so that memory stays flat over long runs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archdoc.errors import BatchError, InputProblem
from archdoc.files import FolderNotOurs
from archdoc.run.job import (
    FAILED,
    INPUT_ERROR,
    SKIPPED,
    TIMEOUT,
    Job,
    RenderResult,
    Settings,
    folder_names,
    foreign_folder,
    render_spec,
    sweep_staging,
    unchanged_result,
)
from archdoc.run.pdf_process import PDF_PROCESS_DIED, PdfProcess
from archdoc.run.processes import OUT_OF_MEMORY, become_bounded, kill_group
from archdoc.specfile import DEFAULT_MAX_BYTES, find_specs
from archdoc.specfile.reading import display_name, is_stdin, read_stdin

SPECS_PER_WORKER = 20  # then the worker is replaced: its memory grows about 1 MiB a spec
POLL_SECONDS = 0.05

Progress = Callable[[RenderResult], None]
Started = Callable[[Job], None]


@dataclass(frozen=True)
class Plan:
    """The jobs of a run, and a result for each path that names no spec."""

    jobs: list[Job]
    missing: list[RenderResult]

    def __len__(self) -> int:
        return len(self.jobs) + len(self.missing)


def plan(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES, only_specs: bool = False) -> Plan:
    """What a run over these paths will render, each spec with its output folder's name.
    A spec from standard input is read here, before any worker starts."""
    found = find_specs(paths, max_bytes, only_specs)
    jobs = [Job(str(path), name, read_stdin(max_bytes) if is_stdin(path) else None)
            for path, name in zip(found.files, folder_names(found.files), strict=True)]
    missing = [RenderResult(p.file, "", INPUT_ERROR, problems=(p,)) for p in found.problems]
    skipped = [RenderResult(path, "", SKIPPED, error=why) for path, why in found.skipped]
    return Plan(jobs, missing + skipped)


def render_all(jobs: list[Job], missing: list[RenderResult], settings: Settings, workers: int = 1,
               force: bool = False, scheduler: str | None = None, progress: Progress | None = None,
               started: Started | None = None, pdf: PdfProcess | None = None) -> list[RenderResult]:
    """Render the planned jobs; results come back in the order of the specs, the
    missing paths first. ``started`` hears of each spec taken in hand, ``progress`` of
    each result; ``pdf`` is a PDF's process the run started at once, for a spec rendered alone."""
    report = progress or (lambda result: None)
    begin = started or (lambda job: None)
    results = list(missing)
    for result in results:
        report(result)
    sweep_staging(settings.out_root)  # what a killed run left half-written (the caller holds the folder's lock)
    todo = []
    for job in jobs:
        foreign = foreign_folder(settings.out_root, job.folder)
        if foreign is not None:  # a user's folder by that name: never replaced
            refused = RenderResult(job.path, job.folder, INPUT_ERROR,
                                   problems=(InputProblem(display_name(job.path), 0, 0, "", str(FolderNotOurs(foreign))),))
            results.append(refused)
            report(refused)
            continue
        cached = None if force else unchanged_result(job, settings)
        if cached is None:
            todo.append(job)
        else:
            results.append(cached)
            report(cached)
    if todo and scheduler:
        results += render_on_dask(todo, settings, scheduler, report)
    elif todo:
        results += render_in_workers(todo, settings, workers, report, begin, pdf)
    order = {job.path: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get(r.path, -1))


# --- local worker processes --------------------------------------------------------------
def _load_renderers(everything: bool = True, pdf: bool = True) -> None:
    """The heavy imports (diagrams, WeasyPrint), and a first tiny PDF and the report's
    templates compiled (WeasyPrint loads its fonts and stylesheets on its first document).
    Done in the parent before forking, a new worker starts with them loaded, which makes
    replacing workers cheap. A run that writes no PDF leaves WeasyPrint alone. A worker
    that renders the run's one spec needs only the diagram's module at first
    (``everything`` False): it loads the report's while dot draws."""
    import archdoc.render.diagram  # noqa: F401

    if not everything:
        return
    import archdoc.explain  # noqa: F401
    from archdoc.render.report import warm_templates

    warm_templates()
    if pdf:
        from archdoc.render.pdf import warm_up

        warm_up()  # once per process: a forked worker inherits it


def _worker_main(conn: Connection, settings: Settings, alone: bool, pdf: PdfProcess | None) -> None:
    become_bounded(settings.memory_mib)  # the limit is inherited by the dot it runs
    try:
        _load_renderers(not alone, "pdf" in settings.formats and pdf is None)  # there when forked; loaded when spawned
        while True:
            try:
                job = conn.recv()
            except EOFError:
                return
            if job is None:
                return
            conn.send(render_spec(job, settings, pdf))
            pdf = None  # it writes one PDF
    except MemoryError:  # outside a render (which reports its own): receiving, sending, importing
        os._exit(OUT_OF_MEMORY)


class _Worker:
    def __init__(self, context: Any, settings: Settings, alone: bool = False, pdf: PdfProcess | None = None) -> None:
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child_end, settings, alone, pdf), daemon=True)
        self.process.start()
        child_end.close()
        self.pdf = pdf  # the process laying out its first PDF, when the run started one: part of this worker
        self.job: Job | None = None
        self.started = 0.0
        self.rendered = 0

    def give(self, job: Job) -> None:
        self.conn.send(job)
        self.job, self.started = job, time.monotonic()

    def kill(self) -> None:
        """Kill the worker and whatever it started (dot, its PDF's process); safe on a worker already dead."""
        kill_group(self.process)
        self.conn.close()
        if self.pdf is not None:
            self.pdf.end()

    def death(self, memory_mib: int) -> str:
        """Why the worker died, from its exit status, or its PDF's process's when that one died under it."""
        code = self.process.exitcode
        if code == PDF_PROCESS_DIED and self.pdf is not None:
            code = self.pdf.exit_code()
        return _death(code, memory_mib)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()
        self.conn.close()
        if self.pdf is not None:  # done with its PDF, or never asked for one
            self.pdf.end()


def _context() -> Any:
    # fork starts a worker in milliseconds; elsewhere, spawn (each worker then imports anew).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def render_in_workers(jobs: list[Job], settings: Settings, workers: int, report: Progress,
                      begin: Started, pdf: PdfProcess | None = None) -> list[RenderResult]:
    """Render the jobs in worker processes. ``pdf``, a PDF's process the run started at
    once, writes the PDF of a job rendered alone: the workers then start without WeasyPrint."""
    context = _context()
    alone = len(jobs) == 1  # no other worker will be forked: it loads what it needs when it needs it
    if not alone:
        pdf = None
    _load_renderers(not alone, "pdf" in settings.formats and pdf is None)
    # Largest specs first: a big design started last would leave the other workers idle
    # at the end of the run (longest-processing-time-first scheduling).
    pending = deque(sorted(jobs, key=_spec_size, reverse=True))
    results: list[RenderResult] = []
    pool = [_Worker(context, settings, alone, pdf if i == 0 else None) for i in range(max(1, min(workers, len(jobs))))]
    try:
        while pending or any(w.job for w in pool):
            for worker in pool:
                if worker.job is None and pending:
                    taken = pending.popleft()
                    worker.give(taken)
                    begin(taken)
            ready = wait([w.conn for w in pool if w.job], timeout=POLL_SECONDS)
            for index, worker in enumerate(pool):
                job = worker.job
                if job is None:
                    continue
                replace = False
                if worker.conn in ready:
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):  # it died: out of memory, a crash in a library
                        worker.kill()
                        result = _lost(job, worker.death(settings.memory_mib))
                        replace = True
                elif time.monotonic() - worker.started > settings.timeout:
                    worker.kill()
                    result = _lost(job, f"rendering took longer than {settings.timeout:g} s and was stopped",
                                   TIMEOUT, time.monotonic() - worker.started)
                    replace = True
                else:
                    continue
                if replace:  # what it was writing is swept; the previous outputs stay
                    sweep_staging(settings.out_root, job.folder)
                worker.job = None
                worker.rendered += 1
                results.append(result)
                report(result)
                if not replace and worker.rendered >= SPECS_PER_WORKER:
                    worker.stop()
                    replace = True
                if replace and pending:
                    pool[index] = _Worker(context, settings)
    finally:
        for worker in pool:
            if worker.job is None:
                worker.stop()
            else:  # interrupted (Ctrl-C) with a spec in hand: no waiting for it; what it wrote is swept
                worker.kill()
                sweep_staging(settings.out_root, worker.job.folder)
    return results


def _death(exit_code: int | None, memory_mib: int) -> str:
    """Why a worker died, as far as its exit tells: under the memory limit, an allocation
    that fails aborts (SIGABRT) or is killed (SIGKILL) more often than anything else."""
    if exit_code in (OUT_OF_MEMORY, -signal.SIGABRT, -signal.SIGKILL):
        return f"rendering ran out of memory (the limit is {memory_mib} MiB; --memory raises it)"
    if exit_code is not None and exit_code < 0:
        return f"the worker rendering it died of {signal.Signals(-exit_code).name} (a crash in a library)"
    return f"the worker rendering it died (exit status {exit_code})"


def _spec_size(job: Job) -> int:
    try:
        return Path(job.path).stat().st_size
    except OSError:
        return 0


def _lost(job: Job, why: str, status: str = FAILED, seconds: float = 0.0) -> RenderResult:
    return RenderResult(job.path, job.folder, status, error=why, seconds=seconds)


# --- a Dask cluster ---------------------------------------------------------------------
def _probe_scheduler(address: str) -> None:
    """Fail at once when nothing listens at a tcp:// address (Dask's client would retry
    for its whole timeout before saying so)."""
    parsed = urlsplit(address)
    if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
        return
    try:
        socket.create_connection((parsed.hostname, parsed.port), timeout=5).close()
    except OSError as error:
        raise BatchError(f"no Dask scheduler answers at {address}: {error.strerror or error}") from None


def render_on_dask(jobs: list[Job], settings: Settings, address: str, report: Progress) -> list[RenderResult]:
    """Send each spec to a Dask distributed cluster whose workers share the output folder.

    dot's time limit applies there too; Dask cannot stop a running task, so a stuck PDF
    layout on a cluster holds its worker until it ends.
    """
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise BatchError("--scheduler needs the Dask extra: pip install 'archdoc-infra[dask]'") from None
    _probe_scheduler(address)
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise BatchError(f"no Dask scheduler answers at {address}: {error}") from None
    results = []
    with client:
        futures = {client.submit(render_spec, job, settings, pure=False): job for job in jobs}
        for future in as_completed(futures, loop=client.loop):
            job = futures[future]
            try:
                result = future.result()
            except Exception as error:  # the task itself failed on the cluster
                result = _lost(job, f"failed on the Dask cluster: {type(error).__name__}: {error}")
                sweep_staging(settings.out_root, job.folder)
            results.append(result)
            report(result)
    return results

