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


def render_markdown(report: Report, spec_name: str, diagram_src: str = DIAGRAM_FILE) -> str:
    text = _ENV.get_template("report.md.j2").render(
        report=report, diagram_src=diagram_src, spec_name=spec_name, version=__version__
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


def render_html(report: Report, spec_name: str, diagram_png: bytes) -> str:
    """One HTML file: styles inline, the diagram inline, no scripts, nothing to fetch."""
    body = sanitize(markdown.markdown(render_markdown(report, spec_name), extensions=["tables", "sane_lists"],
                                      output_format="html"))
    data_uri = "data:image/png;base64," + base64.b64encode(diagram_png).decode("ascii")
    width, height = struct.unpack(">II", diagram_png[16:24])  # from the PNG's IHDR chunk
    # Landscape only when the portrait column (178 mm) would shrink its 16 pt labels below
    # about 6.5 pt: wider than 1600 pixels at 96 dpi, and wider than tall.
    wide = width > 1600 and width > 1.15 * height
    body = body.replace('<p><img alt="Diagram', f'<p class="diagram{" wide" if wide else ""}"><img alt="Diagram', 1)
    body = body.replace(f'src="{DIAGRAM_FILE}"', f'src="{data_uri}"', 1)
    return _ENV.get_template("report.html.j2").render(title=report.title, body=jinja2.utils.markupsafe.Markup(body))
