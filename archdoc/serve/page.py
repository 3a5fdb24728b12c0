"""The pages of ``archdoc serve``: a design's live page, composed from the files archdoc
rendered into its own temporary folder, and the run's index with the live script added.

The live script (``/live.js``) belongs to these pages only: report.html files never carry
it. What a page shows of a spec was escaped when it was rendered (the diagram by dot, the
report by its templates and the sanitizer); the page's own text is escaped by Jinja.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from archdoc.check.text import count_phrase
from archdoc.render.text import printable_value
from archdoc.run.job import FAILED, FILES, INPUT_ERROR, RENDERED, TIMEOUT, UNCHANGED, RenderResult

SCRIPT = "/live.js"
BUSY = "rendering…"  # said on a page while a render runs long; live.js says it as the page stays
# What serve renders, and what a design's folder offers raw: no PDF (WeasyPrint's second
# or so would delay every update) and no PNG (the page shows the SVG)
SERVED_FORMATS = ("html", "md", "svg", "json")
SERVED_FILES = tuple(FILES[fmt] for fmt in SERVED_FORMATS)

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("archdoc.serve", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    finalize=printable_value,
)

# Pieces of archdoc's own report.html (never of a user's file): its style sheet, its body,
# and in the body the interactive diagram (zoom steps, then the inline SVG, which holds
# no <div>), which the page shows at the top.
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_BODY = re.compile(r"<body>(.*)</body>", re.DOTALL)
_REPORT_DIAGRAM = re.compile(r'<div class="diagram interactive">.*?</svg></div></div>\n?', re.DOTALL)


@dataclass(frozen=True)
class Drawn:
    """The last outputs of a design that rendered: what its page shows below any error."""

    diagram: str  # report.html's interactive diagram: each component linked to its findings
    findings: list[dict[str, Any]]
    report_style: str
    report_body: str  # report.html's body, without the diagram


def read_drawn(folder: Path) -> Drawn | None:
    """What a design's output folder holds, or None when nothing rendered there yet."""
    try:
        findings = json.loads((folder / FILES["json"]).read_text(encoding="utf-8"))["findings"]
        report = (folder / FILES["html"]).read_text(encoding="utf-8")
    except (OSError, ValueError, KeyError):
        return None
    style, body = _STYLE.search(report), _BODY.search(report)
    diagram = _REPORT_DIAGRAM.search(body.group(1)) if body else None
    if style is None or body is None or diagram is None:
        return None
    rest = body.group(1)[: diagram.start()] + body.group(1)[diagram.end():]
    return Drawn(diagram.group(0), findings, style.group(1), rest)


@dataclass(frozen=True)
class DesignView:
    """One design as its page shows it: the last result (None while the first render
    runs), the last outputs that rendered, and when it last changed."""

    name: str
    folder: str
    result: RenderResult | None = None
    drawn: Drawn | None = None
    when: str = ""
    run_error: str | None = None  # the run as a whole failed (the temporary folder cannot be written)
    index: bool = False  # one design of a folder: the page links back to the index


def _status(view: DesignView) -> tuple[str, str, list[str]]:
    """The state's name (a CSS class), its words, and the problems the page lists."""
    result = view.result
    if view.run_error:
        return "failed", "cannot render", [view.run_error]
    if result is None:
        return "busy", "rendering…", []
    if result.status in (RENDERED, UNCHANGED):
        return "good", f"rendered at {view.when}: {count_phrase(result.counts)}", []
    if result.status == INPUT_ERROR:
        return "failed", f"input error at {view.when}", [str(p) for p in result.problems]
    words = {TIMEOUT: "stopped at the time limit", FAILED: "could not be rendered"}.get(result.status, result.status)
    return "failed", f"{words} at {view.when}", [f"{result.name}: {result.status}: {result.error}"]


def design_page(view: DesignView, version: int, busy: bool = False) -> str:
    """A design's live page: its errors, if any, then the last good diagram (the report's,
    to explore), its findings and its report. The one place the page is put together."""
    state, status, problems = _status(view)
    if busy:  # the page shows the last render while the next one runs long
        status = f"{BUSY} (below: {status})"
    drawn = view.drawn
    return _ENV.get_template("page.html.j2").render(
        view=view, state=state, status=status, problems=problems, version=version, script=SCRIPT, files=SERVED_FILES,
        diagram=Markup(drawn.diagram) if drawn else None,
        findings=drawn.findings if drawn else [],
        report_style=Markup(drawn.report_style) if drawn else "",
        report_body=Markup(drawn.report_body) if drawn else None,
    )


def live_index(index: str, version: int) -> str:
    """The run's index (archdoc's own index.html) with the live script in its head."""
    tag = _ENV.from_string('<script src="{{ script }}" data-version="{{ version }}"></script>\n')
    return index.replace("</head>", tag.render(script=SCRIPT, version=version) + "</head>", 1)


def waiting_page(version: int) -> str:
    """What a folder's index says before its first run ends."""
    return design_page(DesignView("the specs", ""), version)
