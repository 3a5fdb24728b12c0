"""What the clients can do (serve, read, write) and which single failures stop it.

Failing each unit in turn and searching the graph again costs units x links, which is
too slow for large designs. Instead one dataflow pass finds, for every component, the
set of failure units that *every* path from the clients to it crosses:

    crossed(client) = {}
    crossed(v)      = unit(v) | intersection of crossed(p) over the components p linking to v

solved by a worklist to its greatest fixpoint (cycles included). A unit stops a
capability exactly when every way to reach that capability's goals crosses it. The
same pass with each component as its own "unit" names the components that cause it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from archdoc.model.topology import Topology

READ_ACCESS = ("read", "readwrite")
WRITE_ACCESS = ("write", "readwrite")


class Capability(str, Enum):
    SERVE = "serve"
    READ = "read"
    WRITE = "write"


# A goal is reached by arriving at `target`, over a flow from `via` when `via` is given.
Goal = tuple[str | None, str]


def capability_goals(topology: Topology, capability: Capability) -> list[Goal]:
    """Where each capability is fulfilled, as FORMAT.md defines them.

    serve: an app_server is reached (a web_server, when the design has no app server);
    read: a database is reached over a link with access read or readwrite;
    write: a primary database is reached over a link with access write or readwrite,
    or any member of a database cluster (an active_passive cluster promotes its standby).
    """
    if capability is Capability.SERVE:
        kind = "app_server" if topology.of_kind("app_server") else "web_server"
        return [(None, component) for component in topology.of_kind(kind)]
    goals: list[Goal] = []
    for flow in topology.flows:
        if topology.kind(flow.target) != "database":
            continue
        if capability is Capability.READ and flow.link.access in READ_ACCESS:
            goals.append((flow.source, flow.target))
        elif capability is Capability.WRITE and flow.link.access in WRITE_ACCESS:
            into_cluster = topology.is_database_cluster(flow.link.target)
            if into_cluster or not topology.is_replica(flow.target):
                goals.append((flow.source, flow.target))
    return goals


def units_crossed(topology: Topology, unit_of: Callable[[str], str | None]) -> dict[str, frozenset[str]]:
    """For each component clients reach: the units that every path to it crosses."""
    crossed: dict[str, frozenset[str]] = {client: frozenset() for client in topology.clients}
    pending = deque(c for c in topology.reachable if c not in crossed)
    queued = set(pending)
    while pending:
        current = pending.popleft()
        queued.discard(current)
        known = [crossed[f.source] for f in topology.flows_into.get(current, ()) if f.source in crossed]
        if not known:
            continue  # reached later, once a predecessor is known
        unit = unit_of(current)
        value = frozenset.intersection(*known)
        if unit is not None:
            value = value | {unit}
        if crossed.get(current) == value:
            continue
        crossed[current] = value
        for flow in topology.flows_from.get(current, ()):
            if flow.target not in queued and flow.target not in topology.clients:
                pending.append(flow.target)
                queued.add(flow.target)
    return crossed


def _stopping(topology: Topology, goals: list[Goal], crossed: Mapping[str, frozenset[str]],
              unit_of: Callable[[str], str | None]) -> frozenset[str] | None:
    """The units whose failure stops every goal; None when no goal is reached at all."""
    ways: list[frozenset[str]] = []
    for via, target in goals:
        arrival = via if via is not None else target
        if arrival not in crossed:
            continue
        way = crossed[arrival]
        unit = unit_of(target)
        if via is not None and unit is not None:
            way = way | {unit}
        ways.append(way)
    return frozenset.intersection(*ways) if ways else None


@dataclass(frozen=True)
class FailureAnalysis:
    """Capabilities of a design and the single failures that stop each one."""

    topology: Topology

    @cached_property
    def goals(self) -> dict[Capability, list[Goal]]:
        return {capability: capability_goals(self.topology, capability) for capability in Capability}

    @cached_property
    def _unit_stops(self) -> dict[Capability, frozenset[str] | None]:
        unit_of = self.topology.failure_unit
        crossed = units_crossed(self.topology, unit_of)
        return {c: _stopping(self.topology, g, crossed, unit_of) for c, g in self.goals.items()}

    @cached_property
    def _component_stops(self) -> dict[Capability, frozenset[str] | None]:
        def itself(component: str) -> str | None:
            return component if self.topology.failure_unit(component) is not None else None

        crossed = units_crossed(self.topology, itself)
        return {c: _stopping(self.topology, g, crossed, itself) for c, g in self.goals.items()}

    @cached_property
    def capabilities(self) -> tuple[Capability, ...]:
        """What the design can do with everything up."""
        return tuple(c for c, stops in self._unit_stops.items() if stops is not None)

    def lost_if_failed(self, unit: str) -> tuple[Capability, ...]:
        """The capabilities that the failure of this unit alone stops."""
        return tuple(c for c in self.capabilities if unit in (self._unit_stops[c] or ()))

    def causes(self, unit: str, capability: Capability) -> tuple[str, ...]:
        """The components on a unit through which its failure stops a capability: those
        whose own failure stops it, or, when only their loss together does, all of the
        unit's components that lie on a way to the capability."""
        on_unit = self.topology.on_unit(unit)
        alone = self._component_stops[capability] or frozenset()
        single = tuple(c for c in on_unit if c in alone)
        if single:
            return single
        return tuple(c for c in on_unit if c in self._on_the_way[capability])

    @cached_property
    def _on_the_way(self) -> dict[Capability, frozenset[str]]:
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
