"""What the clients can do (serve, read, write) and which single failures stop it.

Failing each unit in turn and searching the whole graph again costs units x links: too
slow for large designs. Instead, per capability, a graph runs from a source (linked to
every client) to a sink (linked from every way the capability is fulfilled), and:

1. the dominator tree of that graph (Cooper, Harvey and Kennedy's iterative algorithm)
   gives every component whose loss alone cuts the source from the sink;
2. a failure unit (a server with all it hosts) cuts them when it has a component on
   *every* path, so it has one on any single path: only the units along one shortest
   path are candidates. A unit holding a dominator is a cut; each other candidate is
   checked by one search without it. Web designs are shallow, so that is a handful of
   searches, and a long chain has dominators everywhere and needs none.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from archdoc.model.kinds import Kind
from archdoc.model.topology import Topology

READ_ACCESS = ("read", "readwrite")
WRITE_ACCESS = ("write", "readwrite")


class Capability(str, Enum):
    SERVE = "serve"
    READ = "read"
    WRITE = "write"

    @property
    def action(self) -> str:
        """What the clients do with it, for sentences: "serve requests", "read data"..."""
        return {"serve": "serve requests", "read": "read data", "write": "write data"}[self.value]

    @property
    def doing(self) -> str:
        """The same as a doing: "serving requests", "reading data"..."""
        return {"serve": "serving requests", "read": "reading data", "write": "writing data"}[self.value]


# A goal is reached by arriving at `target`, over a flow from `via` when `via` is given.
Goal = tuple[str | None, str]


def capability_goals(topology: Topology, capability: Capability) -> list[Goal]:
    """Where each capability is fulfilled, as docs/format.md defines them.

    serve: an app_server is reached (a web_server, when the design has no app server);
    read: a database is reached over a link with access read or readwrite;
    write: a primary database is reached over a link with access write or readwrite,
    or any member of a database cluster (an active_passive cluster promotes its standby).
    """
    if capability is Capability.SERVE:
        kind = Kind.APP_SERVER if topology.of_kind(Kind.APP_SERVER) else Kind.WEB_SERVER
        return [(None, component) for component in topology.of_kind(kind)]
    goals: list[Goal] = []
    for flow in topology.flows:
        if topology.kind(flow.target) != Kind.DATABASE:
            continue
        if capability is Capability.READ and flow.link.access in READ_ACCESS:
            goals.append((flow.source, flow.target))
        elif capability is Capability.WRITE and flow.link.access in WRITE_ACCESS:
            into_cluster = topology.is_database_cluster(flow.link.target)
            if into_cluster or not topology.is_replica(flow.target):
                goals.append((flow.source, flow.target))
    return goals


def _written_primaries(topology: Topology, start: str) -> frozenset[str]:
    """The primary databases written on the way of a request that enters ``start``."""
    written = set()
    for component in topology.reach([start]):
        for flow in topology.flows_from.get(component, ()):
            if (flow.link.access in WRITE_ACCESS and topology.kind(flow.target) == Kind.DATABASE
                    and not topology.is_replica(flow.target)):
                written.add(flow.target)
    return frozenset(written)


def split_data(topology: Topology) -> tuple[tuple[str, ...], ...]:
    """Sets of primary databases that hold copies of the data drifting apart: what one load
    balancer (or one active-active cluster) spreads requests over writes to different
    primaries that are neither in one cluster nor linked by replication (docs/rules.md,
    ``split-data``). Each set in spec order; members of one cluster count as one copy."""

    def copy_of(db: str) -> str:
        clusters = topology.clusters_of.get(db, ())
        return clusters[0] if clusters else db

    spreaders: list[tuple[str, ...]] = [topology.backends(lb) for lb in topology.of_kind(Kind.LOAD_BALANCER)]
    for cluster_id in topology.of_kind(Kind.CLUSTER):
        cluster = topology.components[cluster_id]
        if getattr(cluster, "mode", None) == "active_active" and not topology.is_database_cluster(cluster_id):
            spreaders.append(topology.members(cluster_id))
    found: list[tuple[str, ...]] = []
    for backends in spreaders:
        written = {b: _written_primaries(topology, b) for b in backends}
        copies = {b: frozenset(copy_of(d) for d in dbs) for b, dbs in written.items() if dbs}
        if len(set(copies.values())) < 2 or len(frozenset().union(*copies.values())) < 2:
            continue
        databases = tuple(d for d in topology.of_kind(Kind.DATABASE) if any(d in dbs for dbs in written.values()))
        if databases not in found:
            found.append(databases)
    return tuple(found)


Node = Hashable  # a component id, or one of the markers below
SOURCE = ("source",)
SINK = ("sink",)


@dataclass(frozen=True)
class Stops:
    """What stops one capability: the components, and the failure units, whose loss alone does."""

    components: frozenset[str]
    units: frozenset[str]


class FlowGraph:
    """The graph of one capability: source -> clients -> ... -> goal arrivals -> sink.

    A goal reached over a flow (read, write) arrives at a node of its own, which stands
    for the target component but is entered only from the flows that count.
    """

    def __init__(self, topology: Topology, goals: list[Goal]) -> None:
        self.topology = topology
        self.successors: dict[Node, list[Node]] = {SOURCE: list(topology.clients)}
        self.component: dict[Node, str] = {}
        for flow in topology.flows:
            self.successors.setdefault(flow.source, []).append(flow.target)
        for via, target in goals:
            if via is None:
                self.successors.setdefault(target, []).append(SINK)
            else:
                arrival = ("arrival", target)
                self.successors.setdefault(via, []).append(arrival)
                self.successors[arrival] = [SINK]
                self.component[arrival] = target

    def component_of(self, node: Node) -> str | None:
        if isinstance(node, str):
            return node
        return self.component.get(node)

    @cached_property
    def unit(self) -> dict[Node, str | None]:
        """Each node's failure unit (None for the source, the sink and clients), looked up
        once for all the searches."""
        nodes = set(self.successors).union(*self.successors.values())
        clients = set(self.topology.clients)
        unit: dict[Node, str | None] = {}
        for node in nodes:
            component = self.component_of(node)
            unit[node] = None if component is None or component in clients else self.topology.failure_unit(component)
        return unit

    @cached_property
    def nodes_of_unit(self) -> dict[str, list[Node]]:
        nodes: dict[str, list[Node]] = {}
        for node, unit in self.unit.items():
            if unit is not None:
                nodes.setdefault(unit, []).append(node)
        return nodes

    def unit_of(self, node: Node) -> str | None:
        return self.unit.get(node)

    @cached_property
    def size(self) -> int:
        """Nodes and links: what one search may have to look at."""
        return len(self.successors) + sum(map(len, self.successors.values()))

    def units(self, path: list[Node]) -> list[str]:
        """The failure units along a path, in its order."""
        return [u for u in map(self.unit.__getitem__, path) if u is not None]

    def reaches_sink(self, without_units: Collection[str] = ()) -> list[Node] | None:
        """A shortest source-to-sink path avoiding these units' components, or None.

        The avoided units' nodes are marked seen before the search starts, so that each
        step of it costs two lookups: searches are linear in the graph with a small constant."""
        nodes_of_unit = self.nodes_of_unit
        seen: set[Node] = {SOURCE}
        for unit in without_units:
            seen.update(nodes_of_unit.get(unit, ()))
        parent: dict[Node, Node] = {}
        successors = self.successors
        queue: deque[Node] = deque([SOURCE])
        while queue:
            node = queue.popleft()
            for successor in successors.get(node, ()):
                if successor not in seen:
                    seen.add(successor)
                    parent[successor] = node
                    if successor == SINK:
                        return _path_to(successor, parent)
                    queue.append(successor)
        return None


def _path_to(node: Node, parent: Mapping[Node, Node]) -> list[Node]:
    """The path from the search's start to ``node``, from the parent of each step."""
    path = [node]
    while node in parent:
        node = parent[node]
        path.append(node)
    return path[::-1]


