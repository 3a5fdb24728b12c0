"""The diagram as report.html (and a live page) shows it: dot's SVG inline, explorable without a script.

- Every component drawn is the element ``c-<id>`` (see ``ids``); a grouped server or a
  grouped server's component, not drawn itself, gets an anchor of its own over what stands
  for it (and the group's box lists its members in ``data-members``), so that a link to
  any component lands on the drawing.
- Hovering a component shows its tooltip (kind, software, host, findings). SVG paints in
  document order, so the tooltips come after everything else, each shown by a CSS rule of
  its own: ``#c-web-01:hover ~ #t-web-01``.
- Clicking a component goes to its first finding in the report (``#f-<id>``); a link to
  ``#c-<id>`` outlines it (``:target``).
- Zoom steps are radio buttons (``:checked`` sets the drawing's size); the view scrolls
  to pan. Tooltips keep their size at every step.

The SVG carries user text (labels), so what this module returns passes an allow-list
check of its own (``check_svg``): only the elements and attributes dot and archdoc
write, with values of the expected shapes; no script, no event handler, no
foreignObject, no style attribute, no link leaving the page.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

from archdoc.errors import RenderError
from archdoc.explain.naming import name as name_of
from archdoc.model.components import Cluster, Database, Server
from archdoc.model.software import software_name
from archdoc.render.ids import ELEMENT_ID, element_id, finding_id, icon_id, tooltip_id
from archdoc.render.layout import Layout
from archdoc.render.svg_geometry import SVG, Box, extent
from archdoc.render.text import printable
from archdoc.rules import RULES, Analysis, Finding

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"  # dot's; written as SVG 2's plain href

ZOOM_STEPS = (50, 75, 100, 150, 200)  # per cent of the drawing's own size (the PNG's)
NOMINAL_VIEW = 800  # CSS pixels the report's column gives the drawing (60em less padding)
FIT_AT_LEAST = 0.55  # (14 pt link labels stay 10 px high) a drawing shown smaller than this to fit the column starts at ZOOM_DEFAULT instead
ZOOM_DEFAULT = 75
TIP_FONT = 13  # CSS pixels of tooltip text, at every zoom step
TIP_WIDTH = 52  # characters per tooltip line
TIP_FINDINGS = 6  # findings a tooltip shows; past that, "and N more"
TIP_FINDING_LINES = 4
TIP_TEXT = 120  # characters of one user text in a tooltip


@dataclass(frozen=True)
class InteractiveDiagram:
    """The drawing for an HTML page: ``html()`` is the whole widget (zoom steps and view)."""

    svg: str  # the <svg> element, checked
    css: str  # its rules (tooltips, zoom steps), for the page's <style>, with DIAGRAM_CSS
    links: Mapping[str, str]  # component id -> the element id a link to it lands on
    default_zoom: str  # "fit" or a step of ZOOM_STEPS

    def html(self) -> str:
        steps = ["fit", *map(str, ZOOM_STEPS)]
        radios = "".join(f'<input type="radio" name="archdoc-zoom" id="zoom-{s}" class="zoom"'
                         f'{" checked" if s == self.default_zoom else ""}>' for s in steps)
        labels = " ".join(f'<label for="zoom-{s}">{s if s == "fit" else s + " %"}</label>' for s in steps)
        return (f'<div class="diagram interactive">{radios}<p class="zoom-steps">Zoom: {labels} '
                '<span class="hint">· hover a part for its details, click it for its findings</span></p>\n'
                f'<div class="diagram-view">{self.svg}</div></div>')


# --- what each drawn element says ---------------------------------------------------------
def _cut(text: object, limit: int = TIP_TEXT) -> str:
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _Facts:
    """What the tooltips say, from the analysis and what the drawing shows for what."""

    def __init__(self, analysis: Analysis, layout: Layout | None) -> None:
        self.topology = analysis.topology
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        for finding in analysis.findings:
            self.findings[finding.component].append(finding)
        self.stands_for: dict[str, list[str]] = defaultdict(list)  # drawn id -> the other ids it stands for
        self.aliases: dict[str, str] = {}
        if layout is not None:
            for component_id, drawn in layout.aliases.items():
                if drawn is not None:
                    self.aliases[component_id] = drawn
                    self.stands_for[drawn].append(component_id)

    def components(self, drawn: str) -> list[str]:
        return [drawn, *self.stands_for.get(drawn, ())]

    def first_finding(self, drawn: str) -> str | None:
        """The component whose first finding a click on this element goes to."""
        return next((c for c in self.components(drawn) if c in self.findings), None)

    def lines(self, drawn: str) -> list[tuple[str, str]]:
        """The tooltip of an element: (class, text) per line."""
        topology = self.topology
        component = topology.components[drawn]
        kind = component.kind.singular
        if isinstance(component, Database):
            kind = f"{component.role} {kind}"
        lines = [("head", line) for line in textwrap.wrap(f"{_cut(name_of(topology, drawn))} · {kind}", TIP_WIDTH)]
        details = []
        if isinstance(component, Server):
            details += [f"ip {_cut(component.ip, 40)}" if component.ip else "", "public" if component.public else ""]
            hosted = topology.hosted_on[drawn]
            if hosted:
                details.append("runs " + _cut(", ".join(hosted), 80))
        elif isinstance(component, Cluster):
            details += [component.mode.replace("_", "-"), "members " + _cut(", ".join(component.members), 80)]
        else:
            if component.software:  # what it lacks is said by the findings, not as "none"
                details.append(f"software {_cut(software_name(component.software) or component.software, 40)}")
            if topology.host_of(drawn):
                details.append(f"host {_cut(topology.host_of(drawn), 40)}")
        lines += [("", line) for line in textwrap.wrap(" · ".join(d for d in details if d), TIP_WIDTH)]
        others = self.stands_for.get(drawn, [])
        if others:
            shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            lines += [("", line) for line in textwrap.wrap(f"drawn once for {len(others) + 1} alike: also {shown}",
                                                             TIP_WIDTH)]
        found = [(c, f) for c in self.components(drawn) for f in self.findings.get(c, ())]
        if not found:
            lines.append(("", "no findings"))
        for component_id, finding in found[:TIP_FINDINGS]:
            on = f" ({component_id})" if component_id != drawn else ""
            lines.append((finding.severity.value, _cut(f"{finding.severity.value} · {RULES[finding.rule].name}{on}",
                                                       TIP_WIDTH)))
            wrapped = textwrap.wrap(_cut(finding.message, 400), TIP_WIDTH - 2)
            if len(wrapped) > TIP_FINDING_LINES:
                wrapped = wrapped[: TIP_FINDING_LINES - 1] + [wrapped[TIP_FINDING_LINES - 1][: TIP_WIDTH - 3] + "…"]
            lines += [("", "  " + line) for line in wrapped]
        if len(found) > TIP_FINDINGS:
            lines.append(("", f"and {len(found) - TIP_FINDINGS} more: see the findings"))
        return lines


# --- geometry ---------------------------------------------------------------------------
def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _ring(box: Box, pad: float, filled: bool) -> ET.Element:
    left, top, right, bottom = box
    return ET.Element(f"{{{SVG}}}rect", {
        "class": "ring", "x": _number(left - pad), "y": _number(top - pad), "width": _number(right - left + 2 * pad),
        "height": _number(bottom - top + 2 * pad), "rx": "6", "fill": "transparent" if filled else "none"})


@dataclass(frozen=True)
class _Tip:
    element: ET.Element
    origin: str  # its CSS transform-origin: the point that stays on its component at every zoom step


def _tooltip(tip_id: str, lines: list[tuple[str, str]], near: Box, whole: Box, scale: float, zoom: float) -> _Tip:
    """A tooltip under ``near`` (over it, where there is no room below), inside ``whole``
    at the zoom the page opens with. Its size is in CSS pixels at 100 % (``scale`` CSS
    pixels a unit of the drawing); each zoom step scales it back to that size around its
    origin, a point of its edge kept on the component."""
    size = TIP_FONT / scale
    pad, step = 0.6 * size, 1.35 * size
    width = max(len(text) for _, text in lines) * 0.61 * size + 2 * pad
    height = len(lines) * step + 2 * pad - (step - size)
    left, top, right, bottom = near
    shown_width, shown_height, room = width / zoom, height / zoom, whole[2] - whole[0]
    middle = (left + right) / 2
    if shown_width >= room:
        share = (middle - whole[0]) / room
    else:  # as centred as the drawing's edges let it be
        share = min(max(0.5, 1 - (whole[2] - middle) / shown_width), (middle - whole[0]) / shown_width)
    share = min(max(share, 0.0), 1.0)
    below = bottom + shown_height <= whole[3] or bottom - whole[3] > whole[1] - top
    x = middle - share * width
    y = bottom if below else top - height
    tip = ET.Element(f"{{{SVG}}}g", {"id": tip_id, "class": "tip"})
    ET.SubElement(tip, f"{{{SVG}}}rect", {"x": _number(x), "y": _number(y), "width": _number(width),
                                          "height": _number(height), "rx": _number(0.4 * size)})
    for row, (kind, text) in enumerate(lines):
        attributes = {"x": _number(x + pad), "y": _number(y + pad + size * 0.85 + row * step),
                      "font-size": _number(size)}
        if kind:
            attributes["class"] = kind
        ET.SubElement(tip, f"{{{SVG}}}text", attributes).text = text
    return _Tip(tip, f"{share * 100:.1f}% {'0' if below else '100%'}")


# --- the drawing --------------------------------------------------------------------------
def _parse(svg_text: str) -> ET.Element:
    start = svg_text.find("<svg")
    body = svg_text[start:] if start >= 0 else ""
    if not body or "<!DOCTYPE" in body or "<!ENTITY" in body:
        raise RenderError("the diagram's SVG is not what dot writes")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise RenderError(f"the diagram's SVG cannot be read: {error}") from None
    for element in root.iter():
        if XLINK_HREF in element.attrib:
            element.set("href", element.attrib.pop(XLINK_HREF))
    return root


def _graph_scale(graph: ET.Element) -> float:
    match = re.match(r"scale\(([\d.]+)", graph.get("transform", ""))
    return float(match.group(1)) if match else 1.0


def interactive_diagram(svg_text: str, analysis: Analysis, layout: Layout | None = None) -> InteractiveDiagram:
    """dot's SVG (as ``render_diagram`` writes it) made explorable, for ``analysis``'s report."""
    root = _parse(svg_text)
    graph = next((g for g in root if g.tag == f"{{{SVG}}}g" and g.get("class") == "graph"), None)
    if graph is None:
        raise RenderError("the diagram's SVG has no graph")
    view = [float(n) for n in root.get("viewBox", "0 0 0 0").split()]
    width, height = view[2], view[3]
    scale = _graph_scale(graph)
    facts = _Facts(analysis, layout)
    topology = analysis.topology
    by_element = {element_id(c): c for c in topology.components}
    by_element.update({icon_id(c): c for c in topology.components})
    title = graph.find(f"{{{SVG}}}title")
    for element in graph.iter():  # native tooltips would show over archdoc's
        for old in element.findall(f"{{{SVG}}}title"):
            element.remove(old)
    background = next((p for p in graph if p.tag == f"{{{SVG}}}polygon"), None)
    whole = extent(background) if background is not None else None
    whole = whole or (0.0, -height / scale, width / scale, 0.0)

    drawn_boxes: dict[str, Box] = {}
    hovers: dict[str, list[str]] = defaultdict(list)  # component -> ids of the elements that show its tooltip
    fit = min(1.0, NOMINAL_VIEW / width) if width else 1.0
    default = "fit" if fit >= FIT_AT_LEAST else str(ZOOM_DEFAULT)
    zoom = fit if default == "fit" else ZOOM_DEFAULT / 100
    tips: dict[str, _Tip] = {}
    for element in list(graph):
        element_name = element.get("id", "")
        component = by_element.get(element_name)
        if element.tag != f"{{{SVG}}}g" or component is None:
            continue
        is_box = element.get("class") == "cluster"
        covered = extent(element)
        if covered is None:
            continue
        label = next((t for t in element if t.tag == f"{{{SVG}}}text"), None) if is_box else None
        near = (extent(label) or covered) if label is not None else covered
        if element_name.startswith("c-"):
            drawn_boxes[component] = covered
        hovers[component].append(element_name)
        members = facts.stands_for.get(component, [])
        if members:
            element.set("data-members", " ".join(element_id(m) for m in [component, *members]))
        children = list(element)
        for child in children:
            element.remove(child)
        holder = element
        target = facts.first_finding(component)
        if target is not None:
            holder = ET.SubElement(element, f"{{{SVG}}}a", {"href": f"#{finding_id(target)}"})
        holder.append(_ring(covered, 5.0 if is_box else 3.0, filled=not is_box))
        holder.extend(children)
        if component not in tips:
            tips[component] = _tooltip(tooltip_id(component), facts.lines(component), near, whole, scale, zoom)
    anchors = []
    for component, drawn in facts.aliases.items():
        stand_in = drawn_boxes.get(drawn)
        if stand_in is not None and component not in drawn_boxes:
            anchor = ET.Element(f"{{{SVG}}}g", {"id": element_id(component), "class": "alias",
                                                "data-drawn-as": element_id(drawn)})
            anchor.append(_ring(stand_in, 5.0, filled=False))
            anchors.append(anchor)
    graph.extend(anchors)
    graph.extend(tip.element for tip in tips.values())

    links = {c: element_id(c) for c in drawn_boxes}
    links.update({c: element_id(c) for c in facts.aliases if facts.aliases[c] in drawn_boxes})
    css = _style(hovers, {c: tip.origin for c, tip in tips.items()}, width, height, fit)
    for attribute in list(root.attrib):
        if attribute not in ("viewBox",):
            del root.attrib[attribute]
    root.set("width", _number(width))
    root.set("height", _number(height))
    root.set("class", "archdoc-diagram")
    if title is not None and title.text:
        root.set("aria-label", _cut(title.text, 200))
    check_svg(root)
    check_css(css)
    root.set("xmlns", SVG)
    return InteractiveDiagram(_markup(root), css, links, default)


def _markup(element: ET.Element) -> str:
    """An element as SVG inside HTML writes it: no namespace prefix (an HTML parser reads
    none), every text and value escaped."""
    tag = element.tag.rpartition("}")[2]
    attributes = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in element.attrib.items())
    inner = escape(element.text or "", quote=False) + "".join(_markup(child) for child in element)
    tail = escape(element.tail or "", quote=False)
    return f"<{tag}{attributes}>{inner}</{tag}>{tail}" if inner else f"<{tag}{attributes}/>{tail}"


def _style(hovers: Mapping[str, Iterable[str]], origins: Mapping[str, str], width: float, height: float,
           fit: float) -> str:
    """The rules of this drawing: each tooltip shown by hovering its component, and the
    drawing's size at each zoom step (tooltips scaled back to their own size)."""
    rules = []
    for component, elements in hovers.items():
        tip = tooltip_id(component)
        rules.append(",".join(f"#{e}:hover~#{tip}" for e in elements) + "{visibility:visible}")
        rules.append(f"#{tip}{{transform-origin:{origins[component]}}}")
    rules.append(f"#zoom-fit:checked~.diagram-view svg{{width:100%;height:auto;max-width:{_number(width)}px}}")
    rules.append(f"#zoom-fit:checked~.diagram-view .tip{{transform:scale({1 / fit:.3f})}}")
    for step in ZOOM_STEPS:
        rules.append(f"#zoom-{step}:checked~.diagram-view svg{{width:{_number(width * step / 100)}px;"
                     f"height:{_number(height * step / 100)}px}}")
        if step != 100:
            rules.append(f"#zoom-{step}:checked~.diagram-view .tip{{transform:scale({100 / step:.3f})}}")
    return "\n".join(rules)


