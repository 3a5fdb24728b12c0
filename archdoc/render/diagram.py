"""The diagram: a topology drawn with the ``diagrams`` library (the only module importing it).

Servers are boxes holding what runs on them; a cluster is a box around its members;
clients, DNS, firewalls, certificates and monitoring appear where they act. Links carry
their protocol and port; encrypted links are green and bold; replication is a dashed
purple arrow from primary to replica; backup links and standby members are dashed.

What goes where (tiers, groups of alike servers drawn once) is decided by
``archdoc.render.layout``; this module turns it into a graph. ``diagrams`` builds the
Graphviz graph; archdoc runs ``dot`` itself, under a time limit and a CPU-time limit of
its own: one run writes the SVG and the PNG (a big drawing is laid out alone first, so
that its PNG gets a dpi that keeps it from costing seconds). Node ids are the spec's
ids, so a spec always draws the same picture. The SVG gets its icons inlined, so it
stands alone.
"""

from __future__ import annotations

import base64
import math
import re
import resource
import signal
import struct
import subprocess
import tempfile
import textwrap
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from archdoc.errors import RenderError, RenderTimeout
from archdoc.explain.naming import name as name_of
from archdoc.model import Topology
from archdoc.model.components import Certificate, Database, Monitoring, Server
from archdoc.model.components import Cluster as ClusterSpec
from archdoc.model.kinds import Kind
from archdoc.model.software import software
from archdoc.render.canvas import ICON_ROOT, Box, Canvas, Cluster, Edge, Node, icon_class, nohtml, same_rank
from archdoc.render.ids import element_id, icon_id
from archdoc.render.layout import Layout
from archdoc.render.marks import NO_MARKS, Marks
from archdoc.render.text import printable
from archdoc.render.theme import LIGHT, Theme

DNS_ICON = "digitalocean.network.Domain"
LETSENCRYPT = "letsencrypt"  # the software table's entry whose icon a Let's Encrypt certificate gets

LABEL_WIDTH = 22  # characters per line in node labels


@dataclass(frozen=True)
class Styles:
    """The attributes of each kind of line and box, in a theme's colours."""

    encrypted: dict[str, str]
    plain: dict[str, str]
    replication: dict[str, str]
    auxiliary: dict[str, str]
    server_box: dict[str, str]
    stack_box: dict[str, str]
    group_box: dict[str, str]

    @classmethod
    def of(cls, theme: Theme) -> Styles:
        return cls(
            encrypted={"color": theme.encrypted, "penwidth": "2.0", "fontcolor": theme.encrypted},
            plain={"color": theme.plain, "fontcolor": theme.plain_text},
            replication={"color": theme.replication, "fontcolor": theme.replication, "style": "dashed"},
            auxiliary={"color": theme.auxiliary, "fontcolor": theme.auxiliary_text, "style": "dashed"},
            server_box={"bgcolor": theme.server_fill, "pencolor": theme.box_pen, "style": "rounded", "fontsize": "17",
                        "margin": "10"},
            stack_box={"bgcolor": theme.stack_fill, "pencolor": theme.box_pen, "style": "rounded", "margin": "6",
                       "label": ""},
            group_box={"bgcolor": theme.group_fill, "pencolor": theme.group_pen, "style": "rounded,dashed",
                       "fontsize": "17", "margin": "12"},
        )


@dataclass(frozen=True)
class DiagramFiles:
    png: Path
    svg: Path
    css_size: tuple[int, int] | None = None  # the drawing's size at 96 dpi, when the PNG has another dpi
    layout: Layout | None = None  # what was drawn where (groups of alike servers), for the interactive SVG


MAX_TEXT = 200  # characters of one user text in the drawing; the report keeps it whole
MAX_DNS_RECORDS = 12  # records the DNS node lists; "and N more" past that
_NOT_XML = re.compile("[\ufffe\uffff]")  # code points XML forbids that printable() lets through


