"""The one adapter around the ``diagrams`` library's internals (pinned in pyproject.toml).

archdoc uses diagrams to build a Graphviz graph with its icons, and nothing else: it
runs ``dot`` itself, under a time limit. What that takes of diagrams beyond its public
API lives here, so that a new diagrams release is checked in one place:

- ``Canvas``: a Diagram whose exit does not render (diagrams' ``__exit__`` runs dot);
- ``Box``: a Cluster whose Graphviz name comes from a spec id, not from its label;
- ``same_rank``: a ``rank=same`` line in a box, to set a node beside another;
- ``icon_class``: an icon class by its dotted name under ``diagrams``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, cast

import diagrams
import graphviz
from diagrams import Cluster, Diagram, Edge, Node, setdiagram

ICON_ROOT = (Path(diagrams.__file__).parent.parent / "resources").resolve()

__all__ = ["ICON_ROOT", "Box", "Canvas", "Cluster", "Edge", "Node", "icon_class", "nohtml", "same_rank"]


class Canvas(Diagram):
    """A Diagram that only builds the graph; archdoc runs dot itself, with a time limit."""

    def render(self) -> None:  # pragma: no cover - never called by design
        pass

    def __exit__(self, *exc: Any) -> None:
        setdiagram(None)

    @property
    def source(self) -> str:
        """The DOT source of what was drawn."""
        return str(self.dot.source)


class Box(Cluster):
    """A Cluster whose Graphviz name comes from a spec id, not from its (user) label."""

    def __init__(self, box_id: str, label: str, graph_attr: dict[str, str]) -> None:
        super().__init__(label=nohtml(label), graph_attr=graph_attr)
        self.name = f"cluster_{box_id}"
        self.dot.name = self.name


def same_rank(box: Cluster, *node_ids: str) -> None:
    """Keep these nodes (ids of nodes inside ``box``) side by side in the flow's direction."""
    box.dot.body.append("\t{rank=same; " + "; ".join(f'"{node_id}"' for node_id in node_ids) + "}\n")


def nohtml(text: str) -> str:
    """Text Graphviz must never read as an HTML-like label (graphviz.nohtml marks it so)."""
    return cast(str, graphviz.nohtml(text))


def icon_class(dotted: str) -> type[Node]:
    """'onprem.network.Nginx' -> diagrams.onprem.network.Nginx."""
    module, _, cls = dotted.rpartition(".")
    icon: type[Node] = getattr(importlib.import_module(f"diagrams.{module}"), cls)
    return icon
