"""The diagram: a topology drawn with the ``diagrams`` library (the only module importing it).

Servers are boxes holding what runs on them; a cluster is a box around its members;
clients, DNS, firewalls, certificates and monitoring appear where they act. Links carry
their protocol and port; encrypted links are green and bold; replication is a dashed
purple arrow from primary to replica; backup links and standby members are dashed.

What is drawn, with which words (tiers, groups of alike servers drawn once, the marks),
is decided by ``archdoc.render.scene`` and ``archdoc.render.layout``, which the Mermaid
drawing shares; this module turns it into a graph. ``diagrams`` builds the
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
from archdoc.model import Topology
from archdoc.model.components import Certificate
from archdoc.model.kinds import Kind
from archdoc.model.software import software
from archdoc.render.canvas import ICON_ROOT, Box, Canvas, Cluster, Edge, Node, icon_class, nohtml, same_rank
from archdoc.render.crossings import crossed_titles
from archdoc.render.ids import element_id, icon_id
from archdoc.render.layout import Layout
from archdoc.render.marks import NO_MARKS, Marks
from archdoc.render.scene import (
    AUXILIARY,
    CLUSTER,
    DNS,
    ENCRYPTED,
    GAP,
    LEGEND,
    REPLICATION,
    SERVERS,
    SINGLE_POINT,
    Arrow,
    Beside,
    Frame,
    Scene,
    Shape,
    is_junction,
)
from archdoc.render.text import drawn_text, printable
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
    single_point_box: dict[str, str]

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
            single_point_box={"bgcolor": theme.server_fill, "pencolor": theme.warning, "fontcolor": theme.warning, "penwidth": "3",
                              "style": "rounded", "fontsize": "16", "margin": "8"},
        )


@dataclass(frozen=True)
class DiagramFiles:
    png: Path
    svg: Path
    css_size: tuple[int, int] | None = None  # the drawing's size at 96 dpi, when the PNG has another dpi
    layout: Layout | None = None  # what was drawn where (groups of alike servers), for the interactive SVG


def dot_text(text: str, width: int = LABEL_WIDTH) -> str:
    """User text made literal in a DOT label: as ``drawn_text`` makes it, then backslashes
    doubled (no \\N or \\G escapes), ampersands escaped (Graphviz decodes entities such as
    &lt;) and long words wrapped. Quoting, and text that looks like an HTML label, are
    graphviz.nohtml's."""
    flat = drawn_text(text).replace("\\", "\\\\").replace("&", "&amp;")
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
    """Builds the graph of one topology's Scene inside a Canvas."""

    def __init__(self, topology: Topology, marks: Marks = NO_MARKS, expand: bool = False, theme: Theme = LIGHT,
                 titles_below: Collection[str] = ()) -> None:
        self.topology = topology
        self.titles_below = titles_below  # element ids of the boxes whose title goes at their foot
        self.theme = theme
        self.styles = Styles.of(theme)
        self.scene = Scene(topology, marks, expand)
        self.nodes: dict[str, Node] = {}

    def add_node(self, shape: Shape) -> None:
        if is_junction(shape.id):  # a dot where a links entry's arrows meet
            self.nodes[shape.id] = Node("", nodeid=shape.id, shape="point", width="0.12", height="0.12",
                                        fixedsize="true", color=self.theme.box_pen)
            return
        if shape.id == DNS:
            label = wide_lines(shape.lines)
            self.nodes[DNS] = icon_class(DNS_ICON)(nohtml(label), nodeid=DNS, height=icon_height(label))
            return
        component = self.topology.components[shape.id]
        software_text = component.software
        if isinstance(component, Certificate) and component.issuer and "encrypt" in component.issuer.lower():
            software_text = LETSENCRYPT
        icon = icon_for(component.kind, software_text)
        label = nohtml("\n".join(dot_text(line) for line in shape.lines))
        # a server that holds nothing is drawn in its box, which carries the server's id
        in_own_box = component.kind == Kind.SERVER
        node_id = icon_id(shape.id) if in_own_box else element_id(shape.id)
        if shape.single_point:  # a hostless unit: a red box around it, as a server's would be
            with Box(f"spf_{shape.id}", "single point of failure", self.styles.single_point_box):
                self.nodes[shape.id] = icon(label, nodeid=shape.id, height=icon_height(label), id=node_id)
            return
        self.nodes[shape.id] = icon(label, nodeid=shape.id, height=icon_height(label), id=node_id)

    def draw_frame(self, frame: Frame) -> None:
        """A server's box with what runs on it (a group's box stacked); a cluster's box
        around its members."""
        if frame.what == CLUSTER:
            style = self.styles.group_box
            with Box(f"grp_{frame.id}", wide_lines(frame.lines),
                     self._titled({**style, "id": element_id(frame.id), "margin": str(box_margin(frame, int(style["margin"])))})) as box:
                self.draw_content(box, frame.content)
        elif frame.what == SERVERS:
            with Box(f"stk_{frame.id}", "", self.styles.stack_box):
                self._server_box(frame)
        else:
            self._server_box(frame)

    def _server_box(self, frame: Frame) -> None:
        style = dict(self.styles.server_box)
        if frame.mark == SINGLE_POINT:
            style.update(pencolor=self.theme.warning, penwidth="3", fontcolor=self.theme.warning)
        elif frame.mark == GAP:
            style.update(pencolor=self.theme.gap, penwidth="2")
        style["id"] = element_id(frame.id)
        style["margin"] = str(box_margin(frame, int(style["margin"])))
        with Box(f"srv_{frame.id}", wide_lines(frame.lines), self._titled(style)) as box:
            self.draw_content(box, frame.content)

    def _titled(self, style: dict[str, str]) -> dict[str, str]:
        """A box's style, its title at its foot when an arrow crossed it at its head."""
        return {**style, "labelloc": "b"} if style["id"] in self.titles_below else style

    def draw_content(self, box: Cluster | None, content: list[Shape | Frame | Beside]) -> None:
        for item in content:
            if isinstance(item, Shape):
                self.add_node(item)
            elif isinstance(item, Frame):
                self.draw_frame(item)
            else:
                assert box is not None, "only a box keeps its nodes side by side"
                same_rank(box, item.anchor, item.other)

    # --- the whole picture ---------------------------------------------------------
    def draw(self) -> None:
        scene = self.scene
        self.draw_content(None, scene.content)
        for arrow in scene.arrows:
            self.edge(arrow)
        if scene.legend:
            self.draw_legend(scene.legend)

    def draw_legend(self, legend: Shape) -> None:
        # diagrams' default node is a fixed 1.4-inch box labelled at the bottom: not for text
        node = Node(nohtml("\\l".join(legend.lines) + "\\l"), nodeid=LEGEND, shape="note", fontsize="13",
                    style="filled", fillcolor=self.theme.legend_fill, color=self.theme.box_pen, margin="0.15,0.1",
                    fixedsize="false", width="0", height="0", labelloc="c")
        self.nodes[LEGEND] = node

    def edge(self, arrow: Arrow) -> None:
        lines = [arrow.text] if arrow.text else []
        if arrow.note:
            lines.append(dot_text(arrow.note))
        label = "\n".join(lines + list(arrow.tags))
        attrs: dict[str, str]
        if arrow.look == REPLICATION:
            attrs = {"constraint": "false", **self.styles.replication}
        elif arrow.look == AUXILIARY:
            attrs = dict(self.styles.auxiliary)
        else:
            attrs = dict(self.styles.encrypted if arrow.look == ENCRYPTED else self.styles.plain)
            if arrow.dashed:
                attrs["style"] = "dashed"
            if arrow.warning:
                warning = self.theme.warning
                attrs.update(color=warning, fontcolor=warning, penwidth="2.5")
        if is_junction(arrow.target):  # the arrows meet there; they point at the targets past it
            attrs["arrowhead"] = "none"
        self.nodes[arrow.source] >> Edge(label=nohtml(label) if label else "", **attrs) >> self.nodes[arrow.target]


