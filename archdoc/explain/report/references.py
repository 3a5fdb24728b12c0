"""Further reading, chosen by what the design holds."""

from __future__ import annotations

from archdoc.explain.knowledge import REFERENCES, Topics
from archdoc.model.components import Certificate, Cluster
from archdoc.model.kinds import Kind
from archdoc.model.software import software_key
from archdoc.rules import Analysis


def design_topics(analysis: Analysis) -> Topics:
    topology = analysis.topology
    software: dict[Kind, set[str]] = {}
    for component in topology.components.values():
        software.setdefault(component.kind, set()).add(software_key(component.software))
    return Topics(
        kinds=frozenset(software),
        software={kind: frozenset(names) for kind, names in software.items()},
        fired=frozenset(f.rule for f in analysis.findings),
        dns=bool(topology.dns or topology.domain),
        encrypted=any(f.link.encrypted for f in topology.flows),
        active_passive=any(isinstance(c, Cluster) and c.mode == "active_passive" for c in topology.components.values()),
        issuers=frozenset((c.issuer or "").lower() for c in topology.components.values() if isinstance(c, Certificate)),
    )


def references(analysis: Analysis) -> tuple[tuple[str, str], ...]:
    """(title, address) of the reading that fits the design, in the order of the table."""
    topics = design_topics(analysis)
    return tuple((reference.title, reference.url) for reference in REFERENCES if reference.wanted(topics))