def dot_text(text: str, width: int = LABEL_WIDTH) -> str:
    """User text made literal in a DOT label: backslashes doubled (no \\N or \\G escapes),
    ampersands escaped (Graphviz decodes entities such as &lt;), line breaks folded, long
    words wrapped, and past MAX_TEXT characters cut with an ellipsis (dot refuses a
    quoted string over 16 KB, and nobody reads a paragraph in a box); what XML forbids
    becomes U+FFFD, as control characters do. Quoting, and text that looks like an HTML
    label, are graphviz.nohtml's."""
    flat = " ".join(_NOT_XML.sub("\ufffd", printable(text)).split())
    if len(flat) > MAX_TEXT:
        flat = flat[: MAX_TEXT - 1] + "…"
    flat = flat.replace("\\", "\\\\").replace("&", "&amp;")
    return "\n".join(textwrap.wrap(flat, width, break_on_hyphens=False)) or " "


def icon_for(kind: Kind, software_text: str | None) -> type[Node]:
    """The icon of a component's software where the library has one, else of its kind."""
    entry = software(software_text)
    icon = entry.icon if entry and entry.icon else kind.facts.icon
    assert icon is not None, f"a {kind} is drawn as a box, not an icon"
    return icon_class(icon)


def icon_height(label: str) -> str:
    """diagrams pads an icon node for 13 pt labels; ours are 16 pt, so pad a little more,
    or the last icon line and the first label line touch."""
    return f"{2.0 + 0.45 * label.count(chr(10)):.2f}"


