"""What the diagram draws where, decided before anything is drawn (no renderer imports).

- Indexes the drawing needs once, not once per server or per flow: the certificates of
  each holder, the firewall drawn in front of each unit.
- Groups of repeated servers: servers that run the same kinds of components, with the
  same software in the same roles and clusters, linked the same way (up to which member
  of a group is at the other end), are drawn as ONE box labelled "web-01 ... web-20
  (x20)" once there are ``GROUP_AT`` of them or more. Each member's components are drawn
  as the first member's ("aliases"), so twenty times twenty links become one arrow.
  Monitoring agents are left out of the comparison: a member without one is a finding,
  which the group's label names ("web-07: no monitoring"), not a reason to draw twenty
  boxes. A server marked as a single point of failure is never grouped.

The grouping is a partition refinement: servers start in classes of what they run, and
each round splits a class whose members link to different classes, until nothing splits
(a few rounds; each is linear in the links).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property

from archdoc.model import Topology
from archdoc.model.components import Certificate, Database, Firewall, Monitoring, Server
from archdoc.model.kinds import Kind
from archdoc.render.marks import NO_MARKS, Marks
from archdoc.wording import sentence_list

GROUP_AT = 4  # this many alike servers or more are drawn as one box
NAMED_MEMBERS = 3  # members named in a group's label for one gap; past that, "and N more"
_ROUNDS = 20  # refinement rounds at most (each round splits at least one class, or ends it)
End = str | tuple[str, int, Hashable]  # a component id, or one side of a links entry from many to many


@dataclass(frozen=True)
class Group:
    """Alike servers drawn as one box: the drawn one first, then the others in spec order."""

    members: tuple[str, ...]

    @property
    def drawn(self) -> str:
        return self.members[0]


class Layout:
    """The diagram's plan for one topology."""

    def __init__(self, topology: Topology, marks: Marks = NO_MARKS, expand: bool = False) -> None:
        self.topology = topology
        self.marks = marks
        self.expand = expand
        self._many_ends: dict[tuple[str, int, Hashable], tuple[str, ...]] = {}  # one side of a many-to-many entry

    # --- indexes -------------------------------------------------------------------
    @cached_property
    def certificates(self) -> dict[str, list[str]]:
        """Holder id -> its certificates, in spec order."""
        held: dict[str, list[str]] = defaultdict(list)
        for cert_id, cert in self.topology.components.items():
            if isinstance(cert, Certificate) and cert.for_:
                held[cert.for_].append(cert_id)
        return held

    def certificates_for(self, holder: str) -> list[str]:
        return self.certificates.get(holder, [])

    @cached_property
    def _front_firewalls(self) -> dict[str, str]:
        """Unit -> the first firewall (spec order) that protects it and is drawn apart from the links."""
        front: dict[str, str] = {}
        for firewall_id, firewall in self.topology.components.items():
            if isinstance(firewall, Firewall) and firewall.host is None and firewall_id not in self.topology.linked:
                for unit in firewall.protects:
                    front.setdefault(unit, firewall_id)
        return front

    def firewall_in_front(self, source: str, target: str) -> str | None:
        """The firewall a flow is drawn through: one that protects the target's unit when
        the flow comes from outside every unit that firewall protects (a flow between two
        machines behind one firewall does not cross it)."""
        unit = self.topology.failure_unit(target)
        if unit is None:
            return None
        firewall = self._front_firewalls.get(unit)
        source_unit = self.topology.failure_unit(source)
        if firewall is None or source_unit == unit:
            return None
        if source_unit is not None and self._front_firewalls.get(source_unit) == firewall:
            return None
        return firewall

    # --- groups of alike servers -------------------------------------------------------
    def _described(self, component_id: str) -> Hashable:
        """What makes two hosted components alike: kind, software, role, clusters."""
        component = self.topology.components[component_id]
        role = component.role if isinstance(component, Database) else None
        issuer = (component.domain, component.issuer) if isinstance(component, Certificate) else None
        return (component.kind, component.software, role, issuer, self.topology.clusters_of.get(component_id, ()))

    def _parts(self, server: str) -> list[str]:
        """What a server's box compares and aliases: its components (agents aside) and certificates."""
        hosted = [c for c in self.topology.hosted_on[server] if self.topology.kind(c) != Kind.MONITORING]
        return hosted + [cert for holder in (server, *hosted) for cert in self.certificates_for(holder)]

    @cached_property
    def groups(self) -> dict[str, Group]:
        """Server id -> its group, for servers drawn in a group (none with --expand)."""
        topology = self.topology
        servers = [s for s in topology.of_kind(Kind.SERVER) if s not in self.marks.single_points]
        if self.expand or len(servers) < GROUP_AT:
            return {}
        on_server = {c: s for s in servers for c in topology.hosted_on[s]}
        local: dict[str, Hashable] = {}
        for server in servers:
            component = topology.components[server]
            assert isinstance(component, Server)
            local[server] = (component.public, topology.clusters_of.get(server, ()),
                             self._front_firewalls.get(server),
                             tuple(sorted(map(repr, map(self._described, self._parts(server))))))
        classes = _numbered(local)
        ends = self._ends(servers, on_server)
        for _ in range(_ROUNDS):
            def one(end: str) -> Hashable:
                other = on_server.get(end)
                return end if other is None else classes[other]

            many = {ends_id: frozenset(map(one, members)) for ends_id, members in self._many_ends.items()}

            def place(end: End, server: str) -> Hashable:
                if isinstance(end, tuple):
                    return many[end]
                return "self" if on_server.get(end) == server else one(end)

            refined = _numbered({
                server: (classes[server], frozenset((near, place(end, server), how) for near, end, how in ends[server]))
                for server in servers
            })
            if len(set(refined.values())) == len(set(classes.values())):
                break
            classes = refined
        members: dict[int, list[str]] = defaultdict(list)
        for server in servers:
            members[classes[server]].append(server)
        groups: dict[str, Group] = {}
        for alike in members.values():
            if len(alike) >= GROUP_AT:
                unmarked = [s for s in alike if s not in self.marks.unprotected | self.marks.unmonitored]
                first = unmarked[0] if unmarked else alike[0]
                group = Group((first, *(s for s in alike if s != first)))
                groups.update((server, group) for server in alike)
        return groups

    def _ends(self, servers: Iterable[str], on_server: dict[str, str]) -> dict[str, list[tuple[Hashable, End, Hashable]]]:
        """Server -> (what on it, the other end, how) for every flow, replication and watch
        it takes part in. The flows of one spec entry from many to many (every source to
        every target) are taken as one end each side, the entry's other side: linear in
        the spec, where 500 web servers linked to 500 application servers are 250,000 flows."""
        topology = self.topology
        ends: dict[str, list[tuple[Hashable, End, Hashable]]] = {s: [] for s in servers}

        def add(near: str, other: End, how: Hashable) -> None:
            server = on_server.get(near)
            if server is not None:
                ends[server].append((self._described(near), other, how))

        entries: dict[tuple[int, Hashable], tuple[dict[str, None], dict[str, None]]] = {}
        for flow in topology.flows:
            link = flow.link
            how = (link.protocol, link.port, link.access, link.backup, link.encrypted, link.label)
            sources, targets = entries.setdefault((link.entry, how), ({}, {}))
            sources[flow.source] = targets[flow.target] = None
        for (entry, manner), (sources, targets) in entries.items():
            source_end: End = ("sources", entry, manner) if len(sources) > 1 else next(iter(sources))
            target_end: End = ("targets", entry, manner) if len(targets) > 1 else next(iter(targets))
            if isinstance(source_end, tuple):
                self._many_ends[source_end] = tuple(sources)
            if isinstance(target_end, tuple):
                self._many_ends[target_end] = tuple(targets)
            for source in sources:
                add(source, target_end, ("to", manner))
            for target in targets:
                add(target, source_end, ("from", manner))
        for component_id, component in topology.components.items():
            if isinstance(component, Database) and component.replica_of:
                add(component_id, component.replica_of, ("replica of", component.replication))
                add(component.replica_of, component_id, ("primary of", component.replication))
            if isinstance(component, Monitoring):
                for watched in component.for_:
                    add(watched, component_id, "watched by")
            if isinstance(component, Certificate) and component.for_ and component.for_ in on_server:
                add(component.for_, component_id, "certificate")
        return ends

    @cached_property
    def aliases(self) -> dict[str, str | None]:
        """Component id -> the id drawn for it, for what a group's other members hold:
        their counterparts on the drawn member, or None when it has none (not drawn)."""
        aliases: dict[str, str | None] = {}
        for server, group in self.groups.items():
            if server == group.drawn:
                continue
            aliases[server] = group.drawn
            counterparts: dict[str, list[str]] = defaultdict(list)
            for part in self._parts(group.drawn) + list(self._agents(group.drawn)):
                counterparts[repr(self._described(part))].append(part)
            for part in self._parts(server) + list(self._agents(server)):
                same = counterparts[repr(self._described(part))]
                aliases[part] = same.pop(0) if same else None
        return aliases

    def _agents(self, server: str) -> Iterable[str]:
        return (c for c in self.topology.hosted_on[server] if self.topology.kind(c) == Kind.MONITORING)

    def drawn_as(self, component_id: str) -> str | None:
        """The id of the node that stands for this component (None: not drawn)."""
        return self.aliases.get(component_id, component_id)

    def hidden(self, server: str) -> bool:
        """A grouped server other than the one drawn: its box is the group's."""
        group = self.groups.get(server)
        return group is not None and group.drawn != server

    def group_lines(self, server: str) -> list[str]:
        """The title of a group's box and what its members lack: ["web-01 ... web-20 (x20)",
        "web-07: no monitoring"]. Members are named in spec order (the box's first)."""
        group = self.groups[server]
        ordered = [s for s in self.topology.of_kind(Kind.SERVER) if self.groups.get(s) is group]
        lines = [f"{ordered[0]} ... {ordered[-1]} (x{len(ordered)})"]
        addresses = [a for a in (getattr(self.topology.components[s], "ip", None) for s in ordered) if a]
        if addresses:
            lines.append(f"{addresses[0]} ... {addresses[-1]}" if len(addresses) > 1 else addresses[0])
        gaps = (("no firewall", self.marks.unprotected), ("no monitoring", self.marks.unmonitored))
        for gap, found in gaps:
            lacking = [s for s in ordered if s in found]
            if not lacking:
                continue
            if len(lacking) == len(ordered):
                lines.append(f"all: {gap}")
            elif len(lacking) <= NAMED_MEMBERS:
                lines.append(f"{sentence_list(lacking)}: {gap}")
            else:
                lines.append(f"{sentence_list([*lacking[:NAMED_MEMBERS], f'{len(lacking) - NAMED_MEMBERS} more'])}"
                             f": {gap}")
        return lines


def _numbered(keys: dict[str, Hashable]) -> dict[str, int]:
    """Each key's value replaced by a small number, equal values alike."""
    numbers: dict[Hashable, int] = {}
    return {item: numbers.setdefault(value, len(numbers)) for item, value in keys.items()}
