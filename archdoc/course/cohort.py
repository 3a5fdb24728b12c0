"""A class of hand-ins graded at once: ``archdoc grade DIR --task alx-N --format csv``
gives one row per spec, so that an instructor gets one spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from archdoc.course.tasks import Task
from archdoc.errors import SpecError, TimeLimitExceeded
from archdoc.limits import time_limit
from archdoc.rules import analyse
from archdoc.specfile import find_specs, load_spec
from archdoc.specfile.reading import display_name


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
    """Every spec the paths name (files, folders), graded; a bad spec is a row of its own."""
    found = find_specs(paths, max_bytes)
    graded = [Graded(p.file, error=str(p)) for p in found.problems]
    for path in found.files:
        name = display_name(path)
        try:
            with time_limit(timeout, "grading it"):
                analysis = analyse(load_spec(path, max_bytes))
        except SpecError as error:
            graded.append(Graded(name, error="; ".join(str(p) for p in error.problems)))
            continue
        except TimeLimitExceeded as error:
            graded.append(Graded(name, error=f"timeout: {error}"))
            continue
        graded.append(Graded(name, tuple(task.problems(analysis)), analysis.counts()))
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
