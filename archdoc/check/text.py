"""``archdoc check`` for people and editors: a line per finding, FILE:LINE:COLUMN first, then why and fix."""

from __future__ import annotations

import re
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
    return [_wrap(f"why: {finding.why}", "    "), _wrap(f"fix: {finding.fix}", "    ")]


# ANSI colours per severity, used only on a terminal that wants them (see the command line).
COLOURS = {Severity.HIGH: "\x1b[1;31m", Severity.MEDIUM: "\x1b[33m", Severity.LOW: "\x1b[36m"}
RESET = "\x1b[0m"
_SEVERITY_FIELD = re.compile(r"^(\S+:\d+:\d+: )(high|medium|low)(?=: )", re.MULTILINE)


def colourize(text: str) -> str:
    """The severity of each finding line in its colour. Applied to text already made safe
    for a terminal, so that these are the only escape sequences it holds."""
    return _SEVERITY_FIELD.sub(lambda m: f"{m.group(1)}{COLOURS[Severity(m.group(2))]}{m.group(2)}{RESET}", text)


def where(outcome: SpecOutcome, component: str) -> str:
    """'specs/x.yaml:12:3': where the component is defined, as editors and terminals jump to it."""
    assert outcome.analysis is not None
    line, column = outcome.analysis.topology.positions.get(component, (1, 1))
    return f"{outcome.path}:{line}:{column}"


def format_outcome(outcome: SpecOutcome, quiet: bool = False) -> str:
    """One spec's findings as text, each line starting with FILE:LINE:COLUMN of the component
    it is about, then its severity; why and fix follow a rule's last finding when they are
    the same for all of them. ``quiet``: the finding lines only. Input problems are printed
    separately, to stderr."""
    if outcome.analysis is None:
        return f"{outcome.path}: not checked, {len(outcome.problems)} input error(s)"
    analysis = outcome.analysis
    accepted = f"; {len(analysis.accepted)} accepted" if analysis.accepted else ""
    lines = [] if quiet else [f"{outcome.path}: {analysis.topology.title}: {count_phrase(analysis.counts())}{accepted}"]
    for _, same_rule in groupby(analysis.findings, key=lambda f: f.rule):
        findings = list(same_rule)
        shared = len({(f.why, f.fix) for f in findings}) == 1
        for finding in findings:
            lines.append(f"{where(outcome, finding.component)}: {finding.severity.value}: {finding.rule} "
                         f"{finding.component}: "
                         f"{finding.message}")
            if not shared and not quiet:
                lines += _why_and_fix(finding)
        if shared and not quiet:
            lines += _why_and_fix(findings[0])
    lines.extend(f"{outcome.path}: {crash}" for crash in analysis.crashes)
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


def format_run(outcomes: Sequence[SpecOutcome], quiet: bool = False) -> str:
    """Every spec's findings, the specs stopped at the time limit, then a summary line for the run
    (``quiet``: only the finding lines and the time-outs)."""
    stopped = [f"{o.path}: timeout: {o.timeout}" for o in outcomes if o.timeout]
    checked = [format_outcome(o, quiet) for o in outcomes if o.analysis]
    if quiet:
        return "\n".join(part for part in [*checked, *stopped] if part)
    return "\n\n".join([*checked, *stopped, format_summary(outcomes)])