# --- the allow-list ------------------------------------------------------------------------
# Numbers as dot writes them, in exponent notation too past a million points (1.8e+06)
_VALUE = {
    "number": r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?(?:px|pt)?",
    "numbers": r"[-+\d.,e ]*",
    "path": r"[-+\d.,e MCLZHVmclzhv]*",
    "colour": r"#[0-9A-Fa-f]{3,8}|[a-z]+",
    "id": ELEMENT_ID + r"|[A-Za-z][A-Za-z0-9_-]*",
    "ids": rf"(?:{ELEMENT_ID})(?: {ELEMENT_ID})*",
    "words": r"[A-Za-z][A-Za-z ,-]*",
    "transform": r"(?:(?:scale|rotate|translate)\([-+\d.e ]+\) ?)+",
    "fragment": r"#[A-Za-z0-9_-]+",
    "picture": r"data:image/png;base64,[A-Za-z0-9+/=]+",
    "any": r"[^\x00-\x08\x0b\x0c\x0e-\x1f]*",
    "namespace": re.escape(SVG),  # printable text (an accessible name); the serializer escapes it
}
_SHAPE = {"fill": "colour", "stroke": "colour", "stroke-width": "number", "stroke-dasharray": "numbers"}
_TEXT = {"x": "number", "y": "number", "text-anchor": "words", "font-family": "words", "font-size": "number",
         "font-weight": "words", "font-style": "words", "fill": "colour", "class": "words"}
