"""The diagram as a Mermaid flowchart: ``diagram.mmd``, and the ```mermaid block that
``report.md`` embeds with ``--md-diagram mermaid`` (GitHub and GitLab draw it).

It draws the same Scene as the Graphviz diagram (``scene.py``): servers are subgraphs
holding what runs on them, a group of alike servers one subgraph named after its
members, a cluster a subgraph around its members; links carry protocol:port, backup
links, standby members, replication and archdoc's own arrows (DNS lookups, agents,
certificates) are dashed, encrypted links thick and green. The findings are classes:
``spof`` (red) on a single point of failure, ``gap`` (orange) on a server with no
firewall or no monitoring, and plain-text links from users red (``linkStyle``).

Ids. Each node and subgraph is named after the spec's id: ``-`` becomes ``_`` (a spec
id is ``[a-z0-9][a-z0-9_-]*``, so the result is ``[a-z0-9_]``). An id Mermaid's
parser reads as a word of its own (``end``, ``graph``, ``subgraph``, ``style``,
``class``, ``click``, ``default`` ...; see RESERVED) gets a trailing ``_``; when two
spec ids meet in one name (``web-1`` and ``web_1``), the later in the spec gets ``_2``
(then ``_3`` ...). archdoc's own nodes start with ``_`` (a spec id never does): ``_dns``,
``_legend``, and ``_facts_<box>``, which holds a box's lines past its title. The same
spec always gives the same ids.

Text. Every label is quoted, and everything in it but letters, digits, spaces and
``.,/+_-`` (and printable characters past ASCII) is written as Mermaid's entity code
(``#34;`` for ``"``, ``#35;`` for ``#``, ``#60;`` for ``<`` ...), which Mermaid turns
back into the character as text. So no label can close its quotes, start a statement
(``;``, a line break), a directive (``%%{init}``), a link (``click``), Markdown
(backticks) or HTML, and no backtick can close report.md's fence. Mermaid's lexer reads
``direction TB`` anywhere on a line: the space after ``direction`` is encoded too; and
it breaks a line at a backslash followed by ``n``, even encoded: an invisible word joiner
(U+2060) goes between them.
Labels are cut, as in the Graphviz drawing, at 200 characters (``text.drawn_text``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from archdoc.model import Topology
from archdoc.model.kinds import Kind
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
    Frame,
    Scene,
    Shape,
    is_junction,
)
from archdoc.render.text import drawn_text
from archdoc.rules.spof import Spof

# Words Mermaid's flowchart lexer reads as keywords (where a node id could stand), and the
# one-letter ids it reads as arrow heads or shapes: never a node's or a subgraph's id.
RESERVED = frozenset({
    "end", "graph", "flowchart", "subgraph", "style", "linkstyle", "classdef", "class", "click", "call", "href",
    "default", "interpolate", "direction", "acctitle", "accdescr", "v", "o", "x", "lr", "rl", "tb", "bt", "td", "br",
    "constructor",  # Mermaid keeps nodes in a plain JavaScript object: this one breaks the whole chart
})
# What Mermaid draws with its default settings (GitHub's and GitLab's): a longer text or
# more arrows and it shows an error in the diagram's place
MAX_TEXT_SIZE = 50_000
MAX_EDGES = 500
_SAFE = re.compile(r"[A-Za-z0-9 .,/+_-]")
_DIRECTION = re.compile(r"(direction) ")
WORD_JOINER = "\u2060"  # invisible: keeps a backslash and an n apart, which Mermaid would read as a line break

# How a kind of component is drawn (Mermaid's node shapes); the rest are rectangles
SHAPES = {
    Kind.CLIENT: ("([", "])"),
    Kind.DATABASE: ("[(", ")]"),
    Kind.CACHE: ("[(", ")]"),
    Kind.FIREWALL: ("{{", "}}"),
}
DNS_SHAPE = ("[/", "/]")
LEGEND_SHAPE = (">", "]")
JUNCTION_SHAPE = ("((", "))")
WITHOUT_HEAD = {"-->": "---", "==>": "===", "-.->": "-.-"}  # each line, with no arrowhead

# Classes: the boxes as the Graphviz drawing colours them, and the findings
SPOF_CLASS, GAP_CLASS = Spof.id, "gap"
CLASSES = {
    "server": "fill:#F4F6F7,stroke:#AAB7B8",
    "servers": "fill:#E5E8E8,stroke:#AAB7B8,stroke-width:3px,stroke-dasharray:6 3",
    "clusterBox": "fill:#FEF9E7,stroke:#D4AC0D,stroke-dasharray:6 3",
    "legend": "fill:#FDFEFE,stroke:#AAB7B8,text-align:left",
    "facts": "fill:none,stroke:none",
    "warning": "color:#C0392B",
    SPOF_CLASS: "stroke:#C0392B,stroke-width:3px,color:#C0392B",
    GAP_CLASS: "stroke:#D68910,stroke-width:2px",
}
WARNING = "stroke:#C0392B,stroke-width:2.5px,color:#C0392B"
LINK_STYLES = {
    ENCRYPTED: "stroke:#1E8449,stroke-width:2px,color:#1E8449",
    REPLICATION: "stroke:#7D3C98,color:#7D3C98",
    AUXILIARY: "stroke:#95A5A6,color:#7B8894",
}


def mermaid_text(text: str) -> str:
    """User text as the inside of a quoted Mermaid label: cut as drawings cut it, then
    each character outside the safe set written as Mermaid's entity code."""
    text = drawn_text(text).replace("\\n", "\\" + WORD_JOINER + "n")
    encoded = "".join(char if _SAFE.fullmatch(char) or _printable_beyond_ascii(char) else f"#{ord(char)};"
                      for char in text)
    return _DIRECTION.sub(r"\1#32;", encoded)


