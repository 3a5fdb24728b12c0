"""The PDF laid out in a process of its own, started before archdoc's heavier modules load.

Importing WeasyPrint takes about half a second: as long as archdoc's own start-up and a
small spec's diagram and report together. A run of one spec therefore starts this
process first thing: it loads WeasyPrint while the run loads the rest and the worker
draws the diagram; the worker then hands it the report's page and writes its other
outputs while the PDF is laid out. (A run of many specs loads WeasyPrint once, before
its workers start: they all inherit it.)

The process belongs to the worker that takes it, and is bounded as the worker is: the
same memory limit, a process group of its own that the run kills with the worker (its
time limit), death with the run. If it dies, the worker exits with PDF_PROCESS_DIED and
the run says why from this process's exit status, as for a worker that died; what was
being written is swept away, the previous outputs stay.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from archdoc.run.processes import OUT_OF_MEMORY, become_bounded, kill_group, near_memory_limit

PDF_PROCESS_DIED = 76  # a worker's exit status when its PDF's process died under it


class PdfWriter(Protocol):
    def start(self, html: str, folder: Path, target: Path) -> None:
        """Begin laying out ``html`` (its relative URLs in ``folder``) into the PDF ``target``."""

    def wait(self) -> None:
        """Until the PDF is written; raises what laying it out raised."""


class InProcess:
    """The PDF written here and now: in a worker forked with WeasyPrint loaded, on Dask, in tests."""

    def start(self, html: str, folder: Path, target: Path) -> None:
        from archdoc.render.pdf import write_pdf

        write_pdf(html, folder, target)

    def wait(self) -> None:
        pass


class PdfProcess:
    """A process that loads WeasyPrint at once, then writes the one PDF it is handed.

    ``start`` and ``wait`` are the worker's (it inherits this object when forked);
    ``end`` and ``exit_code`` are the run's, which started it."""

    def __init__(self, memory_mib: int) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end, memory_mib), daemon=True)
        self.process.start()
        child_end.close()

    def start(self, html: str, folder: Path, target: Path) -> None:
        try:
            self.conn.send((html, str(folder), str(target)))
        except OSError:  # it died before the page came (out of memory while loading, killed)
            raise SystemExit(PDF_PROCESS_DIED) from None

    def wait(self) -> None:
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):  # it died laying the PDF out: the run asks it why
            raise SystemExit(PDF_PROCESS_DIED) from None
        if answer is not None:
            raise answer

    def end(self) -> None:
        """Kill it, whether it wrote its PDF, was never asked to or is still at work; safe twice."""
        kill_group(self.process)
        self.conn.close()

    def exit_code(self) -> int | None:
        self.process.join(timeout=1)
        return self.process.exitcode


def started_for(paths: Sequence[str], formats: Sequence[str], scheduler: str | None,
                memory_mib: int) -> PdfProcess | None:
    """A PDF's process, started at once when the run ``wanted`` one; None otherwise."""
    return PdfProcess(memory_mib) if wanted(paths, formats, scheduler) else None


def wanted(paths: Sequence[str], formats: Sequence[str], scheduler: str | None) -> bool:
    """Whether a run should start a PDF's process at once: it renders one spec (a file,
    or standard input) into a PDF on this machine, and WeasyPrint is not loaded yet."""
    return ("pdf" in formats and scheduler is None and len(paths) == 1 and "weasyprint" not in sys.modules
            and (paths[0] == "-" or Path(paths[0]).is_file()) and "fork" in multiprocessing.get_all_start_methods())


def _serve(conn: Connection, memory_mib: int) -> None:
    become_bounded(memory_mib)
    try:
        try:
            from archdoc.render.pdf import warm_up  # at once: what this process is for

            warm_up()  # while the run loads archdoc and draws the diagram
        except MemoryError:
            raise
        except Exception:  # WeasyPrint cannot load (a library missing): said when the page comes
            pass
        try:
            request = conn.recv()
        except EOFError:  # the run needed no PDF after all
            return
        answer = _lay_out(*request)
        try:
            conn.send(answer)
        except Exception:  # an error that does not pickle: its words
            conn.send(RuntimeError(f"{type(answer).__name__}: {answer}"))
    except MemoryError:  # loading, receiving, sending
        os._exit(OUT_OF_MEMORY)


def _lay_out(html: str, folder: str, target: str) -> BaseException | None:
    """Write the PDF; what went wrong, as a worker writing it itself would have seen it."""
    try:
        from archdoc.render.pdf import write_pdf

        write_pdf(html, Path(folder), Path(target))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a panic in a library written in Rust arrives as one
        return MemoryError() if isinstance(error, MemoryError) or near_memory_limit() else error
    return None
