"""What the diagram shows, for every renderer: boxes, nodes and arrows, with their words.

The Graphviz drawing (``diagram.py``) and the Mermaid one (``mermaid.py``) draw the same
Scene, so both say the same. Servers are boxes holding what runs on them (a group of
alike servers is one stacked box, ``layout.py`` decides which); a cluster is a box
around its members; clients, DNS, firewalls, certificates and monitoring appear where
they act. Each arrow stands for every flow between the two nodes drawn (a group's
member is drawn as the group's first), once per kind of link.

The text is plain: user text as the spec gives it, lines as the renderer should break
them; each renderer escapes it for its own format (and may wrap or cut it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple

from archdoc.explain.naming import name as name_of
from archdoc.model import Topology
from archdoc.model.components import Certificate, Database, Monitoring, Server
from archdoc.model.components import Cluster as ClusterSpec
from archdoc.model.kinds import Kind
from archdoc.model.topology import Flow
from archdoc.render.layout import GROUP_AT, Layout
from archdoc.render.marks import NO_MARKS, Marks

MAX_DNS_RECORDS = 12  # records the DNS node lists; "and N more" past that
DNS, LEGEND = "_dns", "_legend"  # the ids of archdoc's own nodes (a spec's ids never start with "_")
JUNCTION = "_links-"  # and of a junction's: this, then the number of its links entry


def is_junction(node_id: str) -> bool:
    """Whether a node is where a links entry's many sources meet before its many targets."""
    return node_id.startswith(JUNCTION)

# What a box is, and how an arrow looks
SERVER, SERVERS, CLUSTER = "server", "servers", "cluster"
ENCRYPTED, PLAIN, REPLICATION, AUXILIARY = "encrypted", "plain", "replication", "auxiliary"
# A box's mark: a single point of failure; a server (or a group's member) with no firewall or monitoring
SINGLE_POINT, GAP = "single_point", "gap"


@dataclass(frozen=True)
class Shape:
    """A node: a component (or archdoc's DNS or legend note) and its label's lines."""

    id: str
    lines: tuple[str, ...]
    single_point: bool = False  # a component with no server of its own, marked as a single point of failure


@dataclass(frozen=True)
class Beside:
    """Keep ``other`` (which takes no traffic) beside ``anchor`` in the flow's direction."""

    anchor: str
    other: str


@dataclass
class Frame:
    """A box: a server (``SERVER``), alike servers drawn as one (``SERVERS``, ``id`` the
    one drawn), or a cluster (``CLUSTER``), with what is drawn inside it in order."""

    id: str
    what: str
    lines: tuple[str, ...]
    mark: str | None = None
    content: list[Shape | Frame | Beside] = field(default_factory=list)


@dataclass(frozen=True)
class Arrow:
    """An arrow between two drawn nodes. Its label's lines: ``text`` (archdoc's: protocol
    and port, or what the arrow is), the link's own ``note`` (user text), then ``tags``."""

    source: str
    target: str
    text: str
    look: str = PLAIN
    note: str | None = None
    tags: tuple[str, ...] = ()
    dashed: bool = False  # a backup link or a standby member (replication and auxiliary arrows always are)
    warning: bool = False  # users' traffic in plain text

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(line for line in (self.text, self.note, *self.tags) if line)

    def unlabelled(self, source: str | None = None, target: str | None = None) -> Arrow:
        """The same arrow with no label (between other ends, when given)."""
        return replace(self, source=source or self.source, target=target or self.target, text="", note=None, tags=())


class LinkKind(NamedTuple):
    """What sets apart the arrows of a flow besides their ends: what their label says
    and how they look. Equal to the plain tuple of its fields (by which flows are counted)."""

    protocol: str
    port: int | None
    access: str | None
    label: str | None
    backup: bool
    encrypted: bool
    standby: bool  # to or from an active-passive cluster's standby member
    from_client: bool