def _printable_beyond_ascii(char: str) -> bool:
    """A letter, digit, mark, punctuation, symbol or space past ASCII: shown as itself.
    Format characters (bidirectional overrides, zero-width joiners) are encoded."""
    return ord(char) > 127 and unicodedata.category(char)[0] in "LMNPSZ" and unicodedata.category(char) not in (
        "Zl", "Zp")


def label(lines: Iterable[str], between: str = "<br>") -> str:
    """A quoted label of several lines (Mermaid breaks lines at ``<br>``)."""
    return '"' + between.join(mermaid_text(line) for line in lines) + '"'


def facts_key(box: str) -> str:
    """The key, in Ids, of the node that holds a box's facts (no spec id starts with "_")."""
    return f"_facts_{box}"


class Ids:
    """Spec ids to Mermaid ids (see the module's docstring), given in spec order."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.of: dict[str, str] = {}
        taken: set[str] = set()
        for spec_id in ids:
            base = re.sub(r"[^A-Za-z0-9_]", "_", spec_id)
            if base.lower() in RESERVED:
                base += "_"
            name, number = base, 2
            while name.lower() in taken:
                name, number = f"{base}_{number}", number + 1
            taken.add(name.lower())
            self.of[spec_id] = name

    def __getitem__(self, spec_id: str) -> str:
        return self.of[spec_id]


@dataclass
class Flowchart:
    """A drawn Mermaid flowchart: its text, and what it draws (Mermaid id -> label lines;
    a box's lines past its title are in its facts node)."""

    text: str
    nodes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    boxes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)  # box -> its facts node
    arrows: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def too_large(self) -> str | None:
        """Why Mermaid (as GitHub and GitLab run it) would not draw this chart, or None."""
        if len(self.arrows) > MAX_EDGES:
            return f"{len(self.arrows):,} arrows; Mermaid draws up to {MAX_EDGES}"
        if len(self.text) > MAX_TEXT_SIZE:
            return f"{len(self.text):,} characters; Mermaid draws up to {MAX_TEXT_SIZE:,}"
        return None


