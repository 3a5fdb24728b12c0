"""Where things lie in dot's SVG: the box an element covers, read from its coordinates.

Shared by the explorable diagram (where a tooltip goes, what a finding outlines) and by
the check for arrows across a box's title.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?")  # past a million points, dot writes 1.8e+06
CHARACTER_WIDTH = 0.55  # of the font size: DejaVu Sans' mean advance, near enough for a label
Box = tuple[float, float, float, float]  # left, top, right, bottom


def extent(element: ET.Element) -> Box | None:
    """The box an element of dot's SVG covers (text measured roughly: its size, not its font)."""
    xs: list[float] = []
    ys: list[float] = []
    for item in element.iter():
        tag = item.tag.rpartition("}")[2]
        if tag in ("path", "polygon", "polyline"):
            numbers = [float(n) for n in NUMBER.findall(item.get("d") or item.get("points") or "")]
            xs += numbers[0::2]
            ys += numbers[1::2]
        elif tag in ("use", "image", "rect"):
            x, y = float(item.get("x", 0)), float(item.get("y", 0))
            xs += [x, x + float(item.get("width", 0))]
            ys += [y, y + float(item.get("height", 0))]
        elif tag == "ellipse":
            cx, cy, rx, ry = (float(item.get(a, 0)) for a in ("cx", "cy", "rx", "ry"))
            xs += [cx - rx, cx + rx]
            ys += [cy - ry, cy + ry]
        elif tag == "text":
            x, y, size = float(item.get("x", 0)), float(item.get("y", 0)), float(item.get("font-size", 14))
            width = CHARACTER_WIDTH * size * len(item.text or "")
            anchor = item.get("text-anchor", "start")
            left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
            xs += [left, left + width]
            ys += [y - size, y + 0.25 * size]
    if not xs or not ys:
        return None
    return min(xs), min(ys), max(xs), max(ys)
