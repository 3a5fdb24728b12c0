"""What the clients can do (serve, read, write) and which single failures stop it.

Failing each unit in turn and searching the whole graph again costs units x links: too
slow for large designs. Instead, per capability, a graph runs from a source (linked to
every client) to a sink (linked from every way the capability is fulfilled), and:

1. the components on every way from the source to the sink (the sink's dominators) are
   on any one way too: one search finds a shortest way, one more pass over the graph
   tells which of its nodes no way leaves the path before and comes back after
   (``sink_dominators``), so each component whose loss alone cuts the source from the sink;
2. a failure unit (a server with all it hosts) cuts them when it has a component on
   *every* path, so it has one on any single path: only the units along one shortest
   path are candidates. A unit holding a dominator is a cut; the others are checked
   together, by one search without all of them (a way found clears them all), split in
   two when there is none. A design takes a search per capability, and a few more per
   unit that is a cut without holding a dominator.

Every step is linear in the design (50,000 components: about a second, the availability
figures included; bench/check_scaling.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from itertools import chain

from archdoc.model.kinds import Kind
from archdoc.model.topology import Flow, Topology

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
    databases = frozenset(topology.of_kind(Kind.DATABASE))
    for flow in topology.flows:
        if flow.target not in databases:
            continue
        if capability is Capability.READ and flow.link.access in READ_ACCESS:
            goals.append((flow.source, flow.target))
        elif capability is Capability.WRITE and flow.link.access in WRITE_ACCESS:
            into_cluster = topology.is_database_cluster(flow.link.target)
            if into_cluster or not topology.is_replica(flow.target):
                goals.append((flow.source, flow.target))
    return goals


def written_primaries(topology: Topology, starts: Iterable[str]) -> dict[str, frozenset[str]]:
    """For each start, and each component a start leads to: the primary databases written on
    the way of a request that enters it (by it, or by anything its links lead to).

    One pass over what the starts reach, however many starts share it: the components of
    one loop of links write the same, so they are found together (Tarjan's strongly
    connected components, without recursion) and each takes what the loops after it write."""
    flows_from = topology.flows_from
    primaries = frozenset(d for d in topology.of_kind(Kind.DATABASE) if not topology.is_replica(d))

    def direct(component: str) -> set[str]:
        return {flow.target for flow in flows_from.get(component, ())
                if flow.target in primaries and flow.link.access in WRITE_ACCESS}

    written: dict[str, frozenset[str]] = {}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    open_stack: list[str] = []
    on_stack: set[str] = set()
    for start in starts:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        open_stack.append(start)
        on_stack.add(start)
        work = [(start, iter(flows_from.get(start, ())))]
        while work:
            node, pending = work[-1]
            for flow in pending:
                after = flow.target
                if after not in index:
                    index[after] = low[after] = len(index)
                    open_stack.append(after)
                    on_stack.add(after)
                    work.append((after, iter(flows_from.get(after, ()))))
                    break
                if after in on_stack and index[after] < low[node]:
                    low[node] = index[after]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = open_stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    written.update(dict.fromkeys(members, _loop_writes(members, direct, flows_from, written)))
    return written


def _loop_writes(members: list[str], direct: Callable[[str], set[str]], flows_from: Mapping[str, tuple[Flow, ...]],
                 written: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """What one loop of links writes: its members themselves, and the loops after it (each
    already known). When that is one loop's set and nothing more, it is shared, not copied."""
    own: set[str] = set()
    after: dict[int, frozenset[str]] = {}
    for member in members:
        own |= direct(member)
        for flow in flows_from.get(member, ()):
            later = written.get(flow.target)
            if later is not None:
                after[id(later)] = later
    if not own and len(after) == 1:
        return next(iter(after.values()))
    return frozenset(own.union(*after.values()))


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
    written = written_primaries(topology, (b for backends in spreaders for b in backends))
    spec_order = {d: i for i, d in enumerate(topology.of_kind(Kind.DATABASE))}
    copies_of: dict[frozenset[str], frozenset[str]] = {}  # what a backend writes -> the copies of the data
    found: dict[tuple[str, ...], None] = {}
    for backends in spreaders:
        sets = {written[b] for b in backends if written[b]}
        copies = set()
        for dbs in sets:
            if dbs not in copies_of:
                copies_of[dbs] = frozenset(copy_of(d) for d in dbs)
            copies.add(copies_of[dbs])
        if len(copies) < 2 or len(frozenset().union(*copies)) < 2:
            continue
        found.setdefault(tuple(sorted(frozenset().union(*sets), key=spec_order.__getitem__)))
    return tuple(found)


Node = Hashable  # a component id, or one of the markers below
SOURCE = ("source",)
SINK = ("sink",)


@dataclass(frozen=True)
class Stops:
    """What stops one capability: the components, and the failure units, whose loss alone does."""

    components: frozenset[str]
    units: frozenset[str]