class _Drawing:
    """Builds the graph of one topology inside a Canvas."""

    def __init__(self, topology: Topology, marks: Marks = NO_MARKS, expand: bool = False, theme: Theme = LIGHT) -> None:
        self.topology = topology
        self.marks = marks
        self.theme = theme
        self.styles = Styles.of(theme)
        self.layout = Layout(topology, marks, expand)
        self.nodes: dict[str, Node] = {}
        self.edges: set[tuple[str, str, str]] = set()

    # --- nodes -------------------------------------------------------------------
    def node_label(self, component_id: str) -> str:
        component = self.topology.components[component_id]
        name = dot_text(name_of(self.topology, component_id))
        kind = component.kind.singular
        if isinstance(component, Database):
            kind = f"{component.role} {kind}"
        if isinstance(component, Certificate):  # at most three lines: more would run into the icon
            kind = f"TLS cert for {component.domain}" if component.domain else kind
        if isinstance(component, Monitoring) and component.to:
            kind = f"{kind} → {component.to}"
        if (component.label or component_id).strip().lower() == kind.lower():  # "Application files" says it
            return nohtml(name)
        return nohtml(f"{name}\n{dot_text(kind)}")

    def add_node(self, component_id: str, in_own_box: bool = False) -> None:
        """Draw a component (``in_own_box``: a server that holds nothing, drawn in its box,
        which carries the server's id)."""
        component = self.topology.components[component_id]
        software_text = component.software
        if isinstance(component, Certificate) and component.issuer and "encrypt" in component.issuer.lower():
            software_text = LETSENCRYPT
        icon = icon_for(component.kind, software_text)
        label = self.node_label(component_id)
        marked = {}
        if component_id in self.marks.single_points:  # a hostless unit: outline it
            warning = self.theme.warning
            marked = {"shape": "box", "style": "rounded", "color": warning, "penwidth": "3",
                      "xlabel": "single point of failure", "fontcolor": warning}
        marked["id"] = icon_id(component_id) if in_own_box else element_id(component_id)
        self.nodes[component_id] = icon(label, nodeid=component_id, height=icon_height(label), **marked)

    def server_label(self, server_id: str) -> str:
        server = self.topology.components[server_id]
        assert isinstance(server, Server)
        if server_id in self.layout.groups:
            return "\n".join(dot_text(line, 40) for line in self.layout.group_lines(server_id))
        details = [server.ip or "", "public" if server.public else ""]
        extra = " · ".join(d for d in details if d)
        title = dot_text(name_of(self.topology, server_id), 40)
        lines = [title] + ([dot_text(extra, 40)] if extra else [])
        gaps = [gap for gap, found in (("no firewall", self.marks.unprotected), ("no monitoring", self.marks.unmonitored))
                if server_id in found]
        if server_id in self.marks.single_points:
            lines.append("SINGLE POINT OF FAILURE")
        if gaps:
            lines.append(" · ".join(gaps))
        return "\n".join(lines)

    def draw_server(self, server_id: str) -> None:
        """A server's box with what runs on it; a group's box (stacked) for its drawn member,
        nothing for its other members."""
        if self.layout.hidden(server_id):
            return
        group = self.layout.groups.get(server_id)
        if group is None:
            self._server_box(server_id, [server_id])
            return
        with Box(f"stk_{server_id}", "", self.styles.stack_box):
            self._server_box(server_id, group.members)

    def _server_box(self, server_id: str, members: list[str] | tuple[str, ...]) -> None:
        hosted = list(self.topology.hosted_on[server_id])
        style = dict(self.styles.server_box)
        if server_id in self.marks.single_points:
            style.update(pencolor=self.theme.warning, penwidth="3", fontcolor=self.theme.warning)
        elif any(m in self.marks.unprotected or m in self.marks.unmonitored for m in members):
            style.update(pencolor=self.theme.gap, penwidth="2")
        style["id"] = element_id(server_id)
        with Box(f"srv_{server_id}", self.server_label(server_id), style) as box:
            if not hosted:  # a bare machine still needs something to show
                self.add_node(server_id, in_own_box=True)
            for component_id in hosted:
                self.add_node(component_id)
            # its own certificates, and those held for what it runs (drawn beside their holder)
            certificates = self.certificates_for(server_id) + [c for h in hosted for c in self.certificates_for(h)]
            for cert in certificates:
                self.add_node(cert)
            self.stack_accessories(box, hosted + certificates)

    def stack_accessories(self, box: Cluster, ids: list[str]) -> None:
        """Put what takes no traffic (code, agents, certificates) in the column of what
        does, so it sits beside it instead of stretching the picture."""
        linked = [c for c in ids if c in self.topology.linked]
        if not linked:
            return
        apps = [c for c in linked if self.topology.kind(c) == Kind.APP_SERVER]
        for accessory in (c for c in ids if c not in self.topology.linked):
            anchor = apps[0] if apps and self.topology.kind(accessory) == Kind.APP_FILES else linked[0]
            same_rank(box, anchor, accessory)

    def certificates_for(self, holder: str) -> list[str]:
        return self.layout.certificates_for(holder)

    def group_label(self, cluster_id: str) -> str:
        cluster = self.topology.components[cluster_id]
        assert isinstance(cluster, ClusterSpec)
        mode = cluster.mode.replace("_", "-")
        details = f"{mode} cluster · VIP {cluster.vip}" if cluster.vip else f"{mode} cluster"
        return f"{dot_text(name_of(self.topology, cluster_id), 40)}\n{dot_text(details, 40)}"

    # --- the whole picture ---------------------------------------------------------
    def draw(self) -> None:
        topology = self.topology
        placed_servers: set[str] = set()
        placed: set[str] = set()
        for cluster_id in topology.of_kind(Kind.CLUSTER):
            members = topology.members(cluster_id)
            with Box(f"grp_{cluster_id}", self.group_label(cluster_id),
                     {**self.styles.group_box, "id": element_id(cluster_id)}) as group:
                for member in members:
                    server = member if topology.kind(member) == Kind.SERVER else topology.host_of(member)
                    if server is None:
                        if member not in placed:
                            self.add_node(member)
                    elif server not in placed_servers:
                        self.draw_server(server)
                        placed_servers.add(server)
                        placed.update(topology.hosted_on[server])
                    placed.add(member)
                for cert in self.certificates_for(cluster_id):
                    self.add_node(cert)
                    placed.add(cert)
                    if members[0] in self.nodes:
                        same_rank(group, members[0], cert)
        for server in topology.of_kind(Kind.SERVER):
            if server not in placed_servers:
                self.draw_server(server)
                placed.update(topology.hosted_on[server])
        placed.update(c for s in topology.of_kind(Kind.SERVER)
                      for holder in (s, *topology.hosted_on[s]) for c in self.certificates_for(holder))
        for component_id, component in topology.components.items():
            if component_id in placed or component.kind in (Kind.SERVER, Kind.CLUSTER):
                continue
            if component_id in self.layout.aliases:  # a grouped member's: the group shows its own
                continue
            if isinstance(component, Certificate) and component.for_ and component.for_ in self.nodes:
                continue
            if getattr(component, "host", None) is None:
                self.add_node(component_id)
        self.draw_dns()
        self.draw_links()
        self.draw_replication()
        self.draw_monitoring()
        self.draw_certificate_holders()
        if self.marks:
            self.draw_legend()

    def draw_legend(self) -> None:
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
        # diagrams' default node is a fixed 1.4-inch box labelled at the bottom: not for text
        legend = Node(nohtml("\\l".join(lines) + "\\l"), nodeid="_legend", shape="note", fontsize="13",
                      style="filled", fillcolor=self.theme.legend_fill, color=self.theme.box_pen, margin="0.15,0.1",
                      fixedsize="false", width="0", height="0", labelloc="c")
        self.nodes["_legend"] = legend

    def edge(self, source: str, target: str, label: str = "", **attrs: str) -> None:
        """An arrow between the nodes drawn for two components (a group's member is drawn
        as its first member): one arrow however many members it stands for."""
        drawn_source, drawn_target = self.layout.drawn_as(source), self.layout.drawn_as(target)
        if drawn_source is None or drawn_target is None or (drawn_source == drawn_target and source != target):
            return
        source, target = drawn_source, drawn_target
        key = (source, target, label)
        if key in self.edges or source not in self.nodes or target not in self.nodes:
            return
        self.edges.add(key)
        self.nodes[source] >> Edge(label=nohtml(label) if label else "", **attrs) >> self.nodes[target]

    def draw_dns(self) -> None:
        records = self.topology.dns
        if not records:
            return
        lines = [dot_text("DNS" + (f" for {self.topology.domain}" if self.topology.domain else ""), 40)]
        for record in records[:MAX_DNS_RECORDS]:
            lines.append(dot_text(f"{record.name} {record.type} → {self.resolved(record.to)}", 40))
        if len(records) > MAX_DNS_RECORDS:
            lines.append(f"and {len(records) - MAX_DNS_RECORDS} more")
        label = "\n".join(lines)
        self.nodes["_dns"] = icon_class(DNS_ICON)(nohtml(label), nodeid="_dns", height=icon_height(label))
        for client in self.topology.clients:
            self.edge(client, "_dns", "DNS lookup", **self.styles.auxiliary)

    def resolved(self, target: str) -> str:
        component = self.topology.components.get(target)
        address = getattr(component, "ip", None) or getattr(component, "vip", None)
        return f"{target} ({address})" if address else target

    def link_label(self, protocol: str, port: int | None, access: str | None, label: str | None) -> str:
        text = f"{protocol}:{port}" if port else protocol
        if access in ("read", "write"):
            text += f" ({access})"
        if label:
            text += f"\n{dot_text(label)}"
        return text

    def draw_links(self) -> None:
        """One arrow per flow, but once per pair of drawn nodes and kind of link: the
        flows between two groups (500 by 500 servers: 250,000) are looked at once each."""
        done: set[tuple[object, ...]] = set()
        for flow in self.topology.flows:
            link = flow.link
            target_cluster = self.topology.components[link.target]
            standby = isinstance(target_cluster, ClusterSpec) and target_cluster.mode == "active_passive" \
                and flow.target != target_cluster.members[0]
            source_cluster = self.topology.components[link.source]
            standby = standby or (isinstance(source_cluster, ClusterSpec) and source_cluster.mode == "active_passive"
                                  and flow.source != source_cluster.members[0])
            seen = (self.layout.drawn_as(flow.source), self.layout.drawn_as(flow.target), link.protocol, link.port,
                    link.access, link.label, link.backup, link.encrypted, standby, flow.source in self.topology.clients)
            if seen in done:
                continue
            done.add(seen)
            style = dict(self.styles.encrypted if link.encrypted else self.styles.plain)
            label = self.link_label(link.protocol, link.port, link.access, link.label)
            if link.backup or standby:
                style["style"] = "dashed"
                label += "\nbackup" if link.backup else "\nstandby"
            if flow.source in self.topology.clients and not link.encrypted and self.marks.plain_entries:
                style.update(color=self.theme.warning, fontcolor=self.theme.warning, penwidth="2.5")
                label += "\nplain text"
            firewall = self.layout.firewall_in_front(flow.source, flow.target)
            if firewall is not None:
                self.edge(flow.source, firewall, label, **style)
                self.edge(firewall, flow.target, "", **style)
            else:
                self.edge(flow.source, flow.target, label, **style)

    def draw_replication(self) -> None:
        for replica_id, replica in self.topology.components.items():
            if isinstance(replica, Database) and replica.replica_of:
                mode = replica.replication.replace("_", "-")
                self.edge(replica.replica_of, replica_id, f"{mode} replication", constraint="false",
                          **self.styles.replication)

    def draw_monitoring(self) -> None:
        """Agents sit on the servers they watch, with where they ship in their label; an
        agent watching hostless components links to each."""
        for agent_id, agent in self.topology.components.items():
            if isinstance(agent, Monitoring):
                for watched in agent.for_:
                    self.edge(agent_id, watched, "watches", **self.styles.auxiliary)

    def draw_certificate_holders(self) -> None:
        for cert_id, cert in self.topology.components.items():
            if isinstance(cert, Certificate) and cert.for_ and cert.host is None:
                holder = self.topology.components[cert.for_]
                if not isinstance(holder, ClusterSpec) and holder.kind != Kind.SERVER:
                    self.edge(cert_id, cert.for_, "TLS", **self.styles.auxiliary)