def immediate_dominators(successors: Mapping[Node, Iterable[Node]], root: Node) -> dict[Node, Node]:
    """Cooper, Harvey and Kennedy's "A Simple, Fast Dominance Algorithm", iteratively."""
    postorder: list[Node] = []
    seen = {root}
    stack = [(root, iter(successors.get(root, ())))]
    while stack:
        node, pending = stack[-1]
        for successor in pending:
            if successor not in seen:
                seen.add(successor)
                stack.append((successor, iter(successors.get(successor, ()))))
                break
        else:
            stack.pop()
            postorder.append(node)
    rank = {node: i for i, node in enumerate(postorder)}  # the root ranks highest
    predecessors: dict[Node, list[Node]] = {node: [] for node in postorder}
    for node in postorder:
        for successor in successors.get(node, ()):
            predecessors[successor].append(node)

    idom: dict[Node, Node] = {root: root}

    def common(a: Node, b: Node) -> Node:
        while a != b:
            while rank[a] < rank[b]:
                a = idom[a]
            while rank[b] < rank[a]:
                b = idom[b]
        return a

    changed = True
    while changed:
        changed = False
        for node in reversed(postorder):
            if node == root:
                continue
            new: Node | None = None
            for predecessor in predecessors[node]:
                if predecessor in idom:
                    new = predecessor if new is None else common(predecessor, new)
            if new is not None and idom.get(node) != new:
                idom[node] = new
                changed = True
    return idom


