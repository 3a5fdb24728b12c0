"""Load balancing: the algorithm, and which tiers are active-active or active-passive."""

from __future__ import annotations

from collections.abc import Iterable

from archdoc.explain.design import algorithm_of, backups, multi_primary_clusters
from archdoc.explain.knowledge import ACTIVE_ACTIVE, ACTIVE_PASSIVE
from archdoc.explain.naming import name, names
from archdoc.explain.report.components import cluster_here
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.kinds import Kind
from archdoc.model.software import software_key
from archdoc.wording import noun, upper_first, verb


def load_balancing(topology: Topology) -> Section | None:
    lbs = topology.of_kind(Kind.LOAD_BALANCER)
    if not lbs:
        return None
    subsections = []
    by_algorithm: dict[tuple[str, bool], list[str]] = {}
    for lb in lbs:
        algorithm = algorithm_of(topology, lb)
        by_algorithm.setdefault((algorithm.info.name, algorithm.chosen), []).append(lb)
    for (_, chosen), members in by_algorithm.items():
        algorithm = algorithm_of(topology, members[0])
        info = algorithm.info
        count = len(members)
        who = f"The {noun(count, 'load balancer')} {names(topology, members)}"
        if chosen:
            title = f"The algorithm: {info.name}"
            first = f"{who} {verb(count, 'use')} {info.name}, which {info.how}."
        else:
            title = "The algorithm: not chosen"
            first = (f"For {names(topology, members)}, {algorithm.default_note}, which {info.how}. Name the "
                     f"algorithm in the spec (its algorithm field) and in the configuration: it is a choice to explain, "
                     f"not one to leave to chance.")
        paragraphs = [first]
        alike: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
        for lb in members:
            alike.setdefault((topology.backends(lb), backups(topology, lb)), []).append(lb)
        for (active, waiting), group in alike.items():
            if waiting and active:
                paragraphs.append(
                    f"The algorithm applies among the active {noun(len(active), 'backend')} of {names(topology, group)}, "
                    f"{names(topology, active)}"
                    + (" (with one, it has nothing to choose: every request goes there)" if len(active) == 1 else "")
                    + f"; the {noun(len(waiting), 'backup')} {names(topology, waiting)} {verb(len(waiting), 'wait')} "
                    f"and {verb(len(waiting), 'take')} requests only when the active "
                    f"{noun(len(active), 'backend is', 'backends are')} down (the backup keyword of a server line in HAProxy).")
        paragraphs.append(f'In HAProxy this is "{info.haproxy}".' if _uses(topology, members, "haproxy") else
                          f'In HAProxy terms this is "{info.haproxy}".')
        subsections.append(Section(title, paragraphs=tuple(paragraphs)))
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
        backends = topology.backends(lb)
        spares = backups(topology, lb)
        algorithm = algorithm_of(topology, lb).info
        if len(backends) > 1 and algorithm.active_active:
            line = (f"Behind {name(topology, lb)}: active-active. {upper_first(algorithm.name)} sends requests "
                    f"to {names(topology, backends)} at the same time.")
        elif len(backends) > 1:
            line = (f"Behind {name(topology, lb)}: {algorithm.name} fills {name(topology, backends[0])} first; "
                    f"the other backends take traffic only when it is full.")
        elif backends and spares:
            line = (f"Behind {name(topology, lb)}: active-passive. {name(topology, backends[0])} takes every request "
                    f"and {names(topology, spares)} {verb(len(spares), 'be')} {noun(len(spares), 'a backup', 'backups')} "
                    f"that {verb(len(spares), 'take')} over only when it is down: redundancy, but the capacity of "
                    f"one backend.")
        elif backends:
            line = f"Behind {name(topology, lb)}: one backend, {name(topology, backends[0])}, so no redundancy."
        else:
            line = f"Behind {name(topology, lb)}: no backend."
        if spares and len(backends) > 1:
            line += (f" {upper_first(noun(len(spares), 'the backup', 'the backups'))} {names(topology, spares)} "
                     f"{verb(len(spares), 'wait')} (active-passive): traffic goes there only when the others are down.")
        lines.append(line)
    for cluster_id in multi_primary_clusters(topology):
        lines.append(f"The databases: active-active. {names(topology, topology.members(cluster_id))} form the "
                     f"multi-primary cluster {name(topology, cluster_id)}: every member takes reads and writes.")
    clustered = {m for c in multi_primary_clusters(topology) for m in topology.members(c)}
    primaries = [d for d in topology.of_kind(Kind.DATABASE) if not topology.is_replica(d) and d not in clustered]
    replicas = [d for d in topology.of_kind(Kind.DATABASE) if topology.is_replica(d)]
    if len(primaries) == 1 and replicas:
        lines.append(f"The databases: active-passive for writes: {name(topology, primaries[0])} takes every write, "
                     f"while {names(topology, replicas)} {verb(len(replicas), 'serve')} reads and "
                     f"{verb(len(replicas), 'stand')} by to be promoted.")
    elif primaries and replicas:
        for primary in primaries:
            copies = [r for r in replicas if getattr(topology.components[r], "replica_of", None) == primary]
            if copies:
                lines.append(f"The databases: {name(topology, primary)} takes the writes for its data while "
                             f"{names(topology, copies)} {verb(len(copies), 'serve')} reads and "
                             f"{verb(len(copies), 'stand')} by to be promoted.")
    return lines