def diagram_source(topology: Topology, direction: str = "LR", marks: Marks = NO_MARKS, expand: bool = False,
                   theme: Theme = LIGHT) -> str:
    """The DOT source of a topology's diagram."""
    return _drawn(topology, direction, marks, expand, theme)[0]


def diagram_source_and_size(topology: Topology, direction: str = "LR", marks: Marks = NO_MARKS,
                            expand: bool = False, theme: Theme = LIGHT) -> tuple[str, int]:
    """The DOT source of a topology's diagram, and how many nodes it draws."""
    source, drawing = _drawn(topology, direction, marks, expand, theme)
    return source, len(drawing.nodes)


def _drawn(topology: Topology, direction: str, marks: Marks, expand: bool, theme: Theme) -> tuple[str, _Drawing]:
    graph_attr = {
        "fontsize": "26",
        "labelloc": "t",
        "pad": "0.4",
        "nodesep": "0.35",
        "ranksep": "0.6",
        "splines": "spline",
        "newrank": "true",
        "dpi": "96",
        **theme.graph_attr(),
    }
    canvas = Canvas(name=nohtml(dot_text(topology.title, 80)), filename="diagram", direction=direction,
                     show=False, graph_attr=graph_attr, edge_attr={"fontsize": "14"},
                     node_attr={"fontsize": "16", **theme.node_attr()})
    drawing = _Drawing(topology, marks, expand, theme)
    with canvas:
        drawing.draw()
    return canvas.source, drawing