ICON_WIDTH = 101  # points: diagrams' icon nodes are 1.4 inches wide, their labels often wider
MEAN_CHARACTER = 8.8  # points: the mean width of a character of a 16 pt label


def box_margin(frame: Frame, least: int) -> int:
    """A box's margin: wide enough that the widest label of a node it holds itself stays
    inside it (dot sizes a box by its nodes, not by their labels, which overflow them)."""
    widest = max((len(line) for item in frame.content if isinstance(item, Shape)
                  for text in item.lines for line in dot_text(text).split("\n")), default=0)
    overflow = (widest * MEAN_CHARACTER - ICON_WIDTH) / 2
    return max(least, math.ceil(overflow) + 6)


def wide_lines(lines: tuple[str, ...]) -> str:
    """A box's (or the DNS node's) lines, each wrapped at 40 characters."""
    return "\n".join(dot_text(line, 40) for line in lines)


def diagram_source(topology: Topology, direction: str = "LR", marks: Marks = NO_MARKS, expand: bool = False,
                   theme: Theme = LIGHT) -> str:
    """The DOT source of a topology's diagram."""
    return _drawn(topology, direction, marks, expand, theme)[0]


def diagram_source_and_size(topology: Topology, direction: str = "LR", marks: Marks = NO_MARKS,
                            expand: bool = False, theme: Theme = LIGHT) -> tuple[str, int]:
    """The DOT source of a topology's diagram, and how many nodes it draws."""
    source, drawing = _drawn(topology, direction, marks, expand, theme)
    return source, len(drawing.nodes)


