"""``archdoc check --format sarif``: SARIF 2.1.0, as code-scanning services read it.

Rule metadata goes in the driver; each finding is a result at the line of its
component in the spec. Input errors are tool execution notifications, so a scanning
service shows why a spec was not analysed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from archdoc import __version__
from archdoc.check import SpecOutcome
from archdoc.errors import InputProblem
from archdoc.rules import RULES, Category, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
# GitHub code scanning ranks security alerts by this property (a CVSS-like score).
SECURITY_SEVERITY = {Severity.HIGH: "8.0", Severity.MEDIUM: "5.0", Severity.LOW: "2.0"}


SOURCE_ROOT = "%SRCROOT%"  # the base id code scanning resolves against the repository's checkout


def source_root(start: Path) -> Path:
    """The repository a file belongs to (the folder holding .git, above it), else the
    current folder: what code scanning calls the source root."""
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return Path.cwd().resolve()


def artifact_location(path: str) -> dict[str, str]:
    """Where a spec is, relative to its repository's root (``%SRCROOT%``), never as an
    absolute path of the machine that ran archdoc; percent-encoded as a URI reference."""
    absolute = Path(path).resolve()
    root = source_root(absolute.parent)
    try:
        relative = absolute.relative_to(root)
    except ValueError:  # outside the repository: the name alone says which file it is
        relative = Path(absolute.name)
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SOURCE_ROOT}


def _location(path: str, line: int, column: int) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": artifact_location(path)}
    if line:
        physical["region"] = {"startLine": line, "startColumn": column}
    return {"physicalLocation": physical}


def _rules() -> list[dict[str, object]]:
    descriptors: list[dict[str, object]] = []
    for rule in RULES.values():
        doc = rule.doc()
        properties: dict[str, object] = {"category": rule.category.value, "tags": [rule.category.value]}
        if rule.category is Category.SECURITY:
            properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
        descriptors.append({
            "id": rule.id,
            "name": rule.__name__,
            "shortDescription": {"text": doc.summary},
            "fullDescription": {"text": f"{rule.name}: {doc.summary}"},
            "help": {
                "text": f"Why it matters: {doc.why}\nHow to fix: {doc.fix}",
                "markdown": f"**Why it matters.** {doc.why}\n\n**How to fix.** {doc.fix}",
            },
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": properties,
        })
    return descriptors


def _notification(problem: InputProblem) -> dict[str, object]:
    return {
        "level": "error",
        "message": {"text": str(problem)},
        "locations": [_location(problem.file, problem.line, problem.column)],
    }


def format_run(outcomes: Sequence[SpecOutcome]) -> str:
    rule_index = {rule_id: i for i, rule_id in enumerate(RULES)}
    results: list[dict[str, object]] = []
    notifications: list[dict[str, object]] = []
    for outcome in outcomes:
        notifications += [_notification(p) for p in outcome.problems]
        if outcome.timeout:
            notifications.append({"level": "error", "message": {"text": f"{outcome.path}: {outcome.timeout}"}})
        if outcome.analysis is None:
            continue
        topology = outcome.analysis.topology
        notifications += [{**_notification(w), "level": "warning"} for w in outcome.analysis.warnings]
        for crash in outcome.analysis.crashes:
            notifications.append({"level": "error", "message": {"text": f"{outcome.path}: {crash}"}})
        justifications = {(a.finding.rule, a.finding.component): a.entry.reason for a in outcome.analysis.accepted}
        for finding in [*outcome.analysis.findings, *(a.finding for a in outcome.analysis.accepted)]:
            line, column = topology.positions.get(finding.component, (1, 1))
            location = _location(outcome.path, line, column)
            location["logicalLocations"] = [{"name": finding.component, "kind": "object"}]
            result: dict[str, object] = {
                "ruleId": finding.rule,
                "ruleIndex": rule_index[finding.rule],
                "level": LEVELS[finding.severity],
                "message": {"text": f"{finding.message} Fix: {finding.fix}"},
                "locations": [location],
                "partialFingerprints": {"archdocFinding/v1": f"{finding.rule}:{finding.component}"},
            }
            reason = justifications.get((finding.rule, finding.component))
            if reason is not None:  # accepted in the spec: shown as suppressed in code scanning
                result["suppressions"] = [{"kind": "inSource", "justification": reason}]
            results.append(result)
    run = {
        "tool": {"driver": {"name": "archdoc", "version": __version__, "rules": _rules()}},
        "invocations": [{
            "executionSuccessful": not any(n["level"] == "error" for n in notifications),
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)
