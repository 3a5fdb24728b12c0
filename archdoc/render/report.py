"""The report as Markdown and as one self-contained HTML file, from Jinja2 templates.

The Markdown template holds the content. The HTML is that Markdown converted by the
``markdown`` library inside an HTML template, with the diagram inlined as a data: URI,
so both say exactly the same. User text is escaped for Markdown by the ``md`` filter;
the HTML template autoescapes.
"""

from __future__ import annotations

import base64
import re
import struct
from dataclasses import dataclass

import jinja2
import markdown
import nh3

from archdoc import __version__
from archdoc.explain import Report
from archdoc.render.text import printable, printable_value

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!])")
_CODE_SPAN = re.compile(r"(`[^`]+`)")
DIAGRAM_FILE = "diagram.png"


# A start Markdown reads as structure: a list item ("- x", "+ x", "1. x", "1) x") or a rule ("---").
_BLOCK_MARKER = re.compile(r"^(?:[-+](?=\s|$|-)|\d+(?=[.)](?:\s|$)))")


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
_ENV.filters["md_trusted"] = md_trusted


def render_markdown(report: Report, spec_name: str, diagram_src: str = DIAGRAM_FILE, mermaid: str | None = None) -> str:
    """report.md: the diagram as the image ``diagram_src``, or, given ``mermaid`` (a
    flowchart from ``archdoc.render.mermaid``, which holds no backtick), as a ```mermaid block."""
    text = _ENV.get_template("report.md.j2").render(
        report=report, diagram_src=diagram_src, mermaid=mermaid, spec_name=spec_name, version=__version__
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
                "strong", "em", "code", "a", "img", "span", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"alt", "src"}}
ALLOWED_CLASSES = {"span": {"badge", "high", "medium", "low"}, "p": {"colophon"}}  # class, only these


def _allowed_url(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value == DIAGRAM_FILE else None  # the diagram goes in after cleaning
    if tag == "a" and attribute == "href":
        return value if value.startswith("https://") else None
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


def html_body(report: Report, spec_name: str) -> str:
    """The report's body in HTML, sanitized; the diagram's src still DIAGRAM_FILE."""
    return sanitize(markdown.markdown(render_markdown(report, spec_name), extensions=["tables", "sane_lists"],
                                      output_format="html"))


def render_html(report: Report, spec_name: str, diagram_png: bytes, size: tuple[int, int] | None = None,
                diagram_src: str | None = None, body: str | None = None) -> str:
    """One HTML file: styles inline, the diagram inline, no scripts, nothing to fetch.

    ``size`` is the diagram's size in CSS pixels (the PNG's, unless drawn at another
    dpi); ``diagram_src`` a file of the output folder to show instead of the inline PNG
    (for the PDF, which WeasyPrint then reads from disk); ``body`` the report's
    ``html_body``, when already made.
    """
    body = body if body is not None else html_body(report, spec_name)
    width, height = size or struct.unpack(">II", diagram_png[16:24])  # from the PNG's IHDR chunk
    page = diagram_page(width, height)
    src = diagram_src or "data:image/png;base64," + base64.b64encode(diagram_png).decode("ascii")
    body = body.replace('<p><img alt="Diagram', f'<p class="diagram{" own" if page.size else ""}"><img alt="Diagram', 1)
    body = body.replace(f'src="{DIAGRAM_FILE}"', f'src="{src}"', 1)
    return _ENV.get_template("report.html.j2").render(title=report.title, body=jinja2.utils.markupsafe.Markup(body),
                                                      diagram_css=jinja2.utils.markupsafe.Markup(page.css()))


def warm_templates() -> None:
    """Compile the report's templates (Jinja caches them for the process)."""
    for name in ("report.md.j2", "report.html.j2"):
        _ENV.get_template(name)
