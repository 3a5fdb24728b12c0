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


MAX_PROBLEMS = 50  # a spec's problems shown; past them, one line says how many more


class SpecError(Exception):
    """A spec cannot be used; carries its problems, sorted by position: the first
    MAX_PROBLEMS, then one that says how many more (a file with thousands of errors is
    not a spec to read them all from)."""

    def __init__(self, problems: list[InputProblem]) -> None:
        ordered = sorted(set(problems))
        if len(ordered) > MAX_PROBLEMS:
            more = len(ordered) - MAX_PROBLEMS
            ordered = ordered[:MAX_PROBLEMS] + [InputProblem(ordered[0].file, 0, 0, "",
                                                             f"and {more:,} more problems; fix these first")]
        self.problems = tuple(ordered)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotASpec(SpecError):
    """A YAML file that is no archdoc spec (its top level has no ``archdoc`` key): said in
    one line, quoting nothing of it. A folder scan skips such files."""


class TimeLimitExceeded(Exception):
    """A spec took longer than its time limit (--timeout) to check, fix or compare."""


class RenderError(Exception):
    """A valid spec that could not be rendered (dot or the PDF layout failed); the message says why."""


class RenderTimeout(RenderError):
    """Rendering a spec (or its dot) took longer than its time limit."""


class BatchError(Exception):
    """A run as a whole cannot proceed (for instance, no Dask scheduler at that address)."""


class HandinError(Exception):
    """A problem with a hand-in as a whole (not with one spec's YAML)."""
