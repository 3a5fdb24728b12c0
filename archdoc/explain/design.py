"""Facts about a design that several sentences need: which backends wait as backups, the
algorithm a load balancer really uses, what a firewall hop leads to, what part a database
plays. Each says what the spec says, so that no sentence guesses."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from archdoc.explain.knowledge import ALGORITHMS, AlgorithmInfo
from archdoc.explain.naming import name, names
from archdoc.model import Topology
from archdoc.model.components import Cluster, Database, LoadBalancer
from archdoc.model.kinds import Kind
from archdoc.model.software import software_key, software_name

# The algorithm each load balancer's software uses when its configuration names none.
DEFAULT_ALGORITHMS = {"haproxy": "round_robin", "nginx": "round_robin", "traefik": "round_robin",
                      "envoy": "round_robin", "caddy": "random"}


@dataclass(frozen=True)
class ChosenAlgorithm:
    info: AlgorithmInfo
    chosen: bool  # the spec names it; False: the software's default applies
    default_note: str  # "" when chosen; else "the spec does not choose one; HAProxy's default is round robin"


def algorithm_of(topology: Topology, lb: str) -> ChosenAlgorithm:
    component = topology.components[lb]
    assert isinstance(component, LoadBalancer)
    if component.algorithm is not None:
        return ChosenAlgorithm(ALGORITHMS[component.algorithm], True, "")
    key = software_key(component.software)
    info = ALGORITHMS[DEFAULT_ALGORITHMS.get(key, "round_robin")]
    who = software_name(component.software)
    default = (f"{who}'s default is {info.name}" if who and key in DEFAULT_ALGORITHMS
               else f"most load balancers default to {info.name}")
    return ChosenAlgorithm(info, False, f"the spec does not choose an algorithm; {default}")


def backups(topology: Topology, lb: str) -> tuple[str, ...]:
    """The backends a load balancer keeps as backups (``backup: true``): they take requests
    only when the active ones are down. Seen through firewall hops."""
    active = set(topology.backends(lb))
    waiting = (target for flow in topology.flows_from.get(lb, ())
               for target in topology.beyond_firewalls(flow.target))  # past a firewall, a backup link too
    return tuple(t for t in dict.fromkeys(waiting) if t not in active and t != lb)


def backup_only(topology: Topology) -> frozenset[str]:
    """Components that take requests only in failover: the backups of every load balancer
    sending them requests, and what only those backups send requests to."""
    waiting = {b for lb in topology.of_kind(Kind.LOAD_BALANCER) for b in backups(topology, lb)}
    active = {b for lb in topology.of_kind(Kind.LOAD_BALANCER) for b in topology.backends(lb)}
    waiting -= active
    queue = list(waiting)
    while queue:  # what the backups send requests to, when nothing else does
        for flow in topology.flows_from.get(queue.pop(), ()):
            for target in topology.beyond_firewalls(flow.target):
                if target not in waiting and all(s in waiting for s in senders(topology, target)):
                    waiting.add(target)
                    queue.append(target)
    return frozenset(waiting)


def multi_primary_clusters(topology: Topology) -> tuple[str, ...]:
    """Active-active clusters of primary databases: every member takes writes."""
    return tuple(c for c in topology.of_kind(Kind.CLUSTER)
                 if topology.is_database_cluster(c) and _cluster(topology, c).mode == "active_active"
                 and not any(topology.is_replica(m) for m in topology.members(c)))


def _cluster(topology: Topology, cluster_id: str) -> Cluster:
    cluster = topology.components[cluster_id]
    assert isinstance(cluster, Cluster)
    return cluster


def database_role(topology: Topology, db: str) -> str:
    """'the primary', 'a replica of mysql-1', 'a member of the multi-primary cluster dbs'."""
    component = topology.components[db]
    assert isinstance(component, Database)
    for cluster_id in topology.clusters_of.get(db, ()):
        if cluster_id in multi_primary_clusters(topology):
            return f"a member of the multi-primary cluster {name(topology, cluster_id)}"
        cluster = _cluster(topology, cluster_id)
        if cluster.mode == "active_passive":
            place = "the active member" if cluster.members[0] == db else "the standby member"
            return f"{place} of the cluster {name(topology, cluster_id)}"
    if component.role == "replica":
        return f"a replica of {name(topology, component.replica_of or '')}"
    return "the primary"


def senders(topology: Topology, component_id: str) -> list[str]:
    """Who sends requests to a component, a firewall hop seen through to who sends through it."""
    return _walk_back(topology, component_id)[0]


def _walk_back(topology: Topology, component_id: str) -> tuple[list[str], set[str]]:
    """Links followed backwards from a component, through firewall hops (firewalls that
    links lead into): who sends to it, and the hops on the way."""
    found: list[str] = []
    hops: set[str] = set()
    seen = {component_id}
    queue = deque(f.source for f in topology.flows_into.get(component_id, ()))
    while queue:
        source = queue.popleft()
        if source in seen:
            continue
        seen.add(source)
        if topology.kind(source) == Kind.FIREWALL and topology.flows_into.get(source):
            hops.add(source)
            queue.extend(f.source for f in topology.flows_into[source])
        else:
            found.append(source)
    return found, hops


def hops_between(topology: Topology, source: str, target: str) -> list[str]:
    """The firewall hops a request crosses from ``source`` to ``target`` (in links): from
    each, the first link to the target itself, else to a firewall not crossed yet that
    leads on to it. One step at a time, each firewall asked once: a chain of 8,000
    firewalls overflowed Python's stack, and asked each step anew, took minutes."""
    # the firewalls from which links lead to the target through firewalls only (a firewall
    # is no target beyond a hop: beyond_firewalls never holds one)
    leading = set() if topology.kind(target) == Kind.FIREWALL else _walk_back(topology, target)[1]
    hops: list[str] = []
    crossed = {source}
    current = source
    while True:
        for flow in topology.flows_from.get(current, ()):
            if flow.target == target:
                return hops
            if flow.target in leading and flow.target not in crossed:
                current = flow.target
                hops.append(current)
                crossed.add(current)
                break
        else:  # no way on from here: the hops found so far
            return hops


def through(topology: Topology, source: str, target: str) -> str:
    """' (through the firewall Firewall 2)' when firewall hops lie between, else ''."""
    hops = hops_between(topology, source, target)
    if not hops:
        return ""
    return f" (through the {'firewall' if len(hops) == 1 else 'firewalls'} {names(topology, hops)})"