def capability_stops(graph: FlowGraph) -> Stops | None:
    """What stops a capability; None when the design does not have it at all."""
    topology = graph.topology
    path = graph.reaches_sink()
    if path is None:
        return None
    idom = immediate_dominators(graph.successors, SOURCE)
    dominators, node = [], idom[SINK]
    while node != SOURCE:
        dominators.append(node)
        node = idom[node]
    components = frozenset(c for c in map(graph.component_of, dominators) if c and c not in topology.clients)
    units = {u for u in map(graph.unit_of, dominators) if u is not None}
    for candidate in dict.fromkeys(graph.unit_of(node) for node in path):
        if candidate is not None and candidate not in units and graph.reaches_sink({candidate}) is None:
            units.add(candidate)
    return Stops(components, frozenset(units))


@dataclass(frozen=True)
class FailureAnalysis:
    """Capabilities of a design and the single failures that stop each one."""

    topology: Topology

    @cached_property
    def goals(self) -> dict[Capability, list[Goal]]:
        return {capability: capability_goals(self.topology, capability) for capability in Capability}

    @cached_property
    def graphs(self) -> dict[Capability, FlowGraph]:
        return {c: FlowGraph(self.topology, goals) for c, goals in self.goals.items()}

    @cached_property
    def stops(self) -> dict[Capability, Stops | None]:
        stops = {c: capability_stops(graph) for c, graph in self.graphs.items()}
        # A database holding a split copy of the data is no stand-in for another: losing any
        # of them loses reads and writes of the data it alone holds.
        split = {d for databases in split_data(self.topology) for d in databases}
        for capability in (Capability.READ, Capability.WRITE):
            found = stops[capability]
            goals = {target for _, target in self.goals[capability]} & split
            if found is not None and goals:
                units = {u for d in goals if (u := self.topology.failure_unit(d)) is not None}
                stops[capability] = Stops(found.components | goals, found.units | units)
        return stops

    @cached_property
    def capabilities(self) -> tuple[Capability, ...]:
        """What the design can do with everything up."""
        return tuple(c for c, stops in self.stops.items() if stops is not None)

    def scenarios(self) -> list[tuple[str, tuple[Capability, ...]]]:
        """For every failure unit, the capabilities its failure alone takes away."""
        return [(unit, self.lost_if_failed(unit)) for unit in self.topology.failure_units]

    def lost_if_failed(self, unit: str) -> tuple[Capability, ...]:
        """The capabilities that the failure of this unit alone stops."""
        return tuple(c for c in self.capabilities if unit in self._stops_of(c).units)

    def _stops_of(self, capability: Capability) -> Stops:
        """What stops a capability the design has (``capabilities`` lists those)."""
        stops = self.stops[capability]
        assert stops is not None, f"the design cannot {capability.action} at all"
        return stops

    def causes(self, unit: str, capability: Capability) -> tuple[str, ...]:
        """The components on a unit through which its failure stops a capability: those
        whose own failure stops it, or, when only their loss together does, all of the
        unit's components that lie on a way to the capability."""
        on_unit = self.topology.on_unit(unit)
        stops = self.stops[capability]
        single = tuple(c for c in on_unit if stops is not None and c in stops.components)
        if single:
            return single
        return tuple(c for c in on_unit if c in self.on_the_way[capability])

    @cached_property
    def on_the_way(self) -> dict[Capability, frozenset[str]]:
        """Per capability: the components on some path from the clients to a goal."""
        result = {}
        for capability, goals in self.goals.items():
            starts = {via if via is not None else target for via, target in goals}
            backwards = _reach_backwards(self.topology, starts)
            targets = {target for via, target in goals if via in self.topology.reachable}
            result[capability] = frozenset((backwards & self.topology.reachable) | targets)
        return result


def _reach_backwards(topology: Topology, starts: set[str]) -> set[str]:
    seen, queue = set(starts), deque(starts)
    while queue:
        for flow in topology.flows_into.get(queue.popleft(), ()):
            if flow.source not in seen:
                seen.add(flow.source)
                queue.append(flow.source)
    return seen