_IMAGE = re.compile(
    r'<image xlink:href="([^"]+)" width="([\d.]+)px" height="([\d.]+)px" '
    r'preserveAspectRatio="([^"]*)" x="([-\d.]+)" y="([-\d.]+)"/>'
)


_IMAGE_ATTRIBUTE = re.compile(r'\bimage="([^"\\]+)"')
NEUTRAL = 60  # saturation (0-255) under which a pixel is black, grey or white
DARK = 80  # lightness (0-255) under which a dull pixel (saturation under DULL) is too dark for a dark background
DULL = 130
DARK_SHARE = 0.3  # an icon this much drawn in dark pixels has its dark and neutral ones inverted


def light_icons(source: str, folder: Path) -> tuple[str, set[Path]]:
    """For a dark background: each icon drawn mostly in dark pixels (a firewall's black
    wall, the clients' navy outline) copied into ``folder`` with its dark dull and neutral
    pixels inverted, and the DOT source pointed at the copies (the others stay as they are)."""
    from PIL import Image, ImageChops, ImageOps

    copies: dict[str, Path] = {}

    def light(match: re.Match[str]) -> str:
        original = match.group(1)
        if original not in copies:
            path = Path(original).resolve()
            copies[original] = path
            if path.is_relative_to(ICON_ROOT) and path.suffix == ".png":
                with Image.open(path) as icon:
                    rgba = icon.convert("RGBA")
                rgb, alpha = rgba.convert("RGB"), rgba.getchannel("A")
                saturation = rgb.convert("HSV").getchannel("S")
                neutral = saturation.point(lambda v: 255 if v < NEUTRAL else 0)
                dark = ImageChops.multiply(rgb.convert("L").point(lambda v: 255 if v < DARK else 0),
                                           saturation.point(lambda v: 255 if v < DULL else 0))
                opaque = alpha.point(lambda v: 255 if v > 128 else 0)
                shown = opaque.histogram()[255]
                if shown and ImageChops.multiply(dark, opaque).histogram()[255] > DARK_SHARE * shown:
                    turned = Image.composite(ImageOps.invert(rgb), rgb, ImageChops.lighter(neutral, dark))
                    turned.putalpha(alpha)
                    copy = folder / f"icon-{len(copies)}.png"
                    turned.save(copy)
                    copies[original] = copy
        return f'image="{copies[original]}"'

    changed = _IMAGE_ATTRIBUTE.sub(light, source)
    return changed, {c for c in copies.values() if c.is_relative_to(folder)}


