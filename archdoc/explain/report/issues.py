"""The findings, grouped by category and rule."""

from __future__ import annotations

from archdoc.explain.report.document import FindingGroup, RuleGroup
from archdoc.rules import RULES, Analysis, Category

CATEGORY_TITLES = {
    Category.RELIABILITY: "Reliability",
    Category.SECURITY: "Security",
    Category.PERFORMANCE: "Performance",
    Category.OBSERVABILITY: "Observability",
    Category.DESIGN: "Design",
}


def issue_groups(analysis: Analysis) -> tuple[FindingGroup, ...]:
    groups = []
    for category, title in CATEGORY_TITLES.items():
        rules = []
        for rule_id, rule in RULES.items():
            findings = tuple(f for f in analysis.findings if f.category is category and f.rule == rule_id)
            if not findings:
                continue
            why = findings[0].why if len({f.why for f in findings}) == 1 else None
            fix = findings[0].fix if len({f.fix for f in findings}) == 1 else None
            rules.append(RuleGroup(rule_id, rule.name, rule.severity.value, findings, why, fix))
        if rules:
            groups.append(FindingGroup(title, tuple(rules)))
    return tuple(groups)


def accepted_risks(analysis: Analysis) -> tuple[str, ...]:
    """A sentence per finding the spec accepts: what it is, and the team's reason."""
    return tuple(
        f"{a.finding.component} ({a.finding.severity.value}, {a.finding.rule}): {a.finding.message} Accepted"
        + (f" until {a.entry.until.isoformat()}" if a.entry.until else "") + f": {a.entry.reason}"
        for a in analysis.accepted
    )
