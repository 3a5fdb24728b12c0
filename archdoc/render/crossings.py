"""Where dot drew an arrow across a box's title.

dot keeps arrows off the nodes, not off the titles of the boxes (clusters) they pass
through. In the course's task 2, the write path from app-2 to mysql-1 and the replication
back ran through "web-01 10.0.0.11 SINGLE POINT OF FAILURE". The diagram's renderer lays
such a drawing out again with those boxes' titles at their foot, and keeps the layout
that crosses fewer titles.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

SVG = "{http://www.w3.org/2000/svg}"
CHARACTER_WIDTH = 0.55  # of the font size: DejaVu Sans' mean advance, near enough for a title
SAMPLES = 12  # points taken along each curve of an arrow
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?")


class Area(NamedTuple):
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def meets(self, other: Area) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom


def text_area(text: ET.Element) -> Area:
    """Where a line of SVG text lies (its width estimated from its length)."""
    size = float(text.get("font-size", "14"))
    width = len("".join(text.itertext())) * size * CHARACTER_WIDTH
    x, y = float(text.get("x", "0")), float(text.get("y", "0"))
    anchor = text.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Area(left, y - size, left + width, y + size / 4)


def curve_points(path: str) -> Iterator[tuple[float, float]]:
    """Points along dot's path of an arrow: "M p0 C p1 p2 p3 p4 p5 p6 ...", cubic pieces
    that share their ends."""
    numbers = [float(n) for n in _NUMBER.findall(path)]
    points = list(zip(numbers[::2], numbers[1::2], strict=False))  # dot writes pairs
    for i in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[i:i + 4]
        for k in range(SAMPLES + 1):
            t = k / SAMPLES
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
            yield a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def crossed_titles(svg: str) -> Counter[str]:
    """For each box (by its element id) whose title an arrow or an arrow's label crosses,
    how many do."""
    root = ET.fromstring(svg)
    titles: dict[str, Area] = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "cluster" and group.get("id"):
            lines = [text_area(text) for text in group.findall(f"{SVG}text")]
            outline = group.find(f"{SVG}path")
            if lines and outline is not None:  # the title, within its box's sides
                xs = [float(n) for n in _NUMBER.findall(outline.get("d", ""))[::2]] or [0.0]
                titles[group.get("id", "")] = Area(max(min(a.left for a in lines), min(xs)), min(a.top for a in lines),
                                                   min(max(a.right for a in lines), max(xs)), max(a.bottom for a in lines))
    crossed: Counter[str] = Counter()
    if not titles:
        return crossed
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "edge":
            continue
        points = [point for path in group.findall(f"{SVG}path") for point in curve_points(path.get("d", ""))]
        labels = [text_area(text) for text in group.findall(f"{SVG}text")]
        for box, title in titles.items():
            if any(title.holds(x, y) for x, y in points) or any(title.meets(label) for label in labels):
                crossed[box] += 1
    return crossed
