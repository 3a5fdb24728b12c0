"""``archdoc check`` for people: findings grouped by severity, each with why and fix."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import groupby

from archdoc.check import SpecOutcome
from archdoc.rules import Finding, Severity
from archdoc.wording import plural

WIDTH = 100


def _wrap(text: str, indent: str) -> str:
    # Long ids and paths must never be broken inside a word.
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def count_phrase(counts: dict[str, int]) -> str:
    """'9 findings (4 high, 5 medium)'."""
    total = sum(counts.values())
    if not total:
        return "no findings"
    parts = ", ".join(f"{n} {severity}" for severity, n in counts.items() if n)
    return f"{plural(total, 'finding')} ({parts})"


def _why_and_fix(finding: Finding) -> list[str]:
    return [_wrap(f"why: {finding.why}", "        "), _wrap(f"fix: {finding.fix}", "        ")]


def format_outcome(outcome: SpecOutcome) -> str:
    """One spec's findings as text; input problems are printed separately, to stderr."""
    if outcome.analysis is None:
        return f"{outcome.path}: not checked, {len(outcome.problems)} input error(s)"
    analysis = outcome.analysis
    lines = [f"{outcome.path}: {analysis.topology.title}: {count_phrase(analysis.counts())}"]
    for severity in Severity:
        group = [f for f in analysis.findings if f.severity is severity]
        if not group:
            continue
        lines.append(f"  {severity.value.upper()}")
        for _, same_rule in groupby(group, key=lambda f: f.rule):
            findings = list(same_rule)
            shared = len({(f.why, f.fix) for f in findings}) == 1
            for finding in findings:
                lines.append(_wrap(f"{finding.rule} {finding.component}: {finding.message}", "    "))
                if not shared:
                    lines += _why_and_fix(finding)
            if shared:
                lines += _why_and_fix(findings[0])
    lines.extend(f"  {crash}" for crash in analysis.crashes)
    return "\n".join(lines)


def format_summary(outcomes: Sequence[SpecOutcome]) -> str:
    checked = [o.analysis for o in outcomes if o.analysis]
    failed = sum(1 for o in outcomes if o.problems)
    timeouts = sum(1 for o in outcomes if o.timeout)
    skipped = sum(1 for o in outcomes if o.skipped)
    totals = {s.value: sum(a.counts()[s.value] for a in checked) for s in Severity}
    text = f"{plural(len(checked), 'spec')} checked: {count_phrase(totals)}"
    if failed:
        text += f"; {failed} with input errors"
    if timeouts:
        text += f"; {timeouts} stopped at the time limit"
    if skipped:
        text += f"; {plural(skipped, 'file')} skipped (not specs, or symbolic links)"
    return text


def format_run(outcomes: Sequence[SpecOutcome]) -> str:
    """Every spec's findings, the specs stopped at the time limit, then a summary line for the run."""
    stopped = [f"{o.path}: timeout: {o.timeout}" for o in outcomes if o.timeout]
    return "\n\n".join([*(format_outcome(o) for o in outcomes if o.analysis), *stopped, format_summary(outcomes)])
