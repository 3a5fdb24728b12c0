"""A class of hand-ins graded at once: ``archdoc grade DIR --task alx-N --format csv``
gives one row per spec, so that an instructor gets one spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from archdoc.check import check_paths
from archdoc.course.tasks import Task


@dataclass(frozen=True)
class Graded:
    """One spec against one task: what keeps it from the task, its findings, or why it
    could not be read."""

    path: str
    problems: tuple[str, ...] = ()
    counts: dict[str, int] | None = None
    error: str | None = None  # the spec's input errors (or its time-out), in one text

    @property
    def met(self) -> bool:
        return self.error is None and not self.problems


def grade_paths(paths: Iterable[str], task: Task, max_bytes: int, timeout: float) -> list[Graded]:
    """Every spec the paths name (files, folders), checked as ``archdoc check`` does, then
    graded; a bad spec is a row of its own."""
    graded = []
    for outcome in check_paths(paths, max_bytes, timeout):
        if outcome.skipped:
            continue
        if outcome.analysis is None:
            error = f"timeout: {outcome.timeout}" if outcome.timeout else "; ".join(map(str, outcome.problems))
            graded.append(Graded(outcome.path, error=error))
        else:
            graded.append(Graded(outcome.path, tuple(task.problems(outcome.analysis)), outcome.analysis.counts()))
    return graded


def to_csv(graded: Sequence[Graded], task: Task) -> str:
    """path, task, met, what is missing (one cell, '; ' between), high, medium, low, input error."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "task", "met", "unmet", "high", "medium", "low", "input error"])
    for row in graded:
        counts = row.counts or {}
        writer.writerow([row.path, task.key, "yes" if row.met else "no", "; ".join(row.problems),
                         *(counts.get(s, "") for s in ("high", "medium", "low")), row.error or ""])
    return buffer.getvalue()
