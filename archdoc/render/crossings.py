"""Where dot drew an arrow across a box's title.

dot keeps arrows off the nodes, not off the titles of the boxes (clusters) they pass
through. In the course's task 2, the write path from app-2 to mysql-1 and the replication
back ran through "web-01 10.0.0.11 SINGLE POINT OF FAILURE". The diagram's renderer lays
such a drawing out again with those boxes' titles at their foot, and keeps the layout
that crosses fewer titles.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator

from archdoc.render.svg_geometry import NUMBER, SVG, Box, extent

SAMPLES = 12  # points taken along each curve of an arrow


def _holds(box: Box, x: float, y: float) -> bool:
    left, top, right, bottom = box
    return left <= x <= right and top <= y <= bottom


def _meets(box: Box, other: Box) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def curve_points(path: str) -> Iterator[tuple[float, float]]:
    """Points along dot's path of an arrow: "M p0 C p1 p2 p3 p4 p5 p6 ...", cubic pieces
    that share their ends."""
    numbers = [float(n) for n in NUMBER.findall(path)]
    points = list(zip(numbers[::2], numbers[1::2], strict=False))  # dot writes pairs
    for i in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[i:i + 4]
        for k in range(SAMPLES + 1):
            t = k / SAMPLES
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
            yield a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def _title(box: ET.Element) -> Box | None:
    """Where a box's title lies: its lines of text, held within the box's sides."""
    lines = [covered for text in box.findall(f"{{{SVG}}}text") if (covered := extent(text))]
    outline = box.find(f"{{{SVG}}}path")
    sides = extent(outline) if outline is not None else None
    if not lines or sides is None:
        return None
    return (max(min(line[0] for line in lines), sides[0]), min(line[1] for line in lines),
            min(max(line[2] for line in lines), sides[2]), max(line[3] for line in lines))


def crossed_titles(svg: str) -> Counter[str]:
    """For each box (by its element id) whose title an arrow or an arrow's label crosses,
    how many do."""
    root = ET.fromstring(svg)
    groups = list(root.iter(f"{{{SVG}}}g"))
    titles = {group.get("id", ""): title for group in groups
              if group.get("class") == "cluster" and group.get("id") and (title := _title(group))}
    crossed: Counter[str] = Counter()
    if not titles:
        return crossed
    for group in groups:
        if group.get("class") != "edge":
            continue
        points = [point for path in group.findall(f"{{{SVG}}}path") for point in curve_points(path.get("d", ""))]
        labels = [covered for text in group.findall(f"{{{SVG}}}text") if (covered := extent(text))]
        for box, title in titles.items():
            if any(_holds(title, x, y) for x, y in points) or any(_meets(title, label) for label in labels):
                crossed[box] += 1
    return crossed
