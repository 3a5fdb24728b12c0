"""The topology: a validated spec as a frozen graph, with the queries rules ask of it.

Terms follow docs/format.md. A *link* is one (from, to) pair as the spec wrote it, where either
end may be a cluster. A *flow* is a link at member level: a link to or from a cluster
becomes one flow per member. Queries are computed once, on first use.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from archdoc.errors import InputProblem
from archdoc.model.components import Access, Certificate, Cluster, Component, Database, Firewall, Monitoring
from archdoc.model.kinds import Kind

ENCRYPTED_PROTOCOLS = frozenset({"https", "tls"})


class Link(NamedTuple):
    """One directed flow of requests between two ids (components or clusters).

    Links and flows are named tuples, not frozen dataclasses: as immutable, and made four
    times as fast (a large design has hundreds of thousands)."""

    source: str
    target: str
    protocol: str
    port: int | None = None
    access: Access | None = None  # set on links into databases (default readwrite), else None
    backup: bool = False
    encrypted: bool = False
    label: str | None = None
    entry: int = 0  # the index of the spec's `links` entry this pair came from


class Flow(NamedTuple):
    """A link at member level: both ends are components, never clusters."""

    source: str
    target: str
    link: Link


@dataclass(frozen=True)
class Accepted:
    """A finding a team has accepted (the spec's ``accepted:``), until a day or for good."""

    rule: str
    component: str
    reason: str
    until: date | None = None
    position: tuple[int, int] = (1, 1)  # where the entry stands in the spec

    def in_force(self, today: date) -> bool:
        return self.until is None or today <= self.until


@dataclass(frozen=True)
class DnsRecord:
    name: str
    type: str
    to: str
    component: str | None = None  # set when `to` names a component or cluster

    def fqdn(self, domain: str | None) -> str:
        if not domain or self.name in ("", "@"):
            return domain or self.name
        return f"{self.name}.{domain}"


@dataclass(frozen=True)
class Topology:
    """A design, validated: its components, links and DNS records, and graph queries."""

    title: str
    components: Mapping[str, Component]
    links: tuple[Link, ...] = ()
    description: str | None = None
    domain: str | None = None
    dns: tuple[DnsRecord, ...] = ()
    file: str = "<spec>"
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # component id -> line, column
    accepted: tuple[Accepted, ...] = ()
    warnings: tuple[InputProblem, ...] = ()  # what is legal but likely a mistake (two components with one label)

    # --- components -----------------------------------------------------------------
    def kind(self, component_id: str) -> Kind:
        return self.kinds[component_id]

    @cached_property
    def kinds(self) -> Mapping[str, Kind]:
        """Component id -> its kind (asked of every component many times over: one lookup)."""
        return {component_id: component.kind for component_id, component in self.components.items()}

    def label(self, component_id: str) -> str:
        return self.components[component_id].label or component_id

    @cached_property
    def _label_counts(self) -> Mapping[str, int]:
        counts: dict[str, int] = {}
        for component_id in self.components:
            key = self.label(component_id).casefold()
            counts[key] = counts.get(key, 0) + 1
        return counts

    def label_is_unique(self, component_id: str) -> bool:
        """Whether no other component shows the same label (case aside): where it is not,
        sentences and drawings name the component by label and id."""
        return self._label_counts[self.label(component_id).casefold()] == 1

    def of_kind(self, *kinds: Kind) -> tuple[str, ...]:
        """The components of these kinds, in spec order (each question answered once: rules
        and drawings ask the same ones many times)."""
        found = self._of_kind.get(kinds)
        if found is None:
            if len(kinds) == 1:
                found = tuple(self._by_kind.get(kinds[0], ()))
            else:  # a walk over every component, in spec order
                found = tuple(i for i, kind in self.kinds.items() if kind in kinds)
            self._of_kind[kinds] = found
        return found

    @cached_property
    def _of_kind(self) -> dict[tuple[Kind, ...], tuple[str, ...]]:
        return {}

    @cached_property
    def _by_kind(self) -> Mapping[Kind, list[str]]:
        """Kind -> its components in spec order: one walk over the components answers
        every kind asked alone (at 50,000 components, a walk per kind took a tenth of a second)."""
        by_kind: dict[Kind, list[str]] = {}
        for component_id, kind in self.kinds.items():
            by_kind.setdefault(kind, []).append(component_id)
        return by_kind

    def host_of(self, component_id: str) -> str | None:
        return self._hosts.get(component_id)

    @cached_property
    def _hosts(self) -> Mapping[str, str]:
        """Component id -> its host, for those that have one (asked once of each component:
        pydantic answers slowly for a field a model lacks)."""
        hosts = {}
        for component_id, component in self.components.items():
            host = component.__dict__.get("host")
            if host is not None:
                hosts[component_id] = host
        return hosts

    @cached_property
    def hosted_on(self) -> Mapping[str, tuple[str, ...]]:
        """Server id -> the components whose host it is, in spec order."""
        hosted: dict[str, list[str]] = {s: [] for s in self.of_kind(Kind.SERVER)}
        for component_id, host in self._hosts.items():
            hosted[host].append(component_id)
        return {server: tuple(ids) for server, ids in hosted.items()}

    @cached_property
    def clients(self) -> tuple[str, ...]:
        return self.of_kind(Kind.CLIENT)

    # --- clusters -------------------------------------------------------------------
    def members(self, component_id: str) -> tuple[str, ...]:
        """A cluster's members, active member first; any other id stands for itself."""
        component = self.components[component_id]
        return tuple(component.members) if isinstance(component, Cluster) else (component_id,)

    @cached_property
    def clusters_of(self) -> Mapping[str, tuple[str, ...]]:
        """Component id -> the clusters it is a member of."""
        clusters: dict[str, list[str]] = {}
        for cluster_id in self.of_kind(Kind.CLUSTER):
            for member in self.members(cluster_id):
                clusters.setdefault(member, []).append(cluster_id)
        return {member: tuple(ids) for member, ids in clusters.items()}

    # --- links and flows ------------------------------------------------------------
    @cached_property
    def flows(self) -> tuple[Flow, ...]:
        members = self._cluster_members
        flows = []
        for link in self.links:
            sources, targets = members.get(link.source), members.get(link.target)
            if sources is None and targets is None:  # most links: one flow, asked without a call per end
                flows.append(Flow(link.source, link.target, link))
            else:
                flows += [Flow(source, target, link) for source in sources or (link.source,)
                          for target in targets or (link.target,)]
        return tuple(flows)

    @cached_property
    def _cluster_members(self) -> Mapping[str, tuple[str, ...]]:
        return {cluster_id: self.members(cluster_id) for cluster_id in self.of_kind(Kind.CLUSTER)}

    @cached_property
    def flows_from(self) -> Mapping[str, tuple[Flow, ...]]:
        return _group(self.flows, lambda flow: flow.source)

    @cached_property
    def flows_into(self) -> Mapping[str, tuple[Flow, ...]]:
        return _group(self.flows, lambda flow: flow.target)

    @cached_property
    def linked(self) -> frozenset[str]:
        """Components that appear in a link, at either end (clusters expanded)."""
        return frozenset(f.source for f in self.flows) | frozenset(f.target for f in self.flows)

    @cached_property
    def client_flows(self) -> tuple[Flow, ...]:
        """What clients link to: flows from a client, a firewall on the way seen through.

        A firewall in links is a hop: a flow from a client into it counts as a flow into
        each component the firewall links to (through further firewalls too). Each result
        keeps the client's own link, whose protocol is what the users' traffic uses.
        """
        result: list[Flow] = []
        for client in self.clients:
            for first in self.flows_from.get(client, ()):
                for target in self.beyond_firewalls(first.target):
                    result.append(Flow(client, target, first.link))
        return tuple(dict.fromkeys(result))

    def backends(self, component_id: str) -> tuple[str, ...]:
        """What a load balancer spreads traffic over: the targets of its links, seen
        through firewalls, without the backup ones (they take traffic only in failover)."""
        targets = (
            target
            for flow in self.flows_from.get(component_id, ())
            if not flow.link.backup
            for target in self.beyond_firewalls(flow.target, skip_backup=True)
            if target != component_id  # a firewall in a loop of links leads back to it
        )
        return tuple(dict.fromkeys(targets))

    def beyond_firewalls(self, component_id: str, skip_backup: bool = False) -> list[str]:
        """What answers behind a firewall hop: the components its links lead to, through
        further firewalls too; any other component stands for itself. With ``skip_backup``,
        links marked backup past the firewall are not followed (a load balancer's backup
        written on the firewall's link)."""
        kinds = self.kinds  # asked of every flow by several rules: no call per question
        if kinds[component_id] != Kind.FIREWALL:
            return [component_id]
        seen, queue = {component_id}, deque([component_id])
        beyond: list[str] = []
        while queue:
            for flow in self.flows_from.get(queue.popleft(), ()):
                if flow.target in seen or (skip_backup and flow.link.backup):
                    continue
                seen.add(flow.target)
                (queue if kinds[flow.target] == Kind.FIREWALL else beyond).append(flow.target)
        return beyond

    # --- reachability ---------------------------------------------------------------
    def reach(self, starts: Iterable[str], failed: frozenset[str] = frozenset(),
              stop_at_kinds: tuple[Kind, ...] = ()) -> set[str]:
        """Components reachable from ``starts`` along flows, never entering a failed
        component, and not going past (but still reaching) components of ``stop_at_kinds``."""
        origins = {s for s in starts if s not in failed}
        seen, queue = set(origins), deque(origins)
        kinds = self.kinds
        while queue:
            current = queue.popleft()
            if stop_at_kinds and current not in origins and kinds[current] in stop_at_kinds:
                continue
            for flow in self.flows_from.get(current, ()):
                if flow.target not in seen and flow.target not in failed:
                    seen.add(flow.target)
                    queue.append(flow.target)
        return seen

    @cached_property
    def reachable(self) -> frozenset[str]:
        """Components a path of links leads to from a client (clients included)."""
        return frozenset(self.reach(self.clients))

    # --- failure units --------------------------------------------------------------
    def failure_unit(self, component_id: str) -> str | None:
        """The unit whose failure takes this component down: its host, or itself when it
        has no host and appears in a link. Clients and clusters belong to no unit."""
        return self.units_of[component_id]

    @cached_property
    def units_of(self) -> Mapping[str, str | None]:
        """Component id -> its failure unit (``failure_unit``), for every component."""
        hosts, linked = self._hosts, self.linked
        units: dict[str, str | None] = {}
        for component_id, kind in self.kinds.items():
            if kind == Kind.CLIENT or kind == Kind.CLUSTER:
                units[component_id] = None
            elif component_id in hosts:
                units[component_id] = hosts[component_id]
            else:
                units[component_id] = component_id if kind == Kind.SERVER or component_id in linked else None
        return units

    @cached_property
    def failure_units(self) -> tuple[str, ...]:
        """Every server, and every component with no host that appears in a link."""
        return tuple(i for i, unit in self.units_of.items() if unit == i)

    def on_unit(self, unit: str) -> tuple[str, ...]:
        """The components a unit's failure takes down."""
        if self.kind(unit) == Kind.SERVER:
            return (unit,) + self.hosted_on[unit]
        return (unit,)

    # --- protection, monitoring, certificates ---------------------------------------
    @cached_property
    def firewalled(self) -> frozenset[str]:
        """Units a firewall `protects` (or hosts, when it lists nothing)."""
        protected: set[str] = set()
        for firewall in self.components.values():
            if isinstance(firewall, Firewall):
                protected.update(firewall.protects or ([firewall.host] if firewall.host else []))
        return frozenset(protected)

    @cached_property
    def exposed(self) -> frozenset[str]:
        """Components that clients reach along some path with no firewall on it."""
        return frozenset(self.reach(self.clients, stop_at_kinds=(Kind.FIREWALL,))) - set(self.clients) - set(
            self.of_kind(Kind.FIREWALL)
        )

    def is_protected(self, unit: str) -> bool:
        """Protected: a firewall protects it, or every path from the clients to it (to
        anything on it, for a server) passes through a firewall. A public server is
        reachable from anywhere on the internet, links or not: only a firewall protects it."""
        if unit in self.firewalled:
            return True
        if getattr(self.components[unit], "public", False):
            return False
        return not any(component in self.exposed for component in self.on_unit(unit))

    @cached_property
    def monitored(self) -> frozenset[str]:
        """Servers that host a monitoring agent, and hostless components one names in `for`."""
        watched: set[str] = set()
        for agent in self.components.values():
            if isinstance(agent, Monitoring):
                if agent.host:
                    watched.add(agent.host)
                watched.update(agent.for_)
        return frozenset(watched)

    @cached_property
    def _certificates(self) -> tuple[frozenset[str], frozenset[str]]:
        """The servers certificates are installed on, and the components or clusters they are held for."""
        certificates = [c for c in self.components.values() if isinstance(c, Certificate)]
        return (frozenset(c.host for c in certificates if c.host is not None),
                frozenset(c.for_ for c in certificates if c.for_ is not None))

    def has_certificate(self, component_id: str) -> bool:
        """A certificate is on its server, or held `for` it or for a cluster it is in."""
        server = component_id if self.kind(component_id) == Kind.SERVER else self.host_of(component_id)
        installed_on, held_for = self._certificates
        holders = {component_id, *self.clusters_of.get(component_id, ())}
        return (server is not None and server in installed_on) or bool(holders & held_for)

    # --- databases ------------------------------------------------------------------
    def is_replica(self, component_id: str) -> bool:
        component = self.components[component_id]
        return isinstance(component, Database) and component.role == "replica"

    def is_database_cluster(self, component_id: str) -> bool:
        component = self.components[component_id]
        return isinstance(component, Cluster) and self.kind(component.members[0]) == Kind.DATABASE


def _group(flows: Iterable[Flow], key: Callable[[Flow], str]) -> Mapping[str, tuple[Flow, ...]]:
    grouped: dict[str, list[Flow]] = {}
    for flow in flows:
        grouped.setdefault(key(flow), []).append(flow)
    return {k: tuple(v) for k, v in grouped.items()}