def _drawn(topology: Topology, direction: str, marks: Marks, expand: bool, theme: Theme,
           titles_below: Collection[str] = ()) -> tuple[str, _Drawing]:
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
    drawing = _Drawing(topology, marks, expand, theme, titles_below)
    with canvas:
        drawing.draw()
    return canvas.source, drawing


_IMAGE = re.compile(
    r'<image xlink:href="([^"]+)" width="([\d.]+)px" height="([\d.]+)px" '
    r'preserveAspectRatio="([^"]*)" x="([-+\d.e]+)" y="([-+\d.e]+)"/>'  # past a million points, dot writes 1.8e+06
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


def _run_dot(arguments: list[str], source: Path, deadline: float, timeout: float,
             meanwhile: Callable[[], None] | None = None) -> None:
    """Run dot on a source file (no pipe: dot may stop reading early), writing its -o files;
    ``meanwhile`` runs here while dot works."""
    try:
        process = subprocess.Popen(["dot", *arguments, str(source)], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   preexec_fn=_cpu_limit(math.ceil(timeout) + 1))
    except FileNotFoundError:
        raise RenderError("Graphviz's 'dot' command is not installed (run scripts/bootstrap)") from None
    try:
        if meanwhile is not None:
            meanwhile()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise subprocess.TimeoutExpired("dot", timeout)
        _, stderr = process.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        raise RenderTimeout(f"dot took longer than {timeout:g} s to lay out the diagram") from None
    finally:
        if process.returncode is None:  # stopped (its time is up, or meanwhile failed): dot with it
            process.kill()
            process.communicate()
    if process.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and not stderr.strip():
        raise RenderTimeout(f"dot took longer than {timeout:g} s of CPU time to lay out the diagram")
    if process.returncode != 0:
        raise RenderError(dot_failure(process.returncode, stderr))


def render_diagram(topology: Topology, out_dir: Path, direction: str = "LR", timeout: float = 60,
                   marks: Marks = NO_MARKS, expand: bool = False, theme: Theme = LIGHT,
                   meanwhile: Callable[[], None] | None = None) -> DiagramFiles:
    """Draw ``diagram.png`` and a self-contained ``diagram.svg`` into ``out_dir``;
    ``meanwhile`` runs while dot lays the graph out (work that does not need the drawing).

    One dot run lays the graph out and writes both; a drawing with an arrow across a
    box's title is laid out again with that title at the box's foot (the layout that
    crosses fewer titles kept). A drawing of more than
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
            _run_dot(["-Tsvg", "-o", str(drawn_svg), "-Tpng", "-o", str(png)], graph, deadline, timeout, meanwhile)
            svg_text = drawn_svg.read_text(encoding="utf-8")
            crossed = crossed_titles(svg_text)
            movable = {box for box in crossed if not box.startswith("clust")}  # dot's own ids: boxes archdoc did not name
            if movable:  # laid out again, those titles at their boxes' foot; the one crossing fewer kept
                again, _ = _drawn(topology, direction, marks, expand, theme, titles_below=movable)
                if theme.background:
                    again, made = light_icons(again, Path(work).resolve())
                graph.write_text(again, encoding="utf-8")
                other_svg, other_png = Path(work) / "again.svg", Path(work) / "again.png"
                _run_dot(["-Tsvg", "-o", str(other_svg), "-Tpng", "-o", str(other_png)], graph, deadline, timeout)
                other_text = other_svg.read_text(encoding="utf-8")
                if sum(crossed_titles(other_text).values()) < sum(crossed.values()):
                    svg_text = other_text
                    other_png.replace(png)
        else:
            _run_dot(["-Tsvg", "-o", str(drawn_svg)], graph, deadline, timeout, meanwhile)
            svg_text = drawn_svg.read_text(encoding="utf-8")
            size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg_text)
            width, height = (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)
            dpi = png_dpi(width, height)
            _run_dot([f"-Gdpi={dpi}", "-Tpng", "-o", str(png)], graph, deadline, timeout)
            css_size = (round(width), round(height)) if dpi != BASE_DPI else None
        svg.write_text(inline_icons(whole_view(svg_text), made), encoding="utf-8")
    return DiagramFiles(png, svg, css_size, drawing.scene.layout)
