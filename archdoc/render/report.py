"""The report as Markdown and as one self-contained HTML file, from Jinja2 templates.

The Markdown template holds the content. The HTML is that Markdown converted by the
``markdown`` library inside an HTML template, so both say exactly the same; its diagram
is the interactive SVG (``interactive``), put in after the body is sanitized, and each
finding links to its component on it. For the PDF the diagram is a picture. User text
is escaped for Markdown by the ``md`` filter; the HTML template autoescapes.
"""

from __future__ import annotations

import base64
import html
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2
import markdown
import nh3

from archdoc import __version__
from archdoc.explain import Report
from archdoc.render.ids import ID_BODY, finding_id
from archdoc.render.interactive import DIAGRAM_CSS, InteractiveDiagram
from archdoc.render.text import printable, printable_value

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!])")
_CODE_SPAN = re.compile(r"(`[^`]+`)")
DIAGRAM_FILE = "diagram.png"


# A start Markdown reads as structure: a list item ("- x", "+ x", "1. x", "1) x") or a rule ("---").
_BLOCK_MARKER = re.compile(r"^(?:[-+](?=\s|$|-)|\d+(?=[.)](?:\s|$)))")


CELL_WORD = 30  # characters of a word in a table cell before it may break
_CELL_WORD = re.compile(rf"\S{{{CELL_WORD}}}(?=\S)")


def md(text: object) -> str:
    """Plain text made literal in Markdown: every punctuation mark that means something
    escaped, HTML neutralised, line breaks folded (a paragraph stays one paragraph), and a
    start that Markdown would take for a list or a rule ("- x", "1. x", "---") escaped."""
    literal = _literal(" ".join(printable(text).split()))
    marker = _BLOCK_MARKER.match(literal)
    if marker:
        end = marker.end()
        return literal[:end] + "\\" + literal[end:] if literal[0].isdigit() else "\\" + literal
    return literal


def md_cell(text: object) -> str:
    """``md`` for a table cell: a word longer than CELL_WORD characters may break (a
    zero-width space every CELL_WORD), or the table would stretch the page to its length
    (a browser sizes a column by its longest word; elsewhere the style sheet breaks it)."""
    return md(_CELL_WORD.sub("\\g<0>\u200b", " ".join(printable(text).split())))


def md_trusted(text: object) -> str:
    """Text archdoc itself writes (a rule's why and fix): like ``md``, but its `code` spans
    stay code. Never for anything a spec supplies."""
    parts = _CODE_SPAN.split(" ".join(printable(text).split()))
    return "".join(part if i % 2 else _literal(part) for i, part in enumerate(parts))


# What GitHub's Markdown (and GitLab's, and markdown-it with linkify) turns into a link on
# its own, though nothing marks it up: "scheme://", "mailto:", e-mail addresses and host
# names ("www.x.org"; linkify takes "foobar.com" alone).
_SCHEME = re.compile(r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*):(?=//|[a-z0-9._%+-]+@)")
_HOST_DOT = re.compile(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z])")
_AT = re.compile(r"(?<=[A-Za-z0-9._+-])@(?=[A-Za-z0-9_-])")