def inline_icons(svg: str, made: Collection[Path] = ()) -> str:
    """Make the SVG stand alone: each icon file (only files of the icon library qualify,
    and those ``made`` from them) becomes one <symbol> holding it as a data: URI, which
    every node showing it <use>s."""
    symbols: dict[Path, str] = {}
    definitions: list[str] = []

    def symbol_for(href: str) -> str:
        path = Path(href).resolve()
        if not path.is_relative_to(ICON_ROOT) and path not in made:
            raise RenderError(f"the SVG names an image outside the icon library: {path.name}")
        if path not in symbols:
            data = path.read_bytes()
            width, height = struct.unpack(">II", data[16:24])
            symbol_id = symbols[path] = f"archdoc-icon-{len(symbols) + 1}"
            definitions.append(
                f'<symbol id="{symbol_id}" viewBox="0 0 {width} {height}">'
                f'<image width="{width}" height="{height}" '
                f'xlink:href="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"/></symbol>'
            )
        return symbols[path]

    def use(match: re.Match[str]) -> str:
        href, width, height, aspect, x, y = match.groups()
        return (f'<use xlink:href="#{symbol_for(href)}" x="{x}" y="{y}" width="{width}" height="{height}" '
                f'preserveAspectRatio="{aspect}"/>')

    body = _IMAGE.sub(use, svg)
    if "<image" in body:
        raise RenderError("the SVG holds an image archdoc did not inline")
    if not definitions:
        return body
    opening = re.search(r"<svg\b[^>]*>", body)
    assert opening is not None
    return body[: opening.end()] + "\n<defs>" + "".join(definitions) + "</defs>" + body[opening.end():]


_VIEW = re.compile(r'(<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox=")[^"]*"')


def whole_view(svg: str) -> str:
    """dot 2.43 at 96 dpi scales the drawing by 96/72 but leaves its viewBox at the 72-dpi
    size, so a quarter of the drawing on the right and at the bottom fell outside it: the
    viewBox made the drawing's size (as later Graphviz versions write it)."""
    return _VIEW.sub(lambda m: f'{m.group(1)}0.00 0.00 {m.group(2)} {m.group(3)}"', svg, count=1)


MAX_PNG_PIXELS = 6_000_000  # past this, rasterising and decoding cost seconds: the PNG gets a lower dpi
SINGLE_RUN_NODES = 60  # up to this many nodes, one dot run draws both formats (at most a few MAX_PNG_PIXELS)
BASE_DPI = 96
MIN_DPI = 72  # a point is a pixel: 13 pt text stays 13 pixels high, legible


def png_dpi(width: float, height: float) -> int:
    """The dpi that keeps a drawing of this size (in pixels at 96 dpi) under MAX_PNG_PIXELS,
    never so low that its text could not be read."""
    pixels = width * height
    if pixels <= MAX_PNG_PIXELS:
        return BASE_DPI
    return max(MIN_DPI, int(BASE_DPI * (MAX_PNG_PIXELS / pixels) ** 0.5))