class Scene:
    """The drawing of one topology, built once: ``content`` (boxes and nodes in drawing
    order), ``arrows``, and the ``legend`` when there are marks."""

    def __init__(self, topology: Topology, marks: Marks = NO_MARKS, expand: bool = False) -> None:
        self.topology = topology
        self.marks = marks
        self.layout = Layout(topology, marks, expand)
        self.content: list[Shape | Frame | Beside] = []
        self.arrows: list[Arrow] = []
        self.legend: Shape | None = None
        self.shapes: dict[str, Shape] = {}  # every node drawn, by id
        self._into = self.content
        self._arrow_keys: set[tuple[str, str, tuple[str, ...]]] = set()
        self._build()

    # --- nodes and boxes ------------------------------------------------------------
    def component_lines(self, component_id: str) -> tuple[str, ...]:
        """A component's name, then what it is (unless its name says it)."""
        component = self.topology.components[component_id]
        name = name_of(self.topology, component_id)
        kind = component.kind.singular
        if isinstance(component, Database):
            kind = f"{component.role} {kind}"
        if isinstance(component, Certificate):
            kind = f"TLS cert for {component.domain}" if component.domain else kind
        if isinstance(component, Monitoring) and component.to:
            kind = f"{kind} → {component.to}"
        if (component.label or component_id).strip().lower() == kind.lower():  # "Application files" says it
            return (name,)
        return name, kind

    def _node(self, component_id: str) -> None:
        shape = Shape(component_id, self.component_lines(component_id), component_id in self.marks.single_points)
        self._place(shape)

    def _place(self, shape: Shape) -> None:
        self.shapes[shape.id] = shape
        self._into.append(shape)

    @contextmanager
    def _frame(self, frame: Frame) -> Iterator[Frame]:
        outer = self._into
        outer.append(frame)
        self._into = frame.content
        try:
            yield frame
        finally:
            self._into = outer

    def server_lines(self, server_id: str) -> tuple[str, ...]:
        """A server box's title: its name, address, and what the analysis found on it; a
        group's: its members, addresses and what they lack."""
        server = self.topology.components[server_id]
        assert isinstance(server, Server)
        if server_id in self.layout.groups:
            return tuple(self.layout.group_lines(server_id))
        details = [server.ip or "", "public" if server.public else ""]
        extra = " · ".join(d for d in details if d)
        lines = [name_of(self.topology, server_id)] + ([extra] if extra else [])
        gaps = [gap for gap, found in (("no firewall", self.marks.unprotected), ("no monitoring", self.marks.unmonitored))
                if server_id in found]
        if server_id in self.marks.single_points:
            lines.append("SINGLE POINT OF FAILURE")
        if gaps:
            lines.append(" · ".join(gaps))
        return tuple(lines)

    def _server(self, server_id: str) -> None:
        """A server's box with what runs on it; a group's box for its drawn member, nothing
        for its other members."""
        if self.layout.hidden(server_id):
            return
        group = self.layout.groups.get(server_id)
        members = group.members if group else (server_id,)
        mark = None
        if server_id in self.marks.single_points:
            mark = SINGLE_POINT
        elif any(m in self.marks.unprotected or m in self.marks.unmonitored for m in members):
            mark = GAP
        hosted = list(self.topology.hosted_on[server_id])
        with self._frame(Frame(server_id, SERVERS if group else SERVER, self.server_lines(server_id), mark)):
            if not hosted:  # a bare machine still needs something to show
                self._node(server_id)
            for component_id in hosted:
                self._node(component_id)
            # its own certificates, and those held for what it runs (drawn beside their holder)
            certificates = self.layout.certificates_for(server_id) + [
                c for h in hosted for c in self.layout.certificates_for(h)]
            for cert in certificates:
                self._node(cert)
            self._stack_accessories(hosted + certificates)

    def _stack_accessories(self, ids: list[str]) -> None:
        """What takes no traffic (code, agents, certificates) goes in the column of what
        does, so it sits beside it instead of stretching the picture."""
        linked = [c for c in ids if c in self.topology.linked]
        if not linked:
            return
        apps = [c for c in linked if self.topology.kind(c) == Kind.APP_SERVER]
        for accessory in (c for c in ids if c not in self.topology.linked):
            anchor = apps[0] if apps and self.topology.kind(accessory) == Kind.APP_FILES else linked[0]
            self._into.append(Beside(anchor, accessory))

    def cluster_lines(self, cluster_id: str) -> tuple[str, ...]:
        cluster = self.topology.components[cluster_id]
        assert isinstance(cluster, ClusterSpec)
        mode = cluster.mode.replace("_", "-")
        details = f"{mode} cluster · VIP {cluster.vip}" if cluster.vip else f"{mode} cluster"
        return name_of(self.topology, cluster_id), details

    def _build(self) -> None:
        topology = self.topology
        placed_servers: set[str] = set()
        placed: set[str] = set()
        for cluster_id in topology.of_kind(Kind.CLUSTER):
            members = topology.members(cluster_id)
            with self._frame(Frame(cluster_id, CLUSTER, self.cluster_lines(cluster_id))):
                for member in members:
                    server = member if topology.kind(member) == Kind.SERVER else topology.host_of(member)
                    if server is None:
                        if member not in placed:
                            self._node(member)
                    elif server not in placed_servers:
                        self._server(server)
                        placed_servers.add(server)
                        placed.update(topology.hosted_on[server])
                    placed.add(member)
                for cert in self.layout.certificates_for(cluster_id):
                    self._node(cert)
                    placed.add(cert)
                    if members[0] in self.shapes:
                        self._into.append(Beside(members[0], cert))
        for server in topology.of_kind(Kind.SERVER):
            if server not in placed_servers:
                self._server(server)
                placed.update(topology.hosted_on[server])
        placed.update(c for s in topology.of_kind(Kind.SERVER)
                      for holder in (s, *topology.hosted_on[s]) for c in self.layout.certificates_for(holder))
        for component_id, component in topology.components.items():
            if component_id in placed or component.kind in (Kind.SERVER, Kind.CLUSTER):
                continue
            if component_id in self.layout.aliases:  # a grouped member's: the group shows its own
                continue
            if isinstance(component, Certificate) and component.for_ and component.for_ in self.shapes:
                continue
            if getattr(component, "host", None) is None:
                self._node(component_id)
        self._dns()
        self._links()
        self._replication()
        self._monitoring()
        self._certificate_holders()
        if self.marks:
            self.legend = Shape(LEGEND, self.legend_lines())

    def legend_lines(self) -> tuple[str, ...]:
        lines = ["Legend"]
        if self.marks.single_points:
            lines.append("red box: single point of failure")
        if self.marks.unprotected or self.marks.unmonitored:
            lines.append("orange box: no firewall or no monitoring")
        if self.marks.plain_entries:
            lines.append("red link: users' traffic in plain text")
        topology = self.topology
        if any(flow.link.encrypted for flow in topology.flows):
            lines.append("green link: encrypted")
        if any(isinstance(c, Database) and c.replica_of for c in topology.components.values()):
            lines.append("dashed purple: replication")
        if any(flow.link.backup for flow in topology.flows) or any(
                isinstance(c, ClusterSpec) and c.mode == "active_passive" for c in topology.components.values()):
            lines.append("dashed: backup or standby")
        return tuple(lines)

    # --- arrows ---------------------------------------------------------------------
    def _arrow(self, arrow: Arrow) -> int | None:
        """An arrow between the nodes drawn for two components (a group's member is drawn
        as its first member): one arrow however many members it stands for. Its place in
        ``arrows``, or None when it is not drawn (already there, or an end not drawn)."""
        source, target = self.layout.drawn_as(arrow.source), self.layout.drawn_as(arrow.target)
        if source is None or target is None or (source == target and arrow.source != arrow.target):
            return None
        key = (source, target, arrow.lines)
        if key in self._arrow_keys or source not in self.shapes or target not in self.shapes:
            return None
        self._arrow_keys.add(key)
        self.arrows.append(Arrow(source, target, arrow.text, arrow.look, arrow.note, arrow.tags, arrow.dashed,
                                 arrow.warning))
        return len(self.arrows) - 1

    def dns_lines(self) -> tuple[str, ...]:
        records = self.topology.dns
        lines = ["DNS" + (f" for {self.topology.domain}" if self.topology.domain else "")]
        for record in records[:MAX_DNS_RECORDS]:
            lines.append(f"{record.name} {record.type} → {self._resolved(record.to)}")
        if len(records) > MAX_DNS_RECORDS:
            lines.append(f"and {len(records) - MAX_DNS_RECORDS} more")
        return tuple(lines)

    def _dns(self) -> None:
        if not self.topology.dns:
            return
        self._place(Shape(DNS, self.dns_lines()))
        for client in self.topology.clients:
            self._arrow(Arrow(client, DNS, "DNS lookup", AUXILIARY))

    def _resolved(self, target: str) -> str:
        component = self.topology.components.get(target)
        address = getattr(component, "ip", None) or getattr(component, "vip", None)
        return f"{target} ({address})" if address else target

    def _links(self) -> None:
        """One arrow per flow, but once per pair of drawn nodes and kind of link: the
        flows between two groups (500 by 500 servers: 250,000) are looked at once each.
        An entry linking every one of several sources to every one of several targets
        goes through a junction (see ``_meshes``)."""
        flows: dict[tuple[int, tuple[object, ...]], int] = {}  # (links entry, kind of link): how many flows
        # (drawn source, drawn target, kind of link): its first flow, and the kind
        drawn: dict[tuple[str | None, str | None, tuple[object, ...]], tuple[Flow, LinkKind]] = {}
        for flow in self.topology.flows:
            link = flow.link
            target_cluster = self.topology.components[link.target]
            standby = isinstance(target_cluster, ClusterSpec) and target_cluster.mode == "active_passive" \
                and flow.target != target_cluster.members[0]
            source_cluster = self.topology.components[link.source]
            standby = standby or (isinstance(source_cluster, ClusterSpec) and source_cluster.mode == "active_passive"
                                  and flow.source != source_cluster.members[0])
            # a plain tuple, made for every flow; a LinkKind only for a pair drawn
            kind = (link.protocol, link.port, link.access, link.label, link.backup, link.encrypted, standby,
                    flow.source in self.topology.clients)
            counted = (link.entry, kind)
            flows[counted] = flows.get(counted, 0) + 1
            pair = (self.layout.drawn_as(flow.source), self.layout.drawn_as(flow.target), kind)
            if pair not in drawn:
                drawn[pair] = (flow, LinkKind(*kind))
        meshes = self._meshes(drawn, flows)
        labelled: dict[tuple[int, tuple[object, ...]], list[int]] = {}  # (links entry, kind): the arrows drawn
        for flow, looks in drawn.values():
            link, standby = flow.link, looks.standby
            text = f"{link.protocol}:{link.port}" if link.port else link.protocol
            if link.access in ("read", "write"):
                text += f" ({link.access})"
            tags = []
            if link.backup or standby:
                tags.append("backup" if link.backup else "standby")
            warning = looks.from_client and not link.encrypted and bool(self.marks.plain_entries)
            if warning:
                tags.append("plain text")
            arrow = Arrow(flow.source, flow.target, text, ENCRYPTED if link.encrypted else PLAIN, link.label or None,
                          tuple(tags), link.backup or standby, warning)
            mesh = meshes.get(link.entry)
            if mesh is not None:
                self._through_junction(flow, arrow, *mesh)
                continue
            firewall = self.layout.firewall_in_front(flow.source, flow.target)
            if firewall is not None:
                place = self._arrow(Arrow(flow.source, firewall, arrow.text, arrow.look, arrow.note, arrow.tags,
                                          arrow.dashed, arrow.warning))
                self._arrow(Arrow(firewall, flow.target, "", arrow.look, dashed=arrow.dashed, warning=arrow.warning))
            else:
                place = self._arrow(arrow)
            if place is not None:
                labelled.setdefault((link.entry, looks), []).append(place)
        for key, places in labelled.items():
            self._label_once(places, flows[key])

    def _meshes(self, drawn: dict[tuple[str | None, str | None, tuple[object, ...]], tuple[Flow, LinkKind]],
                flows: dict[tuple[int, tuple[object, ...]], int]) -> dict[int, tuple[tuple[str, ...], tuple[str, ...], int]]:
        """The links entries drawn as every one of two or more nodes to every one of two or
        more, past GROUP_AT arrows, all of one kind (one protocol, no firewall in front, no
        standby member, not from the clients): each entry's sources and targets as drawn,
        and its number of flows. Those go through a junction, a dot where the sources'
        arrows meet and the targets' leave: 48 web servers each to 48 application servers
        are 96 arrows, not 2,304 that ran 95,000 points tall. ``drawn`` is ``_links``' pairs
        of drawn nodes, each looked at once."""
        clusters = self.topology.components
        pairs: dict[int, list[tuple[str, str]]] = {}
        kinds: dict[int, LinkKind] = {}  # the one kind of link of each entry
        unfit: set[int] = set()
        for (source, target, _), (flow, kind) in drawn.items():
            link = flow.link
            if link.entry in unfit:
                continue
            standby = any(isinstance(c, ClusterSpec) and c.mode == "active_passive"
                          for c in (clusters[link.source], clusters[link.target]))
            # an end that is not drawn (None), or a standby member: drawn one by one
            if source is None or target is None or standby or kind.from_client \
                    or kinds.setdefault(link.entry, kind) != kind \
                    or self.layout.firewall_in_front(flow.source, flow.target) is not None:
                unfit.add(link.entry)
            else:
                pairs.setdefault(link.entry, []).append((source, target))
        meshes = {}
        for entry, ends in pairs.items():
            if entry in unfit or len(ends) <= GROUP_AT:
                continue
            sources = tuple(dict.fromkeys(s for s, _ in sorted(ends, key=self._order)))
            targets = tuple(dict.fromkeys(t for _, t in sorted(ends, key=self._order)))
            if len(sources) > 1 and len(targets) > 1 and len(ends) == len(sources) * len(targets) \
                    and not set(sources) & set(targets):
                meshes[entry] = (sources, targets, flows[(entry, kinds[entry])])
        return meshes

    def _order(self, pair: tuple[str, str]) -> tuple[int, int]:
        """A pair of drawn nodes in spec order."""
        position = self._positions
        return position[pair[0]], position[pair[1]]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.topology.components)}

    def _through_junction(self, flow: Flow, arrow: Arrow, sources: tuple[str, ...], targets: tuple[str, ...],
                          flows: int) -> None:
        """The arrows of a mesh's entry, drawn once for the entry: each source to the
        junction, the junction to each target, the first of those labelled with the
        number of links the entry makes."""
        junction = f"{JUNCTION}{flow.link.entry}"
        if junction in self.shapes:
            return
        self._place(Shape(junction, ()))
        for source in sources:
            self._arrow(arrow.unlabelled(source=source, target=junction))
        first, *others = targets
        self._arrow(replace(arrow, source=junction, target=first, text=f"{arrow.text} ({flows:,} links)"))
        for target in others:
            self._arrow(arrow.unlabelled(source=junction, target=target))

    def _label_once(self, places: list[int], flows: int) -> None:
        """A links entry drawn as more than GROUP_AT arrows of one kind (a balancer to
        twenty servers, drawn with --expand) labels the first only, with the number of
        links they stand for: "http:80 (20 links)". Each label takes room in the layout."""
        if len(places) <= GROUP_AT or not self.arrows[places[0]].lines:
            return
        first = self.arrows[places[0]]
        self.arrows[places[0]] = replace(first, text=f"{first.text} ({flows:,} links)")
        for place in places[1:]:
            self.arrows[place] = self.arrows[place].unlabelled()

    def _replication(self) -> None:
        for replica_id, replica in self.topology.components.items():
            if isinstance(replica, Database) and replica.replica_of:
                mode = replica.replication.replace("_", "-")
                self._arrow(Arrow(replica.replica_of, replica_id, f"{mode} replication", REPLICATION))

    def _monitoring(self) -> None:
        """Agents sit on the servers they watch, with where they ship in their label; an
        agent watching hostless components links to each."""
        for agent_id, agent in self.topology.components.items():
            if isinstance(agent, Monitoring):
                for watched in agent.for_:
                    self._arrow(Arrow(agent_id, watched, "watches", AUXILIARY))

    def _certificate_holders(self) -> None:
        for cert_id, cert in self.topology.components.items():
            if isinstance(cert, Certificate) and cert.for_ and cert.host is None:
                holder = self.topology.components[cert.for_]
                if not isinstance(holder, ClusterSpec) and holder.kind != Kind.SERVER:
                    self._arrow(Arrow(cert_id, cert.for_, "TLS", AUXILIARY))