class GraphBase:
    """What the graphs of every capability share: the components numbered in spec order,
    the successors of each along the flows, and each one's failure unit.

    Searches walk numbers rather than ids: a list indexed by number, and numbers made in
    one go, keep a search's steps close together in memory (three times as fast on large
    designs as dicts of ids scattered over the heap)."""

    def __init__(self, topology: Topology) -> None:
        self.nodes: list[str] = list(topology.components)
        self.index: dict[Node, int] = {node: i for i, node in enumerate(self.nodes)}
        index = self.index
        self.successors: list[list[int]] = [[] for _ in self.nodes]
        self.predecessors: list[list[int]] = [[] for _ in self.nodes]
        for flow in topology.flows:
            source, target = index[flow.source], index[flow.target]
            self.successors[source].append(target)
            self.predecessors[target].append(source)
        self.leaving = len(topology.flows_from)  # components with a flow out
        units_of = topology.units_of
        self.unit: list[str | None] = [units_of[node] for node in topology.components]
        self.nodes_of_unit: dict[str, list[int]] = {}
        for i, unit in enumerate(self.unit):
            if unit is not None:
                self.nodes_of_unit.setdefault(unit, []).append(i)


class FlowGraph:
    """The graph of one capability: source -> clients -> ... -> goal arrivals -> sink.

    A goal reached over a flow (read, write) arrives at a node of its own, which stands
    for the target component but is entered only from the flows that count. Nodes are
    numbered: the components first (shared with the other capabilities' graphs), then the
    source, the sink and the arrivals.
    """

    def __init__(self, topology: Topology, goals: list[Goal], base: GraphBase | None = None) -> None:
        self.topology = topology
        base = base or GraphBase(topology)
        self.nodes: list[Node] = list(base.nodes)
        self.index = dict(base.index)
        self.unit = list(base.unit)
        self.nodes_of_unit = dict(base.nodes_of_unit)
        successors = self.successors = list(base.successors)
        self.source, self.sink = self._add(SOURCE, None), self._add(SINK, None)
        successors[self.source] = [base.index[client] for client in topology.clients]
        self.component: dict[Node, str] = {}
        extended: set[int] = set()  # nodes whose list of successors is this graph's own

        def lead(node: int, to: int) -> None:
            if node not in extended:  # the base's list is shared by every capability: copied first
                extended.add(node)
                successors[node] = list(successors[node])
            successors[node].append(to)

        self.goal_nodes: dict[int, None] = {}  # the nodes that lead to the sink, in order
        for via, target in goals:
            if via is None:
                lead(self.index[target], self.sink)
                self.goal_nodes[self.index[target]] = None
                continue
            arrival = ("arrival", target)
            if arrival not in self.index:
                self.component[arrival] = target
                unit = base.unit[base.index[target]]
                number = self._add(arrival, unit)
                successors[number] = [self.sink]
                self.goal_nodes[number] = None
                if unit is not None:
                    self.nodes_of_unit[unit] = [*self.nodes_of_unit[unit], number]
            lead(self.index[via], self.index[arrival])
        # Nodes with a way out, and their links: what one search may have to look at.
        leaving = base.leaving + len({n for n in extended if not base.successors[n]}) + 1 + len(self.component)
        self.size = leaving + len(topology.clients) + len(topology.flows) + len(goals) + len(self.component)
        self._found: dict[frozenset[str], list[Node] | None] = {}

    def _add(self, node: Node, unit: str | None) -> int:
        number = len(self.nodes)
        self.nodes.append(node)
        self.index[node] = number
        self.unit.append(unit)
        self.successors.append([])
        return number

    def component_of(self, node: Node) -> str | None:
        if isinstance(node, str):
            return node
        return self.component.get(node)

    def unit_of(self, node: Node) -> str | None:
        return self.unit[self.index[node]]

    def units(self, path: list[Node]) -> list[str]:
        """The failure units along a path, in its order."""
        return [u for u in map(self.unit_of, path) if u is not None]

    def entered_from_clients(self) -> set[str | None]:
        """The units of what the clients link to (None for what is in no unit)."""
        return {self.unit[n] for c in self.topology.clients for n in self.successors[self.index[c]]}

    def goal_units(self) -> set[str | None]:
        """The units of the nodes that fulfil the capability (None for what is in no unit)."""
        return {self.unit[n] for n in self.goal_nodes}

    def reaches_sink(self, without_units: Collection[str] = ()) -> list[Node] | None:
        """A shortest source-to-sink path avoiding these units' components, or None.

        A breadth-first search, one level at a time: a level's successors are gathered in
        order of discovery by ``dict.fromkeys`` over their lists, not one by one, and the path
        is read back from the levels: each node's parent is the first node of the level
        before that leads to it, as a search going node by node would have found it. The
        same question (avoiding the same units) is answered once."""
        key = frozenset(without_units)
        if key not in self._found:
            self._found[key] = self._search(key)
        return self._found[key]

    def _search(self, without_units: frozenset[str]) -> list[Node] | None:
        nodes_of_unit = self.nodes_of_unit
        seen = set(chain.from_iterable(nodes_of_unit.get(unit, ()) for unit in without_units))
        seen.add(self.source)
        successors, sink = self.successors, self.sink
        levels = [[self.source]]
        while levels[-1]:
            reached = dict.fromkeys(chain.from_iterable(map(successors.__getitem__, levels[-1])))
            for node in reached.keys() & seen:
                del reached[node]
            if sink in reached:
                return [self.nodes[n] for n in self._path_back(levels)]
            seen.update(reached)
            levels.append(list(reached))
        return None

    def _path_back(self, levels: list[list[int]]) -> list[int]:
        """The path to the sink found at the level after these, from each node's first parent."""
        node = self.sink
        path = [node]
        for level in reversed(levels):
            node = next(parent for parent in level if node in self.successors[parent])
            path.append(node)
        return path[::-1]