def _cpu_limit(seconds: int) -> Callable[[], None]:
    """Before dot starts: its own CPU-time limit, so that a dot whose run was killed
    (kill -9 leaves it to PID 1) still stops within about the time limit."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    return limit


def dot_failure(status: int, stderr: bytes) -> str:
    """Why dot failed, in its words; its exit status or signal when it said nothing."""
    lines = [" ".join(line.split()) for line in printable(stderr.decode("utf-8", errors="replace")).splitlines()]
    # Its errors before its warnings: a failure under the memory limit follows a page of
    # "size too small for label" warnings, and the error is what the user needs to read
    errors = [line for line in lines if line and not line.startswith("Warning:")]
    said = " ".join(errors + [line for line in lines if line.startswith("Warning:")])
    if said:
        return f"dot failed: {said[:500]}"
    if status < 0:
        try:
            return f"dot failed: killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"dot failed: killed by signal {-status}"
    return f"dot failed: exit status {status}"


def _run_dot(arguments: list[str], source: Path, deadline: float, timeout: float) -> None:
    """Run dot on a source file (no pipe: dot may stop reading early), writing its -o files."""
    remaining = deadline - time.monotonic()
    try:
        if remaining <= 0:
            raise subprocess.TimeoutExpired("dot", timeout)
        done = subprocess.run(["dot", *arguments, str(source)], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=remaining, preexec_fn=_cpu_limit(math.ceil(timeout) + 1))
    except subprocess.TimeoutExpired:
        raise RenderTimeout(f"dot took longer than {timeout:g} s to lay out the diagram") from None
    except FileNotFoundError:
        raise RenderError("Graphviz's 'dot' command is not installed (run scripts/bootstrap)") from None
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and not done.stderr.strip():
        raise RenderTimeout(f"dot took longer than {timeout:g} s of CPU time to lay out the diagram")
    if done.returncode != 0:
        raise RenderError(dot_failure(done.returncode, done.stderr))


def render_diagram(topology: Topology, out_dir: Path, direction: str = "LR", timeout: float = 60,
                   marks: Marks = NO_MARKS, expand: bool = False, theme: Theme = LIGHT) -> DiagramFiles:
    """Draw ``diagram.png`` and a self-contained ``diagram.svg`` into ``out_dir``.

    One dot run lays the graph out and writes both. A drawing of more than
    SINGLE_RUN_NODES nodes is laid out first alone (laying out is quick; rasterising is
    not): its size tells the PNG's dpi, lower when it is large, never under MIN_DPI; the
    SVG keeps every detail.
    """
    source, drawing = _drawn(topology, direction, marks, expand, theme)
    nodes = len(drawing.nodes)
    deadline = time.monotonic() + timeout
    png, svg = out_dir / "diagram.png", out_dir / "diagram.svg"
    css_size = None
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".dot-") as work:
        graph, drawn_svg = Path(work) / "diagram.gv", Path(work) / "diagram.svg"
        made: set[Path] = set()
        if theme.background:
            source, made = light_icons(source, Path(work).resolve())
        graph.write_text(source, encoding="utf-8")
        if nodes <= SINGLE_RUN_NODES:
            _run_dot(["-Tsvg", "-o", str(drawn_svg), "-Tpng", "-o", str(png)], graph, deadline, timeout)
            svg_text = drawn_svg.read_text(encoding="utf-8")
        else:
            _run_dot(["-Tsvg", "-o", str(drawn_svg)], graph, deadline, timeout)
            svg_text = drawn_svg.read_text(encoding="utf-8")
            size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg_text)
            width, height = (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)
            dpi = png_dpi(width, height)
            _run_dot([f"-Gdpi={dpi}", "-Tpng", "-o", str(png)], graph, deadline, timeout)
            css_size = (round(width), round(height)) if dpi != BASE_DPI else None
        svg.write_text(inline_icons(whole_view(svg_text), made), encoding="utf-8")
    return DiagramFiles(png, svg, css_size, drawing.layout)