def _literal(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # Break what an autolinker would take for a link, invisibly: an entity for the ':' of a
    # scheme and for a dot inside a host name, and the '@' of an address in an element of its own.
    text = _SCHEME.sub(r"\1&#58;", text)
    text = _HOST_DOT.sub("&#46;", text)
    return _AT.sub("<span>@</span>", text)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("archdoc.render", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    finalize=printable_value,
    keep_trailing_newline=True,
    trim_blocks=False,
)
_ENV.filters["md"] = md
_ENV.filters["md_cell"] = md_cell
_ENV.filters["md_trusted"] = md_trusted


class FindingLinks:
    """Each finding's component as a link to it on the diagram (``links``: component id ->
    the element id there); a component's first finding carries ``f-<id>``, where a click
    on the diagram goes. Raw HTML in the Markdown, for the HTML report only."""

    def __init__(self, links: Mapping[str, str]) -> None:
        self.links = links
        self.seen: set[str] = set()

    def __call__(self, component: str) -> str:
        anchor = ""
        if component not in self.seen:
            self.seen.add(component)
            anchor = f' id="{finding_id(component)}"'
        target = self.links.get(component)
        href = f' href="#{target}"' if target else ""
        return f"<a{anchor}{href}><code>{html.escape(printable(component))}</code></a>"


def render_markdown(report: Report, spec_name: str, diagram_src: str = DIAGRAM_FILE,
                    links: Mapping[str, str] | None = None, mermaid: str | None = None,
                    mermaid_too_large: str | None = None) -> str:
    """report.md: the diagram as the image ``diagram_src``, or, given ``mermaid`` (a
    flowchart from ``archdoc.render.mermaid``, which holds no backtick), as a ```mermaid
    block (``mermaid_too_large``: why the image stands in the block's place); with ``links`` (component -> element id on the diagram), the Markdown the HTML
    report is made from, each finding linked to its component."""
    text = _ENV.get_template("report.md.j2").render(
        report=report, diagram_src=diagram_src, mermaid=mermaid, mermaid_too_large=mermaid_too_large, spec_name=spec_name, version=__version__,
        finding_ref=FindingLinks(links) if links is not None else None,
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
                "strong", "em", "code", "a", "img", "span", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "id"}, "img": {"alt", "src"}}
ALLOWED_CLASSES = {"span": {"badge", "high", "medium", "low"}, "p": {"colophon"}}  # class, only these
_COMPONENT_LINK = re.compile(f"#c-{ID_BODY}")  # a link to a component on the diagram
_FINDING_ID = re.compile(f"f-{ID_BODY}")