_PLACED = {"x": "number", "y": "number", "width": "number", "height": "number", "preserveAspectRatio": "words"}
ALLOWED: dict[str, dict[str, str]] = {
    "svg": {"width": "number", "height": "number", "viewBox": "numbers", "class": "words", "aria-label": "any",
            "xmlns": "namespace"},
    "defs": {},
    "symbol": {"id": "id", "viewBox": "numbers"},
    "image": {**_PLACED, "href": "picture"},
    "g": {"id": "id", "class": "words", "transform": "transform", "data-members": "ids", "data-drawn-as": "id"},
    "a": {"href": "fragment"},
    "use": {**_PLACED, "href": "fragment"},
    "path": {**_SHAPE, "d": "path"},
    "polygon": {**_SHAPE, "points": "numbers"},
    "polyline": {**_SHAPE, "points": "numbers"},
    "ellipse": {**_SHAPE, "cx": "number", "cy": "number", "rx": "number", "ry": "number"},
    "rect": {**_PLACED, "rx": "number", "class": "words", "fill": "colour"},
    "text": _TEXT,
}
_STYLE_TEXT = re.compile(r"[#a-z0-9_~:,.{}();%\n -]*")


def check_css(css: str) -> None:
    """Raise RenderError unless the drawing's rules are made of ids, numbers and the few
    properties archdoc sets: no quote, escape, at-rule, url() or markup."""
    if not _STYLE_TEXT.fullmatch(css) or "url" in css or "import" in css:
        raise RenderError("the diagram's styles hold what archdoc does not write")


