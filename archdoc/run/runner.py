"""A render run: the output folder locked, its specs rendered, then the run's index."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archdoc.errors import BatchError
from archdoc.files import FolderLocked, locked_folder
from archdoc.run.batch import Plan, render_all
from archdoc.run.index import check_index_is_ours, write_index
from archdoc.run.job import RenderResult, Settings
from archdoc.run.pdf_process import PdfProcess


@dataclass(frozen=True)
class Run:
    """What a render run did: each spec's result, how long it took, where its index is."""

    results: list[RenderResult]
    seconds: float
    index: Path


def render_plan(planned: Plan, settings: Settings, workers: int, force: bool = False, scheduler: str | None = None,
                progress: Callable[[RenderResult, str], None] | None = None, pdf: PdfProcess | None = None) -> Run:
    """Render the planned specs into ``settings.out_root``, then write the run's index.

    ``progress`` hears of each result, with the spec a worker took in hand most recently;
    ``pdf``, a PDF's process started at once, writes the PDF of a spec rendered alone
    (the caller ends it).
    Raises BatchError when the run as a whole cannot proceed.
    """
    started = time.perf_counter()
    in_hand: list[str] = []
    report = progress or (lambda result, current: None)
    try:
        with locked_folder(settings.out_root):
            check_index_is_ours(settings.out_root)
            results = render_all(
                planned.jobs, planned.missing, settings, workers=workers, force=force, scheduler=scheduler,
                progress=lambda result: report(result, in_hand[-1] if in_hand else result.path),
                started=lambda job: in_hand.append(job.path), pdf=pdf,
            )
            seconds = time.perf_counter() - started
            return Run(results, seconds, write_index(results, settings.out_root, seconds, settings.theme))
    except FolderLocked as error:
        raise BatchError(str(error)) from None
    except OSError as error:
        raise BatchError(f"cannot write to {settings.out_root}: {error.strerror}") from None