def _allowed_url(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value == DIAGRAM_FILE else None  # the diagram goes in after cleaning
    if tag == "a" and attribute == "href":
        return value if value.startswith("https://") or _COMPONENT_LINK.fullmatch(value) else None
    if tag == "a" and attribute == "id":
        return value if _FINDING_ID.fullmatch(value) else None
    return value


def sanitize(body: str) -> str:
    """The report's body through an allow-list sanitizer: escaping keeps user text inert,
    and this is the second line: no script, style, event handler, form, frame, remote or
    file: URL can survive, whatever a template or a library let through."""
    return nh3.clean(body, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, allowed_classes=ALLOWED_CLASSES,
                     attribute_filter=_allowed_url, url_schemes={"https"}, strip_comments=True,
                     link_rel="noopener noreferrer")


MM_PER_PX = 25.4 / 96  # a CSS pixel
MIN_SCALE = 0.5  # the smallest text of the drawing is 13 pt: printed at half size, 6.5 pt, no smaller
IN_FLOW = (178, 140)  # mm the diagram may take on the report's first A4 portrait page, under its title
OWN_MARGIN = 8  # mm around a diagram on a page of its own
PAPERS = (("A4", 210, 297), ("A3", 297, 420), ("A2", 420, 594))
MAX_PAGE = 5000  # mm: PDF pages stop at 200 inches


@dataclass(frozen=True)
class DiagramPage:
    """Where the PDF puts the diagram: in the text's flow, or on a page of its own
    (``size`` its CSS, ``width``/``height`` the printed picture in mm)."""

    size: str | None = None
    width: float = 0.0
    height: float = 0.0

    def css(self) -> str:
        if self.size is None:
            return ""
        return (f"@page diagram {{ size: {self.size}; margin: {OWN_MARGIN}mm; }}\n"
                "@media print {\n  .diagram.own { page: diagram; margin: 0; break-before: page; break-after: page; }\n"
                f"  .diagram.own img {{ width: {self.width:.1f}mm; height: {self.height:.1f}mm; max-width: none; "
                "max-height: none; margin: 0 auto; }\n}\n")


def diagram_page(width: int, height: int) -> DiagramPage:
    """The smallest page that shows a diagram of this size (CSS pixels) with its text at
    MIN_SCALE or larger: the first page's flow, A4, A3, A2 (each in the picture's
    orientation first), or past A2 a page of the picture's own size."""
    w, h = width * MM_PER_PX, height * MM_PER_PX

    def scale(room_w: float, room_h: float) -> float:
        return min(1.0, room_w / w, room_h / h)

    wide = width > 1600 and width > 1.15 * height  # as before: a wide picture leaves the text's flow
    if not wide and scale(*IN_FLOW) >= MIN_SCALE:
        return DiagramPage()
    for name, short, long in PAPERS:
        orientations = [("landscape", long, short), ("portrait", short, long)]
        for orientation, paper_w, paper_h in orientations if w >= h else orientations[::-1]:
            fit = scale(paper_w - 2 * OWN_MARGIN, paper_h - 2 * OWN_MARGIN)
            if fit >= MIN_SCALE:
                return DiagramPage(f"{name} {orientation}", w * fit, h * fit)
    fit = min(MIN_SCALE, (MAX_PAGE - 2 * OWN_MARGIN) / max(w, h))
    return DiagramPage(f"{w * fit + 2 * OWN_MARGIN:.0f}mm {h * fit + 2 * OWN_MARGIN:.0f}mm", w * fit, h * fit)


def html_body(report: Report, spec_name: str, links: Mapping[str, str] | None = None) -> str:
    """The report's body in HTML, sanitized; the diagram's src still DIAGRAM_FILE. With
    ``links`` (an interactive diagram's), each finding links to its component."""
    return sanitize(markdown.markdown(render_markdown(report, spec_name, links=links),
                                      extensions=["tables", "sane_lists"], output_format="html"))


_DIAGRAM_PARAGRAPH = re.compile(f'<p><img alt="Diagram[^"]*" src="{re.escape(DIAGRAM_FILE)}"></p>')


def render_html(report: Report, spec_name: str, diagram_png: bytes, size: tuple[int, int] | None = None,
                diagram_src: str | None = None, body: str | None = None, diagram: InteractiveDiagram | None = None,
                theme: str = "light") -> str:
    """One HTML file: styles inline, the diagram inline, no scripts, nothing to fetch.

    ``diagram`` is the interactive SVG to show (report.html); without it the diagram is
    the PNG, inline, or ``diagram_src``, a file of the output folder (for the PDF, which
    WeasyPrint then reads from disk). ``size`` is the PNG's size in CSS pixels (its own,
    unless drawn at another dpi); ``body`` the report's ``html_body``, when already made
    (with the diagram's links, for an interactive diagram); ``theme`` the screen's colours.
    """
    body = body if body is not None else html_body(report, spec_name, diagram.links if diagram else None)
    css = ""
    if diagram is not None and diagram_src is None:
        body = _DIAGRAM_PARAGRAPH.sub(lambda _: diagram.html(), body, count=1)
    else:
        width, height = size or struct.unpack(">II", diagram_png[16:24])  # from the PNG's IHDR chunk
        page = diagram_page(width, height)
        css = page.css()
        src = diagram_src or "data:image/png;base64," + base64.b64encode(diagram_png).decode("ascii")
        body = body.replace('<p><img alt="Diagram', f'<p class="diagram{" own" if page.size else ""}"><img alt="Diagram',
                            1)
        body = body.replace(f'src="{DIAGRAM_FILE}"', f'src="{src}"', 1)
    return _ENV.get_template("report.html.j2").render(
        title=report.title, body=jinja2.utils.markupsafe.Markup(body), theme=theme,
        diagram_css=jinja2.utils.markupsafe.Markup(css),
        interactive_css=jinja2.utils.markupsafe.Markup(DIAGRAM_CSS + "/* this drawing */\n" + diagram.css + "\n"
                                                       if diagram is not None and diagram_src is None else ""))


def warm_templates() -> None:
    """Compile the report's templates (Jinja caches them for the process)."""
    for name in ("report.md.j2", "report.html.j2"):
        _ENV.get_template(name)