def check_svg(root: ET.Element) -> None:
    """Raise RenderError unless every element, attribute and value is one dot and archdoc
    write: a second line behind escaping, as nh3 is for the report's body."""
    for element in root.iter():
        namespace, _, tag = element.tag.rpartition("}")
        if namespace != "{" + SVG or tag not in ALLOWED:
            raise RenderError(f"the diagram's SVG holds an element archdoc does not write: {tag[:40]}")
        for attribute, value in element.attrib.items():
            shape = ALLOWED[tag].get(attribute)
            if shape is None or not re.fullmatch(_VALUE[shape], value):
                raise RenderError(f"the diagram's SVG holds an attribute archdoc does not write: "
                                  f"{tag} {attribute.rpartition('}')[2][:40]}")
        if tag != "text" and (element.text or "").strip():
            raise RenderError(f"the diagram's SVG holds text outside a text element: {tag}")
        if (element.tail or "").strip():
            raise RenderError("the diagram's SVG holds text outside a text element")


# The page's rules for the widget (the drawing's own come with it, in its <style>). Colours
# for a light page, and under .dark for a dark one; on paper, the whole drawing and no controls.
DIAGRAM_CSS = """\
.diagram.interactive { margin: 1em 0; position: relative; }
.diagram.interactive .zoom { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.zoom-steps { font-size: 9pt; margin: 0 0 .4em; color: #566573; }
.zoom-steps label { cursor: pointer; padding: 0 .4em; border: 1px solid #d5d8dc; border-radius: 3px; }
.zoom-steps .hint { color: #7b8894; }
#zoom-fit:checked ~ .zoom-steps label[for=zoom-fit], #zoom-50:checked ~ .zoom-steps label[for=zoom-50],
#zoom-75:checked ~ .zoom-steps label[for=zoom-75], #zoom-100:checked ~ .zoom-steps label[for=zoom-100],
#zoom-150:checked ~ .zoom-steps label[for=zoom-150], #zoom-200:checked ~ .zoom-steps label[for=zoom-200] {
  background: #2e86c1; border-color: #2e86c1; color: #fff; }
.zoom:focus-visible ~ .zoom-steps { outline: 2px solid #2e86c1; outline-offset: 2px; }
.diagram-view { overflow: auto; max-height: 80vh; border: 1px solid #d5d8dc; border-radius: 4px; }
.diagram-view svg { display: block; margin: 0 auto; }
.diagram-view g.edge { pointer-events: none; }
.diagram-view a { cursor: pointer; }
.diagram-view .tip { visibility: hidden; pointer-events: none; transform-box: fill-box; }
.diagram-view .tip rect { fill: #fdfefe; stroke: #566573; stroke-width: .8; }
.diagram-view .tip text { fill: #1c2833; font-family: "DejaVu Sans Mono", "Menlo", "Consolas", monospace; }
.diagram-view .tip text.head { font-weight: bold; }
.diagram-view .tip text.high { fill: #c0392b; }
.diagram-view .tip text.medium { fill: #b9770e; }
.diagram-view .tip text.low { fill: #2e86c1; }
.diagram-view :target > .ring, .diagram-view :target > a > .ring { stroke: #e67e22; stroke-width: 5; }
li:has(> a:target) { background: #fdebd0; outline: 2px solid #e67e22; }
.dark .zoom-steps, .dark .zoom-steps .hint { color: #aab7b8; }
.dark .zoom-steps label, .dark .diagram-view { border-color: #5d6d7e; }
.dark .diagram-view .tip rect { fill: #1c2833; stroke: #aab7b8; }
.dark .diagram-view .tip text { fill: #eaecee; }
.dark .diagram-view .tip text.high { fill: #ff6f61; }
.dark .diagram-view .tip text.medium { fill: #f5b041; }
.dark .diagram-view .tip text.low { fill: #5dade2; }
.dark li:has(> a:target) { background: #4d3b1f; }
@media print {
  .zoom-steps { display: none; }
  .diagram-view { overflow: visible; max-height: none; border: 0; }
  .diagram-view svg { width: 100% !important; height: auto !important; }
}
"""