def sink_dominators(successors: Sequence[Iterable[int]], path: list[int]) -> list[int]:
    """The nodes on every way from the first node of ``path`` to its last, both ends aside,
    in linear time: they are on this way too, and a node of it is on every way unless a
    way leaves the path before it and comes back after it.

    The path's nodes are taken in order; from each, the nodes off the path it leads to are
    searched once (each is searched once in all), noting the furthest node of the path
    they come back to. A node that nothing before it leads past is on every way."""
    on_path = {node: i for i, node in enumerate(path)}
    seen = set(on_path)
    furthest = 0
    found = []
    for i, start in enumerate(path[:-1]):
        if 0 < i and furthest <= i:
            found.append(start)
        stack = [start]
        while stack:
            for after in successors[stack.pop()]:
                j = on_path.get(after)
                if j is None:
                    if after not in seen:
                        seen.add(after)
                        stack.append(after)
                elif j > furthest:
                    furthest = j
    return found


def capability_stops(graph: FlowGraph) -> Stops | None:
    """What stops a capability; None when the design does not have it at all."""
    topology = graph.topology
    path = graph.reaches_sink()
    if path is None:
        return None
    dominators = [graph.nodes[n] for n in sink_dominators(graph.successors, [graph.index[n] for n in path])]
    components = frozenset(c for c in map(graph.component_of, dominators) if c and c not in topology.clients)
    units = {u for u in map(graph.unit_of, dominators) if u is not None}
    candidates = [u for u in dict.fromkeys(map(graph.unit_of, path)) if u is not None and u not in units]
    return Stops(components, frozenset(units.union(_cuts(graph, candidates))))


def _cuts(graph: FlowGraph, candidates: list[str]) -> list[str]:
    """The candidate units whose loss alone cuts every way. A search without a group of them
    that still finds a way clears the whole group at once; one that finds none splits it in
    two: designs without such cuts take one search, each cut a few more."""
    if not candidates or graph.reaches_sink(candidates) is not None:
        return []
    if len(candidates) == 1:
        return candidates
    half = len(candidates) // 2
    return _cuts(graph, candidates[:half]) + _cuts(graph, candidates[half:])


@dataclass(frozen=True)
class FailureAnalysis:
    """Capabilities of a design and the single failures that stop each one."""

    topology: Topology

    @cached_property
    def goals(self) -> dict[Capability, list[Goal]]:
        return {capability: capability_goals(self.topology, capability) for capability in Capability}

    @cached_property
    def base(self) -> GraphBase:
        return GraphBase(self.topology)

    @cached_property
    def graphs(self) -> dict[Capability, FlowGraph]:
        return {c: FlowGraph(self.topology, goals, self.base) for c, goals in self.goals.items()}

    @cached_property
    def split_data(self) -> tuple[tuple[str, ...], ...]:
        """``split_data`` of the design, worked out once."""
        return split_data(self.topology)

    @cached_property
    def split_databases(self) -> frozenset[str]:
        """The databases holding a split copy of the data."""
        return frozenset(d for databases in self.split_data for d in databases)

    @cached_property
    def stops(self) -> dict[Capability, Stops | None]:
        stops = {c: capability_stops(graph) for c, graph in self.graphs.items()}
        # A database holding a split copy of the data is no stand-in for another: losing any
        # of them loses reads and writes of the data it alone holds.
        split = self.split_databases
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
        reachable = self.topology.reachable
        for capability, goals in self.goals.items():
            starts = {via if via is not None else target for via, target in goals}
            backwards = self._reach_backwards(starts)
            targets = {target for via, target in goals if via in reachable}
            result[capability] = frozenset((backwards & reachable) | targets)
        return result

    @cached_property
    def units_on_the_way(self) -> dict[Capability, tuple[str, ...]]:
        """Per capability: the failure units with a component on the way to it, in spec order."""
        units_of = self.topology.units_of
        result = {}
        for capability, components in self.on_the_way.items():
            units = {units_of[c] for c in components}
            result[capability] = tuple(u for u in self.topology.failure_units if u in units)
        return result

    def _reach_backwards(self, starts: set[str]) -> set[str]:
        """What leads to these components along flows (them included), a level at a time."""
        base = self.base
        seen = {base.index[start] for start in starts}
        level = list(seen)
        while level:
            level = [n for n in set(chain.from_iterable(map(base.predecessors.__getitem__, level))) if n not in seen]
            seen.update(level)
        return {base.nodes[n] for n in seen}
