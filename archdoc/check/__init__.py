"""Check many specs: find the files, load and analyse each, and decide the exit status.

A bad spec never stops the others; each spec gets an outcome of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archdoc.errors import (
    EXIT_FINDINGS,
    EXIT_INPUT_ERROR,
    EXIT_INTERNAL_ERROR,
    EXIT_OK,
    InputProblem,
    SpecError,
    TimeLimitExceeded,
)
from archdoc.limits import collector_paused, time_limit
from archdoc.rules import Analysis, Severity, analyse
from archdoc.specfile import DEFAULT_MAX_BYTES, find_specs, load_spec
from archdoc.specfile.reading import display_name

DEFAULT_TIMEOUT = 60.0  # seconds one spec may take, as for render


@dataclass(frozen=True)
class SpecOutcome:
    """What became of one spec: its analysis, the problems that stopped it, the time limit
    it ran past, or why a folder scan skipped it."""

    path: str
    analysis: Analysis | None = None
    problems: tuple[InputProblem, ...] = ()
    timeout: str | None = None
    skipped: str | None = None

    def exit_status(self, fail_on: Severity | None) -> int:
        if self.problems:
            return EXIT_INPUT_ERROR
        if self.timeout:
            return EXIT_INTERNAL_ERROR
        if self.skipped:
            return EXIT_OK
        assert self.analysis is not None
        if self.analysis.crashes:
            return EXIT_INTERNAL_ERROR
        return findings_status(self.analysis.counts(), fail_on)


def findings_status(counts: Mapping[str, int], fail_on: Severity | None) -> int:
    """EXIT_FINDINGS when a finding has the --fail-on severity or a worse one, else EXIT_OK."""
    if fail_on is not None and any(counts.get(s.value, 0) for s in Severity if s.rank >= fail_on.rank):
        return EXIT_FINDINGS
    return EXIT_OK


def check_spec(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT) -> SpecOutcome:
    name = display_name(path)
    try:
        with time_limit(timeout, "checking it"), collector_paused():
            return SpecOutcome(name, analysis=analyse(load_spec(path, max_bytes)))
    except SpecError as error:
        return SpecOutcome(name, problems=error.problems)
    except TimeLimitExceeded as error:
        return SpecOutcome(name, timeout=str(error))


def check_paths(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES,
                timeout: float = DEFAULT_TIMEOUT, only_specs: bool = False) -> list[SpecOutcome]:
    found = find_specs(paths, max_bytes, only_specs)
    outcomes = [SpecOutcome(p.file, problems=(p,)) for p in found.problems]
    outcomes += [SpecOutcome(path, skipped=why) for path, why in found.skipped]
    return outcomes + [check_spec(path, max_bytes, timeout) for path in found.files]


class HasExitStatus(Protocol):
    def exit_status(self, fail_on: Severity | None) -> int: ...


def run_exit_status(outcomes: Sequence[HasExitStatus], fail_on: Severity | None) -> int:
    """The worst status of the run: internal error 3 > input error 2 > findings 1 > 0."""
    return max((o.exit_status(fail_on) for o in outcomes), default=EXIT_OK)
