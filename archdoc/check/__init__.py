"""Check many specs: find the files, load and analyse each, and decide the exit status.

A bad spec never stops the others; each spec gets an outcome of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archdoc.errors import EXIT_FINDINGS, EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, EXIT_OK, InputProblem, SpecError
from archdoc.rules import Analysis, Severity, analyse
from archdoc.specfile import DEFAULT_MAX_BYTES, find_specs, load_spec
from archdoc.specfile.reading import display_name


@dataclass(frozen=True)
class SpecOutcome:
    """What became of one spec: its analysis, or the problems that stopped it."""

    path: str
    analysis: Analysis | None = None
    problems: tuple[InputProblem, ...] = ()

    def exit_status(self, fail_on: Severity | None) -> int:
        if self.problems:
            return EXIT_INPUT_ERROR
        assert self.analysis is not None
        if self.analysis.crashes:
            return EXIT_INTERNAL_ERROR
        return findings_status(self.analysis.counts(), fail_on)


def findings_status(counts: Mapping[str, int], fail_on: Severity | None) -> int:
    """EXIT_FINDINGS when a finding has the --fail-on severity or a worse one, else EXIT_OK."""
    if fail_on is not None and any(counts.get(s.value, 0) for s in Severity if s.rank >= fail_on.rank):
        return EXIT_FINDINGS
    return EXIT_OK


def check_spec(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SpecOutcome:
    name = display_name(path)
    try:
        topology = load_spec(path, max_bytes)
    except SpecError as error:
        return SpecOutcome(name, problems=error.problems)
    return SpecOutcome(name, analysis=analyse(topology))


def check_paths(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> list[SpecOutcome]:
    files, problems = find_specs(paths)
    outcomes = [SpecOutcome(p.file, problems=(p,)) for p in problems]
    return outcomes + [check_spec(path, max_bytes) for path in files]


class HasExitStatus(Protocol):
    def exit_status(self, fail_on: Severity | None) -> int: ...


def run_exit_status(outcomes: Sequence[HasExitStatus], fail_on: Severity | None) -> int:
    """The worst status of the run: internal error 3 > input error 2 > findings 1 > 0."""
    return max((o.exit_status(fail_on) for o in outcomes), default=EXIT_OK)
