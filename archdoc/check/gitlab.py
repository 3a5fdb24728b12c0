"""``archdoc check --format gitlab``: GitLab's Code Quality report, a JSON list of issues
that merge requests show beside the changed lines."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from urllib.parse import unquote

from archdoc.check import SpecOutcome
from archdoc.check.sarif import artifact_location
from archdoc.rules import Severity

# Code Quality's severities: info, minor, major, critical, blocker.
SEVERITIES = {Severity.HIGH: "critical", Severity.MEDIUM: "major", Severity.LOW: "minor"}


def _path(spec: str) -> str:
    """The spec's path relative to the repository, as Code Quality wants it."""
    return unquote(artifact_location(spec)["uri"])


def format_run(outcomes: Sequence[SpecOutcome]) -> str:
    issues = []
    for outcome in outcomes:
        path = _path(outcome.path)
        for problem in outcome.problems:
            issues.append({
                "description": f"input error: {problem.message}", "check_name": "archdoc-input-error",
                "fingerprint": hashlib.sha256(f"input:{path}:{problem.line}:{problem.message}".encode()).hexdigest(),
                "severity": "blocker", "location": {"path": path, "lines": {"begin": max(problem.line, 1)}},
            })
        if outcome.analysis is None:
            continue
        for finding in outcome.analysis.findings:
            line, _ = outcome.analysis.topology.positions.get(finding.component, (1, 1))
            issues.append({
                "description": f"{finding.message} Fix: {finding.fix}",
                "check_name": finding.rule,
                # stable across runs and line moves: the spec, the rule and the component
                "fingerprint": hashlib.sha256(f"{path}:{finding.rule}:{finding.component}".encode()).hexdigest(),
                "severity": SEVERITIES[finding.severity],
                "location": {"path": path, "lines": {"begin": line}},
            })
    return json.dumps(issues, indent=2, ensure_ascii=False)
