"""Run the rules over a topology and collect their findings, sorted and de-duplicated."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from archdoc.errors import InputProblem
from archdoc.model import FailureAnalysis, Topology
from archdoc.model.availability import Availability, availabilities
from archdoc.model.topology import Accepted
from archdoc.rules.base import Context, Finding, Rule, Severity
from archdoc.rules.registry import RULES
from archdoc.specfile.messages import did_you_mean, quoted


@dataclass(frozen=True)
class RuleCrash:
    """A rule raised an exception: a bug in archdoc, reported without stopping the others."""

    rule: str
    error: str
    traceback: str

    def __str__(self) -> str:
        return f"internal error in rule {self.rule}: {self.error} (this is a bug in archdoc; please report it)"


@dataclass(frozen=True)
class AcceptedFinding:
    """A finding the spec's ``accepted:`` list takes out of the count, with the team's reason."""

    finding: Finding
    entry: Accepted

    def to_dict(self) -> dict[str, object]:
        return {**self.finding.to_dict(), "reason": self.entry.reason,
                "until": self.entry.until.isoformat() if self.entry.until else None}


@dataclass(frozen=True)
class Analysis:
    topology: Topology
    findings: tuple[Finding, ...]  # what counts: every finding no accepted entry in force covers
    failures: FailureAnalysis  # the one the rules used
    crashes: tuple[RuleCrash, ...] = ()
    accepted: tuple[AcceptedFinding, ...] = ()
    # what is legal but likely a mistake: the spec's own (duplicate labels), and accepted
    # entries that match no finding or whose day has passed
    warnings: tuple[InputProblem, ...] = ()

    def scenarios(self) -> list[dict[str, object]]:
        """For every failure unit: what the clients lose when it fails alone, and keep."""
        return [{"fail": [unit], "lost": [c.value for c in lost],
                 "keeps": [c.value for c in self.failures.capabilities if c not in lost]}
                for unit, lost in self.failures.scenarios()]

    @cached_property
    def availability(self) -> tuple[Availability, ...]:
        """How available each capability the design has is."""
        return availabilities(self.topology, self.failures)

    def to_dict(self) -> dict[str, object]:
        """What JSON outputs say of an analysed spec: title, counts, findings, scenarios,
        availability."""
        return {
            "title": self.topology.title,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "accepted": [a.to_dict() for a in self.accepted],
            "scenarios": self.scenarios(),
            "availability": [a.to_dict() for a in self.availability],
        }

    def found(self, rule: type[Rule]) -> tuple[str, ...]:
        """The components this rule found something on, in the order of the findings."""
        return tuple(f.component for f in self.findings if f.rule == rule.id)

    def counts(self) -> dict[str, int]:
        """Findings per severity, worst first: {"high": 2, "medium": 4, "low": 0}."""
        return {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}


def analyse(topology: Topology, rules: Mapping[str, type[Rule]] = RULES, today: date | None = None) -> Analysis:
    """Every finding of every rule, worst first, then in catalogue and spec order; those an
    accepted entry in force covers (on ``today``) are set apart."""
    context = Context(topology)
    findings: dict[tuple[str, str], Finding] = {}
    crashes = []
    for rule_class in rules.values():
        try:
            for finding in rule_class().check(context):
                findings.setdefault((finding.rule, finding.component), finding)
        except Exception as error:  # a rule's bug must not hide the other rules' findings
            crashes.append(RuleCrash(rule_class.id, f"{type(error).__name__}: {error}", traceback.format_exc()))
    rule_order = {rule_id: i for i, rule_id in enumerate(rules)}
    spec_order = {component: i for i, component in enumerate(topology.components)}
    ordered = sorted(
        findings.values(),
        key=lambda f: (-f.severity.rank, rule_order[f.rule], spec_order.get(f.component, 0)),
    )
    kept, accepted, warnings = _apply_accepted(topology, ordered, rules, today or date.today())
    return Analysis(topology, kept, context.failures, tuple(crashes), accepted, topology.warnings + warnings)


def _apply_accepted(topology: Topology, findings: list[Finding], rules: Mapping[str, type[Rule]],
                    today: date) -> tuple[tuple[Finding, ...], tuple[AcceptedFinding, ...], tuple[InputProblem, ...]]:
    entries = {(e.rule, e.component): e for e in topology.accepted}
    kept, accepted = [], []
    for finding in findings:
        entry = entries.get((finding.rule, finding.component))
        if entry is not None and entry.in_force(today):
            accepted.append(AcceptedFinding(finding, entry))
        else:
            kept.append(finding)
    found = {(f.rule, f.component) for f in findings}
    warnings = []
    for entry in topology.accepted:
        line, column = entry.position
        if (entry.rule, entry.component) not in found:
            close = did_you_mean(entry.rule, rules).replace(" (", "; ").rstrip(")")
            hint = "" if entry.rule in rules else f" (there is no rule {quoted(entry.rule)}{close})"
            warnings.append(InputProblem(topology.file, line, column, "accepted", f"warning: {entry.rule} on "
                                         f"{entry.component} matches no finding{hint}; remove the entry"))
        elif not entry.in_force(today):
            assert entry.until is not None
            warnings.append(InputProblem(topology.file, line, column, "accepted", f"warning: {entry.rule} on "
                                         f"{entry.component} was accepted until {entry.until.isoformat()}: it counts "
                                         f"again"))
    return tuple(kept), tuple(accepted), tuple(warnings)