class _Writer:
    def __init__(self, scene: Scene, direction: str) -> None:
        self.scene = scene
        topology = scene.topology
        frames = [c for c in topology.components if topology.kind(c) in (Kind.SERVER, Kind.CLUSTER)]
        junctions = [node for node in scene.shapes if is_junction(node)]
        self.ids = Ids([*topology.components, DNS, LEGEND, *map(facts_key, frames), *junctions])
        self.lines = [f"flowchart {direction}"]
        self.drawn = Flowchart("")
        self.classes: dict[str, list[str]] = {name: [] for name in CLASSES}

    def shape(self, shape: Shape, depth: int, lines: tuple[str, ...] | None = None, mark: str | None = None) -> None:
        """A node; ``lines`` and ``mark`` given when it stands for its server's box."""
        node_id = self.ids[shape.id]
        if is_junction(shape.id):  # where a links entry's arrows meet: a small circle
            opening, closing, lines = JUNCTION_SHAPE[0], JUNCTION_SHAPE[1], ("·",)
        elif shape.id == DNS:
            opening, closing = DNS_SHAPE
        elif shape.id == LEGEND:
            opening, closing = LEGEND_SHAPE
            self.classes["legend"].append(node_id)
        else:
            opening, closing = SHAPES.get(self.scene.topology.kind(shape.id), ("[", "]"))
        lines = lines or shape.lines + (("single point of failure",) if shape.single_point else ())
        if shape.single_point or mark == SINGLE_POINT:
            self.classes[SPOF_CLASS].append(node_id)
        elif mark == GAP:
            self.classes[GAP_CLASS].append(node_id)
        self.lines.append(f"{'  ' * depth}{node_id}{opening}{label(lines)}{closing}")
        self.drawn.nodes[node_id] = lines

    def frame(self, frame: Frame, depth: int) -> None:
        shapes = [item for item in frame.content if isinstance(item, Shape | Frame)]
        if not shapes:
            return
        if frame.what != CLUSTER and len(shapes) == 1 and isinstance(shapes[0], Shape) and shapes[0].id == frame.id:
            # a bare server (nothing runs on it): its box is the node (its name, what it is, the box's lines)
            self.shape(shapes[0], depth, frame.lines[:1] + shapes[0].lines[1:] + frame.lines[1:], frame.mark)
            return
        box_id = self.ids[frame.id]
        # The title is the box's first line; the others (address, what it lacks) are a node of
        # their own inside: Mermaid lays boxes out before it sets their titles, so a long title
        # runs over the box's neighbours, and one of several lines over what the box holds.
        self.lines.append(f"{'  ' * depth}subgraph {box_id} [{label(frame.lines[:1])}]")
        if frame.lines[1:]:
            facts_id = self.ids[facts_key(frame.id)]
            self.lines.append(f"{'  ' * (depth + 1)}{facts_id}[{label(frame.lines[1:])}]")
            self.drawn.nodes[facts_id] = frame.lines[1:]
            self.drawn.facts[box_id] = facts_id
            self.classes["facts"].append(facts_id)
            if frame.mark == SINGLE_POINT:
                self.classes["warning"].append(facts_id)
        for item in shapes:
            if isinstance(item, Shape):
                self.shape(item, depth + 1)
            else:
                self.frame(item, depth + 1)
        self.lines.append(f"{'  ' * depth}end")
        self.drawn.boxes[box_id] = frame.lines
        kind = "clusterBox" if frame.what == CLUSTER else "servers" if frame.what == SERVERS else "server"
        self.classes[kind].append(box_id)
        if frame.mark == SINGLE_POINT:
            self.classes[SPOF_CLASS].append(box_id)
        elif frame.mark == GAP:
            self.classes[GAP_CLASS].append(box_id)

    def arrow(self, arrow: Arrow, styles: dict[str, list[int]]) -> None:
        if arrow.look in (REPLICATION, AUXILIARY) or arrow.dashed:
            line = "-.->"
        elif arrow.look == ENCRYPTED or arrow.warning:
            line = "==>"
        else:
            line = "-->"
        if is_junction(arrow.target):  # the arrows meet there; they point at the targets past it
            line = WITHOUT_HEAD[line]
        lines = arrow.lines
        text = f"|{label(lines)}|" if lines else ""
        self.lines.append(f"  {self.ids[arrow.source]} {line}{text} {self.ids[arrow.target]}")
        index = len(self.drawn.arrows)
        self.drawn.arrows.append(lines)
        look = "warning" if arrow.warning else arrow.look
        styles.setdefault(look, []).append(index)

    def write(self) -> Flowchart:
        scene = self.scene
        for item in scene.content:
            if isinstance(item, Shape):
                self.shape(item, 1)
            elif isinstance(item, Frame):
                self.frame(item, 1)
        if scene.legend:
            self.shape(scene.legend, 1)
        styles: dict[str, list[int]] = {}
        for arrow in scene.arrows:
            self.arrow(arrow, styles)
        for name, style in CLASSES.items():
            self.lines.append(f"  classDef {name} {style}")
        for name, members in self.classes.items():
            if members:
                self.lines.append(f"  class {','.join(members)} {name}")
        for look, style in (*LINK_STYLES.items(), ("warning", WARNING)):
            if look in styles:
                self.lines.append(f"  linkStyle {','.join(map(str, styles[look]))} {style}")
        self.drawn.text = "\n".join(self.lines) + "\n"
        reason = self.drawn.too_large
        if reason:  # said where the reader of the file looks; the chart stays whole
            self.drawn.text = (f"%% archdoc: too large for Mermaid's default limits ({reason}); "
                               f"diagram.svg shows it whole\n" + self.drawn.text)
        assert "`" not in self.drawn.text, "a backtick would close report.md's fence"
        return self.drawn


def flowchart(topology: Topology, direction: str = "LR", marks: Marks = NO_MARKS, expand: bool = False) -> Flowchart:
    """The Mermaid flowchart of a topology's diagram, and what it draws."""
    return _Writer(Scene(topology, marks, expand), direction).write()
