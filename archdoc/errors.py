"""Problems in the user's input: normal, reported as ``FILE:LINE:COLUMN: field: what is
wrong``, and the run goes on with the next spec. (archdoc's own bugs are reported where
they are caught: a rule's crash, a failed render, the command line's last resort.)
"""

from __future__ import annotations

from dataclasses import dataclass


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
