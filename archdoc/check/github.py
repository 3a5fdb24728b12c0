"""``archdoc check --format github``: GitHub Actions workflow commands, one per finding, so
that each shows as an annotation on the spec's line in a pull request."""

from __future__ import annotations

from collections.abc import Sequence

from archdoc.check import SpecOutcome
from archdoc.rules import Severity

COMMANDS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice"}


def _data(text: str) -> str:
    """A command's message, escaped as the runner reads it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A command's property value (file, title), escaped as the runner reads it."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_run(outcomes: Sequence[SpecOutcome]) -> str:
    lines = []
    for outcome in outcomes:
        for problem in outcome.problems:
            place = f",line={problem.line},col={problem.column}" if problem.line else ""
            lines.append(f"::error file={_property(problem.file)}{place},title=archdoc: input error::"
                         f"{_data(problem.message)}")
        if outcome.timeout:
            lines.append(f"::error file={_property(outcome.path)},title=archdoc: timeout::{_data(outcome.timeout)}")
        if outcome.analysis is None:
            continue
        for finding in outcome.analysis.findings:
            line, column = outcome.analysis.topology.positions.get(finding.component, (1, 1))
            title = _property(f"archdoc {finding.rule}: {finding.component}")
            lines.append(f"::{COMMANDS[finding.severity]} file={_property(outcome.path)},line={line},col={column},"
                         f"title={title}::{_data(finding.message + ' Fix: ' + finding.fix)}")
    return "\n".join(lines)
