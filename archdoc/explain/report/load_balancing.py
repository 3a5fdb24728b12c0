"""Load balancing: the algorithm, and which tiers are active-active or active-passive."""

from __future__ import annotations

from collections.abc import Iterable

from archdoc.explain.knowledge import ACTIVE_ACTIVE, ACTIVE_PASSIVE, ALGORITHMS
from archdoc.explain.naming import name, names
from archdoc.explain.report.components import cluster_here
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.components import LoadBalancer
from archdoc.model.kinds import Kind
from archdoc.model.software import software_key
from archdoc.wording import noun, verb


def load_balancing(topology: Topology) -> Section | None:
    lbs = topology.of_kind(Kind.LOAD_BALANCER)
    if not lbs:
        return None
    subsections = []
    by_algorithm: dict[str, list[str]] = {}
    for lb in lbs:
        component = topology.components[lb]
        assert isinstance(component, LoadBalancer)
        by_algorithm.setdefault(component.algorithm, []).append(lb)
    for algorithm_id, members in by_algorithm.items():
        algorithm = ALGORITHMS[algorithm_id]
        who = f"The {noun(len(members), 'load balancer')} {names(topology, members)}"
        subsections.append(Section(
            f"The algorithm: {algorithm.name}",
            paragraphs=(
                f"{who} {verb(len(members), 'use')} {algorithm.name}: it {algorithm.how}.",
                f'In HAProxy this is "{algorithm.haproxy}".' if _uses(topology, members, "haproxy") else
                f'In HAProxy terms this is "{algorithm.haproxy}".',
            ),
        ))
    subsections.append(Section(
        "Active-active or active-passive",
        paragraphs=(ACTIVE_ACTIVE, ACTIVE_PASSIVE, "In this design:"),
        bullets=tuple(tier_modes(topology)),
    ))
    return Section("Load balancing", subsections=tuple(subsections))


def _uses(topology: Topology, ids: Iterable[str], software: str) -> bool:
    return any(software_key(topology.components[i].software) == software for i in ids)


def tier_modes(topology: Topology) -> list[str]:
    """One sentence per tier: active-active, active-passive, or a single node."""
    lines = []
    lbs = topology.of_kind(Kind.LOAD_BALANCER)
    lb_clusters = [c for c in topology.of_kind(Kind.CLUSTER)
                   if topology.kind(topology.members(c)[0]) == Kind.LOAD_BALANCER]
    if lb_clusters:
        for cluster_id in lb_clusters:
            lines.append("The load balancers: " + cluster_here(topology, cluster_id, article="the"))
    elif len(lbs) == 1:
        lines.append(f"The load balancers: only {name(topology, lbs[0])}, so this tier is neither: it has no "
                     f"redundancy at all and is a single point of failure.")
    else:
        lines.append(f"The load balancers: {names(topology, lbs)} each take their own traffic (active-active).")
    for lb in lbs:
        component = topology.components[lb]
        assert isinstance(component, LoadBalancer)
        backends = topology.backends(lb)
        spares = [f.target for f in topology.flows_from.get(lb, ()) if f.link.backup]
        algorithm = ALGORITHMS[component.algorithm]
        if len(backends) > 1 and algorithm.active_active:
            line = (f"Behind {name(topology, lb)}: active-active. {algorithm.name.capitalize()} sends requests "
                    f"to {names(topology, backends)} at the same time.")
        elif len(backends) > 1:
            line = (f"Behind {name(topology, lb)}: {algorithm.name} fills {name(topology, backends[0])} first; "
                    f"the other backends take traffic only when it is full.")
        elif backends:
            line = f"Behind {name(topology, lb)}: one backend, {name(topology, backends[0])}, so no redundancy."
        else:
            line = f"Behind {name(topology, lb)}: no backend."
        if spares:
            line += (f" {names(topology, spares)} {verb(len(spares), 'be')} {noun(len(spares), 'a backup', 'backups')} "
                     f"(active-passive): traffic goes there only when the others are down.")
        lines.append(line)
    primaries = [d for d in topology.of_kind(Kind.DATABASE) if not topology.is_replica(d)]
    replicas = [d for d in topology.of_kind(Kind.DATABASE) if topology.is_replica(d)]
    if primaries and replicas:
        lines.append(f"The databases: for writes active-passive: {names(topology, primaries)} "
                     f"{verb(len(primaries), 'take')} every write, while {names(topology, replicas)} "
                     f"{verb(len(replicas), 'serve')} reads and {verb(len(replicas), 'stand')} by to be promoted.")
    return lines
