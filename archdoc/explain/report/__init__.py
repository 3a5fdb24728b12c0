"""The written analysis of a design, as structured sections of sentences.

Everything said follows from the spec and the findings: which kinds are present, which
algorithm the load balancer uses, which tiers are active-active or active-passive,
how the databases replicate and what the application reads and writes where. One
module per section; ``build_report`` puts them in order.
"""

from __future__ import annotations

from archdoc.explain.report.components import component_sections
from archdoc.explain.report.databases import database_section
from archdoc.explain.report.document import FindingGroup, Report, RuleGroup, Section, Table
from archdoc.explain.report.failures import availability_section, failure_section
from archdoc.explain.report.issues import accepted_risks, issue_groups
from archdoc.explain.report.load_balancing import load_balancing
from archdoc.explain.report.monitoring import monitoring_section
from archdoc.explain.report.overview import servers_table, summary
from archdoc.explain.report.purpose import purpose_section
from archdoc.explain.report.references import references
from archdoc.explain.report.security import security_section
from archdoc.explain.walk import request_walk
from archdoc.rules import Analysis


def build_report(analysis: Analysis, since: tuple[str, Analysis] | None = None) -> Report:
    """The report of one analysed design; ``since`` (what to call it, its analysis) is the
    design it grew from, when the report should say what was added since."""
    topology = analysis.topology
    sections: list[Section] = []
    walk = request_walk(topology)
    if walk:
        sections.append(Section("How a request travels", steps=tuple(walk)))
    for section in (failure_section(analysis), availability_section(analysis)):
        if section:
            sections.append(section)
    sections.append(Section("The components", subsections=tuple(component_sections(topology))))
    purposes = purpose_section(analysis, since)
    if purposes:
        sections.append(purposes)
    for section in (load_balancing(topology), database_section(topology), security_section(topology),
                    monitoring_section(topology)):
        if section:
            sections.append(section)
    return Report(
        title=topology.title,
        description=topology.description,
        summary=summary(analysis),
        overview=servers_table(topology),
        sections=tuple(sections),
        issues=issue_groups(analysis),
        accepted=accepted_risks(analysis),
        references=references(analysis),
        counts=analysis.counts(),
    )


__all__ = ["FindingGroup", "Report", "RuleGroup", "Section", "Table", "build_report"]
