"""Every exit status archdoc ends with, and every kind of error it reports.

Problems in the user's input are normal: reported as ``FILE:LINE:COLUMN: field: what is
wrong``, and the run goes on with the next spec. A spec that is valid but cannot be
rendered is that spec's failure. archdoc's own bugs are reported where they are caught
(a rule's crash, a failed render, the command line's last resort) as exit status 3.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FINDINGS = 1  # a finding at or above --fail-on; a design that does not meet its task
EXIT_INPUT_ERROR = 2  # a spec, an option or a path that cannot be used
EXIT_INTERNAL_ERROR = 3  # a bug in archdoc, or a render that failed or was stopped


@dataclass(frozen=True, order=True)
class InputProblem:
    """One thing wrong with a spec file, at a 1-based line and column (0: the path itself)."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        if not self.line:  # about the path itself, not a place in the file
            return f"{self.file}: {self.message}"
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


class SpecError(Exception):
    """A spec cannot be used; carries every problem found in it, sorted by position."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(Exception):
    """A valid spec that could not be rendered (dot or the PDF layout failed); the message says why."""


class RenderTimeout(RenderError):
    """Rendering a spec (or its dot) took longer than its time limit."""


class BatchError(Exception):
    """A run as a whole cannot proceed (for instance, no Dask scheduler at that address)."""


class HandinError(Exception):
    """A problem with a hand-in as a whole (not with one spec's YAML)."""
